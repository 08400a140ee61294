"""The Golden Signals dashboard body, built from data (one spec per widget) into CloudWatch's JSON.

dashboard_body is pure: it takes plain values (the arn suffixes and names already resolved), so
tests parse the body without Pulumi; golden_signals_dashboard resolves them and creates the
dashboard. Widget layout is a two-column grid in the order the specs are listed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import ObservabilityConfig
from components.observability.alarms import SATURATION_PERCENT
from components.observability.logs import LOG_METRICS
from components.observability.metrics import CONTAINER_INSIGHTS, ECS
from components.observability.watched import WatchedService
from components.scope import ComponentScope
from components.slo import (
    ALB_NAMESPACE,
    BURN_RATE_ALERTS,
    ERROR_RATIO_INPUTS,
    REQUEST_QUERIES,
    error_budget,
    error_ratio_expression,
    filled_sum,
)

WIDGET_WIDTH = 12
WIDGET_HEIGHT = 6
COLUMNS = 2


@dataclass(frozen=True, kw_only=True)
class DashboardTargets:
    region: str
    load_balancer: str
    """``LoadBalancer`` dimension: the ALB's arn_suffix (pitfall alarm-alb-dimensions)."""
    target_groups: Sequence[str]
    """``TargetGroup`` dimensions: one group, or two under ECS native blue/green."""
    cluster: str
    service: str
    latency_slo_seconds: float
    error_budget: float
    burn_rate_min_requests: int
    burn_rates: Sequence[float]
    container_insights: bool
    log_namespace: str
    log_metric_names: Sequence[str]
    alarm_arns: Sequence[str]


@dataclass(frozen=True, kw_only=True)
class MetricWidget:
    title: str
    metrics: list[list[Any]]
    period: int = 60
    stat: str = "Sum"
    annotations: list[dict[str, Any]] = field(default_factory=list)
    y_min: float | None = 0

    def properties(self, region: str) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "title": self.title,
            "region": region,
            "view": "timeSeries",
            "stacked": False,
            "period": self.period,
            "stat": self.stat,
            "metrics": self.metrics,
        }
        if self.annotations:
            properties["annotations"] = {"horizontal": self.annotations}
        if self.y_min is not None:
            properties["yAxis"] = {"left": {"min": self.y_min}}
        return properties


def _hidden(metric_id: str, stat: str = "Sum") -> dict[str, Any]:
    return {"id": metric_id, "visible": False, "stat": stat}


def target_count_lines(t: DashboardTargets, metric_name: str, label: str) -> list[list[Any]]:
    """One target group's count, or (blue/green) the sum over both groups: ECS moves the tasks
    to the other group on every deploy, and the ALB publishes host counts per group only."""
    lb = ("LoadBalancer", t.load_balancer)
    if len(t.target_groups) == 1:
        return [
            [ALB_NAMESPACE, metric_name, "TargetGroup", t.target_groups[0], *lb, {"label": label}]
        ]
    query_ids = [f"{metric_name.lower()}{index}" for index in range(1, len(t.target_groups) + 1)]
    hidden = [
        [ALB_NAMESPACE, metric_name, "TargetGroup", group, *lb, _hidden(query_id, "Minimum")]
        for query_id, group in zip(query_ids, t.target_groups, strict=True)
    ]
    return [*hidden, [{"expression": filled_sum(*query_ids), "label": label}]]


def alb_count_rows(
    t: DashboardTargets,
    queries: Sequence[tuple[str, str]] = ERROR_RATIO_INPUTS,
    labels: Mapping[str, str] | None = None,
) -> list[list[Any]]:
    """LoadBalancer-level counts under the alarms' query ids (components/slo.py); those in
    ``labels`` are plotted, the others are hidden inputs of an expression."""
    labels = labels or {}
    lb = ("LoadBalancer", t.load_balancer)
    return [
        [
            ALB_NAMESPACE,
            metric_name,
            *lb,
            {"id": query_id, "label": labels[query_id]}
            if query_id in labels
            else _hidden(query_id),
        ]
        for query_id, metric_name in queries
    ]


