"""The ECS service: cluster, capacity providers, deploy safety, deployment alarms, blue/green and
autoscaling."""

from __future__ import annotations

import re

import pytest

from components.slo import error_ratio_expression
from tests.support.graphs import PlanVariant, config_with
from tests.support.renders import rendered
from tests.support.service import (
    ALARM,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    LOG_GROUP,
    ROLE,
    SCALING_POLICY,
    SCALING_TARGET,
    SCHEDULED_ACTION,
    TARGET_GROUP,
    deployment_alarms,
    ecs_service,
    named_suffix,
    web_resources,
)
from tools.graph import Graph

NIGHT = {
    "scaleInCron": "cron(0 21 ? * MON-FRI *)",
    "scaleOutCron": "cron(0 8 ? * MON-FRI *)",
    "timezone": "Asia/Tokyo",
}


@pytest.fixture(scope="module")
def blue_green() -> Graph:
    return Graph(rendered("dev", config_with("dev", {"deploymentStrategy": "blue_green"})))


def test_cluster_container_insights_follow_config(dev_graph: Graph, prod_graph: Graph) -> None:
    def insights(graph: Graph) -> str:
        (setting,) = graph.one("aws:ecs/cluster:Cluster")["inputs"]["settings"]
        assert setting["name"] == "containerInsights"
        return setting["value"]

    assert insights(dev_graph) == "disabled"
    assert insights(prod_graph) == "enabled"


