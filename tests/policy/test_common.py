"""The shared modules of policy/rules (_common.py, _resources.py, _policy_documents.py): what every
rule inherits (unknown values, document parsing, nested input shapes), driven through the pack's
Analyzer gRPC interface like the rules themselves."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from policy.rules._common import resource_rule
from tests.support.policy_cases import (
    Case,
    allow,
    assert_flags_exactly,
    case,
    case_ids,
    doc,
    flagged_by,
    res,
    run,
)
from tools.policy_gate import PolicyPackClient

# The value the Pulumi engine sends for an output that is unknown during preview.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
RP = "rolepolicy"


def cases() -> Iterator[Case]:
    """Shapes the shared helpers must read the way the rules expect."""
    p = "ecs-service-no-public-ip"
    yield case(
        p,
        "reads a one-element list as the block (v7 shape)",
        res("service", "bad", {"networkConfiguration": [{"assignPublicIp": True}]}),
        flagged=("bad",),
    )
    yield case(
        p, "reads an empty list as no block", res("service", "good", {"networkConfiguration": []})
    )
    yield case(
        p,
        "reads a scalar where a block belongs as no block",
        res("service", "good", {"networkConfiguration": "x"}),
    )
    p = "iam-no-admin-statement"
    yield case(p, "reads an empty document as no statements", res(RP, "good", {"policy": " "}))
    yield case(p, "reads invalid JSON as no statements", res(RP, "good", {"policy": "{not json"}))
    yield case(p, "reads a policy-less RolePolicy as no document", res(RP, "good", {"role": "r"}))
    yield case(
        p,
        "skips statements that are not objects",
        res(RP, "bad", {"policy": json.dumps({"Statement": ["x", allow("*", "*")]})}),
        flagged=("bad",),
    )
    yield case(
        p,
        "reads a single statement object",
        res(RP, "bad", {"policy": json.dumps({"Statement": allow("*", "*")})}),
        flagged=("bad",),
    )
    yield case(
        p,
        "skips inline policies without a document",
        res(
            "role",
            "bad",
            {
                "inlinePolicies": [
                    {"name": "empty"},
                    {"name": "admin", "policy": doc(allow("*", "*"))},
                ]
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-filter-passrole-access",
        "ignores a condition block that is not an object",
        res(
            RP,
            "bad",
            {
                "policy": doc(
                    allow(
                        "iam:PassRole",
                        "arn:aws:iam::123456789012:role/task",
                        Condition={"StringEquals": "iam:PassedToService"},
                    )
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "sg-public-ingress-only-on-alb",
        "treats a CIDR it cannot parse as public",
        res(
            "ingress",
            "bad",
            {
                "description": "d",
                "ipProtocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrIpv4": "10.0.0.0/33",
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "sg-public-ingress-only-on-alb",
        "treats an IPv6 unique-local range as private",
        res(
            "ingress",
            "good",
            {
                "description": "d",
                "ipProtocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrIpv6": "fd00::/8",
            },
        ),
    )
    yield case(
        "sg-public-ingress-only-on-alb",
        "treats a global IPv6 range as public",
        res(
            "ingress",
            "bad",
            {
                "description": "d",
                "ipProtocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrIpv6": "2001:db8::/32",
            },
        ),
        flagged=("bad",),
    )


def string_boolean_cases() -> Iterator[Case]:
    """A boolean input given as a string (any case) reads as that boolean, and only as it."""
    key = "aws:kms/key:Key"
    p = "aws-kms-auto-rotate-keys"
    yield case(p, "reads the string True as true", res(key, "good", {"enableKeyRotation": "True"}))
    yield case(
        p,
        "reads the string false as not true",
        res(key, "bad", {"enableKeyRotation": "false"}),
        flagged=("bad",),
    )
    p = "kms-key-enabled"
    yield case(
        p,
        "reads the string False as false",
        res(key, "bad", {"isEnabled": "False"}),
        flagged=("bad",),
    )
    yield case(p, "reads the string true as not false", res(key, "good", {"isEnabled": "true"}))


def cidr_cases() -> Iterator[Case]:
    yield case(
        "sg-public-ingress-only-on-alb",
        "reads a private CIDR with host bits set as its network",
        res(
            "ingress",
            "good",
            {
                "description": "d",
                "ipProtocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrIpv4": "10.1.2.3/8",
            },
        ),
    )


def reference_by_value_cases() -> Iterator[Case]:
    """Without a property dependency, a reference is found by a target's name inside a block."""
    yield case(
        "aws-s3-enable-versioning",
        "finds a bucket named inside another resource's block",
        res("bucket", "logs", {"bucket": "alb-logs-bucket"}),
        res("lb", "alb", {"accessLogs": {"bucket": "alb-logs-bucket", "enabled": True}}),
    )


CASES = [*cases(), *string_boolean_cases(), *cidr_cases(), *reference_by_value_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_shared_helpers_read_the_input_shape(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_a_resource_rule_skips_an_unknown_value_and_says_so(pack: PolicyPackClient) -> None:
    result = run(pack, [res("subnet", "maybe", {"mapPublicIpOnLaunch": UNKNOWN})])
    policy = "aws-ec2-no-public-ip-subnet"
    assert [d for d in result.diagnostics if d.policy == policy] == []
    reasons = [n.reason for n in result.not_applicable if n.policy == policy]
    assert len(reasons) == 1 and reasons[0].startswith("maybe: skipped")


def test_a_stack_rule_skips_only_the_subject_that_met_an_unknown_value(
    pack: PolicyPackClient,
) -> None:
    unknown = res("vpc", "a")
    unknown["outputs"].update(id=UNKNOWN, arn=UNKNOWN)
    logged = res("vpc", "b")
    flow_log = res("aws:ec2/flowLog:FlowLog", "fl", {"vpcId": "b-id"}, deps={"vpcId": ["b"]})
    result = run(pack, [unknown, logged, flow_log, res("vpc", "c")])
    policy = "aws-ec2-require-vpc-flow-logs-for-all-vpcs"
    reasons = [n.reason for n in result.not_applicable if n.policy == policy]
    assert len(reasons) == 1 and reasons[0].startswith("skipped: a (") and "b (" not in reasons[0]
    assert flagged_by(result, policy) == {"c"}


def test_a_second_policy_with_a_taken_name_is_refused() -> None:
    with pytest.raises(ValueError, match="duplicate policy name aws-ec2-no-public-ip-subnet"):
        resource_rule(
            name="aws-ec2-no-public-ip-subnet",
            rows=["VPC-02"],
            description="d",
            types=[],
            fix="f",
            severity="low",
            dev="M",
            sources="test",
            check=lambda args: [],
        )


def test_a_violation_names_the_resource_and_the_last_part_of_its_type(
    pack: PolicyPackClient,
) -> None:
    result = run(pack, [res("subnet", "public", {"mapPublicIpOnLaunch": True})])
    [message] = [d.message for d in result.diagnostics if d.policy == "aws-ec2-no-public-ip-subnet"]
    assert message.startswith("public (Subnet): ")
