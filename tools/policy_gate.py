"""Offline CrossGuard gate: drive policy/__main__.py over the Analyzer gRPC protocol.

It speaks to the pack exactly as the Pulumi CLI does during `pulumi preview --policy-pack policy
--policy-pack-config policy/config/<stack>.json`: GetAnalyzerInfo, ConfigureStack, Configure
(every policy's enforcement level and properties, defaults reconciled as the CLI's
ReconcilePolicyPackConfig does), Analyze per resource with its inputs and options, then
AnalyzeStack with every resource's outputs, parent, dependencies and property dependencies.
Offline every value is known, so this run is the blocking gate (policy_rules.md §14.3).

    python tools/policy_gate.py --stack dev [--graph build/dev/graph.json]
                                [--config policy/config/dev.json]

Exit status 1 on any mandatory violation, on a policy config error (unknown policy, waiver
without a reason) or on an advisory violation the stack's config does not explain.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from google.protobuf.json_format import MessageToDict
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
STRICT_STACKS = ("prod",)
PACK_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    level: str
    message: str
    urn: str


@dataclass(frozen=True)
class NotApplicable:
    policy: str
    reason: str


@dataclass
class GateResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_applicable: list[NotApplicable] = field(default_factory=list)
    config_errors: list[str] = field(default_factory=list)
    unexplained_advisories: list[Diagnostic] = field(default_factory=list)
    policy_levels: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    """Why the stack's policy config lowers a policy: printed under its advisory findings."""

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "mandatory"]

    @property
    def advisory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "advisory"]

    @property
    def passed(self) -> bool:
        return not (self.mandatory or self.config_errors or self.unexplained_advisories)


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


# --- the pack process ---------------------------------------------------------------------------


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


# --- policy config --------------------------------------------------------------------------------


class PolicyConfigMissing(Exception):
    """The stack has no policy config file: `make plan` and `make policy` print this one line."""


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def load_policy_config(path: Path) -> dict[str, Any]:
    """The stack's policy config; a missing file says which file to create from which example
    (a new stack's waivers are a review decision, so no default is assumed)."""
    if not path.exists():
        stack = path.stem
        examples = [_shown(p) for p in sorted(path.parent.glob("*.json")) if p != path]
        source = (
            f"copy {' or '.join(examples)} and review each waiver"
            if examples
            else "{} for the pack's defaults"
        )
        raise PolicyConfigMissing(
            f"no policy config for stack {stack}: create {_shown(path)} ({source})"
        )
    return json.loads(path.read_text()) if path.read_text().strip() else {}


