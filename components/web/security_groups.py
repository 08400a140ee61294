"""The security-group chain: internet -> ALB :80/:443 -> tasks :port -> endpoints :443 and
S3 :443 (and, with egress ipv6-egress-only, the internet over IPv6 :443). Nothing else;
standalone rules only (no inline rules to fight over)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.web.load_balancer import HTTPS
from components.web.scope import Scope


@dataclass(frozen=True, kw_only=True)
class Rule:
    """TCP on one port between ``group`` and exactly one peer: a CIDR (either family), a
    security group or a prefix list."""

    suffix: str
    direction: Literal["ingress", "egress"]
    group: pulumi.Input[str]
    port: int
    description: str
    cidr: str | None = None
    peer_group: pulumi.Input[str] | None = None
    prefix_list: pulumi.Input[str] | None = None

    def cidr_of_family(self, version: int) -> str | None:
        """The peer CIDR if it is an IPv``version`` one: a rule takes it as cidr_ipv4 or
        cidr_ipv6, and a mismatched family is rejected by EC2."""
        if self.cidr is None or ipaddress.ip_network(self.cidr).version != version:
            return None
        return self.cidr


@dataclass(frozen=True, kw_only=True)
class SecurityGroups:
    alb: aws.ec2.SecurityGroup
    task: aws.ec2.SecurityGroup


def security_groups(
    scope: Scope,
    *,
    vpc_id: pulumi.Input[str],
    container_port: int,
    listener_ports: Sequence[int],
    client_cidrs: Sequence[str],
    endpoint_security_group_id: pulumi.Input[str],
    s3_prefix_list_id: pulumi.Input[str],
    ipv6_egress_only: bool,
) -> SecurityGroups:
    alb = aws.ec2.SecurityGroup(
        scope.named("alb-sg"),
        vpc_id=vpc_id,
        description="ALB: HTTP/HTTPS from the allowed CIDRs, to the tasks only",
        tags={"Name": scope.named("alb-sg")},
        opts=scope.child(),
    )
    task = aws.ec2.SecurityGroup(
        scope.named("task-sg"),
        vpc_id=vpc_id,
        description="Tasks: the app port from the ALB; HTTPS to the VPC endpoints and S3",
        tags={"Name": scope.named("task-sg")},
        opts=scope.child(),
    )
    clients = [
        Rule(
            suffix=f"alb-{port}-from-{index}",
            direction="ingress",
            group=alb.id,
            port=port,
            description=f"clients -> ALB :{port}",
            cidr=cidr,
        )
        for index, cidr in enumerate(client_cidrs)
        for port in listener_ports
    ]
    chain = [
        # pitfall: alb-task-sg
        Rule(
            suffix="alb-to-tasks",
            direction="egress",
            group=alb.id,
            port=container_port,
            description=f"ALB -> tasks :{container_port}",
            peer_group=task.id,
        ),
        Rule(
            suffix="tasks-from-alb",
            direction="ingress",
            group=task.id,
            port=container_port,
            description=f"ALB -> tasks :{container_port}",
            peer_group=alb.id,
        ),
        Rule(
            suffix="tasks-to-endpoints",
            direction="egress",
            group=task.id,
            port=HTTPS,
            description=(
                "tasks -> the logs interface endpoint :443"
                if ipv6_egress_only
                else "tasks -> interface endpoints (ECR, Logs) :443"
            ),
            peer_group=endpoint_security_group_id,
        ),
        # Image layers come from S3 through the gateway endpoint (pitfall: s3-gateway-path).
        Rule(
            suffix="tasks-to-s3",
            direction="egress",
            group=task.id,
            port=HTTPS,
            description="tasks -> S3 gateway (image layers) :443",
            prefix_list=s3_prefix_list_id,
        ),
        # The endpoints' group belongs to the Network; this is its only ingress rule.
        Rule(
            suffix="endpoints-from-tasks",
            direction="ingress",
            group=endpoint_security_group_id,
            port=HTTPS,
            description="tasks -> interface endpoints :443",
            peer_group=task.id,
        ),
    ]
    if ipv6_egress_only:
        # The egress-only gateway's route is the tasks' only way out besides the endpoints; the
        # dual-stack ECR registry, ECR API and S3 all answer on 443 (docs/ipv6-egress.md R1, R6).
        chain.append(
            Rule(
                suffix="tasks-to-internet-ipv6",
                direction="egress",
                group=task.id,
                port=HTTPS,
                description="tasks -> the internet over IPv6 (egress-only gateway, the only "
                "way out) :443",
                cidr="::/0",
            )
        )
    for rule in [*clients, *chain]:
        register_rule(scope, rule)
    return SecurityGroups(alb=alb, task=task)


def register_rule(scope: Scope, rule: Rule) -> None:
    resource_type = (
        aws.vpc.SecurityGroupIngressRule
        if rule.direction == "ingress"
        else aws.vpc.SecurityGroupEgressRule
    )
    resource_type(
        scope.named(rule.suffix),
        security_group_id=rule.group,
        description=rule.description,
        ip_protocol="tcp",
        from_port=rule.port,
        to_port=rule.port,
        cidr_ipv4=rule.cidr_of_family(4),
        cidr_ipv6=rule.cidr_of_family(6),
        referenced_security_group_id=rule.peer_group,
        prefix_list_id=rule.prefix_list,
        opts=scope.child(),
    )
