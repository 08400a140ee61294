"""policy/rules/security_groups.py: security groups and their rules. Each case is one graph that
the pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or
pass).
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
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def sg_world(rule: dict[str, Any], name: str = "rule") -> dict[str, Any]:
    return res("ingress", name, {"description": "d", "securityGroupId": "x", **rule})


def alb_stack(sg_rule: dict[str, Any], on: str, rule_name: str) -> list[dict[str, Any]]:
    """An internet-facing ALB with its SG, a task SG used by a service, and one ingress rule."""
    return [
        res("sg", "alb-sg", {"description": "alb"}),
        res("sg", "task-sg", {"description": "tasks"}),
        res("lb", "alb", {"securityGroups": ["alb-sg-id"]}, deps={"securityGroups": ["alb-sg"]}),
        res(
            "service",
            "svc",
            {"networkConfiguration": {"securityGroups": ["task-sg-id"]}},
            deps={"networkConfiguration": ["task-sg"]},
        ),
        res(
            "ingress",
            rule_name,
            {"description": "d", "securityGroupId": f"{on}-id", **sg_rule},
            deps={"securityGroupId": [on]},
        ),
    ]


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
    yield from one(
        "aws-ec2-add-description-to-security-group",
        "sg",
        {"description": "Managed by Pulumi"},
        {"description": "ALB: HTTPS"},
    )
    yield from one(
        "aws-ec2-add-description-to-security-group-rule",
        "ingress",
        {"ipProtocol": "tcp"},
        {"ipProtocol": "tcp", "description": "tasks -> ecr"},
    )
    yield case("aws-ec2-restrict-all-in-default-sg", "flags", res("vpc", "bad"), flagged=("bad",))
    yield case(
        "aws-ec2-restrict-all-in-default-sg",
        "passes",
        res("vpc", "good"),
        res(
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "d",
            {"vpcId": "good-id"},
            deps={"vpcId": ["good"]},
        ),
    )
    yield case(
        "security-group-no-rule-management-conflicts",
        "flags",
        res(
            "sg",
            "bad",
            {
                "description": "d",
                "ingress": [{"protocol": "tcp", "fromPort": 1, "toPort": 1, "description": "d"}],
            },
        ),
        res("ingress", "r", {"securityGroupId": "bad-id"}, deps={"securityGroupId": ["bad"]}),
        flagged=("bad",),
    )
    yield case(
        "security-group-no-rule-management-conflicts",
        "passes",
        res("sg", "good", {"description": "d"}),
        res("ingress", "r", {"securityGroupId": "good-id"}, deps={"securityGroupId": ["good"]}),
    )
    yield case("sg-attached", "flags", res("sg", "bad", {"description": "d"}), flagged=("bad",))
    yield case("sg-attached", "passes", *alb_stack(https, "alb-sg", "r"))


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, security_groups.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
