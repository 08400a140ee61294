"""Observability as the real stacks plan it: wired to this stack's load balancer, target group,
service and log group."""

from __future__ import annotations

import json
from typing import Any

from components.observability.alarms import BURN_RATE_WINDOW_ALARMS
from components.observability.logs import LOG_METRICS
from components.slo import ERROR_RATIO_INPUTS
from tests.support.graphs import PlanVariant
from tests.support.observability import SCHEDULE, schedules_by_action, stack_table_alarms
from tools.graph import Graph, Resource

OBSERVABILITY = "ecs-fargate:index:Observability"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "aws:sns/topic:Topic"
SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
HOST_ALARMS = {"unhealthy-hosts": "UnHealthyHostCount", "healthy-hosts-low": "HealthyHostCount"}


def observability_resources(graph: Graph, type_token: str) -> list[Resource]:
    parent = graph.one(OBSERVABILITY)["urn"]
    return [r for r in graph.of_type(type_token) if r["parent"] == parent]


def dimension_sets(alarm: Resource) -> list[dict[str, Any]]:
    inputs = alarm["inputs"]
    found = [inputs["dimensions"]] if inputs.get("dimensions") else []
    found += [q["metric"]["dimensions"] for q in inputs.get("metricQueries", []) if "metric" in q]
    return found


def test_alb_dimensions_are_this_stacks_arn_suffixes(stack_graph: Graph) -> None:
    expected = {
        "LoadBalancer": stack_graph.one("aws:lb/loadBalancer:LoadBalancer")["outputs"]["arnSuffix"],
        "TargetGroup": stack_graph.one("aws:lb/targetGroup:TargetGroup")["outputs"]["arnSuffix"],
    }
    checked = 0
    for alarm in observability_resources(stack_graph, ALARM):
        for dimensions in dimension_sets(alarm):
            for key in ("LoadBalancer", "TargetGroup"):
                if key in dimensions:
                    assert dimensions[key] == expected[key], alarm["name"]
                    checked += 1
    # At least every burn-rate window's load-balancer counts.
    assert checked >= len(BURN_RATE_WINDOW_ALARMS) * len(ERROR_RATIO_INPUTS)


def names(graph: Graph) -> set[str]:
    return {r["name"] for r in graph.resources}


def stack_alarm(graph: Graph, alarm_id: str) -> dict[str, Any]:
    return graph.named(f"ecs-fargate-{graph.data['stack']}-{alarm_id}")["inputs"]


def test_rolling_host_and_latency_alarms_read_the_one_target_group_directly(
    stack_graph: Graph,
) -> None:
    (group,) = stack_graph.of_type(TARGET_GROUP)
    present = [
        a
        for a in HOST_ALARMS
        if f"ecs-fargate-{stack_graph.data['stack']}-{a}" in names(stack_graph)
    ]
    assert "healthy-hosts-low" in present
    for alarm_id in (*present, "latency-p99"):
        inputs = stack_alarm(stack_graph, alarm_id)
        assert "metricQueries" not in inputs, alarm_id
        assert inputs["dimensions"]["TargetGroup"] == group["outputs"]["arnSuffix"], alarm_id


