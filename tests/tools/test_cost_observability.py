"""CloudWatch lines: log ingestion and storage, vended logs by destination, Container Insights."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cost import charged, price, service_with_task
from tools.cost.ledger import Design
from tools.cost.portfolio import hand_resource

LOG_STORAGE = 0.033
CUSTOM_METRIC = 0.30
# usage.json: 11 cluster metrics and 21 per service; 0.05 GB of performance logs per task-month.
CLUSTER_METRICS, SERVICE_METRICS, LOG_GB_PER_TASK_MONTH = 11, 21, 0.05


def log_group(name: str, **inputs: Any) -> dict[str, Any]:
    return hand_resource("aws:cloudwatch/logGroup:LogGroup", name, **inputs)


def cluster(mode: str) -> dict[str, Any]:
    return hand_resource(
        "aws:ecs/cluster:Cluster",
        "cluster",
        settings=[{"name": "containerInsights", "value": mode}],
    )


def test_a_log_group_that_never_expires_is_priced_as_holding_twelve_months() -> None:
    result = price([log_group("app")])
    assert charged(result, "Log storage") == pytest.approx(2 * 12 * LOG_STORAGE)


def test_the_ingested_volume_is_shared_evenly_between_the_app_log_groups() -> None:
    # 2 GB/month over three groups: 2/3 GB each, two kept 30 days and one 90.
    groups = [
        log_group("app", retentionInDays=30),
        log_group("proxy", retentionInDays=30),
        log_group("audit", retentionInDays=90),
    ]
    stored_gb = 2 / 3 * (1 + 1 + 3)
    assert charged(price(groups), "Log storage") == pytest.approx(stored_gb * LOG_STORAGE)


def test_a_flow_log_delivered_to_s3_is_reported_not_priced() -> None:
    bucket = hand_resource("aws:s3/bucketV2:BucketV2", "flow-logs")
    flow_log = hand_resource(
        "aws:ec2/flowLog:FlowLog",
        "flow-log",
        logDestination=bucket["outputs"]["arn"],
        logDestinationType="s3",
        trafficType="ALL",
    )
    result = price([bucket, flow_log])
    assert [(line.item, line.note) for line in result.not_priced] == [
        ("VPC flow log delivery", "destination is not CloudWatch Logs")
    ]
    assert charged(result, "VPC flow log delivery") == 0


def test_a_waf_log_to_cloudwatch_is_priced_after_a_flow_log_that_is_not() -> None:
    bucket = hand_resource("aws:s3/bucketV2:BucketV2", "flow-logs")
    flow_log = hand_resource(
        "aws:ec2/flowLog:FlowLog", "flow-log", logDestination=bucket["outputs"]["arn"]
    )
    group = log_group("waf-logs", retentionInDays=30)
    waf_logging = hand_resource(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "waf",
        logDestinationConfigs=[group["outputs"]["arn"]],
    )
    result = price([bucket, flow_log, group, waf_logging])
    assert charged(result, "WAF log delivery") == pytest.approx(1.5 * 0.76)


def test_container_insights_counts_the_service_metrics_of_every_service_in_the_cluster() -> None:
    insights = cluster("enabled")
    web = service_with_task(cluster=insights["outputs"]["arn"])
    worker = hand_resource(
        "aws:ecs/service:Service",
        "worker",
        taskDefinition=web[0]["outputs"]["arn"],
        desiredCount=1,
        launchType="FARGATE",
        cluster=insights["outputs"]["arn"],
    )
    metrics = CLUSTER_METRICS + 2 * SERVICE_METRICS
    result = price([insights, *web, worker])
    assert charged(result, "Container Insights (enabled) metrics") == pytest.approx(
        metrics * CUSTOM_METRIC
    )


def test_container_insights_logs_follow_the_task_months_the_schedule_leaves() -> None:
    # One task off 12 h a day: half a task-month of performance logs.
    insights = cluster("enabled")
    service = service_with_task(cluster=insights["outputs"]["arn"])
    result = price([insights, *service], design=Design("nightly", schedule="nightly"))
    [logs] = [line for line in result.lines if line.item.startswith("Container Insights perf")]
    assert logs.quantity == pytest.approx(0.5 * LOG_GB_PER_TASK_MONTH)


def test_container_insights_enabled_leaves_nothing_unpriced() -> None:
    insights = cluster("enabled")
    result = price([insights, *service_with_task(cluster=insights["outputs"]["arn"])])
    assert result.not_priced == []


def test_container_insights_enhanced_reports_its_per_observation_charge_not_priced() -> None:
    insights = cluster("enhanced")
    result = price([insights, *service_with_task(cluster=insights["outputs"]["arn"])])
    assert [line.item for line in result.not_priced] == [
        "Container Insights enhanced observability: per-observation charge"
    ]


def test_container_insights_is_priced_in_a_cluster_listed_after_one_without_it() -> None:
    plain = hand_resource("aws:ecs/cluster:Cluster", "batch")
    insights = cluster("enabled")
    result = price([plain, insights, *service_with_task(cluster=insights["outputs"]["arn"])])
    assert charged(result, "Container Insights (enabled) metrics") > 0


def test_a_service_without_fargate_task_hours_adds_no_container_insights_logs() -> None:
    # An EC2 launch type is not priced, so the Fargate lines count no task-hours for it.
    insights = cluster("enabled")
    service = service_with_task(cluster=insights["outputs"]["arn"], launchType="EC2")
    result = price([insights, *service])
    assert not [line for line in result.lines if line.item.startswith("Container Insights perf")]


def test_a_step_scaling_policy_implies_no_alarms() -> None:
    # Step scaling acts on alarms the stack declares itself, which are priced as MetricAlarms.
    policy = hand_resource("aws:appautoscaling/policy:Policy", "step", policyType="StepScaling")
    assert charged(price([policy]), "Alarms AWS creates") == 0
