"""Second `up` with no change: the diff the provider would show, predicted from the offline graph.

The mocks echo inputs, so the offline graph only ever shows a first create. A real second `up`
compares the program's inputs with the state the provider wrote after reading the resource back
from AWS, and AWS does not return exactly what it was sent. This module models that read-back for
the properties the provider compares by value, then applies the provider's own equivalence check,
so a value AWS rewrites shows up here as the diff (and, for a replace-forcing property, the
replacement) a real second `up` would plan. docs/offline-graph.md ("Second up with no change") lists
what is modelled, its sources and what is not.

The pieces: tools/day2/container_schema.py (the SDK type as Go decodes it),
container_equivalence.py (the provider's check), ecs_read_back.py (what ECS returns),
policy_equivalence.py and policy_read_back.py (policy documents), ipv6_read_back.py (IPv6 CIDRs).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from tools.day2.container_equivalence import container_definitions_are_equivalent, reduced
from tools.day2.ecs_read_back import ecs_read_back
from tools.day2.ipv6_read_back import IPV6_CIDR_PROPERTIES, ipv6_read_back
from tools.day2.policy_read_back import POLICY_PROPERTIES, Effect, policy_read_back
from tools.offline import plan_stack

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
NO_DIFF = "second up with no change: no diff predicted"


@dataclass(frozen=True, kw_only=True)
class PredictedChange:
    """One property an unchanged second `up` would change."""

    urn: str
    type: str
    property: str
    why: str
    effect: Effect


def _container_definition_changes(resource: Mapping[str, Any]) -> list[PredictedChange]:
    document = resource["inputs"].get("containerDefinitions")
    if not isinstance(document, str):
        return []
    network_mode = resource["inputs"].get("networkMode")
    state = ecs_read_back(document, network_mode=network_mode)
    is_awsvpc = network_mode == "awsvpc"
    if container_definitions_are_equivalent(state, document, is_awsvpc=is_awsvpc):
        return []
    return [
        PredictedChange(
            urn=resource["urn"],
            type=resource["type"],
            property="containerDefinitions",
            why="ECS returns "
            + _first_difference(state, document, is_awsvpc=is_awsvpc)
            + "; containerDefinitions forces a new task definition revision, which rolls every "
            "task",
            effect="replace",
        )
    ]


def _first_difference(state: str, program: str, *, is_awsvpc: bool) -> str:
    """Where the reduced read-back and the reduced program first differ, for the report."""
    difference = _difference(
        reduced(state, is_awsvpc=is_awsvpc), reduced(program, is_awsvpc=is_awsvpc), "$"
    )
    return difference or "a definition the provider cannot decode"


def _difference(ours: Any, theirs: Any, path: str) -> str | None:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in ours:
            found = _difference(ours[key], theirs.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            found = _difference(mine, other, f"{path}[{index}]")
            if found:
                return found
        return None
    if ours == theirs:
        return None
    return f"{path} = {json.dumps(ours)} where the program has {json.dumps(theirs)}"


def _policy_changes(resource: Mapping[str, Any]) -> list[PredictedChange]:
    spec = POLICY_PROPERTIES.get(resource["type"])
    document = resource["inputs"].get(spec.property) if spec else None
    if spec is None or not isinstance(document, str) or not document.strip():
        return []
    read_back = policy_read_back(document)
    if spec.equivalent(read_back, document):
        return []
    return [
        PredictedChange(
            urn=resource["urn"],
            type=resource["type"],
            property=spec.property,
            why=f"AWS returns a document the provider's check does not match ({spec.source})",
            effect=spec.effect,
        )
    ]


def _ipv6_cidr_changes(resource: Mapping[str, Any]) -> list[PredictedChange]:
    spec = IPV6_CIDR_PROPERTIES.get(resource["type"])
    cidr = resource["inputs"].get(spec.property) if spec else None
    if spec is None or not isinstance(cidr, str) or ipv6_read_back(cidr) == cidr:
        return []
    return [
        PredictedChange(
            urn=resource["urn"],
            type=resource["type"],
            property=spec.property,
            why=f"EC2 returns {ipv6_read_back(cidr)} for {cidr}, which the provider compares as "
            f"text ({spec.source})",
            effect=spec.effect(resource["inputs"]),
        )
    ]


def predict_second_up(graph: Mapping[str, Any]) -> list[PredictedChange]:
    """The diff an unchanged second `up` of ``graph`` (build/<stack>/graph.json) would show."""
    changes: list[PredictedChange] = []
    for resource in graph["resources"]:
        if not resource.get("custom"):
            continue
        if resource["type"] == TASK_DEFINITION:
            changes.extend(_container_definition_changes(resource))
        changes.extend(_policy_changes(resource))
        changes.extend(_ipv6_cidr_changes(resource))
    return changes


def format_changes(changes: Sequence[PredictedChange]) -> str:
    if not changes:
        return NO_DIFF
    lines = [f"second up with no change: {len(changes)} change(s) predicted"]
    for change in changes:
        lines.append(f"  {change.effect:7} {change.type} {change.property}\n    {change.urn}")
        lines.append(f"    why: {change.why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Predict the diff of an unchanged second `up`.")
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--graph", type=Path, help="a graph.json to read instead of planning")
    args = parser.parse_args(argv)
    if args.graph:
        graph = json.loads(args.graph.read_text())
    else:
        try:
            graph = plan_stack(args.stack)
        except pulumi.RunError as error:  # a config error: one line, as `make plan` prints it
            print(f"error: {error}", file=sys.stderr)
            return 1
    changes = predict_second_up(graph)
    print(format_changes(changes))
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