def test_blue_green_host_alarms_sum_the_counts_of_both_target_groups(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_variant("prod", deploymentStrategy="blue_green")
    groups = sorted(g["outputs"]["arnSuffix"] for g in graph.of_type(TARGET_GROUP))
    lb = graph.one(LOAD_BALANCER)["outputs"]["arnSuffix"]
    assert len(groups) == 2
    for alarm_id, metric_name in HOST_ALARMS.items():
        inputs = stack_alarm(graph, alarm_id)
        assert "dimensions" not in inputs and "metricName" not in inputs, alarm_id
        metrics = {q["id"]: q["metric"] for q in inputs["metricQueries"] if "metric" in q}
        assert sorted(m["dimensions"]["TargetGroup"] for m in metrics.values()) == groups
        assert {m["dimensions"]["LoadBalancer"] for m in metrics.values()} == {lb}
        assert {m["metricName"] for m in metrics.values()} == {metric_name}
        (total,) = [q for q in inputs["metricQueries"] if q.get("returnData")]
        assert total["expression"] == "+".join(f"FILL({qid},0)" for qid in sorted(metrics))


def test_blue_green_host_alarms_keep_the_rolling_thresholds_and_missing_data(
    prod_graph: Graph, plan_variant: PlanVariant
) -> None:
    graph = plan_variant("prod", deploymentStrategy="blue_green")
    judged = ("comparisonOperator", "threshold", "evaluationPeriods", "datapointsToAlarm")
    for alarm_id in HOST_ALARMS:
        rolling, blue_green = stack_alarm(prod_graph, alarm_id), stack_alarm(graph, alarm_id)
        for key in (*judged, "treatMissingData", "alarmActions"):
            assert blue_green[key] == rolling[key], (alarm_id, key)
        rolling_stat = rolling["statistic"]
        assert {q["metric"]["stat"] for q in blue_green["metricQueries"] if "metric" in q} == {
            rolling_stat
        }
        assert {q["metric"]["period"] for q in blue_green["metricQueries"] if "metric" in q} == {
            rolling["period"]
        }


def test_blue_green_latency_alarm_reads_the_whole_load_balancer(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", deploymentStrategy="blue_green")
    inputs = stack_alarm(graph, "latency-p99")
    # This ALB serves one service: its own p99 covers both target groups.
    assert inputs["dimensions"] == {
        "LoadBalancer": graph.one(LOAD_BALANCER)["outputs"]["arnSuffix"]
    }
    assert inputs["extendedStatistic"] == "p99"


def test_blue_green_dashboard_keys_no_widget_on_one_target_group(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_variant("prod", deploymentStrategy="blue_green")
    body = json.loads(graph.one("aws:cloudwatch/dashboard:Dashboard")["inputs"]["dashboardBody"])
    for widget in body["widgets"]:
        for entry in widget["properties"].get("metrics", []):
            assert "TargetGroup" not in entry, widget["properties"]["title"]


def test_ecs_dimensions_are_this_stacks_cluster_and_service(stack_graph: Graph) -> None:
    expected = {
        "ClusterName": stack_graph.one("aws:ecs/cluster:Cluster")["outputs"]["name"],
        "ServiceName": stack_graph.one("aws:ecs/service:Service")["outputs"]["name"],
    }
    ecs_alarms = [
        a
        for a in observability_resources(stack_graph, ALARM)
        if any("ClusterName" in d for d in dimension_sets(a))
    ]
    assert ecs_alarms
    for alarm in ecs_alarms:
        for dimensions in dimension_sets(alarm):
            assert dimensions == expected, alarm["name"]


def test_log_metric_filters_and_queries_read_the_web_services_app_log_group(
    stack_graph: Graph,
) -> None:
    web = stack_graph.one("ecs-fargate:index:WebService")["urn"]
    (app_log_group,) = [
        g
        for g in stack_graph.of_type("aws:cloudwatch/logGroup:LogGroup")
        if g["parent"] == web and g["name"].endswith("-app")
    ]
    name = app_log_group["outputs"]["name"]
    filters = stack_graph.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert {f["inputs"]["metricTransformation"]["name"] for f in filters} == set(LOG_METRICS)
    assert {f["inputs"]["logGroupName"] for f in filters} == {name}
    for query in stack_graph.of_type("aws:cloudwatch/queryDefinition:QueryDefinition"):
        assert query["inputs"]["logGroupNames"] == [name]


def test_alarm_topic_arn_is_exported(stack_graph: Graph) -> None:
    topic = observability_resources(stack_graph, TOPIC)
    assert [t["outputs"]["arn"] for t in topic] == [stack_graph.data["outputs"]["alarmTopicArn"]]


def test_prod_encrypts_the_topic_with_its_own_key_and_dev_does_not(
    dev_graph: Graph, prod_graph: Graph
) -> None:
    (prod_topic,) = observability_resources(prod_graph, TOPIC)
    (prod_key,) = observability_resources(prod_graph, "aws:kms/key:Key")
    assert prod_topic["inputs"]["kmsMasterKeyId"] == prod_key["outputs"]["arn"]
    (dev_topic,) = observability_resources(dev_graph, TOPIC)
    assert not dev_topic["inputs"].get("kmsMasterKeyId")


def test_prod_has_a_dashboard_and_dev_does_not(dev_graph: Graph, prod_graph: Graph) -> None:
    assert prod_graph.data["outputs"]["dashboardName"] == "ecs-fargate-prod-golden-signals"
    assert "dashboardName" not in dev_graph.data["outputs"]
    assert not dev_graph.of_type("aws:cloudwatch/dashboard:Dashboard")


def test_each_stack_renders_the_spec_tables_alarms_its_flags_turn_on(stack_graph: Graph) -> None:
    expected = stack_table_alarms(stack_graph)
    alarms = observability_resources(stack_graph, ALARM)
    composites = observability_resources(stack_graph, COMPOSITE)
    assert {a["name"] for a in alarms} == expected.metric
    assert {a["name"] for a in composites} == expected.composite
    assert {
        a["name"] for a in alarms + composites if a["inputs"].get("alarmActions")
    } == expected.notifying


def test_unhealthy_hosts_alarm_follows_its_setting_and_dev_leaves_it_out(
    dev_graph: Graph, prod_graph: Graph, plan_variant: PlanVariant
) -> None:
    # Dev pays for the error ratio's HTTPCode_ELB_503_Count with it (docs/slo.md, cost).
    assert "ecs-fargate-dev-unhealthy-hosts" not in names(dev_graph)
    assert "ecs-fargate-dev-healthy-hosts-low" in names(dev_graph)
    assert "ecs-fargate-prod-unhealthy-hosts" in names(prod_graph)
    with_it = plan_variant("dev", unhealthyHostsAlarm=True)
    assert names(with_it) - names(dev_graph) == {"ecs-fargate-dev-unhealthy-hosts"}


def test_slack_only_when_both_ids_are_set(dev_graph: Graph, plan_variant: PlanVariant) -> None:
    assert not dev_graph.of_type(SLACK)
    graph = plan_variant("dev", slackWorkspaceId="T0123ABCDEF", slackChannelId="C0123ABCDEF")
    (slack,) = graph.of_type(SLACK)
    assert slack["inputs"]["snsTopicArns"] == [graph.data["outputs"]["alarmTopicArn"]]


def test_night_schedule_pauses_this_stacks_availability_alarms(
    dev_graph: Graph, plan_variant: PlanVariant
) -> None:
    assert not dev_graph.of_type(SCHEDULE)
    night = {
        "scaleInCron": "cron(0 20 ? * MON-FRI *)",
        "scaleOutCron": "cron(0 7 ? * MON-FRI *)",
        "timezone": "Asia/Tokyo",
    }
    graph = plan_variant("dev", nightSchedule=night)
    schedules = schedules_by_action(graph)
    scaling = {
        a["inputs"]["schedule"]: a["inputs"]["timezone"]
        for a in graph.of_type("aws:appautoscaling/scheduledAction:ScheduledAction")
    }
    # Off with the scale-in, in its time zone; back 35 minutes after the scale-out.
    (off,) = schedules["disableAlarmActions"]
    (on,) = schedules["enableAlarmActions"]
    assert scaling == {
        off["scheduleExpression"]: off["scheduleExpressionTimezone"],
        night["scaleOutCron"]: on["scheduleExpressionTimezone"],
    }
    assert on["scheduleExpression"] == "cron(35 7 ? * MON-FRI *)"
    for schedule in (off, on):
        assert json.loads(schedule["target"]["input"]) == {
            "AlarmNames": [
                "ecs-fargate-dev-availability-fast-burn",
                "ecs-fargate-dev-availability-slow-burn",
                "ecs-fargate-dev-healthy-hosts-low",
            ]
        }
    assert sorted(
        json.loads(s["target"]["input"])["AlarmName"] for s in schedules["setAlarmState"]
    ) == [
        "ecs-fargate-dev-availability-fast-burn-5m",
        "ecs-fargate-dev-availability-slow-burn-30m",
        "ecs-fargate-dev-healthy-hosts-low",
    ]
