"""The Observability component's alarms on its own (tests/fixtures/observability_only): burn-rate
windows and composites, service and log alarms as the spec table renders them, what CloudWatch
accepts, runbook links. Stack ``full`` has every option on, ``plain`` every option off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from components.config import ObservabilityConfig
from components.slo import error_ratio_expression
from tests.support.observability import (
    all_alarms,
    notifying,
    observability_only,
    solo_alarm,
    table_alarms,
)
from tests.support.paths import REPO_ROOT
from tools.graph import Graph, Resource

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
RUNBOOK = REPO_ROOT / "docs/runbook.md"
RUNBOOK_PARTS = ("What it means", "First three things to look at", "How to recover")
WINDOW_ALARMS = {
    "availability-fast-burn-1h": (3600, 0.0144),
    "availability-fast-burn-5m": (300, 0.0144),
    "availability-slow-burn-6h": (21600, 0.006),
    "availability-slow-burn-30m": (1800, 0.006),
}


@pytest.fixture(scope="module")
def full() -> Graph:
    return observability_only("full")


@pytest.fixture(scope="module")
def plain() -> Graph:
    return observability_only("plain")


def queries_by_id(inputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in inputs["metricQueries"]}


# --- availability: burn-rate windows and composites ------------------------------------------


@pytest.mark.parametrize("alarm_id", sorted(WINDOW_ALARMS))
def test_burn_rate_window_threshold_is_burn_rate_times_error_budget(
    full: Graph, alarm_id: str
) -> None:
    _, threshold = WINDOW_ALARMS[alarm_id]
    inputs = solo_alarm(full, alarm_id)
    assert inputs["threshold"] == pytest.approx(threshold, rel=1e-9)
    assert inputs["comparisonOperator"] == "GreaterThanThreshold"


@pytest.mark.parametrize("alarm_id", sorted(WINDOW_ALARMS))
def test_burn_rate_window_is_one_datapoint_of_a_window_long_period(
    full: Graph, alarm_id: str
) -> None:
    window, _ = WINDOW_ALARMS[alarm_id]
    inputs = solo_alarm(full, alarm_id)
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"] == 1
    metrics = [q["metric"] for q in inputs["metricQueries"] if "metric" in q]
    assert {m["period"] for m in metrics} == {window}


@pytest.mark.parametrize("alarm_id", sorted(WINDOW_ALARMS))
def test_burn_rate_window_divides_all_alb_5xx_by_requests_of_this_load_balancer(
    full: Graph, alarm_id: str
) -> None:
    # The expression's arithmetic is evaluated in test_observability_error_ratio_series.py.
    inputs = solo_alarm(full, alarm_id)
    queries = queries_by_id(inputs)
    metrics = {qid: q["metric"] for qid, q in queries.items() if "metric" in q}
    assert {qid: m["metricName"] for qid, m in metrics.items()} == {
        "target_5xx": "HTTPCode_Target_5XX_Count",
        "elb_5xx": "HTTPCode_ELB_5XX_Count",
        "requests": "RequestCount",
        "elb_503": "HTTPCode_ELB_503_Count",
    }
    lb = full.data["outputs"]["loadBalancerArnSuffix"]
    for metric in metrics.values():
        assert metric["namespace"] == "AWS/ApplicationELB"
        assert metric["stat"] == "Sum"
        assert metric["dimensions"] == {"LoadBalancer": lb}
    (expression,) = [q for q in queries.values() if "expression" in q]
    assert expression["expression"] == error_ratio_expression(50)
    assert expression["returnData"] is True
    assert not any(q.get("returnData") for q in queries.values() if "metric" in q)
    assert inputs["treatMissingData"] == "notBreaching"


@pytest.mark.parametrize("alarm_id", sorted(WINDOW_ALARMS))
def test_burn_rate_windows_never_notify_on_their_own(full: Graph, alarm_id: str) -> None:
    inputs = solo_alarm(full, alarm_id)
    assert not inputs.get("alarmActions")
    assert not inputs.get("okActions")
    assert not inputs.get("insufficientDataActions")


@pytest.mark.parametrize(
    ("composite_id", "long_window", "short_window"),
    [
        ("availability-fast-burn", "availability-fast-burn-1h", "availability-fast-burn-5m"),
        ("availability-slow-burn", "availability-slow-burn-6h", "availability-slow-burn-30m"),
    ],
)
def test_composite_requires_its_long_and_short_window_in_alarm(
    full: Graph, composite_id: str, long_window: str, short_window: str
) -> None:
    rule = solo_alarm(full, composite_id)["alarmRule"]
    long_name = full.named(f"solo-{long_window}")["outputs"]["name"]
    short_name = full.named(f"solo-{short_window}")["outputs"]["name"]
    assert rule == f'ALARM("{long_name}") AND ALARM("{short_name}")'


def test_only_the_composites_notify_among_the_availability_alarms(full: Graph) -> None:
    availability = [a for a in all_alarms(full) if a["name"].startswith("solo-availability-")]
    assert sorted(a["name"] for a in availability if a["inputs"].get("alarmActions")) == [
        "solo-availability-fast-burn",
        "solo-availability-slow-burn",
    ]
    assert all(a["type"] == COMPOSITE for a in availability if a["inputs"].get("alarmActions"))


# --- what the spec table renders ------------------------------------------------------------


def names(resources: list[Resource]) -> set[str]:
    return {resource["name"] for resource in resources}


def test_full_renders_every_alarm_of_the_spec_table(full: Graph) -> None:
    # full turns every feature flag on.
    expected = table_alarms("solo", ObservabilityConfig())
    assert names(full.of_type(ALARM)) == expected.metric
    assert names(full.of_type(COMPOSITE)) == expected.composite
    assert names(notifying(full)) == expected.notifying


def test_plain_leaves_out_exactly_the_alarms_its_flags_turn_off(plain: Graph) -> None:
    # plain turns runningTasksAlarm off and leaves the other flags at their defaults.
    expected = table_alarms("solo", ObservabilityConfig(running_tasks_alarm=False))
    assert names(plain.of_type(ALARM)) == expected.metric
    assert names(plain.of_type(COMPOSITE)) == expected.composite
    assert names(notifying(plain)) == expected.notifying


# --- other alarms ---------------------------------------------------------------------------


def test_latency_alarm_is_p99_target_response_time_above_the_slo_3_of_5_minutes(
    full: Graph,
) -> None:
    inputs = solo_alarm(full, "latency-p99")
    assert (inputs["namespace"], inputs["metricName"]) == (
        "AWS/ApplicationELB",
        "TargetResponseTime",
    )
    assert inputs["extendedStatistic"] == "p99"
    assert "statistic" not in inputs
    assert inputs["evaluateLowSampleCountPercentiles"] == "ignore"
    assert (inputs["period"], inputs["evaluationPeriods"], inputs["datapointsToAlarm"]) == (
        60,
        5,
        3,
    )
    assert (inputs["comparisonOperator"], inputs["threshold"]) == ("GreaterThanThreshold", 1)
    assert inputs["treatMissingData"] == "notBreaching"


@pytest.mark.parametrize("alarm_id", ["latency-p99", "unhealthy-hosts", "healthy-hosts-low"])
def test_target_group_alarms_use_both_arn_suffixes(full: Graph, alarm_id: str) -> None:
    outputs = full.data["outputs"]
    assert solo_alarm(full, alarm_id)["dimensions"] == {
        "LoadBalancer": outputs["loadBalancerArnSuffix"],
        "TargetGroup": outputs["targetGroupArnSuffix"],
    }


def test_unhealthy_hosts_alarm_fires_on_any_unhealthy_target_for_3_minutes(full: Graph) -> None:
    inputs = solo_alarm(full, "unhealthy-hosts")
    assert (inputs["metricName"], inputs["statistic"]) == ("UnHealthyHostCount", "Maximum")
    assert (inputs["comparisonOperator"], inputs["threshold"]) == ("GreaterThanThreshold", 0)
    assert (inputs["period"], inputs["evaluationPeriods"], inputs["datapointsToAlarm"]) == (
        60,
        3,
        3,
    )
    assert inputs["treatMissingData"] == "notBreaching"


def test_healthy_hosts_alarm_fires_below_the_autoscaling_minimum_and_on_silence(
    full: Graph,
) -> None:
    inputs = solo_alarm(full, "healthy-hosts-low")
    assert (inputs["metricName"], inputs["statistic"]) == ("HealthyHostCount", "Minimum")
    assert (inputs["comparisonOperator"], inputs["threshold"]) == ("LessThanThreshold", 2)
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"] == 5
    assert inputs["treatMissingData"] == "breaching"


def test_running_tasks_alarm_compares_desired_and_running_container_insights_counts(
    full: Graph,
) -> None:
    inputs = solo_alarm(full, "running-tasks-low")
    queries = queries_by_id(inputs)
    assert {q["metric"]["metricName"] for q in queries.values() if "metric" in q} == {
        "DesiredTaskCount",
        "RunningTaskCount",
    }
    for query in queries.values():
        if "metric" in query:
            assert query["metric"]["namespace"] == "ECS/ContainerInsights"
            assert query["metric"]["dimensions"] == {
                "ClusterName": "solo-cluster",
                "ServiceName": "solo-service",
            }
    assert queries["missing"]["expression"] == "FILL(desired,0) - FILL(running,0)"
    assert (inputs["comparisonOperator"], inputs["threshold"]) == ("GreaterThanThreshold", 0)


def test_no_running_tasks_alarm_without_container_insights(plain: Graph) -> None:
    with pytest.raises(KeyError):
        plain.named("solo-running-tasks-low")


@pytest.mark.parametrize(
    ("alarm_id", "metric_name"),
    [("ecs-cpu-high", "CPUUtilization"), ("ecs-memory-high", "MemoryUtilization")],
)
def test_utilization_alarms_fire_at_80_percent_average_for_5_minutes(
    full: Graph, alarm_id: str, metric_name: str
) -> None:
    inputs = solo_alarm(full, alarm_id)
    assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == (
        "AWS/ECS",
        metric_name,
        "Average",
    )
    assert inputs["dimensions"] == {"ClusterName": "solo-cluster", "ServiceName": "solo-service"}
    assert (inputs["comparisonOperator"], inputs["threshold"]) == (
        "GreaterThanOrEqualToThreshold",
        80,
    )
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"] == 5
    assert inputs["treatMissingData"] == "notBreaching"


def test_no_traffic_is_not_an_outage_for_any_alarm_but_healthy_hosts(full: Graph) -> None:
    breaching = [
        a["name"]
        for a in full.of_type(ALARM)
        if a["inputs"].get("treatMissingData") != "notBreaching"
    ]
    assert breaching == ["solo-healthy-hosts-low"]


def test_no_alarm_acts_on_insufficient_data(full: Graph) -> None:
    # Sparse counts flap through INSUFFICIENT_DATA (pitfall alarm-missing-data): never page on it.
    for resource in all_alarms(full):
        assert not resource["inputs"].get("insufficientDataActions"), resource["name"]


def test_percentiles_only_in_extended_statistic(full: Graph) -> None:
    for resource in full.of_type(ALARM):
        assert not str(resource["inputs"].get("statistic", "")).startswith("p"), resource["name"]


def put_metric_alarm_problems(inputs: dict[str, Any]) -> list[str]:
    """What CloudWatch's PutMetricAlarm would reject (or silently never evaluate) in an alarm."""
    problems: list[str] = []
    queries = inputs.get("metricQueries") or []
    if bool(queries) == bool(inputs.get("metricName")):
        problems.append("needs exactly one of metricName and metricQueries")
    periods = [q["metric"]["period"] for q in queries if "metric" in q]
    if inputs.get("metricName"):
        periods.append(inputs.get("period", 0))
        if ("statistic" in inputs) == ("extendedStatistic" in inputs):
            problems.append("needs exactly one of statistic and extendedStatistic")
        if "evaluateLowSampleCountPercentiles" in inputs and "extendedStatistic" not in inputs:
            problems.append("evaluateLowSampleCountPercentiles applies to percentiles only")
    ids = [q["id"] for q in queries]
    if len(set(ids)) != len(ids) or not all(re.fullmatch(r"[a-z][A-Za-z0-9_]*", i) for i in ids):
        problems.append(f"query ids must be unique and start lower-case: {ids}")
    if queries and sum(bool(q.get("returnData")) for q in queries) != 1:
        problems.append("exactly one query must return data")
    for query in queries:
        if ("metric" in query) == ("expression" in query):
            problems.append(f"query {query['id']} needs exactly one of metric and expression")
        elif "expression" in query:
            # Lower-case words in an expression are query ids; functions are upper-case.
            unknown = set(re.findall(r"\b[a-z][A-Za-z0-9_]*\b", query["expression"])) - set(ids)
            if unknown:
                problems.append(f"query {query['id']} reads undefined ids {sorted(unknown)}")
    for period in periods:
        if period not in (10, 20, 30) and (period <= 0 or period % 60):
            problems.append(f"period {period} is not 10, 20, 30 or a multiple of 60")
    evaluation_range = max(periods, default=0) * inputs["evaluationPeriods"]
    if evaluation_range > (86_400 if max(periods, default=0) < 3600 else 604_800):
        problems.append(f"period x evaluationPeriods = {evaluation_range} s is too long")
    if inputs.get("datapointsToAlarm", 1) > inputs["evaluationPeriods"]:
        problems.append("datapointsToAlarm exceeds evaluationPeriods")
    if inputs.get("treatMissingData") not in ("breaching", "notBreaching", "ignore", "missing"):
        problems.append(f"treatMissingData {inputs.get('treatMissingData')!r}")
    return problems


