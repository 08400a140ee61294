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
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

# Run as a script (make policy), the repository is not on sys.path yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.policy_client import (  # noqa: E402
    LEVEL_NAMES,
    POLICY_DIR,
    REPO,
    PolicyPackClient,
    policy_pack,
)
from tools.policy_config import (  # noqa: E402
    PolicyConfigMissing,
    check_policy_config,
    load_policy_config,
    reconcile,
    schema_errors,
)
from tools.policy_requests import analyze_requests, stack_resources  # noqa: E402

__all__ = [
    "POLICY_DIR",
    "Diagnostic",
    "GateResult",
    "NotApplicable",
    "PolicyConfigMissing",
    "PolicyPackClient",
    "check_policy_config",
    "format_result",
    "load_policy_config",
    "main",
    "policy_pack",
    "run_gate",
    "run_with_client",
]


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
    raise SystemExit(main())
