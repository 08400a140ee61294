"""The Network component as every stack plans it, and on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components.config import parse_stack_config
from tests.support.graphs import PlanVariant
from tests.support.paths import FIXTURES, REPO_ROOT
from tools.graph import Graph, Resource, json_input
from tools.offline import run_program

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


@pytest.fixture(scope="module")
def solo_network() -> Graph:
    return Graph(run_program("test", project_dir=FIXTURES / "network_only"))


def subnets(graph: Graph, tier: str) -> list[Resource]:
    return [s for s in graph.of_type(SUBNET) if s["inputs"]["tags"]["Tier"] == tier]


def private_route_table_ids(graph: Graph) -> set[str]:
    private_subnet_ids = {s["id"] for s in subnets(graph, "private")}
    return {
        a["inputs"]["routeTableId"]
        for a in graph.of_type(ASSOCIATION)
        if a["inputs"]["subnetId"] in private_subnet_ids
    }


def interface_endpoints(graph: Graph) -> list[Resource]:
    return [e for e in graph.of_type(ENDPOINT) if e["inputs"]["vpcEndpointType"] == "Interface"]


def configured_az_count(graph: Graph) -> int:
    """How many AZs the config the graph was planned with asks for."""
    network = parse_stack_config(graph.data["config"], stack=graph.data["stack"]).network
    return len(network.availability_zones) or network.availability_zone_count


def test_one_public_and_one_private_subnet_per_az(stack_graph: Graph) -> None:
    expected = configured_az_count(stack_graph)
    for tier in ("public", "private"):
        zones = [s["inputs"]["availabilityZone"] for s in subnets(stack_graph, tier)]
        assert len(zones) == expected
        assert len(set(zones)) == expected, f"{tier} subnets share an AZ: {zones}"


def test_azs_come_from_the_account_lookup_and_skip_the_closed_zone(dev_graph: Graph) -> None:
    zones = sorted(s["inputs"]["availabilityZone"] for s in subnets(dev_graph, "private"))
    assert zones == ["ap-northeast-1a", "ap-northeast-1c"]


def test_no_subnet_assigns_public_ips(stack_graph: Graph) -> None:
    assert all(s["inputs"]["mapPublicIpOnLaunch"] is False for s in stack_graph.of_type(SUBNET))


def test_vpc_has_dns_support_and_hostnames_for_private_endpoint_dns(stack_graph: Graph) -> None:
    vpc = stack_graph.one("aws:ec2/vpc:Vpc")["inputs"]
    assert vpc["enableDnsSupport"] is True
    assert vpc["enableDnsHostnames"] is True


def test_public_route_table_sends_the_default_route_to_the_internet_gateway(
    stack_graph: Graph,
) -> None:
    igw = stack_graph.one("aws:ec2/internetGateway:InternetGateway")
    (route,) = [
        r for r in stack_graph.of_type(ROUTE) if r["inputs"]["destinationCidrBlock"] == "0.0.0.0/0"
    ]
    assert route["inputs"]["gatewayId"] == igw["id"]
    public_subnet_ids = {s["id"] for s in subnets(stack_graph, "public")}
    public_tables = {
        a["inputs"]["routeTableId"]
        for a in stack_graph.of_type(ASSOCIATION)
        if a["inputs"]["subnetId"] in public_subnet_ids
    }
    assert public_tables == {route["inputs"]["routeTableId"]}


def test_private_route_tables_have_no_route_to_the_internet(stack_graph: Graph) -> None:
    private_tables = private_route_table_ids(stack_graph)
    assert len(private_tables) == configured_az_count(stack_graph)
    for route in stack_graph.of_type(ROUTE):
        assert route["inputs"]["routeTableId"] not in private_tables, route["name"]
    for table in stack_graph.of_type(ROUTE_TABLE):
        assert not table["inputs"].get("routes"), f"{table['name']} has inline routes"
    assert not stack_graph.of_type("aws:ec2/natGateway:NatGateway")


def test_s3_gateway_endpoint_is_on_every_private_route_table(stack_graph: Graph) -> None:
    (gateway,) = [
        e for e in stack_graph.of_type(ENDPOINT) if e["inputs"]["vpcEndpointType"] == "Gateway"
    ]
    assert gateway["inputs"]["serviceName"] == "com.amazonaws.ap-northeast-1.s3"
    assert set(gateway["inputs"]["routeTableIds"]) == private_route_table_ids(stack_graph)
    assert "subnetIds" not in gateway["inputs"]


def test_interface_endpoints_for_ecr_and_logs_use_private_dns(stack_graph: Graph) -> None:
    endpoints = interface_endpoints(stack_graph)
    services = sorted(e["inputs"]["serviceName"] for e in endpoints)
    assert services == [
        "com.amazonaws.ap-northeast-1.ecr.api",
        "com.amazonaws.ap-northeast-1.ecr.dkr",
        "com.amazonaws.ap-northeast-1.logs",
    ]
    for endpoint in endpoints:
        assert endpoint["inputs"]["privateDnsEnabled"] is True
        assert "routeTableIds" not in endpoint["inputs"]


def test_interface_endpoints_sit_in_private_subnets_behind_the_endpoint_security_group(
    stack_graph: Graph,
) -> None:
    private_ids = {s["id"] for s in subnets(stack_graph, "private")}
    (endpoint_sg,) = [
        g
        for g in stack_graph.of_type("aws:ec2/securityGroup:SecurityGroup")
        if g["name"].endswith("endpoints-sg")
    ]
    for endpoint in interface_endpoints(stack_graph):
        assert set(endpoint["inputs"]["subnetIds"]) <= private_ids
        assert endpoint["inputs"]["securityGroupIds"] == [endpoint_sg["id"]]


def test_dev_places_interface_endpoints_in_one_az(dev_graph: Graph) -> None:
    for endpoint in interface_endpoints(dev_graph):
        assert len(endpoint["inputs"]["subnetIds"]) == 1


def test_prod_places_interface_endpoints_in_every_az(prod_graph: Graph) -> None:
    private_ids = {s["id"] for s in subnets(prod_graph, "private")}
    for endpoint in interface_endpoints(prod_graph):
        assert set(endpoint["inputs"]["subnetIds"]) == private_ids


def test_endpoint_placement_follows_config(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", endpointPlacement="every-az")
    for endpoint in interface_endpoints(graph):
        assert len(endpoint["inputs"]["subnetIds"]) == 2


def test_extra_endpoint_services_from_config_become_interface_endpoints(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_variant("dev", extraEndpointServices=["ssm", "secretsmanager"])
    services = {e["inputs"]["serviceName"] for e in interface_endpoints(graph)}
    assert {
        "com.amazonaws.ap-northeast-1.ssm",
        "com.amazonaws.ap-northeast-1.secretsmanager",
    } <= services


def test_endpoint_security_group_has_no_inline_rules(stack_graph: Graph) -> None:
    for group in stack_graph.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert "ingress" not in group["inputs"] and "egress" not in group["inputs"], group["name"]


def test_without_a_task_security_group_the_endpoints_admit_https_from_the_vpc_cidr(
    solo_network: Graph,
) -> None:
    (rule,) = solo_network.of_type(INGRESS)
    assert (rule["inputs"]["fromPort"], rule["inputs"]["toPort"]) == (443, 443)
    assert rule["inputs"]["cidrIpv4"] == "10.20.0.0/16"


def test_flow_logs_record_rejected_traffic_to_a_retained_log_group(solo_network: Graph) -> None:
    flow_log = solo_network.one("aws:ec2/flowLog:FlowLog")
    assert flow_log["inputs"]["trafficType"] == "REJECT"
    log_group = solo_network.resolve(flow_log["inputs"]["logDestination"])
    assert log_group is not None and log_group["inputs"]["retentionInDays"] == 14
    assert log_group["options"]["retainOnDelete"] is True


def test_flow_log_role_carries_the_permissions_boundary(solo_network: Graph) -> None:
    role = solo_network.one("aws:iam/role:Role")
    assert role["inputs"]["permissionsBoundary"] == "arn:aws:iam::123456789012:policy/boundary"


def test_prod_turns_flow_logs_on_and_dev_leaves_them_off(
    dev_graph: Graph, prod_graph: Graph
) -> None:
    assert len(prod_graph.of_type("aws:ec2/flowLog:FlowLog")) == 1
    assert dev_graph.of_type("aws:ec2/flowLog:FlowLog") == []


def test_every_network_child_is_parented_to_the_component(stack_graph: Graph) -> None:
    network = stack_graph.one("ecs-fargate:index:Network")
    children = stack_graph.children(network["urn"])
    assert len(children) >= 15
    assert all(c["name"].startswith(network["name"]) for c in children)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_default_tags_name_project_environment_owner_and_tool(stack: str) -> None:
    config = yaml.safe_load(Path(REPO_ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    tags = config["aws:defaultTags"]["tags"]
    assert set(tags) >= {"Project", "Environment", "ManagedBy", "Owner"}
    assert tags["Environment"] == stack


def test_graph_records_explicit_depends_on(solo_network: Graph) -> None:
    probe = solo_network.named("solo-options-probe")
    route = solo_network.named("solo-public-default-route")
    assert probe["dependsOn"] == [route["urn"]]


def test_graph_records_resource_options(solo_network: Graph) -> None:
    assert solo_network.named("solo-options-probe")["options"] == {
        "protect": True,
        "ignoreChanges": ["description"],
        "retainOnDelete": True,
        "deleteBeforeReplace": True,
    }


def test_graph_records_parents_and_property_dependencies(solo_network: Graph) -> None:
    vpc = solo_network.named("solo-vpc")
    igw = solo_network.named("solo-igw")
    assert igw["parent"] == solo_network.one("ecs-fargate:index:Network")["urn"]
    assert igw["propertyDependencies"]["vpcId"] == [vpc["urn"]]


def test_mock_ids_and_arns_are_unique_per_resource(stack_graph: Graph) -> None:
    custom = [r for r in stack_graph.resources if r["custom"]]
    assert len({r["id"] for r in custom}) == len(custom)
    assert len({r["outputs"]["arn"] for r in custom}) == len(custom)


def test_default_security_group_is_adopted_with_no_rules(stack_graph: Graph) -> None:
    default_sg = stack_graph.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default_sg["inputs"]["vpcId"] == stack_graph.one("aws:ec2/vpc:Vpc")["id"]
    assert not default_sg["inputs"].get("ingress")
    assert not default_sg["inputs"].get("egress")


def test_s3_gateway_policy_allows_only_reading_ecr_image_layers(stack_graph: Graph) -> None:
    (gateway,) = [
        e for e in stack_graph.of_type(ENDPOINT) if e["inputs"]["vpcEndpointType"] == "Gateway"
    ]
    (statement,) = json_input(gateway, "policy")["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == "arn:aws:s3:::prod-ap-northeast-1-starport-layer-bucket/*"