@pytest.mark.parametrize("stack", ["full", "plain"])
def test_every_metric_alarm_is_one_put_metric_alarm_accepts(
    full: Graph, plain: Graph, stack: str
) -> None:
    graph = full if stack == "full" else plain
    for resource in graph.of_type(ALARM):
        assert put_metric_alarm_problems(resource["inputs"]) == [], resource["name"]


def test_the_alarm_validity_check_catches_what_put_metric_alarm_rejects() -> None:
    valid = {
        "metricQueries": [
            {"id": "m1", "metric": {"period": 21_600}, "returnData": False},
            {"id": "ratio", "expression": "FILL(m1,0)", "returnData": True},
        ],
        "evaluationPeriods": 1,
        "treatMissingData": "notBreaching",
    }
    assert put_metric_alarm_problems(valid) == []
    broken = {
        "metricQueries": [
            {"id": "M1", "metric": {"period": 90}, "returnData": True},
            {"id": "ratio", "expression": "FILL(m2,0)", "returnData": True},
        ],
        "evaluationPeriods": 1000,
        "datapointsToAlarm": 1001,
    }
    assert len(put_metric_alarm_problems(broken)) == 7


# --- runbook --------------------------------------------------------------------------------


def runbook_sections() -> dict[str, str]:
    """Level-2 heading (its GitHub anchor when it is an alarm id) -> section text."""
    parts = re.split(r"^## (.+)$", RUNBOOK.read_text(), flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_runbook_rollback_says_prod_deploys_only_when_started_by_hand() -> None:
    # A merged revert deploys dev; prod waits for a manual dispatch (deploy.yml's STACK).
    workflow = (REPO_ROOT / ".github/workflows/deploy.yml").read_text()
    assert "github.event_name == 'workflow_dispatch' && 'prod' || 'dev'" in workflow
    rollback = runbook_sections()["Rolling back a deploy"]
    assert "*Run workflow*" in rollback and "`prod` environment" in rollback


def test_every_alarm_description_links_a_runbook_section_with_its_three_parts(
    full: Graph,
) -> None:
    sections = runbook_sections()
    for resource in all_alarms(full):
        description = resource["inputs"]["alarmDescription"]
        match = re.search(r"Runbook: docs/runbook\.md#([a-z0-9-]+)$", description)
        assert match, f"{resource['name']}: {description}"
        anchor = match[1]
        assert anchor in sections, f"{resource['name']} links #{anchor}, not in the runbook"
        headings = re.findall(r"^### (.+)$", sections[anchor], flags=re.M)
        assert headings == list(RUNBOOK_PARTS), anchor


def test_every_notifying_alarm_has_its_own_runbook_section(full: Graph) -> None:
    sections = runbook_sections()
    for resource in notifying(full):
        alarm_id = resource["name"].removeprefix("solo-")
        assert alarm_id in sections


def test_runbook_names_the_saved_queries_the_component_creates(full: Graph) -> None:
    text = RUNBOOK.read_text()
    for query in full.of_type("aws:cloudwatch/queryDefinition:QueryDefinition"):
        assert query["inputs"]["name"].replace("solo/", "<p>/") in text
