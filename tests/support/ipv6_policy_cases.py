"""The `ipv6-egress-only` network as a policy fixture: one graph that every rule of the mode
passes (docs/ipv6-egress.md section 3), which the policy tests change one property at a time."""

from __future__ import annotations

import json
from typing import Any

from tests.support.policy_cases import res

EGRESS_ONLY_IGW = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
IGW = "aws:ec2/internetGateway:InternetGateway"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
RT_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"

DUAL_STACK_IMAGE = "123456789012.dkr-ecr.ap-northeast-1.on.aws/app@sha256:" + "0123456789abcdef" * 4
IPV4_IMAGE = (
    "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app@sha256:" + "0123456789abcdef" * 4
)
VPC_IPV6_CIDR = "2001:db8:1200::/56"


def task_definition(name: str, image: str) -> dict[str, Any]:
    return res(
        "task", name, {"containerDefinitions": json.dumps([{"name": "app", "image": image}])}
    )


def sg_rule(
    kind: str, name: str, group: str, peer: dict[str, Any], port: int = 443
) -> dict[str, Any]:
    """A vpc.SecurityGroupIngressRule/EgressRule (`kind`) of tcp `port` on `group`; `peer` holds
    the source or destination (cidrIpv6, referencedSecurityGroupId, prefixListId ...)."""
    deps = {"securityGroupId": [group]}
    for key in ("referencedSecurityGroupId", "prefixListId"):
        if key in peer:
            deps[key] = [peer[key].removesuffix("-id")]
    return res(
        kind,
        name,
        {
            "description": name,
            "securityGroupId": f"{group}-id",
            "ipProtocol": "tcp",
            "fromPort": port,
            "toPort": port,
            **peer,
        },
        deps=deps,
    )


def route(
    name: str, table: str, destination: dict[str, str], target: dict[str, str]
) -> dict[str, Any]:
    """A Route of `table` to one gateway (`target`: {"gatewayId": "igw"} by resource name)."""
    ((key, gateway),) = target.items()
    return res(
        ROUTE,
        name,
        {"routeTableId": f"{table}-id", **destination, key: f"{gateway}-id"},
        deps={"routeTableId": [table], key: [gateway]},
    )


def association(name: str, table: str, subnet: str) -> dict[str, Any]:
    return res(
        RT_ASSOCIATION,
        name,
        {"routeTableId": f"{table}-id", "subnetId": f"{subnet}-id"},
        deps={"routeTableId": [table], "subnetId": [subnet]},
    )


