"""Run a Pulumi program in-process under mocks and record its full resource graph.

This is how the project is checked without the Pulumi CLI or an AWS account: the program registers
its resources with a mock engine that records every registration request (type, name, parent,
inputs, dependencies, resource options), the way the real engine would receive them. The graph
format is described in docs/offline-graph.md.

The pieces: ``mocks`` answers registrations and invokes as AWS would (``zones`` the
availability-zone lookup), ``monitor`` records what the engine receives, ``stack_config`` merges
the config the program reads. Everything callers use is importable from ``tools.offline``.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tools import graph_guard
from tools.offline.mocks import MOCK_ACCOUNT, ProgramMocks
from tools.offline.monitor import RecordingMonitor, json_safe
from tools.offline.stack_config import (
    OWNER_VALUES,
    REPO_ROOT,
    SECRET_PLACEHOLDERS,
    StackConfigMap,
    StackSetupError,
    read_project,
    read_stack_config,
    stack_config_map,
    stack_file,
)

__all__ = [
    "MOCK_ACCOUNT",
    "OWNER_VALUES",
    "REPO_ROOT",
    "SECRET_PLACEHOLDERS",
    "ProgramMocks",
    "RecordingMonitor",
    "StackConfigMap",
    "StackSetupError",
    "graph_path",
    "plan_stack",
    "read_project",
    "read_stack_config",
    "run_program",
    "stack_config_map",
    "stack_file",
    "write_graph",
]


def _resolve(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        return _resolve(_sync_await(value.future()))
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(v) for v in value]
    return value


def run_program(
    stack: str,
    *,
    project_dir: Path = REPO_ROOT,
    config: Mapping[str, str] | None = None,
    secrets: Sequence[str] = (),
    raise_errors: bool = True,
) -> dict[str, Any]:
    """Run ``project_dir/__main__.py`` for ``stack`` under mocks; return the resource graph.

    ``config`` replaces the stack's merged config (tests use it for variants), ``secrets`` the
    paths of its values that stand in for secure ones (read_stack_config). A program error
    (a config error is a ``pulumi.RunError``) propagates; with ``raise_errors=False`` it is
    returned as the graph's ``error``, beside whatever was registered before it.
    """
    project_name = read_project(project_dir)["name"]
    stack_config = (
        StackConfigMap(dict(config), tuple(secrets))
        if config is not None
        else read_stack_config(stack, project_dir)
    )
    config_map = stack_config.values
    region = config_map.get("aws:region", "us-east-1")
    mocks = ProgramMocks(region)
    monitor = RecordingMonitor(mocks)
    pulumi_settings.ROOT.set(None)
    # As the CLI's PULUMI_CONFIG_SECRET_KEYS: the program sends these keys' values as secrets.
    set_all_config(config_map, stack_config.secret_keys)
    pulumi.runtime.set_mocks(
        mocks, project=project_name, stack=stack, preview=False, monitor=monitor
    )
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    root = pulumi_settings.get_root_resource()

    def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

    pulumi_settings._get_rpc_manager().clear()  # as pulumi.runtime.test does between runs
    error: BaseException | None = None
    try:
        _sync_await(run_pulumi_func(program))
    except Exception as program_error:  # noqa: BLE001 (handed back or re-raised below)
        if raise_errors:
            raise
        error = program_error
    exports = (
        _resolve(dict(root.outputs))  # type: ignore[attr-defined]
        if root is not None and error is None
        else {}
    )
    registered = monitor.get_registered_resources()
    resources = []
    for urn, request in monitor.requests.items():
        explained = {u for deps in request["propertyDependencies"].values() for u in deps}
        state = registered[urn].state if urn in registered else {}
        resources.append(
            {
                "urn": urn,
                **request,
                "id": registered[urn].id if urn in registered else None,
                "outputs": json_safe(state),
                "dependsOn": [u for u in request["dependencies"] if u not in explained],
            }
        )
    graph = {
        "project": project_name,
        "stack": stack,
        "region": region,
        "account": MOCK_ACCOUNT,
        "config": config_map,
        # Secure values of the stack file planned with a placeholder (SECRET_PLACEHOLDERS).
        "secrets": list(stack_config.secrets),
        # Registration order varies with async scheduling; URN order keeps graphs reproducible.
        "resources": sorted(resources, key=lambda r: r["urn"]),
        "outputs": json_safe(exports),
        "error": str(error) if error else None,
    }
    if capture_dir := os.environ.get(graph_guard.CAPTURE_ENV):
        graph_guard.record(
            graph,
            project_dir=project_dir,
            config=config_map,
            secrets=stack_config.secrets,
            directory=Path(capture_dir),
        )
    return graph


def plan_stack(stack: str, project_dir: Path = REPO_ROOT) -> dict[str, Any]:
    """The resource graph of ``stack`` (the program's own stack files and defaults)."""
    return run_program(stack, project_dir=project_dir)


def graph_path(stack: str, project_dir: Path = REPO_ROOT) -> Path:
    prefix = "" if project_dir == REPO_ROOT else f"{project_dir.name}-"
    return REPO_ROOT / "build" / f"{prefix}{stack}" / "graph.json"


def write_graph(graph: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(graph, indent=2, sort_keys=True) + "\n")
