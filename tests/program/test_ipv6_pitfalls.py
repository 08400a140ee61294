"""Apply-time pitfalls of the ipv6-egress-only mode (docs/ipv6-egress.md section 3, "Pitfall
checks"), over the whole rendered stack: each test follows the links from the ECS service to the
network resources it depends on, so a component that is right on its own but joined to the wrong
subnet, table or target group fails here. Rolling and blue/green deployments alike."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphs import BLUE_GREEN, config_with
from tests.support.renders import rendered
from tests.support.service import (
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    TARGET_GROUP,
    TASK_DEFINITION,
    ecs_service,
)
from tools.graph import Graph, Resource, json_input

IPV6 = {"egress": "ipv6-egress-only"}
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
EGRESS_ONLY_GATEWAY = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


@pytest.fixture(scope="module", params=[{}, BLUE_GREEN], ids=["rolling", "blue-green"])
def ipv6_graph(request: pytest.FixtureRequest) -> Graph:
    overrides: dict[str, Any] = {**IPV6, **request.param}
    return Graph(rendered("dev", config_with("dev", overrides)))


def resolved(graph: Graph, references: list[str]) -> list[Resource]:
    found = [graph.resolve(reference) for reference in references]
    assert all(found), f"unresolved references among {references}"
    return [r for r in found if r is not None]


def task_subnets(graph: Graph) -> list[Resource]:
    subnets = resolved(graph, ecs_service(graph)["inputs"]["networkConfiguration"]["subnets"])
    assert subnets
    return subnets


def alb_subnets(graph: Graph) -> list[Resource]:
    subnets = resolved(graph, graph.one(LOAD_BALANCER)["inputs"]["subnets"])
    assert subnets
    return subnets


def route_table_of(graph: Graph, subnet: Resource) -> Resource:
    (association,) = [
        a for a in graph.of_type(ROUTE_TABLE_ASSOCIATION) if a["inputs"]["subnetId"] == subnet["id"]
    ]
    (table,) = resolved(graph, [association["inputs"]["routeTableId"]])
    return table


def ipv6_default_target(graph: Graph, subnet: Resource) -> Resource:
    """The gateway the subnet's route table sends ::/0 to."""
    table = route_table_of(graph, subnet)
    (route,) = [
        r
        for r in graph.of_type(ROUTE)
        if r["inputs"]["routeTableId"] == table["id"]
        and r["inputs"].get("destinationIpv6CidrBlock") == "::/0"
    ]
    inputs = route["inputs"]
    (gateway,) = resolved(graph, [inputs.get("egressOnlyGatewayId") or inputs["gatewayId"]])
    return gateway


def is_ipv6_only(subnet: Resource) -> bool:
    return subnet["inputs"].get("ipv6Native") is True and "cidrBlock" not in subnet["inputs"]


def test_tasks_pull_from_the_dual_stack_registry_host_of_the_stack_region(
    ipv6_graph: Graph,
) -> None:
    images = [
        definition["image"]
        for task in ipv6_graph.of_type(TASK_DEFINITION)
        for definition in json_input(task, "containerDefinitions")
    ]
    host = f".dkr-ecr.{ipv6_graph.region}.on.aws/"
    assert images and all(host in image and ".dkr.ecr." not in image for image in images)


def test_every_subnet_the_service_runs_in_is_ipv6_only(ipv6_graph: Graph) -> None:
    assert all(is_ipv6_only(subnet) for subnet in task_subnets(ipv6_graph))


def service_target_groups(graph: Graph) -> list[Resource]:
    """The target groups the service registers tasks into (blue/green: both)."""
    references: list[str] = []
    for entry in ecs_service(graph)["inputs"]["loadBalancers"]:
        references.append(entry["targetGroupArn"])
        alternate = (entry.get("advancedConfiguration") or {}).get("alternateTargetGroupArn")
        references.extend([alternate] if alternate else [])
    return resolved(graph, references)


def test_the_service_registers_only_into_ipv6_ip_target_groups(ipv6_graph: Graph) -> None:
    groups = service_target_groups(ipv6_graph)
    assert len(groups) == len(ipv6_graph.of_type(TARGET_GROUP))
    assert all(
        (g["inputs"].get("ipAddressType"), g["inputs"]["targetType"]) == ("ipv6", "ip")
        for g in groups
    )


def test_the_load_balancer_forwarding_to_the_tasks_is_dual_stack(ipv6_graph: Graph) -> None:
    forwarding = [
        *ipv6_graph.of_type(LISTENER),
        *[
            listener
            for rule in ipv6_graph.of_type(LISTENER_RULE)
            for listener in resolved(ipv6_graph, [rule["inputs"]["listenerArn"]])
        ],
    ]
    balancers = resolved(ipv6_graph, [li["inputs"]["loadBalancerArn"] for li in forwarding])
    assert balancers and all(lb["inputs"].get("ipAddressType") == "dualstack" for lb in balancers)


def test_every_alb_subnet_has_an_ipv6_block(ipv6_graph: Graph) -> None:
    assert all(subnet["inputs"].get("ipv6CidrBlock") for subnet in alb_subnets(ipv6_graph))


def test_every_alb_subnet_routes_ipv6_to_the_internet_gateway(ipv6_graph: Graph) -> None:
    targets = {ipv6_default_target(ipv6_graph, s)["type"] for s in alb_subnets(ipv6_graph)}
    assert targets == {INTERNET_GATEWAY}


def test_no_task_subnet_synthesises_ipv6_for_ipv4_names_without_a_nat_gateway(
    ipv6_graph: Graph,
) -> None:
    assert ipv6_graph.of_type(NAT_GATEWAY) == []
    assert all(s["inputs"].get("enableDns64") is False for s in task_subnets(ipv6_graph))


def test_the_logs_endpoint_is_ipv6_addressed_in_ipv6_only_subnets(ipv6_graph: Graph) -> None:
    (logs,) = [
        e for e in ipv6_graph.of_type(ENDPOINT) if e["inputs"]["serviceName"].endswith(".logs")
    ]
    inputs = logs["inputs"]
    assert (inputs["ipAddressType"], inputs["dnsOptions"]["dnsRecordIpType"]) == ("ipv6", "ipv6")
    assert all(is_ipv6_only(subnet) for subnet in resolved(ipv6_graph, inputs["subnetIds"]))


def test_every_task_subnet_routes_ipv6_to_the_egress_only_gateway(ipv6_graph: Graph) -> None:
    targets = {ipv6_default_target(ipv6_graph, s)["type"] for s in task_subnets(ipv6_graph)}
    assert targets == {EGRESS_ONLY_GATEWAY}
