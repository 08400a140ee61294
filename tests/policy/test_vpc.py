"""policy/rules/vpc.py: VPCs, subnets, flow logs and network ACLs. Each case is one graph that the
pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import vpc
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    one,
    policies_without_both_sides,
    res,
    run,
    violations_of,
)
from tools.policy_gate import PolicyPackClient

NACL = "aws:ec2/networkAcl:NetworkAcl"


NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"


def nacl_rule(**entry: Any) -> dict[str, Any]:
    """A standalone NACL rule: allow tcp from the internet unless `entry` says otherwise."""
    return {"ruleAction": "allow", "protocol": "tcp", "cidrBlock": "0.0.0.0/0", **entry}


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


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "aws-ec2-no-excessive-port-access"
    all_out = {"action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"}
    yield case(
        p, "flags an inline egress entry", res(NACL, "bad", {"egress": [all_out]}), flagged=("bad",)
    )
    yield case(
        p,
        "passes an all-protocol deny",
        res(NACL, "good", {"egress": [{**all_out, "action": "deny"}]}),
    )
    yield case(
        p, "flags protocol all", res(NACL_RULE, "bad", nacl_rule(protocol="all")), flagged=("bad",)
    )
    p = "aws-ec2-no-public-ingress-acl"
    yield case(
        p,
        "flags RDP",
        res(NACL_RULE, "bad", nacl_rule(fromPort=3389, toPort=3389)),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags IPv6 ::/0",
        res(
            NACL_RULE,
            "bad",
            nacl_rule(cidrBlock=None, ipv6CidrBlock="::/0", fromPort=22, toPort=22),
        ),
        flagged=("bad",),
    )
    yield case(
        p, "flags all protocols", res(NACL_RULE, "bad", nacl_rule(protocol="-1")), flagged=("bad",)
    )
    yield case(
        p,
        "flags an inline ingress entry",
        res(
            NACL,
            "bad",
            {
                "ingress": [
                    {
                        "action": "allow",
                        "protocol": "tcp",
                        "cidrBlock": "0.0.0.0/0",
                        "fromPort": 22,
                        "toPort": 22,
                    }
                ]
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p, "passes ports 23 to 3388", res(NACL_RULE, "good", nacl_rule(fromPort=23, toPort=3388))
    )
    yield case(
        p,
        "passes an egress rule",
        res(NACL_RULE, "good", nacl_rule(egress=True, fromPort=22, toPort=22)),
    )
    yield case(
        p,
        "passes a deny rule",
        res(NACL_RULE, "good", nacl_rule(ruleAction="deny", fromPort=22, toPort=22)),
    )
    yield case(p, "passes a rule without ports", res(NACL_RULE, "good", nacl_rule()))
    yield case(
        "nacl-attached-to-subnet",
        "passes an association",
        res(NACL, "good", {}),
        res(
            "aws:ec2/networkAclAssociation:NetworkAclAssociation",
            "a",
            {"networkAclId": "good-id", "subnetId": "s"},
            deps={"networkAclId": ["good"]},
        ),
    )
    deny_then_allow = [
        {
            "action": "deny",
            "protocol": "tcp",
            "cidrBlock": "0.0.0.0/0",
            "fromPort": 22,
            "toPort": 22,
        },
        {
            "action": "allow",
            "protocol": "tcp",
            "cidrBlock": "0.0.0.0/0",
            "fromPort": 22,
            "toPort": 22,
        },
    ]
    yield case(
        "aws-ec2-no-public-ingress-acl",
        "flags an allow after a deny",
        res(NACL, "bad", {"ingress": deny_then_allow}),
        flagged=("bad",),
    )
    private_then_public = [
        {
            "action": "allow",
            "protocol": "tcp",
            "cidrBlock": "10.0.0.0/8",
            "fromPort": 22,
            "toPort": 22,
        },
        {
            "action": "allow",
            "protocol": "tcp",
            "cidrBlock": "0.0.0.0/0",
            "fromPort": 22,
            "toPort": 22,
        },
    ]
    yield case(
        "aws-ec2-no-public-ingress-acl",
        "flags a public entry after a private one",
        res(NACL, "bad", {"ingress": private_then_public}),
        flagged=("bad",),
    )
    yield case(
        "aws-ec2-no-public-ingress-acl",
        "passes a rule with a from port only",
        res(NACL_RULE, "good", nacl_rule(fromPort=22)),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, vpc.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_an_all_protocol_nacl_message_says_which_direction(pack: PolicyPackClient) -> None:
    entry = {"action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"}
    result = run(pack, [res(NACL, "acl", {"egress": [entry]})])
    messages = [
        d.message for d in result.diagnostics if d.policy == "aws-ec2-no-excessive-port-access"
    ]
    assert len(messages) == 1 and "an egress allow entry" in messages[0]


def test_a_nacl_entry_open_to_both_ssh_and_rdp_is_reported_once(pack: PolicyPackClient) -> None:
    c = next(c for c in CASES if c.id == "flags all protocols")
    [message] = violations_of(pack, c)
    assert "allowed to port 22" in message
