"""What an alarm reads: the metric settings of a MetricAlarm, one builder per shape of signal.

Each builder returns the keyword arguments that describe the data (namespace, metric, dimensions,
statistic and period, or metric-math queries) for a period; the alarm spec adds threshold and
evaluation. Those an alarm spec names directly read the alarm context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.observability.watched import AlarmContext
from components.slo import ALB_NAMESPACE, error_ratio_queries, filled_sum

ECS = "AWS/ECS"
CONTAINER_INSIGHTS = "ECS/ContainerInsights"

MetricSettings = dict[str, Any]
MetricBuilder = Callable[[AlarmContext, int], MetricSettings]


def latency_dimensions(
    load_balancer: pulumi.Input[str], target_groups: Sequence[pulumi.Input[str]]
) -> dict[str, pulumi.Input[str]]:
    """The p99 of the one target group; with two (blue/green), the whole ALB's.

    A percentile cannot be summed across groups, and after a blue/green swap the primary group
    is empty. This ALB serves only this service, so its LoadBalancer-level TargetResponseTime
    covers exactly the requests of both groups. Dimensions are arn_suffix values, never names
    or ARNs (pitfall alarm-alb-dimensions).
    """
    dimensions: dict[str, pulumi.Input[str]] = {"LoadBalancer": load_balancer}
    if len(target_groups) == 1:
        dimensions["TargetGroup"] = target_groups[0]
    return dimensions


def p99_latency(
    load_balancer: pulumi.Input[str], target_groups: Sequence[pulumi.Input[str]], period: int
) -> MetricSettings:
    return {
        "namespace": ALB_NAMESPACE,
        "metric_name": "TargetResponseTime",
        "dimensions": latency_dimensions(load_balancer, target_groups),
        # A percentile goes in extended_statistic, never statistic (pitfall alarm-percentile).
        "extended_statistic": "p99",
        "period": period,
    }


def target_count(
    metric_name: str,
    statistic: str,
    *,
    load_balancer: pulumi.Input[str],
    target_groups: Sequence[pulumi.Input[str]],
    period: int,
) -> MetricSettings:
    """A per-target-group host count.

    One group: the metric itself. Two (blue/green): the sum of both groups' counts, because ECS
    moves the tasks to the other group on every deploy and the ALB publishes host counts only
    per target group.
    """

    def dimensions(group: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
        return {"TargetGroup": group, "LoadBalancer": load_balancer}

    if len(target_groups) == 1:
        return {
            "namespace": ALB_NAMESPACE,
            "metric_name": metric_name,
            "dimensions": dimensions(target_groups[0]),
            "statistic": statistic,
            "period": period,
        }
    query_ids = [f"m{index}" for index in range(1, len(target_groups) + 1)]
    queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] = [
        {
            "id": query_id,
            "return_data": False,
            "metric": {
                "namespace": ALB_NAMESPACE,
                "metric_name": metric_name,
                "dimensions": dimensions(group),
                "stat": statistic,
                "period": period,
            },
        }
        for query_id, group in zip(query_ids, target_groups, strict=True)
    ]
    queries.append(
        {
            "id": "all_groups",
            "label": f"{metric_name}, all target groups",
            # The idle group may publish nothing: it adds 0, not a gap.
            "expression": filled_sum(*query_ids),
            "return_data": True,
        }
    )
    return {"metric_queries": queries}


def host_count(metric_name: str, statistic: str) -> MetricBuilder:
    def settings(context: AlarmContext, period: int) -> MetricSettings:
        return target_count(
            metric_name,
            statistic,
            load_balancer=context.service.load_balancer_arn_suffix,
            target_groups=context.service.target_group_arn_suffixes,
            period=period,
        )

    return settings


def error_ratio(context: AlarmContext, period: int) -> MetricSettings:
    """The availability SLI: 5xx over requests of the load balancer (components/slo.py), 503s
    with no registered target counted as requests too."""
    return {
        "metric_queries": error_ratio_queries(
            context.service.load_balancer_arn_suffix,
            period=period,
            min_requests=context.observability.burn_rate_min_requests,
        )
    }


def latency(context: AlarmContext, period: int) -> MetricSettings:
    service = context.service
    return p99_latency(service.load_balancer_arn_suffix, service.target_group_arn_suffixes, period)


def missing_tasks(context: AlarmContext, period: int) -> MetricSettings:
    """Desired minus running tasks, from Container Insights."""
    service_dimensions = {
        "ClusterName": context.service.cluster_name,
        "ServiceName": context.service.service_name,
    }

    def task_count(
        query_id: str, metric_name: str
    ) -> aws.cloudwatch.MetricAlarmMetricQueryArgsDict:
        return {
            "id": query_id,
            "return_data": False,
            "metric": {
                "namespace": CONTAINER_INSIGHTS,
                "metric_name": metric_name,
                "stat": "Average",
                "period": period,
                "dimensions": service_dimensions,
            },
        }

    return {
        "metric_queries": [
            task_count("desired", "DesiredTaskCount"),
            task_count("running", "RunningTaskCount"),
            {
                "id": "missing",
                "label": "desired - running",
                "expression": "FILL(desired,0) - FILL(running,0)",
                "return_data": True,
            },
        ]
    }


def service_utilization(metric_name: str) -> MetricBuilder:
    def settings(context: AlarmContext, period: int) -> MetricSettings:
        return {
            "namespace": ECS,
            "metric_name": metric_name,
            "dimensions": {
                "ClusterName": context.service.cluster_name,
                "ServiceName": context.service.service_name,
            },
            "statistic": "Average",
            "period": period,
        }

    return settings


def log_count(metric_name: str) -> MetricBuilder:
    """A log-based metric (components/observability/logs.py) summed over the period."""

    def settings(context: AlarmContext, period: int) -> MetricSettings:
        return {
            "namespace": context.metric_namespace,
            "metric_name": metric_name,
            "statistic": "Sum",
            "period": period,
        }

    return settings
