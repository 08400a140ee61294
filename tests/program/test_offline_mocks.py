"""The offline mocks answer in AWS's formats where a rule, a check or the program reads the shape
(tools/offline/mocks.py, zones.py): EC2 ids and ARNs, load-balancer ARN suffixes, KMS key ids, IAM ids, and the
availability-zone lookup with the filters the program passes."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from pulumi.runtime import MockCallArgs, MockResourceArgs

from bootstrap.plan import PROJECT_DIR, plan_bootstrap
from tools.graph import Graph
from tools.offline import MOCK_ACCOUNT, ProgramMocks
from tools.policy_gate import PolicyPackClient, load_policy_config, run_with_client

AZ_LOOKUP = "aws:index/getAvailabilityZones:getAvailabilityZones"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
EGRESS_ONLY_GATEWAY = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
# The program's own request (components/network.py).
PROGRAM_AZ_REQUEST = {
    "state": "available",
    "filters": [{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
}
# EC2 User Guide, "Resource IDs": a prefix and 17 hexadecimal digits.
EC2_ID = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(scope="module")
def bootstrap_graph() -> Graph:
    return Graph(plan_bootstrap())


def zones(region: str, request: dict[str, Any]) -> list[str]:
    return ProgramMocks(region).call(MockCallArgs(AZ_LOOKUP, request, ""))["names"]


# --- ids and ARNs --------------------------------------------------------------------------


def test_ec2_ids_are_a_prefix_and_17_hex_digits(stack_graph: Graph) -> None:
    found = [r for r in stack_graph.resources if r["type"] in EC2_ID]
    assert {r["type"] for r in found} >= {"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"}
    for resource in found:
        assert re.fullmatch(rf"{EC2_ID[resource['type']]}-[0-9a-f]{{17}}", resource["id"]), resource
    assert len({r["id"] for r in found}) == len(found), "ids must be unique"


def test_ec2_arns_name_the_id(stack_graph: Graph) -> None:
    vpc = stack_graph.one("aws:ec2/vpc:Vpc")
    region = stack_graph.region
    assert vpc["outputs"]["arn"] == f"arn:aws:ec2:{region}:{MOCK_ACCOUNT}:vpc/{vpc['id']}"
    for group in stack_graph.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert group["outputs"]["arn"].endswith(f":security-group/{group['id']}")


def test_a_route_id_names_its_route_table(stack_graph: Graph) -> None:
    for route in stack_graph.of_type("aws:ec2/route:Route"):
        table = route["inputs"]["routeTableId"]
        assert re.fullmatch(rf"r-{table}\d+", route["id"]), route["id"]


def register(typ: str, name: str, inputs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """What the mocks answer for one custom resource in ap-northeast-1."""
    args = MockResourceArgs(typ, name, inputs, custom=True)
    return ProgramMocks("ap-northeast-1").new_resource(args)


def test_an_egress_only_gateway_id_is_eigw_and_17_hex_digits_in_its_arn() -> None:
    gateway_id, state = register(EGRESS_ONLY_GATEWAY, "eigw", {"vpcId": "vpc-1"})
    assert gateway_id is not None
    assert re.fullmatch(r"eigw-[0-9a-f]{17}", gateway_id)
    assert state["arn"].endswith(f":egress-only-internet-gateway/{gateway_id}")


def test_a_vpc_asking_for_an_ipv6_block_gets_the_documentation_56() -> None:
    _, state = register(
        VPC, "v6", {"cidrBlock": "10.0.0.0/16", "assignGeneratedIpv6CidrBlock": True}
    )
    assert state["ipv6CidrBlock"] == "2001:db8:1200::/56"
    assert re.fullmatch(r"vpc-cidr-assoc-[0-9a-f]{17}", state["ipv6AssociationId"])


def test_a_vpc_not_asking_for_ipv6_gets_no_ipv6_block() -> None:
    _, state = register(VPC, "v4", {"cidrBlock": "10.0.0.0/16"})
    assert "ipv6CidrBlock" not in state
    assert "ipv6AssociationId" not in state


def test_a_subnet_with_an_ipv6_range_gets_its_association_id() -> None:
    _, state = register(SUBNET, "v6", {"vpcId": "vpc-1", "ipv6CidrBlock": "2001:db8:1200::/64"})
    assert re.fullmatch(r"subnet-cidr-assoc-[0-9a-f]{17}", state["ipv6CidrBlockAssociationId"])
    _, ipv4_only = register(SUBNET, "v4", {"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24"})
    assert "ipv6CidrBlockAssociationId" not in ipv4_only


def test_an_ipv6_route_id_names_its_table_and_hashes_its_destination() -> None:
    # The provider hashes the destination, whichever family: two IPv6 routes of one table differ.
    table = "rtb-0123456789abcdef0"
    default_id, _ = register(
        ROUTE, "a", {"routeTableId": table, "destinationIpv6CidrBlock": "::/0"}
    )
    nat64_id, _ = register(
        ROUTE, "b", {"routeTableId": table, "destinationIpv6CidrBlock": "64:ff9b::/96"}
    )
    assert default_id is not None
    assert re.fullmatch(rf"r-{table}\d+", default_id)
    assert default_id != nat64_id


def test_load_balancer_and_target_group_arn_suffixes_are_elbs(stack_graph: Graph) -> None:
    balancer = stack_graph.one("aws:lb/loadBalancer:LoadBalancer")["outputs"]
    assert re.fullmatch(r"app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}", balancer["arnSuffix"])
    assert balancer["arn"].endswith(f":loadbalancer/{balancer['arnSuffix']}")
    for group in stack_graph.of_type("aws:lb/targetGroup:TargetGroup"):
        suffix = group["outputs"]["arnSuffix"]
        assert re.fullmatch(r"targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}", suffix)
        assert group["outputs"]["arn"].endswith(f":{suffix}")
        assert group["id"] == group["outputs"]["arn"]


def test_a_listener_arn_extends_its_load_balancers(stack_graph: Graph) -> None:
    balancer = stack_graph.one("aws:lb/loadBalancer:LoadBalancer")["outputs"]
    for listener in stack_graph.of_type("aws:lb/listener:Listener"):
        assert re.fullmatch(
            rf"arn:aws:elasticloadbalancing:{stack_graph.region}:{MOCK_ACCOUNT}:"
            rf"listener/{balancer['arnSuffix']}/[0-9a-f]{{16}}",
            listener["outputs"]["arn"],
        )


def test_kms_key_ids_are_uuids_in_their_arns(bootstrap_graph: Graph) -> None:
    for key in bootstrap_graph.of_type("aws:kms/key:Key"):
        assert re.fullmatch(UUID, key["id"])
        assert key["outputs"]["keyId"] == key["id"]
        assert key["outputs"]["arn"].endswith(f":key/{key['id']}")


def test_an_iam_role_id_is_its_name_and_an_inline_policy_id_is_role_colon_name(
    stack_graph: Graph,
) -> None:
    roles = stack_graph.of_type("aws:iam/role:Role")
    assert roles
    for role in roles:
        assert role["id"] == role["outputs"]["name"]
    for policy in stack_graph.of_type("aws:iam/rolePolicy:RolePolicy"):
        role_name = policy["inputs"]["role"]
        assert role_name in {r["id"] for r in roles}
        assert policy["id"] == f"{role_name}:{policy['outputs']['name']}"


def test_the_github_oidc_provider_arn_is_iams_format(bootstrap_graph: Graph) -> None:
    provider = bootstrap_graph.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider["outputs"]["arn"] == (
        f"arn:aws:iam::{MOCK_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    )
    assert provider["id"] == provider["outputs"]["arn"]


def test_the_policy_gate_reads_the_bootstrap_roles_as_github_trust(
    pack: PolicyPackClient, bootstrap_graph: Graph
) -> None:
    # The pack's OIDC rules recognise a GitHub trust by the provider ARN in its Federated
    # principal; a deploy role whose sub admits any repository must then be flagged offline.
    graph = copy.deepcopy(dict(bootstrap_graph.data))
    (role,) = [r for r in graph["resources"] if r["name"].endswith("-deploy-dev")]
    trust = json.loads(role["inputs"]["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] = "repo:*"
    role["inputs"]["assumeRolePolicy"] = json.dumps(trust)
    config = load_policy_config(PROJECT_DIR / "policy-config.json")
    found = run_with_client(pack, graph, config, "bootstrap")
    flagged = [d for d in found.mandatory if d.policy == "github-oidc-sub-pinned"]
    assert [d.message.split(" ", 1)[0] for d in flagged] == [role["name"]]


# --- the availability-zone lookup ----------------------------------------------------------


def test_the_lookup_lists_an_opted_in_local_zone_without_a_filter() -> None:
    listed = zones("ap-northeast-1", {"state": "available"})
    assert "ap-northeast-1-tpe-1a" in listed


def test_the_programs_opt_in_filter_keeps_only_availability_zones() -> None:
    assert zones("ap-northeast-1", PROGRAM_AZ_REQUEST) == [
        "ap-northeast-1a",
        "ap-northeast-1c",
        "ap-northeast-1d",
    ]


def test_a_not_opted_in_zone_is_listed_only_with_all_availability_zones() -> None:
    assert "us-east-1-bos-1a" not in zones("us-east-1", {})
    assert "us-east-1-bos-1a" in zones("us-east-1", {"allAvailabilityZones": True})


def test_zone_filters_and_exclusions_apply() -> None:
    assert zones(
        "ap-northeast-1", {"filters": [{"name": "zone-type", "values": ["local-zone"]}]}
    ) == ["ap-northeast-1-tpe-1a"]
    assert zones("ap-northeast-1", {**PROGRAM_AZ_REQUEST, "excludeNames": ["ap-northeast-1c"]}) == [
        "ap-northeast-1a",
        "ap-northeast-1d",
    ]


@pytest.mark.parametrize(
    "request_",
    [
        {"filters": [{"name": "region-name", "values": ["ap-northeast-1"]}]},
        {"state": "available", "zoneNames": ["ap-northeast-1a"]},
    ],
    ids=["unknown-filter", "unknown-argument"],
)
def test_the_lookup_refuses_what_it_does_not_model(request_: dict[str, Any]) -> None:
    with pytest.raises(NotImplementedError, match="no mock for"):
        zones("ap-northeast-1", request_)


@pytest.mark.parametrize(
    ("token", "arguments"),
    [
        ("aws:index/getRegion:getRegion", {"region": "us-west-2"}),
        ("aws:index/getCallerIdentity:getCallerIdentity", {"id": "999999999999"}),
    ],
)
def test_account_and_region_lookups_refuse_arguments(token: str, arguments: dict[str, Any]) -> None:
    with pytest.raises(NotImplementedError, match="no mock for the arguments"):
        ProgramMocks("ap-northeast-1").call(MockCallArgs(token, arguments, ""))


def test_no_subnet_lands_in_a_local_zone(stack_graph: Graph) -> None:
    # Local Zones host no interface endpoints and need opt-in (components/network.py); the
    # Tokyo mock lists an opted-in one first, so a program without the filter fails here.
    local_zones = set(zones(stack_graph.region, {"allAvailabilityZones": True})) - set(
        zones(stack_graph.region, PROGRAM_AZ_REQUEST)
    )
    assert local_zones
    subnet_zones = {
        s["inputs"]["availabilityZone"] for s in stack_graph.of_type("aws:ec2/subnet:Subnet")
    }
    assert subnet_zones and not subnet_zones & local_zones