def test_cluster_offers_fargate_and_fargate_spot(stack_graph: Graph) -> None:
    providers = stack_graph.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
    assert sorted(providers["inputs"]["capacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]
    cluster = stack_graph.one("aws:ecs/cluster:Cluster")
    assert providers["propertyDependencies"]["clusterName"] == [cluster["urn"]]


def test_dev_runs_on_spot_with_base_zero(dev_graph: Graph) -> None:
    assert ecs_service(dev_graph)["inputs"]["capacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
    ]


def test_prod_runs_on_regular_fargate(prod_graph: Graph) -> None:
    assert ecs_service(prod_graph)["inputs"]["capacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 0}
    ]


def test_service_always_forces_a_new_deployment(stack_graph: Graph) -> None:
    # The provider's plan refuses a capacityProviderStrategy change unless forceNewDeployment
    # is true (terraform-provider-aws#43533), and dropping it in the same update as a strategy
    # change fails too: it is set for good, never per change (docs/runbook.md).
    assert ecs_service(stack_graph)["inputs"]["forceNewDeployment"] is True


def test_service_never_sets_a_launch_type_or_a_pinned_platform(stack_graph: Graph) -> None:
    inputs = ecs_service(stack_graph)["inputs"]
    assert "launchType" not in inputs
    assert inputs.get("platformVersion", "LATEST") == "LATEST"


def test_service_waits_for_capacity_providers_log_group_roles_and_endpoints(
    stack_graph: Graph,
) -> None:
    depends_on = set(ecs_service(stack_graph)["dependsOn"])
    providers = stack_graph.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
    assert providers["urn"] in depends_on
    assert named_suffix(stack_graph, LOG_GROUP, "app")["urn"] in depends_on
    policies = stack_graph.of_type("aws:iam/rolePolicy:RolePolicy")
    execution = [p for p in policies if p["name"].endswith("-execution")]
    assert execution and execution[0]["urn"] in depends_on
    endpoints = [
        e
        for e in stack_graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if e["inputs"]["vpcEndpointType"] == "Interface"
    ]
    assert {e["urn"] for e in endpoints} <= depends_on


def test_rolling_deploys_keep_full_capacity_and_roll_back_on_the_circuit_breaker(
    stack_graph: Graph,
) -> None:
    inputs = ecs_service(stack_graph)["inputs"]
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert inputs.get("deploymentController", {"type": "ECS"}) == {"type": "ECS"}
    assert inputs["deploymentMinimumHealthyPercent"] == 100
    assert inputs["deploymentMaximumPercent"] == 200


def test_service_rebalances_azs_propagates_tags_and_waits_for_steady_state(
    stack_graph: Graph,
) -> None:
    inputs = ecs_service(stack_graph)["inputs"]
    assert inputs["availabilityZoneRebalancing"] == "ENABLED"
    assert inputs["propagateTags"] == "SERVICE"
    assert inputs["waitForSteadyState"] is True
    assert inputs["enableExecuteCommand"] is False


def test_dev_starts_two_tasks(dev_graph: Graph) -> None:
    assert ecs_service(dev_graph)["inputs"]["desiredCount"] == 2


def test_service_leaves_the_running_count_to_autoscaling(stack_graph: Graph) -> None:
    assert ecs_service(stack_graph)["options"]["ignoreChanges"] == ["desiredCount"]


def test_deployment_alarms_are_attached_with_rollback(stack_graph: Graph) -> None:
    alarms = ecs_service(stack_graph)["inputs"]["alarms"]
    assert alarms["enable"] is True and alarms["rollback"] is True
    assert sorted(alarms["alarmNames"]) == sorted(deployment_alarms(stack_graph))
    assert len(alarms["alarmNames"]) == 2


def test_deployment_alarms_use_one_minute_periods_three_of_three_and_notify_no_one(
    stack_graph: Graph,
) -> None:
    for alarm in web_resources(stack_graph, ALARM):
        inputs = alarm["inputs"]
        assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"] == 3
        periods = [inputs.get("period")] + [
            q["metric"]["period"] for q in inputs.get("metricQueries", []) if "metric" in q
        ]
        assert {p for p in periods if p is not None} == {60}
        assert inputs["treatMissingData"] == "notBreaching"
        assert not inputs.get("alarmActions") and not inputs.get("okActions")


def test_5xx_deploy_alarm_is_the_availability_error_ratio_in_percent(
    stack_graph: Graph,
) -> None:
    # Target and load-balancer 5xx over RequestCount + ELB 503 (components/slo.py); the
    # arithmetic is evaluated in tests/program/test_observability_error_ratio_series.py.
    alarm = named_suffix(stack_graph, ALARM, "deploy-5xx")["inputs"]
    metrics = {q["id"]: q["metric"] for q in alarm["metricQueries"] if "metric" in q}
    assert {m["metricName"] for m in metrics.values()} == {
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "RequestCount",
        "HTTPCode_ELB_503_Count",
    }
    (expression,) = [q for q in alarm["metricQueries"] if "expression" in q]
    assert expression["returnData"] is True
    assert expression["expression"] == error_ratio_expression(10, scale=100)
    for metric in metrics.values():
        assert metric["namespace"] == "AWS/ApplicationELB"
        assert metric["stat"] == "Sum"
    assert alarm["threshold"] == 5


def test_5xx_deploy_alarm_is_valid_metric_math(stack_graph: Graph) -> None:
    # PutMetricAlarm: ids start with a lower-case letter, and exactly one query returns the
    # series the alarm compares with its threshold.
    queries = named_suffix(stack_graph, ALARM, "deploy-5xx")["inputs"]["metricQueries"]
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9_]*", q["id"]) for q in queries)
    assert [q["id"] for q in queries if q["returnData"]] == [
        q["id"] for q in queries if "expression" in q
    ]
    (expression,) = [q["expression"] for q in queries if "expression" in q]
    # The expression reads exactly the metric queries (functions such as FILL are upper case).
    referenced = set(re.findall(r"\b[a-z][A-Za-z0-9_]*\b", expression))
    assert referenced == {q["id"] for q in queries if "metric" in q}


def test_deploy_alarm_dimensions_are_arn_suffixes(stack_graph: Graph) -> None:
    load_balancer = stack_graph.one(LOAD_BALANCER)["outputs"]["arnSuffix"]
    expected = {
        "LoadBalancer": load_balancer,
        "TargetGroup": stack_graph.one(TARGET_GROUP)["outputs"]["arnSuffix"],
    }
    latency = named_suffix(stack_graph, ALARM, "deploy-p99")["inputs"]
    assert latency["dimensions"] == expected
    # The ELB 5xx counts exist only per LoadBalancer, so the ratio reads the whole ALB.
    errors = named_suffix(stack_graph, ALARM, "deploy-5xx")["inputs"]
    for query in errors["metricQueries"]:
        if "metric" in query:
            assert query["metric"]["dimensions"] == {"LoadBalancer": load_balancer}


def test_blue_green_deploy_alarms_read_the_whole_load_balancer(blue_green: Graph) -> None:
    # Production traffic moves between two target groups; this ALB serves only this service.
    expected = {"LoadBalancer": blue_green.one(LOAD_BALANCER)["outputs"]["arnSuffix"]}
    latency = named_suffix(blue_green, ALARM, "deploy-p99")["inputs"]
    assert latency["dimensions"] == expected
    errors = named_suffix(blue_green, ALARM, "deploy-5xx")["inputs"]
    metrics = [q["metric"] for q in errors["metricQueries"] if "metric" in q]
    assert metrics and all(m["dimensions"] == expected for m in metrics)


def test_latency_deploy_alarm_uses_p99_as_an_extended_statistic_at_the_slo(
    stack_graph: Graph,
) -> None:
    alarm = named_suffix(stack_graph, ALARM, "deploy-p99")["inputs"]
    assert alarm["metricName"] == "TargetResponseTime"
    assert alarm["extendedStatistic"] == "p99"
    assert "statistic" not in alarm
    assert alarm["threshold"] == 1.0


def test_every_alarm_uses_exactly_one_kind_of_statistic(stack_graph: Graph) -> None:
    for alarm in web_resources(stack_graph, ALARM):
        inputs = alarm["inputs"]
        kinds = [k for k in ("statistic", "extendedStatistic", "metricQueries") if k in inputs]
        assert len(kinds) == 1, alarm["name"]
        assert not str(inputs.get("statistic", "")).startswith("p")


def test_scaling_target_is_the_service_by_cluster_and_service_name(stack_graph: Graph) -> None:
    target = stack_graph.one(SCALING_TARGET)["inputs"]
    cluster = stack_graph.one("aws:ecs/cluster:Cluster")["outputs"]["name"]
    service = ecs_service(stack_graph)["outputs"]["name"]
    assert target["resourceId"] == f"service/{cluster}/{service}"
    assert target["scalableDimension"] == "ecs:service:DesiredCount"
    assert target["serviceNamespace"] == "ecs"
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 4)


