"""What README.md's regions quote, computed from the offline graphs, the cost report and the
policy gate."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.cost.compare import Comparison, compare
from tools.cost.portfolio import portfolio_graph
from tools.cost.pricing import Estimate, estimate
from tools.cost.schedule import ScalingEvent, parse_cron, week_periods
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph, Resource
from tools.offline import REPO_ROOT, read_project, run_program, stack_config_map
from tools.policy_gate import (
    POLICY_DIR,
    GateResult,
    PolicyPackClient,
    load_policy_config,
    policy_pack,
    run_with_client,
)

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
SCHEDULE = "aws:scheduler/schedule:Schedule"
ECS_SERVICE = "aws:ecs/service:Service"
# What the error ratio adds to the target's own 5xx so that a full outage (no target) pages.
OUTAGE_METRIC = "HTTPCode_ELB_503_Count"


@dataclass(frozen=True)
class Stack:
    name: str
    graph: Graph
    estimate: Estimate
    gate: GateResult


@dataclass(frozen=True)
class Facts:
    """What the regions quote, computed once: each stack as configured, dev with its night
    schedule on, the portfolio's design, and dev's design alternatives."""

    stacks: tuple[Stack, ...]
    dev_night: Estimate
    dev_night_graph: Graph
    portfolio: Estimate
    dev_alternatives: Comparison

    def stack(self, name: str) -> Stack:
        return next(s for s in self.stacks if s.name == name)


def priced(graph: Graph) -> Estimate:
    return estimate(graph, load_prices(graph.region), load_usage())


def json_graph(graph: Graph) -> dict[str, Any]:
    # The gate judges the graph as `make policy` reads it from disk (JSON types), as make plan does.
    return json.loads(json.dumps(graph.data))


def collect(graphs: Mapping[str, Graph], dev_night: Graph, client: PolicyPackClient) -> Facts:
    """The facts from already planned graphs and a started policy pack (the tests pass theirs)."""
    stacks = tuple(
        Stack(
            name=name,
            graph=graph,
            estimate=priced(graph),
            gate=run_with_client(
                client,
                json_graph(graph),
                load_policy_config(POLICY_DIR / "config" / f"{name}.json"),
                name,
            ),
        )
        for name, graph in graphs.items()
    )
    dev = graphs["dev"]
    return Facts(
        stacks=stacks,
        dev_night=priced(dev_night),
        dev_night_graph=dev_night,
        portfolio=priced(Graph(portfolio_graph(dev.region))),
        dev_alternatives=compare(dev, load_prices(dev.region), load_usage()),
    )


def night_config(stack: str) -> dict[str, str]:
    """The stack's config with the night schedule on at its declared defaults."""
    project = read_project(REPO_ROOT)["name"]
    return {**stack_config_map(stack), f"{project}:nightSchedule": "{}"}


def plan_and_collect() -> Facts:
    """Plan dev, prod and dev at night under mocks, and judge each stack with one pack."""
    with policy_pack() as client:
        graphs = {stack: Graph(run_program(stack)) for stack in ("dev", "prod")}
        dev_night = Graph(run_program("dev", config=night_config("dev")))
        return collect(graphs, dev_night, client)


def endpoint_hours(estimate: Estimate) -> list[tuple[str, float]]:
    """(endpoint, USD per AZ-hour) for each interface endpoint the estimate bills by the hour."""
    return [
        (line.item, line.unit_usd)
        for line in estimate.of_kind("charge")
        if line.unit == "endpoint-AZ-hour"
    ]


@dataclass(frozen=True)
class NightFigures:
    """Dev's night schedule as its graph declares it."""

    scale_in: str
    scale_out: str
    timezone: str
    up_hours_per_week: float
    alarms_back_minutes: int
    recheck_minutes: int


def _by_action(graph: Graph, suffix: str) -> Resource:
    """The one EventBridge Scheduler schedule whose target is that CloudWatch API action."""
    [found] = [s for s in graph.of_type(SCHEDULE) if s["inputs"]["target"]["arn"].endswith(suffix)]
    return found


def _minute_of_week(cron: str) -> int:
    return parse_cron(cron).minutes_of_week()[0]


def night_schedule(graph: Graph) -> NightFigures:
    actions = graph.of_type(SCHEDULED_ACTION)
    scale_in = next(a for a in actions if a["inputs"]["scalableTargetAction"]["maxCapacity"] == 0)
    scale_out = next(a for a in actions if a is not scale_in)
    events = [
        ScalingEvent(
            times=parse_cron(action["inputs"]["schedule"]),
            min_capacity=action["inputs"]["scalableTargetAction"]["minCapacity"],
            max_capacity=action["inputs"]["scalableTargetAction"]["maxCapacity"],
            name=action["name"],
        )
        for action in (scale_in, scale_out)
    ]
    desired = int(graph.one(ECS_SERVICE)["inputs"]["desiredCount"])
    periods = week_periods(desired, events)
    out_cron = scale_out["inputs"]["schedule"]
    back_cron = _by_action(graph, ":enableAlarmActions")["inputs"]["scheduleExpression"]
    rechecks = [
        s["inputs"]["scheduleExpression"]
        for s in graph.of_type(SCHEDULE)
        if s["inputs"]["target"]["arn"].endswith(":setAlarmState")
    ]
    return NightFigures(
        scale_in=scale_in["inputs"]["schedule"],
        scale_out=out_cron,
        timezone=scale_in["inputs"]["timezone"],
        # Rounded: the fractions of a week summed back to hours carry float noise.
        up_hours_per_week=round(sum(p.fraction_of_week for p in periods if p.tasks) * 168, 4),
        alarms_back_minutes=_minute_of_week(back_cron) - _minute_of_week(out_cron),
        recheck_minutes=_minute_of_week(min(rechecks)) - _minute_of_week(back_cron),
    )


def outage_metric_alarms(graph: Graph) -> int:
    """Alarms whose metric math reads the ALB's own 503s: one billed alarm metric each."""
    return sum(
        1
        for alarm in graph.of_type(METRIC_ALARM)
        for query in alarm["inputs"].get("metricQueries") or []
        if (query.get("metric") or {}).get("metricName") == OUTAGE_METRIC
    )
