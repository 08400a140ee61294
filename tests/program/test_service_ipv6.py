"""The WebService in the IPv6 egress-only mode (docs/ipv6-egress.md section 3): a dual-stack ALB
with IPv6 target groups, client rules by address family, tasks whose only way out is tcp 443
over IPv6, and an image pulled through ECR's dual-stack registry host."""

from __future__ import annotations

from typing import Any

import pytest

from components.ecr_image import dual_stack_image
from tests.support.graphs import PlanVariant, config_with
from tests.support.renders import rendered
from tests.support.service import (
    EGRESS,
    IMAGE,
    INGRESS,
    LOAD_BALANCER,
    REPOSITORY,
    TARGET_GROUP,
    container,
    policy_statements,
    rule_chain,
    security_group_name,
)
from tools.graph import Graph, Resource

IPV6 = {"egress": "ipv6-egress-only"}
DUAL_STACK_IMAGE = "123456789012.dkr-ecr.ap-northeast-1.on.aws/ecs-fargate-web@sha256:" + "c" * 64


@pytest.fixture(scope="module")
def ipv6_graph() -> Graph:
    return Graph(rendered("dev", config_with("dev", IPV6)))


def plan_ipv6(plan_variant: PlanVariant, **overrides: Any) -> Graph:
    return plan_variant("dev", **IPV6, **overrides)


def task_egress_rules(graph: Graph) -> list[Resource]:
    return [
        rule
        for rule in graph.of_type(EGRESS)
        if security_group_name(graph, rule["inputs"]["securityGroupId"]) == "task-sg"
    ]


def alb_client_rules(graph: Graph) -> dict[str, dict[str, Any]]:
    """The ALB's CIDR ingress rules by logical name."""
    return {
        rule["name"]: rule["inputs"]
        for rule in graph.of_type(INGRESS)
        if "referencedSecurityGroupId" not in rule["inputs"]
        and security_group_name(graph, rule["inputs"]["securityGroupId"]) == "alb-sg"
    }


def test_ipv6_mode_alb_is_dual_stack(ipv6_graph: Graph) -> None:
    assert ipv6_graph.one(LOAD_BALANCER)["inputs"]["ipAddressType"] == "dualstack"


def test_default_alb_leaves_the_address_type_to_aws_ipv4(stack_graph: Graph) -> None:
    assert "ipAddressType" not in stack_graph.one(LOAD_BALANCER)["inputs"]


def test_ipv6_mode_alb_waits_for_both_public_default_routes(ipv6_graph: Graph) -> None:
    depends_on = ipv6_graph.one(LOAD_BALANCER)["dependsOn"]
    routes = [
        r
        for r in ipv6_graph.of_type("aws:ec2/route:Route")
        if r["inputs"].get("destinationIpv6CidrBlock") == "::/0" and "gatewayId" in r["inputs"]
    ]
    assert len(routes) == 1
    assert routes[0]["urn"] in depends_on
    assert ipv6_graph.named("ecs-fargate-dev-public-default-route")["urn"] in depends_on


def test_ipv6_mode_target_group_takes_ipv6_targets(ipv6_graph: Graph) -> None:
    (group,) = ipv6_graph.of_type(TARGET_GROUP)
    assert group["inputs"]["ipAddressType"] == "ipv6"
    assert group["inputs"]["targetType"] == "ip"