def test_autoscaling_bounds_follow_config(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", minCapacity=1, desiredCount=3, maxCapacity=6)
    target = graph.one(SCALING_TARGET)["inputs"]
    assert (target["minCapacity"], target["maxCapacity"]) == (1, 6)
    assert ecs_service(graph)["inputs"]["desiredCount"] == 3


def tracked_metrics(graph: Graph) -> list[str]:
    return sorted(
        p["inputs"]["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"][
            "predefinedMetricType"
        ]
        for p in graph.of_type(SCALING_POLICY)
    )


def test_scaling_policies_track_cpu_memory_and_requests_per_target(stack_graph: Graph) -> None:
    assert tracked_metrics(stack_graph) == [
        "ALBRequestCountPerTarget",
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
    ]


def test_blue_green_scales_on_cpu_and_memory_only_since_requests_name_one_group(
    blue_green: Graph,
) -> None:
    assert tracked_metrics(blue_green) == [
        "ECSServiceAverageCPUUtilization",
        "ECSServiceAverageMemoryUtilization",
    ]


def test_scaling_policies_take_their_target_from_the_scaling_target_outputs(
    stack_graph: Graph,
) -> None:
    target = stack_graph.one(SCALING_TARGET)
    for policy in stack_graph.of_type(SCALING_POLICY):
        for key in ("resourceId", "scalableDimension", "serviceNamespace"):
            assert policy["propertyDependencies"][key] == [target["urn"]], (policy["name"], key)
            assert policy["inputs"][key] == target["inputs"][key]


def test_request_count_policy_labels_this_alb_and_target_group(stack_graph: Graph) -> None:
    (policy,) = [
        p for p in stack_graph.of_type(SCALING_POLICY) if p["name"].endswith("-scale-requests")
    ]
    spec = policy["inputs"]["targetTrackingScalingPolicyConfiguration"]
    alb = stack_graph.one(LOAD_BALANCER)["outputs"]["arnSuffix"]
    group = stack_graph.one(TARGET_GROUP)["outputs"]["arnSuffix"]
    assert spec["predefinedMetricSpecification"]["resourceLabel"] == f"{alb}/{group}"


def test_no_night_schedule_unless_configured(stack_graph: Graph) -> None:
    assert stack_graph.of_type(SCHEDULED_ACTION) == []


def test_night_schedule_scales_to_zero_and_back_to_the_bounds(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", nightSchedule=NIGHT)
    actions = {a["inputs"]["schedule"]: a["inputs"] for a in graph.of_type(SCHEDULED_ACTION)}
    assert actions[NIGHT["scaleInCron"]]["scalableTargetAction"] == {
        "minCapacity": 0,
        "maxCapacity": 0,
    }
    assert actions[NIGHT["scaleOutCron"]]["scalableTargetAction"] == {
        "minCapacity": 2,
        "maxCapacity": 4,
    }
    target = graph.one(SCALING_TARGET)["inputs"]
    for action in actions.values():
        assert action["timezone"] == "Asia/Tokyo"
        assert action["resourceId"] == target["resourceId"]


def test_blue_green_uses_the_ecs_native_strategy_with_the_circuit_breaker(
    blue_green: Graph,
) -> None:
    # Green tasks that never get healthy see no production traffic, so only the circuit breaker
    # (supported for native blue/green, AWS ECS guide "deployment failure detection") stops them.
    inputs = ecs_service(blue_green)["inputs"]
    assert inputs["deploymentConfiguration"] == {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": "5"}
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert inputs.get("deploymentController", {"type": "ECS"}) == {"type": "ECS"}
    assert inputs["alarms"]["rollback"] is True


def test_blue_green_alternates_between_two_ip_target_groups_in_the_same_vpc(
    blue_green: Graph,
) -> None:
    (balancer,) = ecs_service(blue_green)["inputs"]["loadBalancers"]
    advanced = balancer["advancedConfiguration"]
    primary = blue_green.resolve(balancer["targetGroupArn"])
    alternate = blue_green.resolve(advanced["alternateTargetGroupArn"])
    assert primary is not None and alternate is not None and primary is not alternate
    for group in (primary, alternate):
        assert group["inputs"]["targetType"] == "ip"
        assert group["inputs"]["vpcId"] == primary["inputs"]["vpcId"]


def test_blue_green_production_rule_carries_both_groups_and_ignores_ecs_rewrites(
    blue_green: Graph,
) -> None:
    rule = blue_green.one(LISTENER_RULE)
    (balancer,) = ecs_service(blue_green)["inputs"]["loadBalancers"]
    assert balancer["advancedConfiguration"]["productionListenerRule"] == rule["outputs"]["arn"]
    assert rule["options"]["ignoreChanges"] == ["actions"]
    (action,) = rule["inputs"]["actions"]
    groups = {g["arn"] for g in action["forward"]["targetGroups"]}
    assert groups == {
        balancer["targetGroupArn"],
        balancer["advancedConfiguration"]["alternateTargetGroupArn"],
    }
    listener = blue_green.resolve(rule["inputs"]["listenerArn"])
    assert listener is not None and listener["type"] == LISTENER
    assert all(a["type"] != "redirect" for a in listener["inputs"]["defaultActions"])
    assert rule["urn"] in ecs_service(blue_green)["dependencies"]


def test_blue_green_role_lets_ecs_manage_the_load_balancer(blue_green: Graph) -> None:
    (balancer,) = ecs_service(blue_green)["inputs"]["loadBalancers"]
    role = blue_green.resolve(balancer["advancedConfiguration"]["roleArn"])
    assert role is not None and role["type"] == ROLE
    assert '"Service": "ecs.amazonaws.com"' in role["inputs"]["assumeRolePolicy"]
    (attachment,) = blue_green.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment["inputs"]["policyArn"] == (
        "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
    )
    assert attachment["urn"] in ecs_service(blue_green)["dependsOn"]


def test_no_service_uses_the_codedeploy_controller(stack_graph: Graph, blue_green: Graph) -> None:
    for graph in (stack_graph, blue_green):
        controller = ecs_service(graph)["inputs"].get("deploymentController", {})
        assert controller.get("type", "ECS") == "ECS"
        assert graph.of_type("aws:codedeploy/deploymentGroup:DeploymentGroup") == []
