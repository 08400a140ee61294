"""The `ipv6-egress-only` network mode's posture (docs/ipv6-egress.md section 3): IPv6-only task
subnets behind an egress-only internet gateway, no inbound path to the tasks, egress on tcp 443
only, the egress-only gateway kept off the ALB's subnets, and an IPv6 target group on a
dual-stack ALB (VPC-10, VPC-11, SG-11, SG-12, ALB-14: rows of this pack's own, beyond
policy_rules.md).

A VPC is in the mode when an egress-only internet gateway points at it; the target-group rule
needs only IPv6-only task subnets, whatever routes them."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource

from ._common import StackFinding, stack_rule
from ._resources import Stack, as_list, is_true, nested
from ._security_groups import SECURITY_GROUP, STANDALONE_RULES, SgRule, sg_rules, where
from .alb import LISTENERS, LOAD_BALANCERS, TARGET_GROUPS
from .vpc_private_subnets import (
    ECS_SERVICE,
    ROUTE,
    ROUTE_TABLE,
    SUBNET,
    VPC,
    has_egress_only_gateway,
    is_ipv6_only,
    route_tables_of,
    task_subnets,
)

LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
DUAL_STACK_LOAD_BALANCER = ("dualstack", "dualstack-without-public-ipv4")


def in_egress_only_vpc(stack: Stack, subnet: PolicyResource) -> bool:
    """The subnet's VPC has an egress-only internet gateway (the ipv6-egress-only mode)."""
    return any(
        has_egress_only_gateway(stack, vpc) for vpc in stack.referenced(subnet, "vpcId", VPC)
    )


def _task_subnet_ipv6_native(stack: Stack, subnet: PolicyResource) -> Iterator[StackFinding]:
    if subnet not in task_subnets(stack) or not in_egress_only_vpc(stack, subnet):
        return
    if not is_true(subnet.props.get("ipv6Native")):
        yield StackFinding(
            subnet,
            "a task subnet of a VPC with an egress-only internet gateway is not IPv6-only "
            "(ipv6_native is not true): in a dual-stack subnet Fargate asks ECR's IPv4-only API "
            "for the registry token, which times out without NAT or the ecr.api endpoint",
        )
    if subnet.props.get("cidrBlock"):
        yield StackFinding(
            subnet,
            f"the task subnet has the IPv4 range {subnet.props['cidrBlock']}, so its tasks are "
            "dual-stack and take the IPv4 path to ECR's API, which this VPC does not route",
        )


task_subnet_ipv6_native = stack_rule(
    name="ipv6-private-subnet-ipv6-native",
    rows=["VPC-10"],
    description="Task subnets of a VPC with an egress-only internet gateway are IPv6-only.",
    subjects=[SUBNET],
    fix="create the task subnets with ipv6_native=True, an ipv6_cidr_block from the VPC's /56, "
    "assign_ipv6_address_on_creation=True and no cidr_block",
    severity="medium",
    dev="M",
    sources="custom (docs/ipv6-egress.md claim R3: containers-roadmap#2792, #2287)",
    check=_task_subnet_ipv6_native,
)


def alb_subnets(stack: Stack) -> list[PolicyResource]:
    """Subnets a load balancer is placed in (the public subnets of this design)."""
    balancers = stack.of_type(*LOAD_BALANCERS)
    return [
        subnet
        for subnet in stack.of_type(SUBNET)
        if any(
            stack.refers_to(lb, "subnets", subnet) or stack.refers_to(lb, "subnetMappings", subnet)
            for lb in balancers
        )
    ]


def _egress_only_gateway_off_alb_subnets(
    stack: Stack, table: PolicyResource
) -> Iterator[StackFinding]:
    if table not in route_tables_of(stack, alb_subnets(stack)):
        return
    for route in stack.referencing(table, "routeTableId", ROUTE):
        if route.props.get("egressOnlyGatewayId"):
            yield StackFinding(
                route,
                f"a route of {table.name}, the ALB subnets' route table, targets an egress-only "
                "internet gateway, which drops the connections clients start",
            )
    for inline in as_list(table.props.get("routes")):
        if inline.get("egressOnlyGatewayId"):
            yield StackFinding(table, "an inline route targets an egress-only internet gateway")


egress_only_gateway_off_alb_subnets = stack_rule(
    name="eigw-not-on-public-route-tables",
    rows=["VPC-11"],
    description="No route of the ALB subnets' route tables targets an egress-only gateway.",
    subjects=[ROUTE_TABLE],
    fix="route ::/0 of the ALB subnets to the internet gateway and keep the egress-only gateway "
    "on the task subnets' route tables",
    severity="medium",
    dev="M",
    sources="custom (issue 14; docs/ipv6-egress.md claims N1, A1)",
    check=_egress_only_gateway_off_alb_subnets,
)


def _in_egress_only_mode(stack: Stack, service: PolicyResource) -> bool:
    return any(
        in_egress_only_vpc(stack, subnet)
        for subnet in stack.referenced(service, "networkConfiguration", SUBNET)
    )


def task_group_rules(
    stack: Stack, service: PolicyResource
) -> Iterator[tuple[PolicyResource, SgRule]]:
    """(declaring resource, rule) for every rule of the service's task security groups."""
    for group in stack.referenced(service, "networkConfiguration", SECURITY_GROUP):
        for rule in sg_rules(SECURITY_GROUP, group.props):
            yield group, rule
        for standalone in stack.referencing(group, "securityGroupId", *STANDALONE_RULES):
            for rule in sg_rules(standalone.resource_type, standalone.props):
                yield standalone, rule


