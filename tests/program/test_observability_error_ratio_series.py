"""The availability error ratio on synthetic traffic: the real expressions of the stacks' alarms
and dashboard, evaluated by tests/support/metric_math.py against a modelled load balancer.

The case that matters is the full outage: with no registered target the ALB answers 503 before
choosing a target, so RequestCount stays silent and only HTTPCode_ELB_503_Count counts those
requests (ELB guide, "CloudWatch metrics for your Application Load Balancer",
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
A ratio over RequestCount alone sees no requests there and pages no one.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.support.metric_math import (
    Traffic,
    evaluate,
    metric_alarm_breaches,
    metric_alarm_datapoints,
)
from tools.graph import Graph, Resource

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
BURN_RATE_WINDOWS = (
    "availability-fast-burn-1h",
    "availability-fast-burn-5m",
    "availability-slow-burn-6h",
    "availability-slow-burn-30m",
)
ERROR_RATIO_ALARMS = (*BURN_RATE_WINDOWS, "deploy-5xx")

NO_REGISTERED_TARGET = Traffic(elb_503=600, registered_targets=False)
ALL_502 = Traffic(requests=600, elb_502=600)
HEALTHY = Traffic(requests=600)
# 0.05 % of requests fail: half the 99.9 % budget, a burn rate of 0.5.
HALF_THE_BUDGET = Traffic(requests=20_000, target_5xx=10)


def alarm_named(graph: Graph, alarm_id: str) -> Resource:
    """The stack's alarm whose logical name ends with ``-<alarm_id>``."""
    (found,) = [
        r
        for r in graph.resources
        if r["type"] in (ALARM, COMPOSITE) and r["name"].endswith(f"-{alarm_id}")
    ]
    return found


def ratio(inputs: dict[str, Any], traffic: Traffic) -> float | None:
    """The alarm's latest datapoint as a fraction (the deploy alarm's is a percentage)."""
    value = metric_alarm_datapoints(inputs, traffic)[-1]
    scale = 100 if inputs["threshold"] >= 1 else 1
    return None if value is None else value / scale


# --- the evaluator itself ---------------------------------------------------------------------


def test_evaluator_fills_gaps_picks_per_period_and_drops_division_by_zero() -> None:
    series = {"a": [None, 2.0, 0.0], "b": [4.0, 4.0, 0.0]}
    assert evaluate("FILL(a,0) + b", series, 3) == [4.0, 6.0, 0.0]
    assert evaluate("a / b", series, 3) == [None, 0.5, None]
    assert evaluate("IF(b >= 1, FILL(a,0)/b, 0)", series, 3) == [0.0, 0.5, 0.0]
    assert evaluate("100 * (b - 1)", series, 3) == [300.0, 300.0, -100.0]


def test_evaluator_refuses_functions_outside_its_subset() -> None:
    with pytest.raises(ValueError, match="outside the evaluated subset"):
        evaluate("RATE(a)", {"a": [1.0]}, 1)


def test_synthetic_load_balancer_publishes_elb_codes_only_per_load_balancer() -> None:
    metric = {
        "namespace": "AWS/ApplicationELB",
        "metricName": "HTTPCode_ELB_503_Count",
        "stat": "Sum",
        "period": 300,
    }
    assert NO_REGISTERED_TARGET.series({**metric, "dimensions": {"LoadBalancer": "lb"}}, 1) == [
        3000
    ]
    per_group = {**metric, "dimensions": {"LoadBalancer": "lb", "TargetGroup": "tg"}}
    assert NO_REGISTERED_TARGET.series(per_group, 1) == [None]


# --- the stacks' alarms -----------------------------------------------------------------------


@pytest.mark.parametrize("alarm_id", ERROR_RATIO_ALARMS)
@pytest.mark.parametrize(
    "traffic",
    [NO_REGISTERED_TARGET, ALL_502],
    ids=["no-registered-target", "all-502"],
)
def test_a_full_outage_is_a_100_percent_error_ratio_and_breaches(
    stack_graph: Graph, alarm_id: str, traffic: Traffic
) -> None:
    inputs = alarm_named(stack_graph, alarm_id)["inputs"]
    assert ratio(inputs, traffic) == pytest.approx(1.0)
    assert metric_alarm_breaches(inputs, traffic)


