"""policy/rules/ipv6_egress.py: the ipv6-egress-only network mode's posture. Every case is the
mode's network (tests/support/ipv6_policy_cases.py), which passes every rule, with one property
changed; the pack, through its Analyzer gRPC interface, must flag exactly the named resources.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import ipv6_egress
from tests.support.ipv6_policy_cases import (
    DUAL_STACK_IMAGE,
    LISTENER_RULE,
    ipv6_network,
    sg_rule,
    task_definition,
)
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    named,
    policies_without_both_sides,
    res,
    update_inputs,
    violations_of,
)
from tools.policy_gate import PolicyPackClient


def changed(name: str, **inputs: Any) -> list[dict[str, Any]]:
    """The mode's network with resource `name`'s inputs changed."""
    network = ipv6_network()
    update_inputs(named(network, name), **inputs)
    return network


def without(*names: str) -> list[dict[str, Any]]:
    return [r for r in ipv6_network() if r["name"] not in names]


def retargeted(route: str, key: str, gateway: str) -> list[dict[str, Any]]:
    """The network with `route` sent to `gateway` through `key` instead of its own gateway."""
    network = ipv6_network()
    resource = named(network, route)
    for props in (resource["inputs"], resource["outputs"]):
        props.pop("gatewayId", None)
        props.pop("egressOnlyGatewayId", None)
        props[key] = f"{gateway}-id"
    resource["deps"] = {"routeTableId": resource["deps"]["routeTableId"], key: [gateway]}
    return network


def subnet_cases() -> Iterator[Case]:
    p = "ipv6-private-subnet-ipv6-native"
    yield case(p, "passes the mode's IPv6-only task subnet", *ipv6_network())
    yield case(
        p,
        "flags a dual-stack task subnet",
        *changed("private", ipv6Native=False, cidrBlock="10.0.101.0/24"),
        flagged=("private",),
    )
    yield case(
        p,
        "flags a task subnet that is not ipv6_native",
        *changed("private", ipv6Native=False),
        flagged=("private",),
    )
    yield case(
        p,
        "flags an ipv6_native task subnet with an IPv4 range",
        *changed("private", cidrBlock="10.0.101.0/24"),
        flagged=("private",),
    )
    network = without("eigw", "private-v6")
    update_inputs(named(network, "private"), ipv6Native=False, cidrBlock="10.0.101.0/24")
    yield case(
        p, "passes a dual-stack task subnet of a VPC without an egress-only gateway", *network
    )


def route_cases() -> Iterator[Case]:
    p = "eigw-not-on-public-route-tables"
    yield case(p, "passes the egress-only gateway on the task subnets' table", *ipv6_network())
    yield case(
        p,
        "flags the ALB subnets' IPv6 default route to the egress-only gateway",
        *retargeted("public-v6", "egressOnlyGatewayId", "eigw"),
        flagged=("public-v6",),
    )
    yield case(
        p,
        "flags an inline egress-only route on the ALB subnets' table",
        *changed("public-rt", routes=[{"ipv6CidrBlock": "::/0", "egressOnlyGatewayId": "eigw-id"}]),
        flagged=("public-rt",),
    )
    yield case(
        p,
        "passes an inline internet gateway route on the ALB subnets' table",
        *changed("public-rt", routes=[{"ipv6CidrBlock": "::/0", "gatewayId": "igw-id"}]),
    )
    network = retargeted("public-v6", "egressOnlyGatewayId", "eigw")
    alb = update_inputs(
        named(network, "alb"), subnets=[], subnetMappings=[{"subnetId": "public-id"}]
    )
    alb["deps"] = {"subnetMappings": ["public"], "securityGroups": ["alb-sg"]}
    yield case(
        p,
        "flags an egress-only route of a subnet the ALB is mapped into",
        *network,
        flagged=("public-v6",),
    )


def inbound_cases() -> Iterator[Case]:
    p = "ipv6-task-no-inbound-path"
    yield case(p, "passes ingress from the ALB's security group only", *ipv6_network())
    yield case(
        p,
        "flags a public IP on the tasks",
        *changed(
            "svc",
            networkConfiguration={
                "subnets": ["private-id"],
                "securityGroups": ["task-sg-id"],
                "assignPublicIp": True,
            },
        ),
        flagged=("svc",),
    )
    world = sg_rule("ingress", "tasks-from-world", "task-sg", {"cidrIpv6": "::/0"}, 8080)
    yield case(
        p,
        "flags task ingress from ::/0",
        *ipv6_network(),
        world,
        flagged=("tasks-from-world",),
    )
    vpc_range = sg_rule("ingress", "tasks-from-vpc", "task-sg", {"cidrIpv6": "2001:db8:1200::/56"})
    yield case(
        p,
        "flags task ingress from the VPC's own range",
        *ipv6_network(),
        vpc_range,
        flagged=("tasks-from-vpc",),
    )
    inline = [{"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidrBlocks": ["0.0.0.0/0"]}]
    yield case(
        p,
        "flags inline task ingress from a CIDR",
        *changed("task-sg", ingress=inline),
        flagged=("task-sg",),
    )
    yield case(
        p,
        "passes CIDR ingress on tasks of a VPC without an egress-only gateway",
        *without("eigw", "private-v6"),
        world,
    )


def egress_cases() -> Iterator[Case]:
    p = "ipv6-task-egress-443-only"
    yield case(p, "passes tcp 443 to ::/0, the endpoint SG and the S3 prefix list", *ipv6_network())
    yield case(
        p,
        "passes egress given as protocol number 6",
        *changed("tasks-to-internet", ipProtocol="6"),
    )
    for label, inputs in (
        ("tcp 80", {"fromPort": 80, "toPort": 80}),
        ("tcp 443-444", {"toPort": 444}),
        ("tcp 442-443", {"fromPort": 442}),
        ("udp 443", {"ipProtocol": "udp"}),
        ("every protocol", {"ipProtocol": "-1"}),
        ("IPv4 0.0.0.0/0", {"cidrIpv6": None, "cidrIpv4": "0.0.0.0/0"}),
    ):
        yield case(
            p,
            f"flags task egress on {label}",
            *changed("tasks-to-internet", **inputs),
            flagged=("tasks-to-internet",),
        )
    inline = [{"protocol": "tcp", "fromPort": 53, "toPort": 53, "ipv6CidrBlocks": ["::/0"]}]
    yield case(
        p,
        "flags inline task egress on tcp 53",
        *changed("task-sg", egress=inline),
        flagged=("task-sg",),
    )
    network = without("eigw", "private-v6")
    update_inputs(named(network, "tasks-to-internet"), fromPort=0, toPort=65535)
    yield case(p, "passes any egress of tasks in a VPC without an egress-only gateway", *network)


def target_group_cases() -> Iterator[Case]:
    p = "alb-ipv6-target-group-for-ipv6-tasks"
    yield case(p, "passes an IPv6 ip target group on a dual-stack ALB", *ipv6_network())
    yield case(
        p,
        "passes an ALB without public IPv4",
        *changed("alb", ipAddressType="dualstack-without-public-ipv4"),
    )
    yield case(
        p, "flags an IPv4 target group", *changed("tg", ipAddressType="ipv4"), flagged=("tg",)
    )
    yield case(
        p,
        "flags a target group of the default address type",
        *changed("tg", ipAddressType=None),
        flagged=("tg",),
    )
    yield case(
        p, "flags an instance target group", *changed("tg", targetType="instance"), flagged=("tg",)
    )
    yield case(
        p, "flags a lambda target group", *changed("tg", targetType="lambda"), flagged=("tg",)
    )
    yield case(p, "flags an IPv4 ALB", *changed("alb", ipAddressType="ipv4"), flagged=("alb",))
    yield case(
        p,
        "flags an ALB of the default address type",
        *changed("alb", ipAddressType=None),
        flagged=("alb",),
    )
    network = changed("alb", ipAddressType="ipv4")
    listener = update_inputs(
        named(network, "listener"), defaultActions=[{"type": "fixed-response"}]
    )
    listener["deps"] = {"loadBalancerArn": ["alb"]}
    rule = res(
        LISTENER_RULE,
        "rule",
        {"listenerArn": "listener-id", "actions": [{"type": "forward", "targetGroupArn": "tg-id"}]},
        deps={"listenerArn": ["listener"], "actions": ["tg"]},
    )
    yield case(
        p,
        "flags an IPv4 ALB that forwards through a listener rule",
        *network,
        rule,
        flagged=("alb",),
    )
    other = [
        res("lb", "other-alb", {"ipAddressType": "ipv4"}),
        res(
            "listener",
            "other-listener",
            {"loadBalancerArn": "other-alb-id", "defaultActions": [{"type": "fixed-response"}]},
            deps={"loadBalancerArn": ["other-alb"]},
        ),
    ]
    yield case(p, "passes an IPv4 ALB that does not forward to the tasks", *ipv6_network(), *other)
    network = changed(
        "svc",
        networkConfiguration={"subnets": [], "securityGroups": ["task-sg-id"]},
    )
    named(network, "svc")["deps"]["networkConfiguration"] = ["task-sg"]
    update_inputs(named(network, "tg"), ipAddressType="ipv4")
    yield case(p, "passes a service that names no subnet", *network)


def dual_stack_subnets_with_ipv4_group() -> list[dict[str, Any]]:
    network = changed("private", ipv6Native=False, cidrBlock="10.0.101.0/24")
    update_inputs(named(network, "tg"), ipAddressType="ipv4")
    return network


def blue_green_on_ipv4_alb() -> list[dict[str, Any]]:
    """Two IPv6 target groups of one service, both forwarded by one IPv4 ALB."""
    network = changed("alb", ipAddressType="ipv4")
    green = res(
        "tg",
        "tg-green",
        {"targetType": "ip", "ipAddressType": "ipv6", "port": 8080, "vpcId": "vpc-id"},
    )
    service = named(network, "svc")
    update_inputs(
        service,
        loadBalancers=[
            {
                "targetGroupArn": "tg-id",
                "advancedConfiguration": {"alternateTargetGroupArn": "tg-green-id"},
            }
        ],
    )
    service["deps"]["loadBalancers"] = ["tg", "tg-green"]
    listener = named(network, "listener")
    update_inputs(
        listener,
        defaultActions=[
            {
                "type": "forward",
                "forward": {
                    "targetGroups": [{"arn": "tg-id", "weight": 1}, {"arn": "tg-green-id"}]
                },
            }
        ],
    )
    listener["deps"]["defaultActions"] = ["tg", "tg-green"]
    return [*network, green]


def image_cases() -> Iterator[Case]:
    """ECS-13 (policy/rules/ecs.py) accepts the dual-stack registry host the mode pulls from."""
    p = "ecs-image-pinned-from-project-ecr"
    yield case(
        p, "passes an image on ECR's dual-stack host", task_definition("task", DUAL_STACK_IMAGE)
    )
    lookalike = DUAL_STACK_IMAGE.replace(".on.aws/", ".on.aws.example.com/")
    yield case(
        p,
        "flags a host that only starts like ECR's dual-stack host",
        task_definition("task", lookalike),
        flagged=("task",),
    )


CASES = [
    *subnet_cases(),
    *route_cases(),
    *inbound_cases(),
    *egress_cases(),
    *target_group_cases(),
    case(
        "alb-ipv6-target-group-for-ipv6-tasks",
        "passes an IPv4 group of tasks in dual-stack subnets",
        *dual_stack_subnets_with_ipv4_group(),
    ),
    case(
        "alb-ipv6-target-group-for-ipv6-tasks",
        "flags an IPv4 ALB forwarding to both blue/green groups",
        *blue_green_on_ipv4_alb(),
        flagged=("alb",),
    ),
    *image_cases(),
]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, ipv6_egress.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_an_alb_forwarding_to_both_blue_green_groups_is_reported_once(
    pack: PolicyPackClient,
) -> None:
    c = next(c for c in CASES if c.id == "flags an IPv4 ALB forwarding to both blue/green groups")
    assert len(violations_of(pack, c)) == 1


def test_an_egress_rule_open_on_every_protocol_says_every_port(pack: PolicyPackClient) -> None:
    c = next(c for c in CASES if c.id == "flags task egress on every protocol")
    [message] = violations_of(pack, c)
    assert "task egress on -1 every port, not tcp 443" in message


def test_an_ipv4_egress_rule_names_the_ipv4_destination(pack: PolicyPackClient) -> None:
    c = next(c for c in CASES if c.id == "flags task egress on IPv4 0.0.0.0/0")
    [message] = violations_of(pack, c)
    assert "task egress to IPv4 0.0.0.0/0" in message


def test_a_dual_stack_task_subnet_is_reported_for_both_its_native_flag_and_its_ipv4_range(
    pack: PolicyPackClient,
) -> None:
    c = next(c for c in CASES if c.id == "flags a dual-stack task subnet")
    messages = violations_of(pack, c)
    assert len(messages) == 2 and any("10.0.101.0/24" in m for m in messages)


def test_a_single_port_egress_rule_names_the_port_alone(pack: PolicyPackClient) -> None:
    c = next(c for c in CASES if c.id == "flags task egress on tcp 80")
    [message] = violations_of(pack, c)
    assert "task egress on tcp 80, not tcp 443" in message


def test_a_target_group_without_an_address_type_is_reported_as_ipv4(
    pack: PolicyPackClient,
) -> None:
    c = next(c for c in CASES if c.id == "flags a target group of the default address type")
    [message] = violations_of(pack, c)
    assert "ip_address_type is ipv4 but svc runs in IPv6-only subnets" in message


def test_a_load_balancer_without_an_address_type_is_reported_as_ipv4(
    pack: PolicyPackClient,
) -> None:
    c = next(c for c in CASES if c.id == "flags an ALB of the default address type")
    [message] = violations_of(pack, c)
    assert "ip_address_type is ipv4; only a dual-stack load balancer" in message


def test_a_single_port_egress_rule_on_443_names_the_port_alone(pack: PolicyPackClient) -> None:
    # Unlike two 80s, two equal ports above 256 are distinct int objects: `is` for `==` fails here.
    c = next(c for c in CASES if c.id == "flags task egress on udp 443")
    [message] = violations_of(pack, c)
    assert "task egress on udp 443, not tcp 443" in message


def test_a_port_range_egress_rule_names_both_ends(pack: PolicyPackClient) -> None:
    c = next(c for c in CASES if c.id == "flags task egress on tcp 443-444")
    [message] = violations_of(pack, c)
    assert "task egress on tcp 443-444, not tcp 443" in message
