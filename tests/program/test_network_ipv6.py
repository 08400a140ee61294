"""The Network in the IPv6 egress-only mode (docs/ipv6-egress.md section 3): IPv6-only task
subnets whose only way out is an egress-only gateway, dual-stack ALB subnets routed to the
internet gateway, and the logs endpoint alone, on IPv6."""

from __future__ import annotations

import ipaddress

import pytest

from components.network import ipv6_subnet_cidr
from tests.support.graphs import config_with
from tests.support.paths import FIXTURES
from tests.support.renders import rendered
from tools.graph import Graph, Resource
from tools.offline import run_program
from tools.offline.mocks import MOCK_VPC_IPV6_BLOCK

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
EGRESS_ONLY_GATEWAY = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
IPV6 = {"egress": "ipv6-egress-only"}
# What only the mode sets on the VPC, the subnets and the endpoints.
IPV6_INPUTS = {
    VPC: ("assignGeneratedIpv6CidrBlock",),
    SUBNET: (
        "ipv6CidrBlock",
        "ipv6Native",
        "assignIpv6AddressOnCreation",
        "enableDns64",
        "privateDnsHostnameTypeOnLaunch",
        "enableResourceNameDnsAaaaRecordOnLaunch",
    ),
    ENDPOINT: ("ipAddressType", "dnsOptions"),
}


@pytest.fixture(scope="module")
def ipv6_graph() -> Graph:
    return Graph(rendered("dev", config_with("dev", IPV6)))


@pytest.fixture(scope="module")
def solo_ipv6_network() -> Graph:
    """The Network alone in the mode, with the endpoints open to the whole VPC."""
    config = {"aws:region": "us-east-1", "network-only:egress": "ipv6-egress-only"}
    return Graph(run_program("test", project_dir=FIXTURES / "network_only", config=config))


def subnets(graph: Graph, tier: str) -> list[Resource]:
    return [s for s in graph.of_type(SUBNET) if s["inputs"]["tags"]["Tier"] == tier]


def route_table_ids(graph: Graph, tier: str) -> set[str]:
    subnet_ids = {s["id"] for s in subnets(graph, tier)}
    return {
        a["inputs"]["routeTableId"]
        for a in graph.of_type(ASSOCIATION)
        if a["inputs"]["subnetId"] in subnet_ids
    }


def routes_of(graph: Graph, tier: str) -> list[Resource]:
    tables = route_table_ids(graph, tier)
    return [r for r in graph.of_type(ROUTE) if r["inputs"]["routeTableId"] in tables]


def interface_endpoints(graph: Graph) -> list[Resource]:
    return [e for e in graph.of_type(ENDPOINT) if e["inputs"]["vpcEndpointType"] == "Interface"]


def ipv6_blocks(resources: list[Resource]) -> list[ipaddress.IPv6Network]:
    return [ipaddress.IPv6Network(r["inputs"]["ipv6CidrBlock"]) for r in resources]


# --- the addresses ------------------------------------------------------------------------------


def test_the_vpc_asks_amazon_for_an_ipv6_block(ipv6_graph: Graph) -> None:
    vpc = ipv6_graph.one(VPC)
    assert vpc["inputs"]["assignGeneratedIpv6CidrBlock"] is True
    assert vpc["outputs"]["ipv6CidrBlock"] == MOCK_VPC_IPV6_BLOCK


def test_task_subnets_are_ipv6_only_with_no_ipv4_range(ipv6_graph: Graph) -> None:
    for subnet in subnets(ipv6_graph, "private"):
        assert subnet["inputs"]["ipv6Native"] is True
        assert "cidrBlock" not in subnet["inputs"], subnet["name"]


def test_task_subnets_give_every_eni_an_ipv6_address_and_no_dns64(ipv6_graph: Graph) -> None:
    for subnet in subnets(ipv6_graph, "private"):
        assert subnet["inputs"]["assignIpv6AddressOnCreation"] is True
        assert subnet["inputs"]["enableDns64"] is False


