"""policy/rules/vpc_private_subnets.py: the route tables and endpoints of the subnets the tasks run
in. Each case is one graph that the pack, through its Analyzer gRPC interface, must flag exactly
at the named resources (or pass).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import vpc_private_subnets
from tests.support.ipv6_policy_cases import (
    DUAL_STACK_IMAGE,
    IPV4_IMAGE,
    VPC_IPV6_CIDR,
    ipv6_network,
    sg_rule,
    task_definition,
)
from tests.support.policy_cases import (
    Case,
    allow,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    doc,
    named,
    one,
    policies_without_both_sides,
    res,
    update_inputs,
    violations_of,
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


def network_without_tasks(igw_route_on_private: bool) -> list[dict[str, Any]]:
    """private_network whose service runs elsewhere, so only endpoints can make `private` private."""
    network = private_network(igw_route_on_private, True)
    service = update_inputs(
        named(network, "svc"),
        networkConfiguration={"subnets": ["other-id"], "assignPublicIp": False},
    )
    service["deps"] = {}
    return network


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


ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


def endpoint_network(
    endpoint: dict[str, Any] | None = None,
    vpc: dict[str, Any] | None = None,
    sg_rule: dict[str, Any] | None = None,
    *extra: dict[str, Any],
) -> list[dict[str, Any]]:
    """The private network with its three interface endpoints, the first one changed by
    `endpoint`, guarded by an endpoint SG with one rule (`sg_rule`, default tcp 443 from the VPC)."""
    network = private_network(False, True)
    update_inputs(network[0], **(vpc or {}))
    endpoints = interface_endpoints(("ecr.api", "ecr.dkr", "logs"))
    for e in endpoints:
        e["deps"]["securityGroupIds"] = ["ep-sg"]
    update_inputs(endpoints[0], **(endpoint or {}))
    rule = sg_rule or {
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrIpv4": "10.0.0.0/16",
    }
    return [
        *network,
        *endpoints,
        res("sg", "ep-sg", {"description": "endpoints"}),
        res(
            "ingress",
            "ep-in",
            {"description": "d", "securityGroupId": "ep-sg-id", **rule},
            deps={"securityGroupId": ["ep-sg"]},
        ),
        *extra,
    ]


def secret_task(value_from: str) -> dict[str, Any]:
    definitions = json.dumps([{"name": "app", "secrets": [{"name": "S", "valueFrom": value_from}]}])
    return res("task", "task", {"containerDefinitions": definitions})


def inline_routes(*routes: dict[str, Any]) -> list[dict[str, Any]]:
    """The private network whose private table carries `routes` inline (no Route resources)."""
    network = [r for r in private_network(False, True) if r["name"] != "default-route"]
    update_inputs(named(network, "private-rt"), routes=list(routes))
    return network


def endpoint_sg_rule(name: str, type_: str, port: int) -> dict[str, Any]:
    """A SecurityGroupRule of `type_` on the endpoint SG, tcp `port` from the VPC."""
    return res(
        "sgrule",
        name,
        {
            "type": type_,
            "protocol": "tcp",
            "fromPort": port,
            "toPort": port,
            "cidrBlocks": ["10.0.0.0/16"],
            "securityGroupId": "ep-sg-id",
        },
        deps={"securityGroupId": ["ep-sg"]},
    )


def cases() -> Iterator[Case]:
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


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "private-subnet-no-igw-route"
    network = private_network(True, True)
    update_inputs(named(network, "default-route"), destinationCidrBlock="192.168.0.0/16")
    yield case(p, "passes a non-default route to the IGW", *network)
    network = private_network(True, True)
    route = update_inputs(named(network, "default-route"), gatewayId="igw-0123456789abcdef0")
    route["deps"].pop("gatewayId")
    yield case(
        p, "flags a route to an igw- id it cannot link", *network, flagged=("default-route",)
    )
    yield case(
        p,
        "flags an inline IGW route by id",
        *inline_routes({"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-0abc"}),
        flagged=("private-rt",),
    )
    yield case(
        p,
        "flags an inline IPv6 default route",
        *inline_routes({"ipv6CidrBlock": "::/0", "gatewayId": "igw-0abc"}),
        flagged=("private-rt",),
    )
    yield case(
        p,
        "passes an inline default route to a VPN gateway",
        *inline_routes({"cidrBlock": "0.0.0.0/0", "gatewayId": "vgw-0abc"}),
    )
    yield case(
        p,
        "passes an inline non-default IGW route",
        *inline_routes({"cidrBlock": "192.168.0.0/16", "gatewayId": "igw-0abc"}),
    )
    p = "vpc-endpoint-interface-private-dns"
    yield case(
        p, "passes endpoints behind an SG admitting tcp 443 from the VPC", *endpoint_network()
    )
    yield case(
        p,
        "flags DNS support off",
        *endpoint_network(vpc={"enableDnsSupport": False}),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags DNS hostnames off",
        *endpoint_network(vpc={"enableDnsHostnames": False}),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags an endpoint without subnets",
        *endpoint_network({"subnetIds": []}),
        flagged=("ep-ecr.api",),
    )
    yield case(
        p,
        "flags an endpoint without security groups",
        *endpoint_network({"securityGroupIds": []}),
        flagged=("ep-ecr.api",),
    )
    yield case(
        p,
        "flags an endpoint SG open on port 80",
        *endpoint_network(
            sg_rule={"ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv4": "10.0.0.0/16"}
        ),
        flagged=("ep-ecr.api", "ep-ecr.dkr", "ep-logs"),
    )
    yield case(
        p,
        "flags an endpoint SG open to the internet",
        *endpoint_network(
            sg_rule={"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}
        ),
        flagged=("ep-ecr.api", "ep-ecr.dkr", "ep-logs"),
    )
    yield case(
        p,
        "flags an endpoint SG open on udp 443",
        *endpoint_network(
            sg_rule={"ipProtocol": "udp", "fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/16"}
        ),
        flagged=("ep-ecr.api", "ep-ecr.dkr", "ep-logs"),
    )
    egress_rule = res(
        "sgrule",
        "ep-out",
        {
            "type": "egress",
            "protocol": "-1",
            "fromPort": 0,
            "toPort": 0,
            "cidrBlocks": ["0.0.0.0/0"],
            "securityGroupId": "ep-sg-id",
        },
        deps={"securityGroupId": ["ep-sg"]},
    )
    yield case(
        p,
        "passes an egress SecurityGroupRule on the endpoint SG",
        *endpoint_network(None, None, None, egress_rule),
    )
    yield case(
        p,
        "flags a missing secretsmanager endpoint",
        *endpoint_network(
            None,
            None,
            None,
            secret_task("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db"),
        ),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags a missing ssm endpoint for a parameter name",
        *endpoint_network(None, None, None, secret_task("/app/db")),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags a missing ssm endpoint for a parameter ARN",
        *endpoint_network(
            None, None, None, secret_task("arn:aws:ssm:ap-northeast-1:123456789012:parameter/db")
        ),
        flagged=("vpc",),
    )
    yield case(
        p,
        "passes a secret from another service's ARN",
        *endpoint_network(None, None, None, secret_task("arn:aws:s3:::bucket/secret")),
    )
    public_subnet = res("subnet", "public", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]})
    yield case(
        "private-subnet-no-igw-route",
        "passes an IGW route of a public subnet's table",
        *private_network(False, True),
        public_subnet,
        res(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "public-assoc",
            {"routeTableId": "public-rt-id", "subnetId": "public-id"},
            deps={"routeTableId": ["public-rt"], "subnetId": ["public"]},
        ),
    )
    public_tasks = private_network(False, True)
    update_inputs(
        named(public_tasks, "svc"),
        networkConfiguration={"subnets": ["private-id"], "assignPublicIp": True},
    )
    yield case(p, "passes public tasks without endpoints", *public_tasks)
    all_flagged = ("ep-ecr.api", "ep-ecr.dkr", "ep-logs")
    for low, high in ((0, 443), (443, 8443)):
        yield case(
            p,
            f"flags an endpoint SG open on {low}-{high}",
            *endpoint_network(
                sg_rule={
                    "ipProtocol": "tcp",
                    "fromPort": low,
                    "toPort": high,
                    "cidrIpv4": "10.0.0.0/16",
                }
            ),
            flagged=all_flagged,
        )

    yield case(
        p,
        "flags an ingress SecurityGroupRule on port 80",
        *endpoint_network(None, None, None, endpoint_sg_rule("ep-80", "ingress", 80)),
        flagged=all_flagged,
    )
    yield case(
        p,
        "flags an ingress rule after an egress rule",
        *endpoint_network(
            None,
            None,
            None,
            endpoint_sg_rule("ep-out", "egress", 80),
            endpoint_sg_rule("ep-80", "ingress", 80),
        ),
        flagged=all_flagged,
    )
    for kind in ("GatewayLoadBalancer", "Resource"):
        network = network_without_tasks(True)
        endpoint = res(
            ENDPOINT,
            "ep",
            {
                "vpcEndpointType": kind,
                "serviceName": "com.amazonaws.vpce.x",
                "subnetIds": ["private-id"],
            },
            deps={"subnetIds": ["private"]},
        )
        yield case(
            "private-subnet-no-igw-route",
            f"passes an IGW route of a subnet only a {kind} endpoint uses",
            *network,
            endpoint,
        )
    network = network_without_tasks(True)
    endpoint = res(
        ENDPOINT,
        "ep",
        {
            "vpcEndpointType": "Interface",
            "serviceName": "com.amazonaws.ap-northeast-1.logs",
            "subnetIds": ["private-id"],
        },
        deps={"subnetIds": ["private"]},
    )
    yield case(
        "private-subnet-no-igw-route",
        "flags an IGW route of a subnet only an interface endpoint uses",
        *network,
        endpoint,
        flagged=("default-route",),
    )
    p = "vpc-endpoint-interface-private-dns"
    yield case(
        p, "passes an extra interface endpoint", *endpoint_network(), *interface_endpoints(("sts",))
    )
    resource_endpoint = res(
        ENDPOINT,
        "ep-res",
        {"vpcEndpointType": "Resource", "vpcId": "vpc-id"},
        deps={"vpcId": ["vpc"]},
    )
    yield case(
        p, "passes a Resource endpoint without private DNS", *endpoint_network(), resource_endpoint
    )
    network = endpoint_network()
    s3 = named(network, "s3")
    update_inputs(s3, vpcId="vpc-id")
    s3["deps"]["vpcId"] = ["vpc"]
    yield case(p, "passes the S3 gateway endpoint of the VPC", *network)
    s3_interface = res(
        ENDPOINT,
        "s3-interface",
        {
            "vpcEndpointType": "Interface",
            "serviceName": "com.amazonaws.ap-northeast-1.s3",
            "routeTableIds": ["private-rt-id"],
        },
        deps={"routeTableIds": ["private-rt"]},
    )
    yield case(
        "vpc-endpoint-s3-gateway-on-private-rts",
        "flags a private table that only an S3 interface endpoint names",
        *private_network(False, False),
        s3_interface,
        flagged=("private-rt",),
    )
    dynamodb_gateway = res(
        ENDPOINT,
        "dynamodb",
        {
            "vpcEndpointType": "Gateway",
            "serviceName": "com.amazonaws.ap-northeast-1.dynamodb",
            "routeTableIds": ["private-rt-id"],
        },
        deps={"routeTableIds": ["private-rt"]},
    )
    yield case(
        "vpc-endpoint-s3-gateway-on-private-rts",
        "flags a private table that only a DynamoDB gateway endpoint routes",
        *private_network(False, False),
        dynamodb_gateway,
        flagged=("private-rt",),
    )
    p = "vpc-endpoint-s3-gateway-policy"
    yield case(
        p,
        "passes a DynamoDB gateway without policy",
        res(
            ENDPOINT,
            "good",
            {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.ap-northeast-1.dynamodb"},
        ),
    )
    yield case(
        p,
        "passes an S3 interface endpoint",
        res(
            ENDPOINT,
            "good",
            {"vpcEndpointType": "Interface", "serviceName": "com.amazonaws.ap-northeast-1.s3"},
        ),
    )
    gateway = {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.ap-northeast-1.s3"}
    yield case(
        p,
        "flags Resource *",
        res(ENDPOINT, "bad", {**gateway, "policy": doc(allow("s3:GetObject", "*", Principal="*"))}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags NotResource",
        res(
            ENDPOINT,
            "bad",
            {
                **gateway,
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "NotResource": "arn:aws:s3:::x/*",
                    }
                ),
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny on *",
        res(
            ENDPOINT,
            "good",
            {
                **gateway,
                "policy": doc(
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:DeleteBucket",
                        "Resource": "*",
                    }
                ),
            },
        ),
    )


def ipv6_network_with(name: str, **inputs: Any) -> list[dict[str, Any]]:
    """The ipv6-egress-only network (tests/support/ipv6_policy_cases.py) with `name` changed."""
    network = ipv6_network()
    update_inputs(named(network, name), **inputs)
    return network


def ipv6_network_without(*names: str) -> list[dict[str, Any]]:
    return [r for r in ipv6_network() if r["name"] not in names]


def ipv6_default_route_to_igw() -> list[dict[str, Any]]:
    """The ipv6-egress-only network whose task table sends ::/0 to the internet gateway."""
    network = ipv6_network()
    route = named(network, "private-v6")
    for props in (route["inputs"], route["outputs"]):
        del props["egressOnlyGatewayId"]
        props["gatewayId"] = "igw-id"
    route["deps"] = {"routeTableId": ["private-rt"], "gatewayId": ["igw"]}
    return network


def ipv6_cases() -> Iterator[Case]:
    """::/0 routes (VPC-07) and the endpoints of IPv6-only tasks (VPC-08) in the
    ipv6-egress-only mode."""
    p = "private-subnet-no-igw-route"
    yield case(p, "passes ::/0 to the egress-only gateway", *ipv6_network())
    yield case(
        p,
        "flags ::/0 to the internet gateway",
        *ipv6_default_route_to_igw(),
        flagged=("private-v6",),
    )
    yield case(
        p,
        "passes an inline ::/0 route to an egress-only gateway id",
        *inline_routes({"ipv6CidrBlock": "::/0", "egressOnlyGatewayId": "eigw-0abc"}),
    )
    p = "vpc-endpoint-interface-private-dns"
    yield case(p, "passes IPv6-only tasks with the logs endpoint alone", *ipv6_network())
    yield case(
        p,
        "flags IPv6-only tasks without the logs endpoint",
        *ipv6_network_without("logs"),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags IPv6-only tasks pulling from the IPv4 registry host",
        *ipv6_network_without("task"),
        task_definition("task", IPV4_IMAGE),
        flagged=("task",),
    )
    yield case(
        p,
        "flags an IPv4 image of the service's task definition after one no service runs",
        *ipv6_network_without("task"),
        task_definition("spare", IPV4_IMAGE),
        task_definition("task", IPV4_IMAGE),
        flagged=("task",),
    )
    yield case(
        p,
        "passes an IPv4 image of a task definition no service runs",
        *ipv6_network(),
        task_definition("spare", IPV4_IMAGE),
    )
    yield case(
        p,
        "flags dual-stack task subnets with the logs endpoint alone",
        *ipv6_network_with("private", ipv6Native=False),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags ipv6_native task subnets with an IPv4 range and the logs endpoint alone",
        *ipv6_network_with("private", cidrBlock="10.0.101.0/24"),
        flagged=("vpc",),
    )
    yield case(
        p,
        "flags IPv6-only tasks without an egress-only gateway and with the logs endpoint alone",
        *ipv6_network_without("eigw", "private-v6"),
        flagged=("vpc",),
    )
    no_subnets = ipv6_network_with(
        "svc", networkConfiguration={"securityGroups": ["task-sg-id"], "assignPublicIp": False}
    )
    named(no_subnets, "svc")["deps"]["networkConfiguration"] = ["task-sg"]
    yield case(
        p,
        "flags private tasks that name no subnet with the logs endpoint alone",
        *no_subnets,
        flagged=("vpc",),
    )
    secrets = ipv6_network_without("task")
    definitions = json.dumps(
        [
            {
                "name": "app",
                "image": DUAL_STACK_IMAGE,
                "secrets": [
                    {
                        "name": "S",
                        "valueFrom": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:x",
                    }
                ],
            }
        ]
    )
    yield case(
        p,
        "flags IPv6-only tasks reading a secret without its endpoint",
        *secrets,
        res("task", "task", {"containerDefinitions": definitions}),
        flagged=("vpc",),
    )
    from_vpc_range = sg_rule("ingress", "ep-from-vpc", "ep-sg", {"cidrIpv6": VPC_IPV6_CIDR})
    yield case(
        p,
        "passes an endpoint SG admitting the VPC's IPv6 range",
        *ipv6_network(),
        from_vpc_range,
    )
    from_elsewhere = sg_rule("ingress", "ep-from-elsewhere", "ep-sg", {"cidrIpv6": "2001:db8::/32"})
    yield case(
        p,
        "flags an endpoint SG admitting another IPv6 range",
        *ipv6_network(),
        from_elsewhere,
        flagged=("logs",),
    )


CASES = [*cases(), *branch_cases(), *ipv6_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, vpc_private_subnets.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_ipv6_only_tasks_missing_the_logs_endpoint_are_told_ecr_needs_none(
    pack: PolicyPackClient,
) -> None:
    c = next(c for c in CASES if c.id == "flags IPv6-only tasks without the logs endpoint")
    [message] = violations_of(pack, c)
    assert "IPv6-only tasks reach ECR through the egress-only gateway" in message
    assert message.split(". Fix:")[0].endswith("interface endpoints for logs")


def test_private_tasks_outside_the_mode_are_told_every_missing_endpoint(
    pack: PolicyPackClient,
) -> None:
    c = next(
        c for c in CASES if c.id == "flags dual-stack task subnets with the logs endpoint alone"
    )
    [message] = violations_of(pack, c)
    assert "without interface endpoints for ecr.api, ecr.dkr." in message
