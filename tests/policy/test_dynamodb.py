"""policy/rules/dynamodb.py: DynamoDB tables and DAX. Each case is one graph that the pack, through
its Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import dynamodb
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


def cases() -> Iterator[Case]:
    table = "aws:dynamodb/table:Table"
    yield from one(
        "aws-dynamodb-enable-recovery", table, {}, {"pointInTimeRecovery": {"enabled": True}}
    )
    yield from one(
        "aws-dynamodb-table-customer-key",
        table,
        {"serverSideEncryption": {"enabled": True}},
        {"serverSideEncryption": {"enabled": True, "kmsKeyArn": "arn:k"}},
    )
    yield from one(
        "dynamodb-table-encryption-enabled", table, {"serverSideEncryption": {"enabled": False}}, {}
    )
    yield from one("dynamodb-deletion-protection", table, {}, {"deletionProtectionEnabled": True})
    yield from one(
        "aws-dynamodb-enable-at-rest-encryption",
        "aws:dax/cluster:Cluster",
        {},
        {"serverSideEncryption": {"enabled": True}},
    )
    yield from one(
        "dynamodb-autoscaling",
        table,
        {"billingMode": "PROVISIONED"},
        {"billingMode": "PAY_PER_REQUEST"},
    )


TABLE = "aws:dynamodb/table:Table"
SCALING_TARGET = "aws:appautoscaling/target:Target"


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "dynamodb-autoscaling"
    provisioned = res(TABLE, "t", {"billingMode": "PROVISIONED", "name": "orders"})
    yield case(
        p,
        "passes a scaling target that names the table",
        provisioned,
        res(SCALING_TARGET, "s", {"resourceId": "table/orders"}),
    )
    yield case(
        p,
        "passes a scaling target that depends on the table",
        dict(provisioned),
        res(SCALING_TARGET, "s", {"resourceId": "x"}, deps={"resourceId": ["t"]}),
    )
    yield case(
        p,
        "flags a scaling target of another table",
        dict(provisioned),
        res(SCALING_TARGET, "s", {"resourceId": "table/customers"}),
        flagged=("t",),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, dynamodb.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