def test_ipv6_mode_blue_green_alternate_group_takes_ipv6_targets_too(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_ipv6(plan_variant, deploymentStrategy="blue_green")
    groups = graph.of_type(TARGET_GROUP)
    assert len(groups) == 2
    assert {group["inputs"]["ipAddressType"] for group in groups} == {"ipv6"}


def test_default_target_groups_leave_the_address_type_to_aws_ipv4(stack_graph: Graph) -> None:
    for group in stack_graph.of_type(TARGET_GROUP):
        assert "ipAddressType" not in group["inputs"], group["name"]


def test_ipv6_client_cidr_becomes_a_cidr_ipv6_rule(ipv6_graph: Graph) -> None:
    rule = alb_client_rules(ipv6_graph)["ecs-fargate-dev-alb-80-from-1"]
    assert rule["cidrIpv6"] == "::/0"
    assert "cidrIpv4" not in rule


def test_ipv4_client_rule_keeps_its_name_and_cidr_ipv4_in_ipv6_mode(
    ipv6_graph: Graph, dev_graph: Graph
) -> None:
    assert (
        alb_client_rules(ipv6_graph)["ecs-fargate-dev-alb-80-from-0"]
        == (alb_client_rules(dev_graph)["ecs-fargate-dev-alb-80-from-0"])
    )


def test_ipv6_mode_alb_admits_exactly_the_configured_clients_of_both_families(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_ipv6(plan_variant, albIngressCidrs=["203.0.113.0/24", "2001:db8::/32"])
    public = {rule for rule in rule_chain(graph) if rule[4].startswith("cidr:")}
    tasks_out = ("out", "task-sg", 443, 443, "cidr:::/0")
    assert public - {tasks_out} == {
        ("in", "alb-sg", 80, 80, "cidr:203.0.113.0/24"),
        ("in", "alb-sg", 80, 80, "cidr:2001:db8::/32"),
    }


def test_ipv6_mode_tasks_leave_only_on_tcp_443(ipv6_graph: Graph) -> None:
    rules = task_egress_rules(ipv6_graph)
    assert rules
    for rule in rules:
        inputs = rule["inputs"]
        assert (inputs["ipProtocol"], inputs["fromPort"], inputs["toPort"]) == (
            "tcp",
            443,
            443,
        ), rule["name"]


def test_ipv6_mode_tasks_have_no_ipv4_cidr_egress(ipv6_graph: Graph) -> None:
    assert [r["name"] for r in task_egress_rules(ipv6_graph) if "cidrIpv4" in r["inputs"]] == []


def test_ipv6_mode_tasks_reach_the_internet_over_ipv6(ipv6_graph: Graph) -> None:
    (rule,) = [r for r in task_egress_rules(ipv6_graph) if "cidrIpv6" in r["inputs"]]
    assert rule["name"] == "ecs-fargate-dev-tasks-to-internet-ipv6"
    assert rule["inputs"]["cidrIpv6"] == "::/0"
    assert "only way out" in rule["inputs"]["description"]


def test_default_tasks_have_no_cidr_egress(stack_graph: Graph) -> None:
    for rule in task_egress_rules(stack_graph):
        assert "cidrIpv4" not in rule["inputs"] and "cidrIpv6" not in rule["inputs"]


def test_ipv6_mode_task_pulls_the_pushed_image_through_the_dual_stack_host(
    ipv6_graph: Graph,
) -> None:
    pushed = ipv6_graph.one(IMAGE)["outputs"]["imageUri"]
    assert ".dkr.ecr.ap-northeast-1.amazonaws.com/" in pushed
    image = container(ipv6_graph)["image"]
    assert image == dual_stack_image(pushed)
    assert image.split("/", 1)[0].endswith(".dkr-ecr.ap-northeast-1.on.aws")


def test_ipv6_mode_pushes_to_the_repository_url_as_ecr_gives_it(ipv6_graph: Graph) -> None:
    repository_url = ipv6_graph.one(REPOSITORY)["outputs"]["repositoryUrl"]
    assert ipv6_graph.one(IMAGE)["inputs"]["repositoryUrl"] == repository_url


def test_ipv6_mode_execution_role_pulls_from_the_same_repository(ipv6_graph: Graph) -> None:
    (pull,) = [s for s in policy_statements(ipv6_graph, "execution") if s["Sid"] == "PullAppImage"]
    assert pull["Resource"] == ipv6_graph.one(REPOSITORY)["outputs"]["arn"]


def test_ipv6_mode_task_runs_a_configured_dual_stack_image_as_given(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_ipv6(plan_variant, image=DUAL_STACK_IMAGE)
    assert container(graph)["image"] == DUAL_STACK_IMAGE


def test_ipv6_mode_configured_image_pull_is_granted_on_its_repository(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_ipv6(plan_variant, image=DUAL_STACK_IMAGE)
    (pull,) = [s for s in policy_statements(graph, "execution") if s["Sid"] == "PullAppImage"]
    assert pull["Resource"] == (
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/ecs-fargate-web"
    )


def test_default_task_pulls_through_the_ipv4_registry_host(stack_graph: Graph) -> None:
    assert ".dkr.ecr." in container(stack_graph)["image"].split("/", 1)[0]


def alias_record_types(graph: Graph) -> list[str]:
    """The types of the records that alias the ALB's DNS name."""
    dns_name = graph.one(LOAD_BALANCER)["outputs"]["dnsName"]
    return sorted(
        record["inputs"]["type"]
        for record in graph.of_type("aws:route53/record:Record")
        if [alias["name"] for alias in record["inputs"].get("aliases", [])] == [dns_name]
    )


def test_ipv6_mode_domain_aliases_the_alb_for_ipv4_and_ipv6_clients(
    plan_variant: PlanVariant, prod_graph: Graph
) -> None:
    config = prod_graph.data["config"]
    graph = plan_ipv6(
        plan_variant,
        domainName=config["ecs-fargate:domainName"],
        hostedZoneId=config["ecs-fargate:hostedZoneId"],
    )
    assert alias_record_types(graph) == ["A", "AAAA"]


def test_default_domain_aliases_the_alb_for_ipv4_only(prod_graph: Graph) -> None:
    assert alias_record_types(prod_graph) == ["A"]


def test_service_waits_for_the_task_subnets_routes_to_the_egress_only_gateway(
    ipv6_graph: Graph,
) -> None:
    """Image pulls leave through these routes in the mode: a task started before they exist
    fails with CannotPullContainerError, as it would before the endpoints in endpoints mode."""
    depends_on = set(ipv6_graph.one("aws:ecs/service:Service")["dependsOn"])
    routes = [
        route
        for route in ipv6_graph.of_type("aws:ec2/route:Route")
        if route["inputs"].get("egressOnlyGatewayId")
    ]
    assert len(routes) == 2
    assert {route["urn"] for route in routes} <= depends_on
