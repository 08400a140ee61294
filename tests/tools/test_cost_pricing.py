"""Line formulas of the cost report, each checked against cost_model.md §1 unit prices by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cost import charged, price, service_with_task
from tools.cost.compute import ON_DEMAND, SPOT, fargate_size, split_tasks
from tools.cost.observability import alarm_metric_count
from tools.cost.portfolio import hand_resource
from tools.cost.tables import NoPriceTable, load_usage

HOURS = 730
# ap-northeast-1 unit prices as cost_model.md §1 states them.
ALB_HOUR = 0.0243
LCU_HOUR = 0.008
IPV4_HOUR = 0.005
X86_VCPU, X86_GB = 0.05056, 0.00553
ARM_VCPU, ARM_GB = 0.04045, 0.00442
SPOT_X86_VCPU = 0.01981
ENDPOINT_AZ_HOUR, ENDPOINT_GB = 0.014, 0.01
NAT_HOUR, NAT_GB = 0.062, 0.062
LOG_INGEST, LOG_STORAGE = 0.76, 0.033


def internet_alb(subnets: int = 2, **inputs: Any) -> dict[str, Any]:
    return hand_resource(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        subnets=[f"public-{i}-id" for i in range(subnets)],
        **inputs,
    )


def interface_endpoint(name: str, azs: int) -> dict[str, Any]:
    return hand_resource(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        name,
        serviceName=f"com.amazonaws.ap-northeast-1.{name}",
        vpcEndpointType="Interface",
        subnetIds=[f"private-{i}-id" for i in range(azs)],
    )


def test_small_graph_is_priced_to_the_cent() -> None:
    resources = [
        internet_alb(),
        *service_with_task(),
        interface_endpoint("logs", azs=1),
        hand_resource("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", metricName="CPU", period=60),
        hand_resource("aws:cloudwatch/logGroup:LogGroup", "app", retentionInDays=30),
    ]
    expected = (
        HOURS * ALB_HOUR  # 17.739
        + 0.1 * HOURS * LCU_HOUR  # 0.584
        + 2 * HOURS * IPV4_HOUR  # 7.30
        + HOURS * (0.25 * X86_VCPU + 0.5 * X86_GB)  # 11.24565
        + 1 * HOURS * ENDPOINT_AZ_HOUR  # 10.22
        + 2 * ENDPOINT_GB  # 0.02: logs is the only endpoint, so only the 2 GB log stream
        + 0.10  # one standard alarm
        + 2 * LOG_INGEST  # 1.52
        + 2 * LOG_STORAGE  # 0.066 (2 GB held for 30 days)
    )
    result = price(resources)
    assert round(expected, 2) == 48.79
    assert round(result.total_usd, 2) == 48.79
    assert result.total_usd == pytest.approx(expected, abs=1e-9)


def test_alb_lines_are_hours_lcu_and_one_public_ipv4_per_az() -> None:
    result = price([internet_alb(subnets=3)])
    assert charged(result, "ALB hours") == pytest.approx(HOURS * ALB_HOUR)
    assert charged(result, "ALB capacity units") == pytest.approx(0.1 * HOURS * LCU_HOUR)
    assert charged(result, "ALB public IPv4") == pytest.approx(3 * HOURS * IPV4_HOUR)


def test_internal_alb_has_no_public_ipv4_line() -> None:
    result = price([internet_alb(internal=True)])
    assert charged(result, "ALB public IPv4") == 0
    assert not [line for line in result.lines if "IPv4" in line.item]


def test_alb_subnet_mappings_count_as_azs() -> None:
    alb = hand_resource(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        subnetMappings=[{"subnetId": "a"}, {"subnetId": "c"}],
    )
    assert charged(price([alb]), "ALB public IPv4") == pytest.approx(2 * HOURS * IPV4_HOUR)


def test_fargate_task_is_vcpu_hours_plus_gb_hours() -> None:
    result = price(service_with_task(cpu="512", memory="1024", count=3))
    assert charged(result, "Fargate") == pytest.approx(3 * HOURS * (0.5 * X86_VCPU + 1 * X86_GB))


def test_arm_task_is_priced_at_the_arm_rates() -> None:
    result = price(service_with_task(architecture="ARM64"))
    assert charged(result, "Fargate") == pytest.approx(HOURS * (0.25 * ARM_VCPU + 0.5 * ARM_GB))


def test_x86_spot_vcpu_uses_the_observed_spot_price_and_discounts_gb_alike() -> None:
    result = price(
        service_with_task(
            launchType=None,
            capacityProviderStrategies=[{"capacityProvider": SPOT, "base": 0, "weight": 1}],
        )
    )
    discount = SPOT_X86_VCPU / X86_VCPU
    expected = HOURS * (0.25 * SPOT_X86_VCPU + 0.5 * X86_GB * discount)
    assert charged(result, "Fargate FARGATE_SPOT") == pytest.approx(expected)


def test_arm_spot_applies_the_observed_x86_discount_as_an_assumption() -> None:
    result = price(
        service_with_task(
            architecture="ARM64",
            launchType=None,
            capacityProviderStrategies=[{"capacityProvider": SPOT, "weight": 1}],
        )
    )
    discount = SPOT_X86_VCPU / X86_VCPU
    expected = HOURS * (0.25 * ARM_VCPU + 0.5 * ARM_GB) * discount
    assert charged(result, "Fargate FARGATE_SPOT ARM64") == pytest.approx(expected)
    assert all("assumption" in line.source for line in result.of_kind("charge"))


def test_capacity_provider_split_places_base_first_then_by_weight() -> None:
    strategy = [(ON_DEMAND, 1, 1), (SPOT, 0, 3)]
    assert split_tasks(5, strategy) == {ON_DEMAND: 2, SPOT: 3}
    assert split_tasks(1, strategy) == {ON_DEMAND: 1, SPOT: 0}


def test_service_without_strategy_uses_the_cluster_default_strategy() -> None:
    cluster = hand_resource("aws:ecs/cluster:Cluster", "cluster")
    providers = hand_resource(
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "providers",
        clusterName="cluster",
        defaultCapacityProviderStrategies=[{"capacityProvider": SPOT, "weight": 1}],
    )
    service = service_with_task(launchType=None, cluster=cluster["outputs"]["arn"])
    result = price([cluster, providers, *service])
    assert charged(result, "Fargate FARGATE_SPOT") > 0
    assert charged(result, "Fargate FARGATE ") == 0


def test_task_definition_sizes_read_as_vcpu_and_gb() -> None:
    assert fargate_size("256", "512") == (0.25, 0.5)
    assert fargate_size("1 vCPU", "2 GB") == (1.0, 2.0)


def test_interface_endpoint_bills_per_az_hour() -> None:
    result = price([interface_endpoint("ecr.api", azs=3)])
    assert charged(result, "Interface endpoint ecr.api") == pytest.approx(
        3 * HOURS * ENDPOINT_AZ_HOUR
    )
    assert charged(result, "Interface endpoint data") == pytest.approx(10 * ENDPOINT_GB)


def test_gateway_endpoint_is_a_zero_line_that_says_free() -> None:
    gateway = hand_resource(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "s3",
        serviceName="com.amazonaws.ap-northeast-1.s3",
        vpcEndpointType="Gateway",
    )
    [line] = price([gateway]).of_kind("charge")
    assert line.monthly_usd == 0
    assert "free" in line.item


def test_nat_gateway_bills_hours_data_and_its_elastic_ip() -> None:
    eip = hand_resource("aws:ec2/eip:Eip", "nat-ip", domain="vpc")
    nat = hand_resource("aws:ec2/natGateway:NatGateway", "nat", allocationId=eip["id"])
    result = price([eip, nat])
    assert charged(result, "NAT gateway hours") == pytest.approx(HOURS * NAT_HOUR)
    assert charged(result, "NAT gateway data") == pytest.approx(10 * NAT_GB)
    assert charged(result, "Elastic IP public IPv4") == pytest.approx(HOURS * IPV4_HOUR)


def test_metric_math_alarm_bills_each_metric_it_reads() -> None:
    queries = [
        {"id": "errors", "metric": {"metricName": "5xx", "period": 60}},
        {"id": "requests", "metric": {"metricName": "RequestCount", "period": 60}},
        {"id": "rate", "expression": "errors / requests", "returnData": True},
    ]
    alarm = hand_resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm", "error-rate", metricQueries=queries
    )
    assert alarm_metric_count(alarm) == 2
    assert charged(price([alarm]), "Metric-math alarms") == pytest.approx(2 * 0.10)


def test_high_resolution_alarm_costs_thirty_cents() -> None:
    alarm = hand_resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm", "fast", metricName="x", period=10
    )
    assert charged(price([alarm]), "High-resolution alarms") == pytest.approx(0.30)


def test_composite_alarm_filter_metric_and_dashboard_prices() -> None:
    result = price(
        [
            hand_resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", "slo"),
            hand_resource("aws:cloudwatch/logMetricFilter:LogMetricFilter", "errors"),
            hand_resource("aws:cloudwatch/dashboard:Dashboard", "main"),
        ]
    )
    assert charged(result, "Composite alarms") == pytest.approx(0.50)
    assert charged(result, "Custom metrics from log metric filters") == pytest.approx(0.30)
    assert charged(result, "Dashboards") == pytest.approx(3.00)


def test_log_storage_scales_with_retention() -> None:
    group = hand_resource("aws:cloudwatch/logGroup:LogGroup", "app", retentionInDays=7)
    assert charged(price([group]), "Log storage") == pytest.approx(2 * 7 / 30 * LOG_STORAGE)


def test_target_tracking_policy_implies_two_billed_alarms() -> None:
    policy = hand_resource(
        "aws:appautoscaling/policy:Policy", "cpu-tracking", policyType="TargetTrackingScaling"
    )
    result = price([policy])
    assert charged(result, "Alarms AWS creates for target tracking") == pytest.approx(2 * 0.10)


def test_container_insights_is_priced_as_custom_metrics_per_usage_assumption() -> None:
    cluster = hand_resource(
        "aws:ecs/cluster:Cluster",
        "cluster",
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )
    service = service_with_task(cluster=cluster["outputs"]["arn"])
    usage = load_usage()
    metrics = (
        usage["container_insights_metrics_per_cluster"]
        + usage["container_insights_metrics_per_service"]
    )
    result = price([cluster, *service])
    assert charged(result, "Container Insights (enabled) metrics") == pytest.approx(metrics * 0.30)
    performance_gb = usage["container_insights_log_gb_per_task_month"]
    assert charged(result, "Container Insights performance logs") == pytest.approx(
        performance_gb * LOG_INGEST
    )


def test_waf_is_acl_plus_rules_plus_requests() -> None:
    acl = hand_resource(
        "aws:wafv2/webAcl:WebAcl", "waf", rules=[{"name": f"r{i}"} for i in range(5)]
    )
    assert price([acl]).total_usd == pytest.approx(5 + 5 * 1 + 1 * 0.60)


def test_unknown_type_is_reported_not_priced_not_zero() -> None:
    result = price([hand_resource("aws:rds/instance:Instance", "db", instanceClass="db.t4g.micro")])
    [line] = result.not_priced
    assert line.item == "aws:rds/instance:Instance"
    assert line.resources == ("db",)


def test_a_region_missing_from_the_table_has_no_price_table_rather_than_zero_prices() -> None:
    # Issue 13: an all-unpriced $0.00 estimate read as a real figure.
    with pytest.raises(NoPriceTable, match=r"^no price table for eu-west-1 \(.* has "):
        price([internet_alb()], region="eu-west-1")


def test_free_types_are_listed_without_charge() -> None:
    result = price(
        [hand_resource("aws:ec2/vpc:Vpc", "vpc"), hand_resource("aws:iam/role:Role", "role")]
    )
    assert {line.item for line in result.of_kind("free")} == {
        "aws:ec2/vpc:Vpc",
        "aws:iam/role:Role",
    }
    assert not result.not_priced


def test_a_component_resource_is_not_classified_and_the_resources_after_it_are() -> None:
    # A ComponentResource bills nothing itself: its children carry the cost.
    component = {**hand_resource("ecs-fargate:web:WebService", "web"), "custom": False}
    result = price([component, hand_resource("aws:ec2/vpc:Vpc", "vpc")])
    assert [line.item for line in result.of_kind("free")] == ["aws:ec2/vpc:Vpc"]
    assert not result.not_priced


def test_a_priced_resource_does_not_end_the_listing_of_the_free_ones_after_it() -> None:
    dashboard = hand_resource("aws:cloudwatch/dashboard:Dashboard", "main")
    result = price([dashboard, hand_resource("aws:ec2/vpc:Vpc", "vpc")])
    assert [line.item for line in result.of_kind("free")] == ["aws:ec2/vpc:Vpc"]


def test_free_tier_is_a_separate_line_and_leaves_the_headline_unchanged() -> None:
    dashboards = [hand_resource("aws:cloudwatch/dashboard:Dashboard", f"d{i}") for i in range(4)]
    result = price(dashboards)
    assert result.total_usd == pytest.approx(4 * 3.00)
    assert result.free_tier_usd == pytest.approx(-3 * 3.00)
    assert result.total_after_free_tiers_usd == pytest.approx(3.00)


def test_flow_log_is_vended_log_delivery_and_sets_its_log_group_storage() -> None:
    group = hand_resource("aws:cloudwatch/logGroup:LogGroup", "flow-logs", retentionInDays=90)
    flow_log = hand_resource(
        "aws:ec2/flowLog:FlowLog",
        "flow-log",
        logDestination=group["outputs"]["arn"],
        logDestinationType="cloud-watch-logs",
        trafficType="REJECT",
    )
    gb = load_usage()["flow_log_gb_per_month"]
    result = price([group, flow_log])
    assert charged(result, "VPC flow log delivery") == pytest.approx(gb * LOG_INGEST)
    assert charged(result, "Log storage") == pytest.approx(gb * 90 / 30 * LOG_STORAGE)
    assert charged(result, "Log ingestion") == 0


def test_waf_logging_is_vended_log_delivery_into_its_own_log_group() -> None:
    group = hand_resource("aws:cloudwatch/logGroup:LogGroup", "waf-logs", retentionInDays=30)
    logging = hand_resource(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "waf",
        logDestinationConfigs=[group["outputs"]["arn"]],
    )
    gb = load_usage()["waf_log_gb_per_month"]
    result = price([group, logging])
    assert charged(result, "WAF log delivery") == pytest.approx(gb * LOG_INGEST)
    assert charged(result, "Log storage") == pytest.approx(gb * LOG_STORAGE)
    assert not result.not_priced