@pytest.mark.parametrize("alarm_id", ERROR_RATIO_ALARMS)
def test_healthy_traffic_is_a_zero_error_ratio(stack_graph: Graph, alarm_id: str) -> None:
    inputs = alarm_named(stack_graph, alarm_id)["inputs"]
    assert ratio(inputs, HEALTHY) == pytest.approx(0.0)
    assert not metric_alarm_breaches(inputs, HEALTHY)


@pytest.mark.parametrize("alarm_id", ERROR_RATIO_ALARMS)
def test_errors_at_half_the_budget_breach_no_error_ratio_alarm(
    stack_graph: Graph, alarm_id: str
) -> None:
    inputs = alarm_named(stack_graph, alarm_id)["inputs"]
    assert ratio(inputs, HALF_THE_BUDGET) == pytest.approx(0.0005)
    assert not metric_alarm_breaches(inputs, HALF_THE_BUDGET)


@pytest.mark.parametrize("composite_id", ["availability-fast-burn", "availability-slow-burn"])
def test_no_registered_target_sets_off_both_burn_rate_composites(
    stack_graph: Graph, composite_id: str
) -> None:
    rule = alarm_named(stack_graph, composite_id)["inputs"]["alarmRule"]
    names = re.findall(r'ALARM\("([^"]+)"\)', rule)
    assert rule == " AND ".join(f'ALARM("{name}")' for name in names) and len(names) == 2
    members = [
        r for r in stack_graph.of_type(ALARM) if (r.get("outputs") or {}).get("name") in names
    ]
    assert len(members) == 2
    assert all(metric_alarm_breaches(m["inputs"], NO_REGISTERED_TARGET) for m in members)


# --- the dashboard ----------------------------------------------------------------------------


def dashboard_ratio(widget: dict[str, Any], expression_id: str, traffic: Traffic) -> float | None:
    """Evaluate one expression of a dashboard widget: rows ``[namespace, metric, k, v, ..., {id}]``
    are its inputs, summed over the widget's period."""
    properties = widget["properties"]
    values: dict[str, list[float | None]] = {}
    expressions: dict[str, str] = {}
    for row in properties["metrics"]:
        options = row[-1] if isinstance(row[-1], dict) else {}
        if isinstance(row[0], dict):
            if "id" in row[0]:
                expressions[row[0]["id"]] = row[0]["expression"]
            continue
        if "id" not in options:
            continue
        namespace, metric_name, *pairs = row[:-1] if options else row
        metric = {
            "namespace": namespace,
            "metricName": metric_name,
            "dimensions": dict(zip(pairs[::2], pairs[1::2], strict=True)),
            "stat": options.get("stat", properties["stat"]),
            "period": properties["period"],
        }
        values[options["id"]] = traffic.series(metric, 1)
    pending = dict(expressions)
    while pending:
        for query_id, expression in list(pending.items()):
            if set(re.findall(r"\b[a-z][A-Za-z0-9_]*\b", expression)) <= set(values):
                values[query_id] = evaluate(expression, values, 1)
                del pending[query_id]
    return values[expression_id][0]


@pytest.mark.parametrize(
    ("title", "expression_id"),
    [
        ("Errors: 5xx responses and error ratio", "ratio"),
        ("Error budget: burn rate (1 = budget lasts exactly the SLO window)", "ratio"),
    ],
)
def test_dashboard_error_ratio_is_100_percent_with_no_registered_target(
    prod_graph: Graph, title: str, expression_id: str
) -> None:
    body = json.loads(prod_graph.one(DASHBOARD)["inputs"]["dashboardBody"])
    (widget,) = [w for w in body["widgets"] if w["properties"].get("title") == title]
    assert dashboard_ratio(widget, expression_id, NO_REGISTERED_TARGET) == pytest.approx(1.0)
    assert dashboard_ratio(widget, expression_id, HEALTHY) == pytest.approx(0.0)
