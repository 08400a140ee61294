"""policy/rules/security_groups_hygiene.py: descriptions, the default group, one rule mechanism
per direction, no unused groups. Each case is one graph that the pack, through its Analyzer gRPC
interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import security_groups_hygiene
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
from tests.support.security_group_policy_cases import alb_stack, inline_sg, world
from tools.policy_gate import PolicyPackClient


def cases() -> Iterator[Case]:
    https = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}
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


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "aws-ec2-add-description-to-security-group"
    yield case(
        p,
        "flags Managed by Terraform",
        res("sg", "bad", {"description": "Managed by Terraform"}),
        flagged=("bad",),
    )
    yield case(p, "flags no description", res("sg", "bad", {}), flagged=("bad",))
    p = "aws-ec2-add-description-to-security-group-rule"
    yield case(
        p,
        "flags an inline entry without description",
        res(
            "sg",
            "bad",
            {"description": "d", "egress": [{"protocol": "-1", "cidrBlocks": ["10.0.0.0/8"]}]},
        ),
        flagged=("bad",),
    )
    p = "aws-ec2-restrict-all-in-default-sg"
    vpc_with_default = [
        res("vpc", "v"),
        res(
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "d",
            {"vpcId": "v-id", "egress": [{"protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]}]},
            deps={"vpcId": ["v"]},
        ),
    ]
    yield case(p, "flags an adopted default SG that keeps rules", *vpc_with_default, flagged=("d",))
    p = "security-group-no-rule-management-conflicts"
    yield case(
        p,
        "flags inline ingress beside a SecurityGroupRule of type ingress",
        inline_sg("ingress", world(443)),
        res(
            "sgrule",
            "r",
            {"type": "ingress", "securityGroupId": "sg-id"},
            deps={"securityGroupId": ["sg"]},
        ),
        flagged=("sg",),
    )
    yield case(
        p,
        "flags inline egress beside an egress rule",
        inline_sg("egress", world(443)),
        res("egress", "r", {"securityGroupId": "sg-id"}, deps={"securityGroupId": ["sg"]}),
        flagged=("sg",),
    )
    yield case(
        p,
        "passes inline ingress beside an egress rule",
        inline_sg("ingress", world(443)),
        res("egress", "r", {"securityGroupId": "sg-id"}, deps={"securityGroupId": ["sg"]}),
    )
    p = "sg-attached"
    for unused, used in (("sg-z", "sg-a"), ("sg-a", "sg-z")):
        yield case(
            p,
            f"flags {unused} beside a service that depends only on {used}",
            res("sg", unused, {"description": "d"}),
            res("sg", used, {"description": "d"}),
            res("service", "svc", {}, deps={"networkConfiguration": [used]}),
            flagged=(unused,),
        )
    yield case(
        "sg-attached",
        "passes a group only an instance uses",
        res("sg", "sg", {"description": "d"}),
        res("aws:ec2/instance:Instance", "vm", {"vpcSecurityGroupIds": ["sg-id"]}),
    )
    yield case(
        "security-group-no-rule-management-conflicts",
        "passes inline egress beside an ingress rule",
        inline_sg("egress", world(443)),
        res("ingress", "r", {"securityGroupId": "sg-id"}, deps={"securityGroupId": ["sg"]}),
    )
    yield case(
        p,
        "passes a group known only by a dependency",
        res("sg", "sg", {"description": "d"}),
        res("service", "svc", {}, deps={"networkConfiguration": ["sg"]}),
    )
    yield case(
        p,
        "passes a group referenced by id",
        res("sg", "sg", {"description": "d"}),
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "ep", {"securityGroupIds": ["sg-id"]}),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, security_groups_hygiene.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
