"""policy/rules/security_groups.py: what security-group rules let in from and out to the internet.
Each case is one graph that the pack, through its Analyzer gRPC interface, must flag exactly at
the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import security_groups
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    named,
    one,
    policies_without_both_sides,
    res,
    run,
    update_inputs,
)
from tests.support.security_group_policy_cases import alb_stack, inline_sg, world
from tools.policy_gate import PolicyPackClient


def sg_world(rule: dict[str, Any], name: str = "rule") -> dict[str, Any]:
    return res("ingress", name, {"description": "d", "securityGroupId": "x", **rule})


def egress_stack(on: str) -> list[dict[str, Any]]:
    stack = alb_stack(
        {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/16"},
        "alb-sg",
        "in",
    )
    stack.append(
        res(
            "egress",
            "out",
            {
                "description": "d",
                "ipProtocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrIpv4": "0.0.0.0/0",
                "securityGroupId": f"{on}-id",
            },
            deps={"securityGroupId": [on]},
        )
    )
    return stack


def alb_stack_where(
    sg_rule: dict[str, Any],
    on: str,
    *,
    alb: dict[str, Any] | None = None,
    service_sgs: tuple[str, ...] = ("task-sg",),
) -> list[dict[str, Any]]:
    """alb_stack with the ALB's inputs changed by `alb` and the service using `service_sgs`."""
    stack = alb_stack(sg_rule, on, "r")
    update_inputs(named(stack, "alb"), **(alb or {}))
    service = update_inputs(
        named(stack, "svc"),
        networkConfiguration={"securityGroups": [f"{g}-id" for g in service_sgs]},
    )
    service["deps"] = {"networkConfiguration": list(service_sgs)}
    return stack