def test_task_subnets_name_hosts_by_resource_with_aaaa_records(ipv6_graph: Graph) -> None:
    # EC2 allows only resource-name hostnames in IPv6-only subnets.
    for subnet in subnets(ipv6_graph, "private"):
        assert subnet["inputs"]["privateDnsHostnameTypeOnLaunch"] == "resource-name"
        assert subnet["inputs"]["enableResourceNameDnsAaaaRecordOnLaunch"] is True


def test_public_subnets_get_distinct_64s_inside_the_vpc_56(ipv6_graph: Graph) -> None:
    vpc_block = ipaddress.IPv6Network(MOCK_VPC_IPV6_BLOCK)
    blocks = ipv6_blocks(subnets(ipv6_graph, "public"))
    assert len(blocks) == len(set(blocks)) == len(subnets(ipv6_graph, "public"))
    for block in blocks:
        assert block.prefixlen == 64
        assert block.subnet_of(vpc_block)


def test_task_subnet_64s_differ_from_the_public_ones(ipv6_graph: Graph) -> None:
    public = ipv6_blocks(subnets(ipv6_graph, "public"))
    private = ipv6_blocks(subnets(ipv6_graph, "private"))
    assert len(set(private)) == len(private)
    assert not set(public) & set(private)
    assert all(b.subnet_of(ipaddress.IPv6Network(MOCK_VPC_IPV6_BLOCK)) for b in private)


def test_public_subnets_stay_dual_stack_without_auto_assigned_ipv6(ipv6_graph: Graph) -> None:
    # The ALB's nodes get their addresses from ELB; the subnets keep their IPv4 ranges.
    for subnet in subnets(ipv6_graph, "public"):
        assert subnet["inputs"]["cidrBlock"]
        assert subnet["inputs"]["assignIpv6AddressOnCreation"] is False


def test_the_nth_64_counts_from_the_start_of_the_vpc_block() -> None:
    assert ipv6_subnet_cidr("2001:db8:1200::/56", 0) == "2001:db8:1200::/64"
    assert ipv6_subnet_cidr("2001:db8:1200::/56", 129) == "2001:db8:1200:81::/64"
    assert ipv6_subnet_cidr("2001:db8:1200::/56", 255) == "2001:db8:1200:ff::/64"


@pytest.mark.parametrize("index", [-1, 256])
def test_a_64_outside_the_vpc_block_is_refused(index: int) -> None:
    with pytest.raises(ValueError, match="256 /64 subnets"):
        ipv6_subnet_cidr("2001:db8:1200::/56", index)


# --- the routes ---------------------------------------------------------------------------------


def test_one_egress_only_gateway_in_the_vpc(ipv6_graph: Graph) -> None:
    gateway = ipv6_graph.one(EGRESS_ONLY_GATEWAY)
    assert gateway["inputs"]["vpcId"] == ipv6_graph.one(VPC)["id"]
    assert gateway["name"] == "ecs-fargate-dev-eigw"


def test_each_private_table_routes_ipv6_to_the_egress_only_gateway(ipv6_graph: Graph) -> None:
    gateway_id = ipv6_graph.one(EGRESS_ONLY_GATEWAY)["id"]
    routed_tables = {
        r["inputs"]["routeTableId"]
        for r in routes_of(ipv6_graph, "private")
        if r["inputs"].get("destinationIpv6CidrBlock") == "::/0"
        and r["inputs"].get("egressOnlyGatewayId") == gateway_id
    }
    assert routed_tables == route_table_ids(ipv6_graph, "private")


def test_private_tables_route_nothing_but_ipv6_to_the_egress_only_gateway(
    ipv6_graph: Graph,
) -> None:
    internet_gateway_id = ipv6_graph.one(INTERNET_GATEWAY)["id"]
    for route in routes_of(ipv6_graph, "private"):
        assert set(route["inputs"]) == {
            "routeTableId",
            "destinationIpv6CidrBlock",
            "egressOnlyGatewayId",
        }, route["name"]
        assert internet_gateway_id not in route["inputs"].values()


