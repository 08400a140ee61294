"""Read helpers over the WebService part of a graph, shared by the WebService tests."""

from __future__ import annotations

import json
from typing import Any

from tests.support.paths import REPO_ROOT
from tools.graph import Graph, Resource, json_input

CONTRACT: dict[str, Any] = json.loads((REPO_ROOT / "app" / "runtime-contract.json").read_text())
"""What the image built from app/ promises the task definition (docs/app.md)."""

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
REPOSITORY = "aws:ecr/repository:Repository"
IMAGE = "awsx:ecr:Image"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def web_service(graph: Graph) -> Resource:
    return graph.one("ecs-fargate:index:WebService")


def web_resources(graph: Graph, type_token: str) -> list[Resource]:
    """Resources of a type that the WebService created (Observability adds alarms and roles
    of its own)."""
    parent = web_service(graph)["urn"]
    return [r for r in graph.of_type(type_token) if r["parent"] == parent]


def ecs_service(graph: Graph) -> Resource:
    return graph.one(SERVICE)


def container(graph: Graph) -> dict[str, Any]:
    (definition,) = json_input(graph.one(TASK_DEFINITION), "containerDefinitions")
    return definition


def named_suffix(graph: Graph, type_token: str, suffix: str) -> Resource:
    """The one WebService resource of a type whose logical name ends with ``-<suffix>``."""
    found = [r for r in web_resources(graph, type_token) if r["name"].endswith(f"-{suffix}")]
    assert len(found) == 1, f"expected one {type_token} named *-{suffix}, found {len(found)}"
    return found[0]


def policy_statements(graph: Graph, role_policy_suffix: str) -> list[dict[str, Any]]:
    return json_input(named_suffix(graph, ROLE_POLICY, role_policy_suffix), "policy")["Statement"]


def listener_on(graph: Graph, port: int) -> Resource:
    (listener,) = [r for r in graph.of_type(LISTENER) if r["inputs"]["port"] == port]
    return listener


def security_group_name(graph: Graph, group_id: str) -> str:
    group = graph.resolve(group_id)
    assert group is not None and group["type"] == SECURITY_GROUP, group_id
    return group["name"].removeprefix(f"ecs-fargate-{graph.data['stack']}-")


def rule_chain(graph: Graph) -> set[tuple[str, str, int, int, str]]:
    """Every standalone SG rule as (direction, group, from port, to port, peer)."""
    chain: set[tuple[str, str, int, int, str]] = set()
    for direction, type_token in (("in", INGRESS), ("out", EGRESS)):
        for rule in graph.of_type(type_token):
            inputs = rule["inputs"]
            assert inputs["ipProtocol"] == "tcp", rule["name"]
            if "referencedSecurityGroupId" in inputs:
                peer = "sg:" + security_group_name(graph, inputs["referencedSecurityGroupId"])
            elif "prefixListId" in inputs:
                gateway = [
                    e
                    for e in graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                    if e["outputs"].get("prefixListId") == inputs["prefixListId"]
                ]
                assert len(gateway) == 1, inputs["prefixListId"]
                peer = "prefix-list:" + gateway[0]["inputs"]["serviceName"].rsplit(".", 1)[-1]
            else:
                peer = "cidr:" + (inputs.get("cidrIpv4") or inputs["cidrIpv6"])
            group = security_group_name(graph, inputs["securityGroupId"])
            chain.add((direction, group, inputs["fromPort"], inputs["toPort"], peer))
    return chain


def deployment_alarms(graph: Graph) -> dict[str, Resource]:
    """The WebService's alarms by physical name."""
    return {a["outputs"]["name"]: a for a in web_resources(graph, ALARM)}


def log_retention_days(graph: Graph) -> int:
    return int(graph.data["config"]["ecs-fargate:logRetentionDays"])