def _normalise(entry: Any) -> tuple[str | None, dict[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping):
        properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        return entry.get("enforcementLevel"), properties
    raise ValueError(f"{entry!r} is not a level or an object")


def reconcile(
    info: analyzer_pb2.AnalyzerInfo, config: Mapping[str, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each policy's (level, properties): pack defaults, schema defaults, "all", then per policy."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    all_level, _ = _normalise(config.get("all", {}))
    for policy in info.policies:
        schema = MessageToDict(policy.configSchema.properties)
        defaults = {
            k: v["default"] for k, v in schema.items() if isinstance(v, dict) and "default" in v
        }
        level = LEVEL_NAMES[policy.enforcementLevel]
        if all_level:
            level = all_level
        own_level, properties = _normalise(config.get(policy.name, {}))
        result[policy.name] = (own_level or level, {**defaults, **properties})
    return result


def schema_errors(
    info: analyzer_pb2.AnalyzerInfo, levels: Mapping[str, tuple[str, Mapping[str, Any]]]
) -> list[str]:
    """Each policy's reconciled properties checked against its config schema, as the CLI does
    before a preview: ReconcilePolicyPackConfig ends in ValidatePolicyPackConfig, which validates
    {"type": "object", "properties": <schema>} with gojsonschema (pulumi/pulumi
    sdk/go/common/resource/plugin/analyzer_plugin.go). jsonschema comes with check-jsonschema."""
    from jsonschema import Draft7Validator

    errors: list[str] = []
    for policy in info.policies:
        properties = MessageToDict(policy.configSchema.properties)
        schema = {"type": "object", "properties": properties}
        values = levels.get(policy.name, ("", {}))[1]
        for error in Draft7Validator(schema).iter_errors(dict(values)):
            where = ".".join(str(p) for p in error.absolute_path) or "properties"
            errors.append(f"{policy.name}: {where}: {error.message}")
    return errors


def check_policy_config(config: Mapping[str, Any], known: Sequence[str], stack: str) -> list[str]:
    """Waivers carry reasons; names are real policies; prod waives only what policy/waivers.py
    allows, no lower than it allows."""
    # Imported here: run as a script, this module puts the repository on sys.path in main().
    from policy.waivers import PROD_WAIVABLE

    errors: list[str] = []
    strict = stack in STRICT_STACKS
    for name, entry in config.items():
        if name == "all":
            all_level, _ = _normalise(entry)
            if strict and all_level not in (None, "mandatory"):
                errors.append(f'all: {all_level} in {stack}; prod keeps "all": "mandatory"')
            continue
        if name not in known:
            errors.append(f"{name}: no such policy in the pack")
            continue
        try:
            level, properties = _normalise(entry)
        except ValueError as error:
            errors.append(f"{name}: {error}")
            continue
        if level is not None and level not in LEVELS:
            errors.append(f"{name}: {level!r} is not an enforcement level")
        reason = str(properties.get("reason") or "").strip()
        if level == "disabled" and not reason:
            errors.append(f'{name}: disabled without a reason (add "reason": "...")')
        if strict and level not in (None, "mandatory") and not reason:
            errors.append(f"{name}: {level} in {stack} without a reason")
        if strict and level in ("advisory", "disabled"):
            waiver = PROD_WAIVABLE.get(name)
            if waiver is None:
                errors.append(
                    f"{name}: {level} in {stack}, but {stack} may waive only the policies "
                    "listed in policy/waivers.py; keep it mandatory (a reason is not enough)"
                )
            elif level == "disabled" and waiver.lowest == "advisory":
                errors.append(
                    f"{name}: disabled in {stack}, but policy/waivers.py allows it no lower "
                    f"than advisory ({waiver.why})"
                )
    return errors


# --- graph -> protocol messages -------------------------------------------------------------------


def _options(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    options = resource.get("options") or {}
    delete_before_replace = options.get("deleteBeforeReplace")
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(options.get("protect", False)),
        ignoreChanges=list(options.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(delete_before_replace),
        deleteBeforeReplaceDefined=delete_before_replace is not None,
        aliases=list(options.get("aliases") or []),
        parent=str(resource.get("parent") or ""),
    )


def _default_provider(graph: Mapping[str, Any]) -> analyzer_pb2.AnalyzerProviderResource:
    """The default aws provider the engine would build from the stack's aws:* config."""
    properties: dict[str, Any] = {}
    for key, value in (graph.get("config") or {}).items():
        if key.startswith("aws:"):
            properties[key.split(":", 1)[1]] = value
    urn = f"urn:pulumi:{graph.get('stack', '')}::{graph.get('project', '')}::pulumi:providers:aws::default"
    return analyzer_pb2.AnalyzerProviderResource(
        type="pulumi:providers:aws", urn=urn, name="default", properties=to_struct(properties)
    )


def _provider_for(
    resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]], default: Any
) -> analyzer_pb2.AnalyzerProviderResource | None:
    reference = str(resource.get("provider") or "").split("::")
    urn = "::".join(reference[:-1]) if len(reference) > 1 else ""
    if urn in by_urn:
        provider = by_urn[urn]
        return analyzer_pb2.AnalyzerProviderResource(
            type=str(provider["type"]),
            urn=urn,
            name=str(provider["name"]),
            properties=to_struct(provider.get("inputs") or {}),
        )
    if str(resource.get("type", "")).startswith("aws:"):
        return default
    return None


def analyze_requests(graph: Mapping[str, Any]) -> list[analyzer_pb2.AnalyzeRequest]:
    resources = graph.get("resources", [])
    by_urn = {r["urn"]: r for r in resources}
    default = _default_provider(graph)
    requests: list[analyzer_pb2.AnalyzeRequest] = []
    for resource in resources:
        request = analyzer_pb2.AnalyzeRequest(
            type=resource["type"],
            urn=resource["urn"],
            name=resource["name"],
            properties=to_struct(resource.get("inputs") or {}),
            options=_options(resource),
        )
        provider = _provider_for(resource, by_urn, default)
        if provider is not None:
            request.provider.CopyFrom(provider)
        requests.append(request)
    return requests


def stack_resources(graph: Mapping[str, Any]) -> list[analyzer_pb2.AnalyzerResource]:
    resources = graph.get("resources", [])
    by_urn = {r["urn"]: r for r in resources}
    default = _default_provider(graph)
    result: list[analyzer_pb2.AnalyzerResource] = []
    for resource in resources:
        message = analyzer_pb2.AnalyzerResource(
            type=resource["type"],
            urn=resource["urn"],
            name=resource["name"],
            properties=to_struct(resource.get("outputs") or resource.get("inputs") or {}),
            options=_options(resource),
            parent=str(resource.get("parent") or ""),
            dependencies=list(resource.get("dependencies") or []),
        )
        for key, urns in (resource.get("propertyDependencies") or {}).items():
            if urns:
                message.propertyDependencies[key].urns.extend(urns)
        provider = _provider_for(resource, by_urn, default)
        if provider is not None:
            message.provider.CopyFrom(provider)
        result.append(message)
    return result


# --- running ----------------------------------------------------------------------------------------


def _collect(response: analyzer_pb2.AnalyzeResponse, result: GateResult) -> None:
    for diagnostic in response.diagnostics:
        result.diagnostics.append(
            Diagnostic(
                policy=diagnostic.policyName,
                level=LEVEL_NAMES[diagnostic.enforcementLevel],
                message=diagnostic.message.split("\n", 1)[-1],
                urn=diagnostic.urn,
            )
        )
    for skipped in response.not_applicable:
        result.not_applicable.append(NotApplicable(skipped.policy_name, skipped.reason))


def run_with_client(
    client: PolicyPackClient,
    graph: Mapping[str, Any],
    policy_config: Mapping[str, Any],
    stack: str | None = None,
) -> GateResult:
    """One gate run on an already started pack (tests share one pack per module)."""
    stack = stack or str(graph.get("stack", ""))
    info = client.info()
    names = [p.name for p in info.policies]
    levels = reconcile(info, policy_config)
    errors = check_policy_config(policy_config, names, stack) + schema_errors(info, levels)
    result = GateResult(config_errors=errors)
    result.policy_levels = {name: level for name, (level, _) in levels.items()}
    client.configure_stack(graph)
    client.configure(levels)
    for request in analyze_requests(graph):
        _collect(client.analyze(request), result)
    _collect(client.analyze_stack(stack_resources(graph)), result)
    result.reasons = {
        name: reason
        for name, (_, properties) in levels.items()
        if (reason := str(properties.get("reason") or "").strip())
    }
    result.unexplained_advisories = [d for d in result.advisory if d.policy not in result.reasons]
    return result


def run_gate(
    graph: Mapping[str, Any], policy_config: Mapping[str, Any], stack: str | None = None
) -> GateResult:
    with policy_pack() as client:
        return run_with_client(client, graph, policy_config, stack)


def format_result(result: GateResult, stack: str) -> str:
    lines: list[str] = []
    for level, diagnostics in (("mandatory", result.mandatory), ("advisory", result.advisory)):
        lines.append(f"{level} violations ({len(diagnostics)}):")
        for d in sorted(diagnostics, key=lambda d: (d.policy, d.message)):
            lines.append(f"  [{d.policy}] {d.message}")
            if level == "advisory" and d.policy in result.reasons:
                lines.append(f"      advisory here because: {result.reasons[d.policy]}")
    if result.not_applicable:
        lines.append(f"skipped on unknown values ({len(result.not_applicable)}):")
        for n in result.not_applicable:
            lines.append(f"  [{n.policy}] {n.reason}")
    for error in result.config_errors:
        lines.append(f"policy config error: {error}")
    for d in result.unexplained_advisories:
        lines.append(f"advisory without a reason in the stack's policy config: [{d.policy}]")
    verdict = "PASS" if result.passed else "FAIL"
    lines.append(
        f"policy gate {verdict} for stack {stack}: {len(result.mandatory)} mandatory, "
        f"{len(result.advisory)} advisory, {len(result.policy_levels)} policies"
    )
    return "\n".join(lines)


def _load_graph(stack: str, graph_path: Path | None) -> dict[str, Any]:
    path = graph_path or REPO / "build" / stack / "graph.json"
    if path.exists():
        return json.loads(path.read_text())
    try:
        from tools.offline import plan_stack  # type: ignore[import-not-found]
    except ImportError as error:
        raise SystemExit(f"{path} is missing; run `make plan STACK={stack}` first") from error
    return plan_stack(stack)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--graph", type=Path)
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    started = time.monotonic()
    config_path = args.config or POLICY_DIR / "config" / f"{args.stack}.json"
    try:
        policy_config = load_policy_config(config_path)
    except PolicyConfigMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    graph = _load_graph(args.stack, args.graph)
    result = run_gate(graph, policy_config, args.stack)
    print(format_result(result, args.stack))
    print(f"({time.monotonic() - started:.2f} s)")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