def test_the_public_table_routes_ipv6_to_the_internet_gateway(ipv6_graph: Graph) -> None:
    internet_gateway_id = ipv6_graph.one(INTERNET_GATEWAY)["id"]
    defaults = {
        (r["inputs"].get("destinationCidrBlock") or r["inputs"].get("destinationIpv6CidrBlock")): r
        for r in routes_of(ipv6_graph, "public")
    }
    assert set(defaults) == {"0.0.0.0/0", "::/0"}
    assert defaults["::/0"]["inputs"]["gatewayId"] == internet_gateway_id
    assert "egressOnlyGatewayId" not in defaults["::/0"]["inputs"]


def test_new_routes_are_named_like_the_ipv4_ones(ipv6_graph: Graph) -> None:
    names = {r["name"] for r in ipv6_graph.of_type(ROUTE)}
    assert names == {
        "ecs-fargate-dev-public-default-route",
        "ecs-fargate-dev-public-ipv6-default-route",
        *(
            f"ecs-fargate-dev-private-ipv6-default-route-{s['inputs']['availabilityZone']}"
            for s in subnets(ipv6_graph, "private")
        ),
    }


# --- the endpoints ------------------------------------------------------------------------------


def test_only_the_logs_interface_endpoint_exists(ipv6_graph: Graph) -> None:
    services = [e["inputs"]["serviceName"] for e in interface_endpoints(ipv6_graph)]
    assert services == [f"com.amazonaws.{ipv6_graph.region}.logs"]


def test_the_logs_endpoint_is_ipv6_addressed_with_private_dns(ipv6_graph: Graph) -> None:
    (endpoint,) = interface_endpoints(ipv6_graph)
    assert endpoint["inputs"]["ipAddressType"] == "ipv6"
    assert endpoint["inputs"]["dnsOptions"] == {"dnsRecordIpType": "ipv6"}
    assert endpoint["inputs"]["privateDnsEnabled"] is True


def test_the_logs_endpoint_sits_in_the_ipv6_only_subnets(ipv6_graph: Graph) -> None:
    # An IPv6-addressed endpoint needs IPv6-only subnets (L5).
    (endpoint,) = interface_endpoints(ipv6_graph)
    task_subnet_ids = {s["id"] for s in subnets(ipv6_graph, "private")}
    assert endpoint["inputs"]["subnetIds"]
    assert set(endpoint["inputs"]["subnetIds"]) <= task_subnet_ids


def test_the_s3_gateway_stays_on_every_private_table(ipv6_graph: Graph) -> None:
    (gateway,) = [
        e for e in ipv6_graph.of_type(ENDPOINT) if e["inputs"]["vpcEndpointType"] == "Gateway"
    ]
    assert set(gateway["inputs"]["routeTableIds"]) == route_table_ids(ipv6_graph, "private")


def test_endpoints_open_to_the_vpc_admit_its_ipv6_block(solo_ipv6_network: Graph) -> None:
    (rule,) = [
        r
        for r in solo_ipv6_network.of_type(INGRESS)
        if r["name"] == "solo-endpoints-https-from-vpc"
    ]
    assert rule["inputs"]["cidrIpv6"] == MOCK_VPC_IPV6_BLOCK
    assert "cidrIpv4" not in rule["inputs"]
    assert (rule["inputs"]["fromPort"], rule["inputs"]["toPort"]) == (443, 443)


# --- the default mode ---------------------------------------------------------------------------


def test_the_default_mode_has_no_egress_only_gateway(stack_graph: Graph) -> None:
    assert stack_graph.of_type(EGRESS_ONLY_GATEWAY) == []


def test_the_default_mode_sets_no_ipv6_attribute(stack_graph: Graph) -> None:
    for type_token, keys in IPV6_INPUTS.items():
        for resource in stack_graph.of_type(type_token):
            assert not set(keys) & set(resource["inputs"]), resource["name"]
    assert "ipv6CidrBlock" not in stack_graph.one(VPC)["outputs"]


def test_the_default_mode_routes_no_ipv6(stack_graph: Graph) -> None:
    for route in stack_graph.of_type(ROUTE):
        assert "destinationIpv6CidrBlock" not in route["inputs"], route["name"]
