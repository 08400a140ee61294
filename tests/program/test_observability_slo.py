"""Error-budget arithmetic (components/slo.py) and the Golden Signals dashboard body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.observability.dashboard import DashboardTargets, dashboard_body
from components.slo import (
    FAST_BURN,
    SLOW_BURN,
    BurnRateAlert,
    error_budget,
    error_ratio_expression,
    error_ratio_threshold,
    window_label,
)
from tests.support.observability import observability_only


def test_fast_burn_is_2_percent_of_a_30_day_budget_in_one_hour() -> None:
    assert FAST_BURN.burn_rate(30) == pytest.approx(14.4)
    assert FAST_BURN.windows == (3600, 300)


def test_slow_burn_is_5_percent_of_a_30_day_budget_in_six_hours() -> None:
    assert SLOW_BURN.burn_rate(30) == pytest.approx(6.0)
    assert SLOW_BURN.windows == (21600, 1800)


def test_999_at_14_4x_is_an_error_ratio_of_1_44_percent() -> None:
    assert error_budget(99.9) == pytest.approx(0.001)
    assert error_ratio_threshold(99.9, 14.4) == pytest.approx(0.0144, rel=1e-12)
    assert error_ratio_threshold(99.9, 6.0) == pytest.approx(0.006, rel=1e-12)


def test_budget_and_threshold_drop_float_noise_and_keep_a_ten_decimal_slo() -> None:
    # exact equality: the alarm's threshold is written from these numbers
    assert error_budget(99.9) == 0.001  # 1 - 0.999 is 0.0010000000000000009 in binary
    assert error_ratio_threshold(99.9, 14.4) == 0.0144
    assert error_budget(99.9999999999) == 1e-12
    assert error_ratio_threshold(99.9999999999, 1.0) == 1e-12


def test_a_shorter_slo_window_burns_the_same_budget_share_at_a_lower_rate() -> None:
    assert FAST_BURN.burn_rate(28) == pytest.approx(13.44)


def test_a_burn_rate_keeps_six_decimals() -> None:
    # 2 % of a 30-day budget in 7 h: 2.0571428571...
    seven_hours = BurnRateAlert(
        alarm_id="seven-hours",
        budget_fraction=0.02,
        long_window_seconds=25_200,
        short_window_seconds=1800,
    )
    assert seven_hours.burn_rate(30) == 2.057143


def test_error_ratio_is_zero_below_the_request_floor_and_fills_missing_counts() -> None:
    requests = "FILL(requests,0)+FILL(elb_503,0)"
    assert error_ratio_expression(50) == (
        f"IF({requests} >= 50, (FILL(target_5xx,0)+FILL(elb_5xx,0))/({requests}), 0)"
    )


def test_error_ratio_in_percent_scales_only_the_ratio() -> None:
    assert error_ratio_expression(10, scale=100).startswith(
        "IF(FILL(requests,0)+FILL(elb_503,0) >= 10, 100 * (FILL(target_5xx,0)"
    )


@pytest.mark.parametrize(
    ("seconds", "label"),
    [(3600, "1h"), (300, "5m"), (21600, "6h"), (1800, "30m"), (60, "1m"), (3540, "59m")],
)
def test_window_labels(seconds: int, label: str) -> None:
    assert window_label(seconds) == label


# --- dashboard ------------------------------------------------------------------------------


PRIMARY_GROUP, ALTERNATE_GROUP = "targetgroup/tg/2", "targetgroup/alt/3"


def targets(
    container_insights: bool = True, target_groups: tuple[str, ...] = (PRIMARY_GROUP,)
) -> DashboardTargets:
    return DashboardTargets(
        region="ap-northeast-1",
        load_balancer="app/lb/1",
        target_groups=target_groups,
        cluster="cluster",
        service="service",
        latency_slo_seconds=1.0,
        error_budget=0.001,
        burn_rate_min_requests=50,
        burn_rates=[14.4, 6.0],
        container_insights=container_insights,
        log_namespace="EcsFargate/test",
        log_metric_names=["Http5xxResponses", "SlowRequests", "ErrorLogLines"],
        alarm_arns=["arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:a"],
    )


def metric_names(widget: dict[str, Any]) -> set[str]:
    """The metric names a widget plots (expressions are dicts, metrics lists)."""
    return {entry[1] for entry in widget["properties"]["metrics"] if isinstance(entry[0], str)}


def widgets_by_title(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["properties"]["title"]: w for w in body["widgets"]}


EXPECTED_METRICS = {
    "Latency: target response time": {"TargetResponseTime"},
    "Traffic: requests per minute": {"RequestCount", "HTTPCode_ELB_503_Count"},
    "Errors: 5xx responses and error ratio": {
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "RequestCount",
        "HTTPCode_ELB_503_Count",
    },
    "Error budget: burn rate (1 = budget lasts exactly the SLO window)": {
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "RequestCount",
        "HTTPCode_ELB_503_Count",
    },
    "Saturation: CPU and memory": {"CPUUtilization", "MemoryUtilization"},
    "Saturation: tasks": {"RunningTaskCount", "DesiredTaskCount"},
    "App logs: 5xx, slow requests, error lines": {
        "Http5xxResponses",
        "SlowRequests",
        "ErrorLogLines",
    },
}


def test_dashboard_shows_the_four_golden_signals_and_names_every_widgets_metrics() -> None:
    body = json.loads(json.dumps(dashboard_body(targets())))
    by_title = widgets_by_title(body)
    metric_widgets = {t: w for t, w in by_title.items() if w["type"] == "metric"}
    assert {t: metric_names(w) for t, w in metric_widgets.items()} == EXPECTED_METRICS
    for widget in metric_widgets.values():
        assert widget["properties"]["region"] == "ap-northeast-1"


def test_dashboard_plots_task_health_from_the_target_group_without_container_insights() -> None:
    body = dashboard_body(targets(container_insights=False))
    tasks = widgets_by_title(body)["Saturation: tasks"]
    assert metric_names(tasks) == {"HealthyHostCount", "UnHealthyHostCount"}


def test_dashboard_latency_is_the_target_groups_and_with_two_groups_the_albs() -> None:
    def latency_dimensions(groups: tuple[str, ...]) -> list[list[Any]]:
        widget = widgets_by_title(dashboard_body(targets(target_groups=groups)))[
            "Latency: target response time"
        ]
        return [entry[2:-1] for entry in widget["properties"]["metrics"]]

    rolling = ["LoadBalancer", "app/lb/1", "TargetGroup", PRIMARY_GROUP]
    assert latency_dimensions((PRIMARY_GROUP,)) == [rolling] * 3
    assert (
        latency_dimensions((PRIMARY_GROUP, ALTERNATE_GROUP)) == [["LoadBalancer", "app/lb/1"]] * 3
    )


def test_dashboard_task_health_sums_both_target_groups_under_blue_green() -> None:
    body = dashboard_body(
        targets(container_insights=False, target_groups=(PRIMARY_GROUP, ALTERNATE_GROUP))
    )
    metrics = widgets_by_title(body)["Saturation: tasks"]["properties"]["metrics"]
    inputs = [entry for entry in metrics if isinstance(entry[0], str)]
    sums = {e[0]["label"]: e[0]["expression"] for e in metrics if isinstance(e[0], dict)}
    for metric_name, label in (
        ("HealthyHostCount", "healthy targets"),
        ("UnHealthyHostCount", "unhealthy targets"),
    ):
        groups = {e[3]: e[-1]["id"] for e in inputs if e[1] == metric_name}
        assert set(groups) == {PRIMARY_GROUP, ALTERNATE_GROUP}
        assert sums[label] == "+".join(f"FILL({query_id},0)" for query_id in groups.values())
    assert all(entry[-1]["visible"] is False for entry in inputs)


def test_dashboard_burn_rate_divides_the_error_ratio_by_the_budget_with_alert_lines() -> None:
    widget = widgets_by_title(dashboard_body(targets()))[
        "Error budget: burn rate (1 = budget lasts exactly the SLO window)"
    ]
    expressions = {
        e[0]["id"]: e[0]["expression"]
        for e in widget["properties"]["metrics"]
        if isinstance(e[0], dict)
    }
    assert expressions == {
        "ratio": error_ratio_expression(50),
        "burn": "ratio/0.001",
    }
    lines = [a["value"] for a in widget["properties"]["annotations"]["horizontal"]]
    assert lines == [6.0, 14.4]


def test_dashboard_alarm_widget_lists_the_alarm_arns() -> None:
    (alarms,) = [w for w in dashboard_body(targets())["widgets"] if w["type"] == "alarm"]
    assert alarms["properties"]["alarms"] == [
        "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:a"
    ]


def test_dashboard_widgets_do_not_overlap() -> None:
    cells = set()
    for widget in dashboard_body(targets())["widgets"]:
        for dx in range(widget["width"]):
            for dy in range(widget["height"]):
                cell = (widget["x"] + dx, widget["y"] + dy)
                assert cell not in cells
                cells.add(cell)


def test_component_dashboard_points_at_its_service_and_lists_every_notifying_alarm() -> None:
    graph = observability_only("full")
    dashboard = graph.one("aws:cloudwatch/dashboard:Dashboard")
    body = json.loads(dashboard["inputs"]["dashboardBody"])
    lb = graph.data["outputs"]["loadBalancerArnSuffix"]
    latency = widgets_by_title(body)["Latency: target response time"]
    assert all(lb in entry for entry in latency["properties"]["metrics"])
    (alarms,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    notifying = [
        r["outputs"]["arn"]
        for r in graph.resources
        if r["type"].startswith("aws:cloudwatch/") and r["inputs"].get("alarmActions")
    ]
    assert sorted(alarms["properties"]["alarms"]) == sorted(notifying)
    assert dashboard["inputs"]["dashboardName"] == "solo-golden-signals"
    assert graph.data["outputs"]["dashboardName"] == "solo-golden-signals"
