"""The policy pack as a process and the Analyzer gRPC client bound to it, started the way the
Pulumi CLI starts a pack (`policy/__main__.py`, cwd the pack directory, the port read from stdout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

REPO = Path(__file__).resolve().parent.parent
POLICY_DIR = REPO / "policy"
LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "disabled": analyzer_pb2.DISABLED,
    "remediate": analyzer_pb2.REMEDIATE,
}
LEVEL_NAMES = {value: name for name, value in LEVELS.items()}
PACK_START_TIMEOUT_S = 30.0


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


class PolicyPackClient:
    """A running policy pack and a stub bound to it."""

    def __init__(self, process: subprocess.Popen[bytes], channel: grpc.Channel) -> None:
        self.process = process
        self.channel = channel
        self.stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        self._info: analyzer_pb2.AnalyzerInfo | None = None
        self._configured: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        # The pack's policies and schemas are fixed for the life of the process; tests share one
        # process for hundreds of runs, so ask once.
        info = self._info
        if info is None:
            info = self._info = self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        return info

    def configure(self, levels: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        if levels == self._configured:
            return  # the pack keeps its configuration between runs
        self._configured = {name: (level, dict(props)) for name, (level, props) in levels.items()}
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, properties) in levels.items():
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(
                    enforcementLevel=LEVELS[level], properties=to_struct(properties)
                )
            )
        self.stub.Configure(request)

    def configure_stack(self, graph: Mapping[str, Any]) -> None:
        config = {
            k: v if isinstance(v, str) else json.dumps(v)
            for k, v in graph.get("config", {}).items()
        }
        self.stub.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=str(graph.get("stack", "")),
                project=str(graph.get("project", "")),
                dry_run=False,
                config=config,
            )
        )

    def analyze(self, request: analyzer_pb2.AnalyzeRequest) -> analyzer_pb2.AnalyzeResponse:
        return self.stub.Analyze(request)

    def analyze_stack(
        self, resources: Sequence[analyzer_pb2.AnalyzerResource]
    ) -> analyzer_pb2.AnalyzeResponse:
        return self.stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=list(resources)))


def _read_port(process: subprocess.Popen[bytes]) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + PACK_START_TIMEOUT_S
    line = b""
    # The pack writes "<port>\n" once its server listens and then sleeps forever.
    os.set_blocking(process.stdout.fileno(), False)
    while not line.endswith(b"\n"):
        if process.poll() is not None:
            raise RuntimeError(f"policy pack exited with {process.returncode} before listening")
        if time.monotonic() > deadline:
            raise TimeoutError("policy pack did not print its port in time")
        chunk = process.stdout.read(64)
        if chunk:
            line += chunk
        else:
            time.sleep(0.01)
    return int(line.strip().splitlines()[0])


@contextmanager
def policy_pack(
    python: str | None = None, prefix: Sequence[str] = ()
) -> Iterator[PolicyPackClient]:
    """Start policy/__main__.py like the CLI (cwd = the pack directory) and stop it after use.

    `prefix` goes between the interpreter and the script (`-m coverage run ...` to measure it).
    """
    process = subprocess.Popen(
        [python or sys.executable, *prefix, "__main__.py"],
        cwd=POLICY_DIR,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    channel: grpc.Channel | None = None
    try:
        port = _read_port(process)
        channel = grpc.insecure_channel(
            f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)]
        )
        grpc.channel_ready_future(channel).result(timeout=PACK_START_TIMEOUT_S)
        yield PolicyPackClient(process, channel)
    finally:
        if channel is not None:
            channel.close()
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