def ipv6_network() -> list[dict[str, Any]]:
    """A dual-stack VPC with an egress-only gateway, an IPv6-only task subnet routed ::/0 to it,
    a dual-stack ALB subnet routed to the internet gateway, the logs endpoint, the S3 gateway, and
    a service behind an IPv6 ip target group of a dual-stack ALB pulling from the dual-stack
    registry host, its task SG admitting the ALB and sending tcp 443 only."""
    ipv6_default = {"destinationIpv6CidrBlock": "::/0"}
    return [
        res(
            "vpc",
            "vpc",
            {
                "cidrBlock": "10.0.0.0/16",
                "ipv6CidrBlock": VPC_IPV6_CIDR,
                "enableDnsSupport": True,
                "enableDnsHostnames": True,
            },
        ),
        res(EGRESS_ONLY_IGW, "eigw", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]}),
        res(IGW, "igw", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]}),
        res(
            "subnet",
            "public",
            {
                "vpcId": "vpc-id",
                "cidrBlock": "10.0.1.0/24",
                "ipv6CidrBlock": "2001:db8:1200::/64",
            },
            deps={"vpcId": ["vpc"]},
        ),
        res(
            "subnet",
            "private",
            {
                "vpcId": "vpc-id",
                "ipv6Native": True,
                "ipv6CidrBlock": "2001:db8:1200:80::/64",
                "assignIpv6AddressOnCreation": True,
                "enableDns64": False,
            },
            deps={"vpcId": ["vpc"]},
        ),
        res(ROUTE_TABLE, "public-rt", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]}),
        res(ROUTE_TABLE, "private-rt", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]}),
        association("public-assoc", "public-rt", "public"),
        association("private-assoc", "private-rt", "private"),
        route(
            "public-v4", "public-rt", {"destinationCidrBlock": "0.0.0.0/0"}, {"gatewayId": "igw"}
        ),
        route("public-v6", "public-rt", ipv6_default, {"gatewayId": "igw"}),
        route("private-v6", "private-rt", ipv6_default, {"egressOnlyGatewayId": "eigw"}),
        res("sg", "alb-sg", {"description": "alb", "vpcId": "vpc-id"}),
        res("sg", "task-sg", {"description": "tasks", "vpcId": "vpc-id"}),
        res("sg", "ep-sg", {"description": "endpoints", "vpcId": "vpc-id"}),
        sg_rule("ingress", "alb-from-clients", "alb-sg", {"cidrIpv6": "::/0"}, port=80),
        sg_rule(
            "egress", "alb-to-tasks", "alb-sg", {"referencedSecurityGroupId": "task-sg-id"}, 8080
        ),
        sg_rule(
            "ingress", "tasks-from-alb", "task-sg", {"referencedSecurityGroupId": "alb-sg-id"}, 8080
        ),
        sg_rule("egress", "tasks-to-internet", "task-sg", {"cidrIpv6": "::/0"}),
        sg_rule(
            "egress", "tasks-to-endpoints", "task-sg", {"referencedSecurityGroupId": "ep-sg-id"}
        ),
        sg_rule("egress", "tasks-to-s3", "task-sg", {"prefixListId": "s3-id"}),
        sg_rule(
            "ingress",
            "endpoints-from-tasks",
            "ep-sg",
            {"referencedSecurityGroupId": "task-sg-id"},
        ),
        res(
            ENDPOINT,
            "logs",
            {
                "vpcEndpointType": "Interface",
                "serviceName": "com.amazonaws.ap-northeast-1.logs",
                "vpcId": "vpc-id",
                "ipAddressType": "ipv6",
                "dnsOptions": {"dnsRecordIpType": "ipv6"},
                "privateDnsEnabled": True,
                "subnetIds": ["private-id"],
                "securityGroupIds": ["ep-sg-id"],
            },
            deps={"vpcId": ["vpc"], "subnetIds": ["private"], "securityGroupIds": ["ep-sg"]},
        ),
        res(
            ENDPOINT,
            "s3",
            {
                "vpcEndpointType": "Gateway",
                "serviceName": "com.amazonaws.ap-northeast-1.s3",
                "vpcId": "vpc-id",
                "routeTableIds": ["private-rt-id"],
            },
            deps={"vpcId": ["vpc"], "routeTableIds": ["private-rt"]},
        ),
        res(
            "lb",
            "alb",
            {
                "loadBalancerType": "application",
                "ipAddressType": "dualstack",
                "subnets": ["public-id"],
                "securityGroups": ["alb-sg-id"],
            },
            deps={"subnets": ["public"], "securityGroups": ["alb-sg"]},
        ),
        res(
            "tg",
            "tg",
            {"targetType": "ip", "ipAddressType": "ipv6", "port": 8080, "vpcId": "vpc-id"},
            deps={"vpcId": ["vpc"]},
        ),
        res(
            "listener",
            "listener",
            {
                "loadBalancerArn": "alb-id",
                "defaultActions": [{"type": "forward", "targetGroupArn": "tg-id"}],
            },
            deps={"loadBalancerArn": ["alb"], "defaultActions": ["tg"]},
        ),
        task_definition("task", DUAL_STACK_IMAGE),
        res(
            "service",
            "svc",
            {
                "taskDefinition": "task-id",
                "networkConfiguration": {
                    "subnets": ["private-id"],
                    "securityGroups": ["task-sg-id"],
                    "assignPublicIp": False,
                },
                "loadBalancers": [
                    {"targetGroupArn": "tg-id", "containerName": "app", "containerPort": 8080}
                ],
            },
            deps={
                "taskDefinition": ["task"],
                "networkConfiguration": ["private", "task-sg"],
                "loadBalancers": ["tg"],
            },
        ),
    ]
