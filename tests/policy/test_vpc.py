"""policy/rules/vpc.py: VPC, subnets, NACLs, routes and endpoints. Each case is one graph that the
pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import vpc
from tests.support.policy_cases import (
    Case,
    allow,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    doc,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def private_network(igw_route_on_private: bool, s3_gateway_routes: bool) -> list[dict[str, Any]]:
    table_route = "private-rt" if igw_route_on_private else "public-rt"
    return [
        res("vpc", "vpc", {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}),
        res("subnet", "private", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]}),
        res("aws:ec2/internetGateway:InternetGateway", "igw", {}),
        res("aws:ec2/routeTable:RouteTable", "private-rt", {}),
        res("aws:ec2/routeTable:RouteTable", "public-rt", {}),
        res(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "assoc",
            {"routeTableId": "private-rt-id", "subnetId": "private-id"},
            deps={"routeTableId": ["private-rt"], "subnetId": ["private"]},
        ),
        res(
            "aws:ec2/route:Route",
            "default-route",
            {
                "routeTableId": f"{table_route}-id",
                "destinationCidrBlock": "0.0.0.0/0",
                "gatewayId": "igw-id",
            },
            deps={"routeTableId": [table_route], "gatewayId": ["igw"]},
        ),
        res(
            "service",
            "svc",
            {"networkConfiguration": {"subnets": ["private-id"], "assignPublicIp": False}},
            deps={"networkConfiguration": ["private"]},
        ),
        res(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "s3",
            {
                "vpcEndpointType": "Gateway",
                "serviceName": "com.amazonaws.ap-northeast-1.s3",
                "routeTableIds": ["private-rt-id"] if s3_gateway_routes else [],
            },
            deps={"routeTableIds": ["private-rt"]} if s3_gateway_routes else {},
        ),
    ]


def interface_endpoints(
    services: tuple[str, ...], private_dns: bool = True
) -> list[dict[str, Any]]:
    return [
        res(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            f"ep-{s}",
            {
                "vpcEndpointType": "Interface",
                "serviceName": f"com.amazonaws.ap-northeast-1.{s}",
                "vpcId": "vpc-id",
                "privateDnsEnabled": private_dns,
                "subnetIds": ["private-id"],
                "securityGroupIds": ["ep-sg-id"],
            },
            deps={"vpcId": ["vpc"], "subnetIds": ["private"]},
        )
        for s in services
    ]


def cases() -> Iterator[Case]:
    yield case(
        "aws-ec2-no-default-vpc",
        "flags",
        res("aws:ec2/defaultVpc:DefaultVpc", "bad"),
        flagged=("bad",),
    )
    yield case(
        "aws-ec2-no-default-vpc", "passes", res("vpc", "good", {"cidrBlock": "10.20.0.0/16"})
    )
    yield from one("aws-ec2-no-public-ip-subnet", "subnet", {"mapPublicIpOnLaunch": True}, {})
    yield case(
        "aws-ec2-require-vpc-flow-logs-for-all-vpcs", "flags", res("vpc", "bad"), flagged=("bad",)
    )
    yield case(
        "aws-ec2-require-vpc-flow-logs-for-all-vpcs",
        "passes",
        res("vpc", "good"),
        res("aws:ec2/flowLog:FlowLog", "fl", {"vpcId": "good-id"}, deps={"vpcId": ["good"]}),
    )
    nacl_rule = "aws:ec2/networkAclRule:NetworkAclRule"
    yield from one(
        "aws-ec2-no-excessive-port-access",
        nacl_rule,
        {"ruleAction": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"},
        {
            "ruleAction": "allow",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlock": "0.0.0.0/0",
        },
    )
    yield from one(
        "aws-ec2-no-public-ingress-acl",
        nacl_rule,
        {
            "ruleAction": "allow",
            "protocol": "tcp",
            "fromPort": 20,
            "toPort": 25,
            "cidrBlock": "0.0.0.0/0",
        },
        {
            "ruleAction": "allow",
            "protocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrBlock": "10.0.0.0/16",
        },
    )
    nacl = "aws:ec2/networkAcl:NetworkAcl"
    yield case("nacl-attached-to-subnet", "flags", res(nacl, "bad", {}), flagged=("bad",))
    yield case("nacl-attached-to-subnet", "passes", res(nacl, "good", {"subnetIds": ["s-1"]}))
    yield case(
        "private-subnet-no-igw-route",
        "flags",
        *private_network(True, True),
        flagged=("default-route",),
    )
    yield case("private-subnet-no-igw-route", "passes", *private_network(False, True))
    yield case(
        "vpc-endpoint-s3-gateway-on-private-rts",
        "flags",
        *private_network(False, False),
        flagged=("private-rt",),
    )
    yield case("vpc-endpoint-s3-gateway-on-private-rts", "passes", *private_network(False, True))
    required = ("ecr.api", "ecr.dkr", "logs")
    yield case(
        "vpc-endpoint-interface-private-dns",
        "flags missing logs endpoint",
        *private_network(False, True),
        *interface_endpoints(("ecr.api", "ecr.dkr")),
        flagged=("vpc",),
    )
    yield case(
        "vpc-endpoint-interface-private-dns",
        "flags endpoint without private DNS",
        *private_network(False, True),
        *interface_endpoints(required, private_dns=False),
        flagged=("ep-ecr.api", "ep-ecr.dkr", "ep-logs"),
    )
    yield case(
        "vpc-endpoint-interface-private-dns",
        "passes",
        *private_network(False, True),
        *interface_endpoints(required),
    )
    gateway = {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.ap-northeast-1.s3"}
    yield from one(
        "vpc-endpoint-s3-gateway-policy",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        gateway,
        {
            **gateway,
            "policy": doc(
                allow(
                    "s3:GetObject",
                    "arn:aws:s3:::prod-ap-northeast-1-starport-layer-bucket/*",
                    Principal="*",
                )
            ),
        },
    )


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, vpc.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
