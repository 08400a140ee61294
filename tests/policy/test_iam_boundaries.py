"""policy/rules/iam_boundaries.py: no IAM users, one policy mechanism per role, permissions
boundaries. Each case is one graph that the pack, through its Analyzer gRPC interface, must flag
exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import iam_boundaries
from tests.support.iam_policy_cases import (
    ATTACHMENT,
    ECS_TRUST,
    POLICY,
    ROLE_ATTACHMENT,
    RP,
    policy_doc,
)
from tests.support.policy_cases import (
    Case,
    allow,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    doc,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def cases() -> Iterator[Case]:
    rp = "rolepolicy"
    yield case(
        "no-iam-users-or-access-keys",
        "flags",
        res("aws:iam/accessKey:AccessKey", "bad", {"user": "ci"}),
        flagged=("bad",),
    )
    yield case(
        "no-iam-users-or-access-keys",
        "passes",
        res(
            "aws:iam/policyAttachment:PolicyAttachment",
            "good",
            {"roles": ["r"], "policyArn": "arn:p"},
        ),
    )
    yield case(
        "iam-role-no-policy-management-conflicts",
        "flags",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": ECS_TRUST,
                "inlinePolicies": [{"name": "p", "policy": doc(allow("s3:GetObject"))}],
            },
        ),
        res(rp, "p", {"role": "bad", "policy": doc(allow("s3:GetObject"))}, deps={"role": ["bad"]}),
        flagged=("bad",),
    )
    yield case(
        "iam-role-no-policy-management-conflicts",
        "passes",
        res("role", "good", {"assumeRolePolicy": ECS_TRUST}),
        res(
            rp, "p", {"role": "good", "policy": doc(allow("s3:GetObject"))}, deps={"role": ["good"]}
        ),
    )
    yield from one(
        "iam-role-permissions-boundary",
        "role",
        {"assumeRolePolicy": ECS_TRUST},
        {"assumeRolePolicy": ECS_TRUST, "permissionsBoundary": "arn:aws:iam::1:policy/boundary"},
    )


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "no-iam-users-or-access-keys"
    yield case(
        p,
        "flags a PolicyAttachment to users",
        res(ATTACHMENT, "bad", {"users": ["ci"], "policyArn": "arn:p"}),
        flagged=("bad",),
    )
    yield case(p, "flags a user", res("aws:iam/user:User", "bad", {"name": "ci"}), flagged=("bad",))
    p = "iam-role-no-policy-management-conflicts"
    yield case(
        p,
        "flags managed_policy_arns beside an attachment",
        res("role", "bad", {"assumeRolePolicy": ECS_TRUST, "managedPolicyArns": ["arn:p"]}),
        res(ROLE_ATTACHMENT, "a", {"role": "bad", "policyArn": "arn:q"}, deps={"role": ["bad"]}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes managed_policy_arns alone",
        res("role", "good", {"assumeRolePolicy": ECS_TRUST, "managedPolicyArns": ["arn:p"]}),
    )
    p = "iam-role-permissions-boundary"
    yield case(
        p,
        "flags iam:CreateRole without a boundary condition",
        res(RP, "bad", policy_doc(allow("iam:CreateRole", "arn:aws:iam::1:role/app-*"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes iam:CreateRole requiring a boundary",
        res(
            RP,
            "good",
            policy_doc(
                allow(
                    "iam:CreateRole",
                    "arn:aws:iam::1:role/app-*",
                    Condition={
                        "StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::1:policy/b"}
                    },
                )
            ),
        ),
    )

    yield case(
        p,
        "passes a managed Policy, which carries no boundary of its own",
        res(POLICY, "good", policy_doc(allow("s3:GetObject"))),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, iam_boundaries.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
