"""Read helpers over the Observability part of a graph, and what the alarm-spec table says a
stack's graph must hold (so no test types in an alarm count)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from components.config import ObservabilityConfig, parse_stack_config
from components.observability.alarms import ALARMS, COMPOSITE_ALARMS
from tests.support.paths import FIXTURES
from tools.graph import Graph, Resource
from tools.offline import run_program

SCHEDULE = "aws:scheduler/schedule:Schedule"

OBSERVABILITY_ONLY = FIXTURES / "observability_only"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"


@cache
def observability_only(stack: str) -> Graph:
    """The Observability component alone (tests/fixtures/observability_only), rendered once a
    session: stack ``full`` has every option on, ``plain`` every option off."""
    return Graph(run_program(stack, project_dir=OBSERVABILITY_ONLY))


def solo_alarm(graph: Graph, alarm_id: str) -> dict[str, Any]:
    """The inputs of the fixture's alarm ``alarm_id``."""
    return graph.named(f"solo-{alarm_id}")["inputs"]


def all_alarms(graph: Graph) -> list[Resource]:
    return graph.of_type(METRIC_ALARM) + graph.of_type(COMPOSITE_ALARM)


def notifying(graph: Graph) -> list[Resource]:
    return [a for a in all_alarms(graph) if a["inputs"].get("alarmActions")]


def schedules_by_action(graph: Graph) -> dict[str, list[dict[str, Any]]]:
    """CloudWatch API action the schedule calls -> the schedules' inputs."""
    found: dict[str, list[dict[str, Any]]] = {}
    for schedule in graph.of_type(SCHEDULE):
        action = schedule["inputs"]["target"]["arn"].rsplit(":", 1)[-1]
        found.setdefault(action, []).append(schedule["inputs"])
    return found


@dataclass(frozen=True)
class TableAlarms:
    """Physical names of the alarms the spec table gives a component."""

    metric: frozenset[str]
    composite: frozenset[str]
    notifying: frozenset[str]


def table_alarms(name: str, observability: ObservabilityConfig) -> TableAlarms:
    enabled = [spec for spec in ALARMS if spec.enabled(observability)]
    composite = frozenset(f"{name}-{spec.alarm_id}" for spec in COMPOSITE_ALARMS)
    return TableAlarms(
        metric=frozenset(f"{name}-{spec.alarm_id}" for spec in enabled),
        composite=composite,
        notifying=composite | {f"{name}-{spec.alarm_id}" for spec in enabled if spec.notify},
    )


def stack_table_alarms(graph: Graph) -> TableAlarms:
    """The table's alarms for the stack config the graph was planned with."""
    cfg = parse_stack_config(graph.data["config"], stack=graph.data["stack"])
    return table_alarms(cfg.name_prefix, cfg.observability)