def widget_specs(t: DashboardTargets) -> list[MetricWidget]:
    lb = ("LoadBalancer", t.load_balancer)
    # A percentile cannot be summed across groups; with two (blue/green) the ALB-level latency
    # covers both, because this ALB serves only this service.
    latency_dimensions = (
        (*lb, "TargetGroup", t.target_groups[0]) if len(t.target_groups) == 1 else lb
    )
    ecs = ("ClusterName", t.cluster, "ServiceName", t.service)
    ratio = error_ratio_expression(t.burn_rate_min_requests)
    if t.container_insights:
        tasks = [
            [CONTAINER_INSIGHTS, "RunningTaskCount", *ecs, {"label": "running"}],
            [CONTAINER_INSIGHTS, "DesiredTaskCount", *ecs, {"label": "desired"}],
        ]
    else:
        # Without Container Insights the target group's healthy count is the task count that
        # matters: tasks that serve.
        tasks = [
            *target_count_lines(t, "HealthyHostCount", "healthy targets"),
            *target_count_lines(t, "UnHealthyHostCount", "unhealthy targets"),
        ]
    return [
        MetricWidget(
            title="Latency: target response time",
            stat="p99",
            metrics=[
                [
                    ALB_NAMESPACE,
                    "TargetResponseTime",
                    *latency_dimensions,
                    {"stat": stat, "label": stat},
                ]
                for stat in ("p50", "p90", "p99")
            ],
            annotations=[{"label": "p99 SLO", "value": t.latency_slo_seconds}],
        ),
        MetricWidget(
            title="Traffic: requests per minute",
            # Requests answered 503 with no registered target are not in RequestCount.
            metrics=[
                *alb_count_rows(t, REQUEST_QUERIES),
                [
                    {
                        "expression": filled_sum(*(query_id for query_id, _ in REQUEST_QUERIES)),
                        "label": "requests",
                        "id": "all_requests",
                    }
                ],
            ],
        ),
        MetricWidget(
            title="Errors: 5xx responses and error ratio",
            metrics=[
                *alb_count_rows(
                    t, labels={"target_5xx": "target 5xx", "elb_5xx": "load balancer 5xx"}
                ),
                [
                    {
                        # Every request counts here (a floor of 1 only avoids 0/0).
                        "expression": error_ratio_expression(1),
                        "label": "5xx ratio",
                        "id": "ratio",
                        "yAxis": "right",
                    }
                ],
            ],
        ),
        MetricWidget(
            title="Error budget: burn rate (1 = budget lasts exactly the SLO window)",
            period=300,
            metrics=[
                *alb_count_rows(t),
                [{"expression": ratio, "id": "ratio", "visible": False}],
                [
                    {
                        "expression": f"ratio/{t.error_budget}",
                        "label": "burn rate (5 min)",
                        "id": "burn",
                    }
                ],
            ],
            annotations=[
                {"label": f"{rate}x burn", "value": rate} for rate in sorted(t.burn_rates)
            ],
        ),
        MetricWidget(
            title="Saturation: CPU and memory",
            stat="Average",
            metrics=[
                [ECS, "CPUUtilization", *ecs, {"label": "CPU %"}],
                [ECS, "MemoryUtilization", *ecs, {"label": "memory %"}],
            ],
            annotations=[{"label": "alarm", "value": SATURATION_PERCENT}],
        ),
        MetricWidget(title="Saturation: tasks", stat="Minimum", metrics=tasks),
        MetricWidget(
            title="App logs: 5xx, slow requests, error lines",
            period=300,
            metrics=[[t.log_namespace, name, {"label": name}] for name in t.log_metric_names],
        ),
    ]


def dashboard_body(t: DashboardTargets) -> dict[str, Any]:
    widgets: list[dict[str, Any]] = []
    for index, spec in enumerate(widget_specs(t)):
        widgets.append(
            {
                "type": "metric",
                "x": (index % COLUMNS) * WIDGET_WIDTH,
                "y": (index // COLUMNS) * WIDGET_HEIGHT,
                "width": WIDGET_WIDTH,
                "height": WIDGET_HEIGHT,
                "properties": spec.properties(t.region),
            }
        )
    rows = (len(widgets) + COLUMNS - 1) // COLUMNS
    widgets.append(
        {
            "type": "alarm",
            "x": 0,
            "y": rows * WIDGET_HEIGHT,
            "width": WIDGET_WIDTH * COLUMNS,
            "height": WIDGET_HEIGHT,
            "properties": {
                "title": "Alarms",
                "alarms": list(t.alarm_arns),
                "sortBy": "stateUpdatedTimestamp",
            },
        }
    )
    return {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}


def golden_signals_dashboard(
    scope: ComponentScope,
    observability: ObservabilityConfig,
    *,
    service: WatchedService,
    container_insights: bool,
    log_namespace: str,
    alarm_arns: Sequence[pulumi.Input[str]],
) -> aws.cloudwatch.Dashboard:
    slo = observability.slo
    body = pulumi.Output.all(
        load_balancer=service.load_balancer_arn_suffix,
        target_groups=pulumi.Output.all(*service.target_group_arn_suffixes),
        cluster=service.cluster_name,
        service=service.service_name,
        alarm_arns=pulumi.Output.all(*alarm_arns),
    ).apply(
        lambda values: json.dumps(
            dashboard_body(
                DashboardTargets(
                    region=scope.region,
                    load_balancer=values["load_balancer"],
                    target_groups=values["target_groups"],
                    cluster=values["cluster"],
                    service=values["service"],
                    latency_slo_seconds=slo.latency_p99_seconds,
                    error_budget=error_budget(slo.availability_percent),
                    burn_rate_min_requests=observability.burn_rate_min_requests,
                    burn_rates=[alert.burn_rate(slo.window_days) for alert in BURN_RATE_ALERTS],
                    container_insights=container_insights,
                    log_namespace=log_namespace,
                    log_metric_names=LOG_METRICS,
                    alarm_arns=values["alarm_arns"],
                )
            )
        )
    )
    return aws.cloudwatch.Dashboard(
        f"{scope.name}-golden-signals",
        dashboard_name=f"{scope.name}-golden-signals",
        dashboard_body=body,
        opts=scope.child(),
    )
