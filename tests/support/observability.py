"""Read helpers over the Observability part of a graph."""

from __future__ import annotations

from typing import Any

from tools.graph import Graph

SCHEDULE = "aws:scheduler/schedule:Schedule"


def schedules_by_action(graph: Graph) -> dict[str, list[dict[str, Any]]]:
    """CloudWatch API action the schedule calls -> the schedules' inputs."""
    found: dict[str, list[dict[str, Any]]] = {}
    for schedule in graph.of_type(SCHEDULE):
        action = schedule["inputs"]["target"]["arn"].rsplit(":", 1)[-1]
        found.setdefault(action, []).append(schedule["inputs"])
    return found