def cases() -> Iterator[Case]:
    yield from one(
        "aws-ec2-no-public-ingress-sgr",
        "ingress",
        {
            "description": "d",
            "ipProtocol": "tcp",
            "fromPort": 20,
            "toPort": 30,
            "cidrIpv4": "0.0.0.0/0",
        },
        {
            "description": "d",
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "0.0.0.0/0",
        },
    )
    yield from one(
        "sg-no-public-ingress-all-ports",
        "sg",
        {
            "description": "d",
            "ingress": [
                {
                    "protocol": "-1",
                    "fromPort": 0,
                    "toPort": 0,
                    "cidrBlocks": ["0.0.0.0/0"],
                    "description": "d",
                }
            ],
        },
        {
            "description": "d",
            "ingress": [
                {
                    "protocol": "-1",
                    "fromPort": 0,
                    "toPort": 0,
                    "cidrBlocks": ["10.0.0.0/8"],
                    "description": "d",
                }
            ],
        },
    )
    https = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}
    yield case(
        "sg-public-ingress-only-on-alb",
        "flags task SG",
        *alb_stack({**https, "fromPort": 8080, "toPort": 8080}, "task-sg", "r"),
        flagged=("r",),
    )
    yield case(
        "sg-public-ingress-only-on-alb",
        "flags ALB SG on 8443",
        *alb_stack({**https, "fromPort": 8443, "toPort": 8443}, "alb-sg", "r"),
        flagged=("r",),
    )
    yield case("sg-public-ingress-only-on-alb", "passes", *alb_stack(https, "alb-sg", "r"))
    http = {**https, "fromPort": 80, "toPort": 80}
    yield case("sg-no-public-http-80", "flags", *alb_stack(http, "task-sg", "r"), flagged=("r",))
    yield case("sg-no-public-http-80", "passes on the ALB SG", *alb_stack(http, "alb-sg", "r"))
    yield case("aws-ec2-no-public-egress-sgr", "flags", *egress_stack("alb-sg"), flagged=("out",))
    yield case("aws-ec2-no-public-egress-sgr", "passes task egress", *egress_stack("task-sg"))
    yield case(
        "aws-ec2-no-public-egress-sgr-tasks", "flags", *egress_stack("task-sg"), flagged=("out",)
    )
    yield case("aws-ec2-no-public-egress-sgr-tasks", "passes ALB egress", *egress_stack("alb-sg"))


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "aws-ec2-no-public-ingress-sgr"
    yield case(p, "flags RDP", sg_world(world(3389), "bad"), flagged=("bad",))
    yield case(
        p, "flags SSH at the top of a range", sg_world(world(10, 22), "bad"), flagged=("bad",)
    )
    yield case(
        p, "flags SSH at the bottom of a range", sg_world(world(22, 80), "bad"), flagged=("bad",)
    )
    yield case(p, "flags all protocols", sg_world(world(None, None, "-1"), "bad"), flagged=("bad",))
    yield case(p, "flags udp 22", sg_world(world(22, protocol="udp"), "bad"), flagged=("bad",))
    yield case(
        p,
        "flags SSH from ::/0",
        sg_world({**world(22), "cidrIpv4": None, "cidrIpv6": "::/0"}, "bad"),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags an inline SSH entry",
        inline_sg(
            "ingress",
            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]},
        ),
        flagged=("sg",),
    )
    yield case(
        p,
        "flags a SecurityGroupRule of type ingress",
        res(
            "sgrule",
            "bad",
            {
                "type": "ingress",
                "protocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "d",
            },
        ),
        flagged=("bad",),
    )
    yield case(p, "passes ports 23 to 3388", sg_world(world(23, 3388), "good"))
    yield case(
        p, "passes SSH from the VPC", sg_world({**world(22), "cidrIpv4": "10.0.0.0/8"}, "good")
    )
    yield case(p, "passes SSH egress", res("egress", "good", {"description": "d", **world(22)}))
    yield case(
        p,
        "passes a SecurityGroupRule of type egress",
        res(
            "sgrule",
            "good",
            {
                "type": "egress",
                "protocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "d",
            },
        ),
    )
    yield case(p, "passes icmp", sg_world(world(-1, -1, "icmp"), "good"))
    yield case(p, "passes tcp without ports", sg_world(world(None), "good"))
    p = "sg-no-public-ingress-all-ports"
    yield case(
        p, "flags ::/0", sg_world({"ipProtocol": "-1", "cidrIpv6": "::/0"}, "bad"), flagged=("bad",)
    )
    yield case(
        p,
        "passes all-protocol egress",
        res("egress", "good", {"description": "d", "ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"}),
    )
    yield case(p, "passes a named port range", sg_world(world(0, 65535), "good"))
    p = "sg-public-ingress-only-on-alb"
    https = world(443)
    yield case(
        p,
        "flags the ALB SG when the service shares it",
        *alb_stack_where(https, "alb-sg", service_sgs=("alb-sg",)),
        flagged=("r",),
    )
    yield case(
        p,
        "flags the SG of an internal ALB",
        *alb_stack_where(https, "alb-sg", alb={"internal": True}),
        flagged=("r",),
    )
    endpoint = res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "ep",
        {"securityGroupIds": ["alb-sg-id"]},
        deps={"securityGroupIds": ["alb-sg"]},
    )
    yield case(
        p,
        "flags the ALB SG when an endpoint shares it",
        *alb_stack(https, "alb-sg", "r"),
        endpoint,
        flagged=("r",),
    )
    yield case(
        p,
        "flags udp 443 on the ALB SG",
        *alb_stack(world(443, protocol="udp"), "alb-sg", "r"),
        flagged=("r",),
    )
    yield case(
        p, "flags 80-443 on the ALB SG", *alb_stack(world(80, 443), "alb-sg", "r"), flagged=("r",)
    )
    yield case(
        p,
        "flags a public range that is not 0.0.0.0/0 on the task SG",
        *alb_stack({**https, "cidrIpv4": "203.0.113.0/24"}, "task-sg", "r"),
        flagged=("r",),
    )
    yield case(
        p, "flags a rule whose group it cannot find", sg_world(https, "bad"), flagged=("bad",)
    )
    yield case(p, "passes tcp 80 on the ALB SG", *alb_stack(world(80), "alb-sg", "r"))
    yield case(
        p, "passes protocol 6 on the ALB SG", *alb_stack(world(443, protocol="6"), "alb-sg", "r")
    )
    yield case(
        p,
        "passes a private range on the task SG",
        *alb_stack({**https, "cidrIpv4": "10.0.0.0/8"}, "task-sg", "r"),
    )
    yield case(
        p,
        "passes public egress on the task SG",
        *alb_stack(https, "alb-sg", "r"),
        res(
            "egress",
            "out",
            {"description": "d", **https, "securityGroupId": "task-sg-id"},
            deps={"securityGroupId": ["task-sg"]},
        ),
    )
    p = "sg-no-public-http-80"
    yield case(
        p,
        "flags 80 on an ALB SG the service shares",
        *alb_stack_where(world(80), "alb-sg", service_sgs=("alb-sg",)),
        flagged=("r",),
    )
    yield case(
        p,
        "flags 80 on a rule whose group it cannot find",
        sg_world(world(80), "bad"),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags all protocols on the task SG",
        *alb_stack(world(None, None, "-1"), "task-sg", "r"),
        flagged=("r",),
    )
    yield case(
        p,
        "passes 80 from the VPC on the task SG",
        *alb_stack({**world(80), "cidrIpv4": "10.0.0.0/8"}, "task-sg", "r"),
    )
    yield case(
        p,
        "passes 443 on the task SG",
        *alb_stack(world(443), "task-sg", "r"),
    )
    p = "aws-ec2-no-public-egress-sgr"
    yield case(
        p,
        "flags egress from a group it cannot find",
        res("egress", "out", {"description": "d", **world(443)}),
        flagged=("out",),
    )
    yield case(
        p,
        "passes egress to the VPC",
        *alb_stack(world(443), "alb-sg", "r"),
        res(
            "egress",
            "out",
            {
                "description": "d",
                **world(443),
                "cidrIpv4": "10.0.0.0/16",
                "securityGroupId": "alb-sg-id",
            },
            deps={"securityGroupId": ["alb-sg"]},
        ),
    )
    yield case(
        "aws-ec2-no-public-ingress-sgr",
        "passes inline SSH egress to the world",
        inline_sg(
            "egress", {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
        ),
    )
    yield case(
        "aws-ec2-no-public-ingress-sgr",
        "passes tcp with a from port only",
        sg_world(world(22, None) | {"toPort": None}, "good"),
    )
    private_then_world = [
        {
            "protocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrBlocks": ["10.0.0.0/8"],
            "description": "d",
        },
        {
            "protocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrBlocks": ["0.0.0.0/0"],
            "description": "d",
        },
    ]
    yield case(
        "aws-ec2-no-public-ingress-sgr",
        "flags the second of two inline entries",
        res("sg", "sg", {"description": "d", "ingress": private_then_world}),
        flagged=("sg",),
    )
    https_then_http = [
        {
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": ["10.0.0.0/8"],
            "description": "d",
        },
        {
            "protocol": "tcp",
            "fromPort": 80,
            "toPort": 80,
            "cidrBlocks": ["0.0.0.0/0"],
            "description": "d",
        },
    ]
    task_inline = alb_stack(world(443), "alb-sg", "r")
    update_inputs(named(task_inline, "task-sg"), ingress=https_then_http)
    yield case(
        "sg-public-ingress-only-on-alb",
        "flags the second inline entry of the task SG",
        *task_inline,
        flagged=("task-sg",),
    )
    yield case(
        "sg-no-public-http-80",
        "flags the second inline entry of the task SG",
        *task_inline,
        flagged=("task-sg",),
    )
    alb_inline = alb_stack({**world(443), "cidrIpv4": "10.0.0.0/8"}, "alb-sg", "r")
    update_inputs(
        named(alb_inline, "alb-sg"),
        ingress=[
            {
                "protocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "d",
            }
        ],
    )
    yield case(
        "sg-public-ingress-only-on-alb", "passes inline 443 on the ALB SG itself", *alb_inline
    )
    alb_egress = alb_stack(world(443), "alb-sg", "r")
    update_inputs(
        named(alb_egress, "alb-sg"),
        ingress=[
            {
                "protocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "d",
            }
        ],
        egress=[
            {
                "protocol": "-1",
                "fromPort": 0,
                "toPort": 0,
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "d",
            }
        ],
    )
    yield case(
        "aws-ec2-no-public-egress-sgr",
        "flags inline egress after inline ingress",
        *alb_egress,
        flagged=("alb-sg",),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, security_groups.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_a_violation_says_which_inline_entry_and_which_group(pack: PolicyPackClient) -> None:
    inline = [
        {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["10.0.0.0/8"]},
        {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]},
    ]
    messages = {
        d.policy: d.message
        for d in run(pack, [res("sg", "sg", {"description": "d", "ingress": inline})]).diagnostics
    }
    assert "port 22 (inline ingress[1])" in messages["aws-ec2-no-public-ingress-sgr"]
    lone = {d.policy: d.message for d in run(pack, [sg_world(world(22), "lone")]).diagnostics}
    assert "covers port 22. Fix:" in lone["aws-ec2-no-public-ingress-sgr"]
    assert "on an unknown group, which" in lone["sg-public-ingress-only-on-alb"]