def _no_inbound_path(stack: Stack, service: PolicyResource) -> Iterator[StackFinding]:
    if not _in_egress_only_mode(stack, service):
        return
    if is_true(nested(service.props, "networkConfiguration", "assignPublicIp")):
        yield StackFinding(
            service, "assign_public_ip is true, so the tasks get a public IPv4 address"
        )
    for declaring, rule in task_group_rules(stack, service):
        if rule.ingress and rule.cidrs:
            yield StackFinding(
                declaring,
                f"task ingress from {', '.join(rule.cidrs)}{where(rule)}: IPv6 task addresses "
                "are globally routable, so only a security group (the ALB's) may be a source",
            )


no_inbound_path = stack_rule(
    name="ipv6-task-no-inbound-path",
    rows=["SG-11"],
    description="Tasks behind an egress-only gateway get no public IP and ingress only from "
    "security groups.",
    subjects=[ECS_SERVICE],
    fix="keep assign_public_ip=False and take task ingress from the ALB's security group "
    "(referenced_security_group_id), never from a CIDR",
    severity="high",
    dev="M",
    sources="custom (issue 14: no inbound path to tasks; docs/ipv6-egress.md claim N1)",
    check=_no_inbound_path,
)


def _egress_443_only(stack: Stack, service: PolicyResource) -> Iterator[StackFinding]:
    if not _in_egress_only_mode(stack, service):
        return
    for declaring, rule in task_group_rules(stack, service):
        if rule.ingress:
            continue
        https_only = rule.protocol in ("tcp", "6") and rule.from_port == 443 == rule.to_port
        if not https_only:
            if rule.all_ports:
                ports = "every port"
            elif rule.from_port == rule.to_port:
                ports = str(rule.from_port)
            else:
                ports = f"{rule.from_port}-{rule.to_port}"
            yield StackFinding(
                declaring, f"task egress on {rule.protocol} {ports}, not tcp 443{where(rule)}"
            )
        ipv4 = [c for c in rule.cidrs if ":" not in c]
        if ipv4:
            yield StackFinding(
                declaring,
                f"task egress to IPv4 {', '.join(ipv4)}{where(rule)}: IPv6-only tasks have no "
                "IPv4 address",
            )


egress_443_only = stack_rule(
    name="ipv6-task-egress-443-only",
    rows=["SG-12"],
    description="Task egress behind an egress-only gateway is tcp 443 to IPv6, the endpoint SG "
    "or the S3 prefix list.",
    subjects=[ECS_SERVICE],
    fix="allow only tcp 443 to ::/0 (cidr_ipv6), the endpoint security group and the S3 prefix "
    "list",
    severity="high",
    dev="M",
    sources="custom (issue 14: egress only on 443)",
    check=_egress_443_only,
)


def _load_balancers_forwarding_to(stack: Stack, group: PolicyResource) -> list[PolicyResource]:
    rules = [r for r in stack.of_type(*LISTENER_RULES) if stack.refers_to(r, "actions", group)]
    listeners = [
        listener
        for listener in stack.of_type(*LISTENERS)
        if stack.refers_to(listener, "defaultActions", group)
        or any(stack.refers_to(rule, "listenerArn", listener) for rule in rules)
    ]
    return [
        lb
        for lb in stack.of_type(*LOAD_BALANCERS)
        if any(stack.refers_to(listener, "loadBalancerArn", lb) for listener in listeners)
    ]


def _ipv6_target_groups(stack: Stack, service: PolicyResource) -> Iterator[StackFinding]:
    subnets = stack.referenced(service, "networkConfiguration", SUBNET)
    if not subnets or not all(is_ipv6_only(subnet) for subnet in subnets):
        return
    balancers: dict[str, PolicyResource] = {}
    for group in stack.referenced(service, "loadBalancers", *TARGET_GROUPS):
        address_type = group.props.get("ipAddressType") or "ipv4"
        if address_type != "ipv6":  # pragma: no mutate (<: "ipv4", the other type, sorts below)
            yield StackFinding(
                group,
                f"ip_address_type is {address_type} but {service.name} runs in IPv6-only "
                "subnets, so its tasks cannot be registered",
            )
        if group.props.get("targetType") != "ip":
            yield StackFinding(
                group, f"target_type is {group.props.get('targetType')}; IPv6 targets are ip only"
            )
        for lb in _load_balancers_forwarding_to(stack, group):
            balancers[lb.urn] = lb
    for lb in balancers.values():
        address_type = lb.props.get("ipAddressType") or "ipv4"
        if address_type not in DUAL_STACK_LOAD_BALANCER:
            yield StackFinding(
                lb,
                f"ip_address_type is {address_type}; only a dual-stack load balancer can forward "
                f"to the IPv6 targets of {service.name}",
            )


ipv6_target_groups = stack_rule(
    name="alb-ipv6-target-group-for-ipv6-tasks",
    rows=["ALB-14"],
    description="Services in IPv6-only subnets sit behind IPv6 ip target groups on a dual-stack "
    "load balancer.",
    subjects=[ECS_SERVICE],
    fix='set ip_address_type="ipv6" and target_type="ip" on the target groups and '
    'ip_address_type="dualstack" on the load balancer',
    severity="medium",
    dev="M",
    sources="custom (docs/ipv6-egress.md claims E2, A3)",
    check=_ipv6_target_groups,
)


POLICIES = [
    task_subnet_ipv6_native,
    egress_only_gateway_off_alb_subnets,
    no_inbound_path,
    egress_443_only,
    ipv6_target_groups,
]
