"""policy/rules/iam_permissions.py: what identity policies may grant, for workload roles and for the
roles GitHub OIDC trusts. Each case is one graph that the pack, through its Analyzer gRPC
interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import iam_permissions
from tests.support.iam_policy_cases import (
    ECS_TRUST,
    POLICY,
    RP,
    attached_policy,
    github_trust,
    policy_doc,
    role_with,
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
    violations_of,
)
from tools.policy_gate import PolicyPackClient

PASSED_TO_ECS = {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def cases() -> Iterator[Case]:
    rp = "rolepolicy"
    yield from one(
        "iam-no-admin-statement",
        rp,
        {"policy": doc(allow("*", "*"))},
        {"policy": doc(allow("s3:GetObject"))},
    )
    yield from one(
        "iam-no-action-wildcards",
        rp,
        {"policy": doc(allow(["s3:*", "ecr:GetAuthorizationToken"], "*"))},
        {"policy": doc(allow(["s3:GetObject", "s3:PutObject"]))},
    )
    yield from one(
        "aws-iam-no-s3-full-access",
        rp,
        {"policy": doc(allow("s3:*", "arn:aws:s3:::b"))},
        {"policy": doc(allow(["s3:GetObject", "s3:PutObject"]))},
    )
    yield from one(
        "aws-iam-filter-passrole-access",
        rp,
        {"policy": doc(allow("iam:PassRole", "*"))},
        {
            "policy": doc(
                allow(
                    "iam:PassRole",
                    ["arn:aws:iam::1:role/task"],
                    Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                )
            )
        },
    )
    passed_to_ecs = {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    yield case(
        "aws-iam-filter-passrole-access",
        "flags-every-role-in-the-account",
        res(
            rp,
            "bad",
            {
                "policy": doc(
                    allow(
                        "iam:PassRole", "arn:aws:iam::123456789012:role/*", Condition=passed_to_ecs
                    )
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-filter-passrole-access",
        "passes-a-stack-name-prefix",
        res(
            rp,
            "good",
            {
                "policy": doc(
                    allow(
                        "iam:PassRole",
                        "arn:aws:iam::123456789012:role/ecs-fargate-dev-*",
                        Condition=passed_to_ecs,
                    )
                )
            },
        ),
    )
    yield from one(
        "iam-no-credentials-exposure",
        rp,
        {"policy": doc(allow("iam:CreateAccessKey", "*"))},
        {"policy": doc(allow("ecr:GetAuthorizationToken", "*"))},
    )
    yield from one(
        "iam-no-data-exfiltration",
        rp,
        {"policy": doc(allow("secretsmanager:GetSecretValue", "*"))},
        {
            "policy": doc(
                allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:r:1:secret:app")
            )
        },
    )
    yield from one(
        "iam-no-resource-wildcard-for-restrictable-actions",
        rp,
        {"policy": doc(allow("s3:GetObject", "*"))},
        {"policy": doc(allow("ecr:GetAuthorizationToken", "*"))},
    )
    yield from one(
        "iam-no-privilege-escalation",
        rp,
        {"policy": doc(allow("iam:AttachRolePolicy", "*"))},
        {"policy": doc(allow("iam:AttachRolePolicy", "arn:aws:iam::1:role/app"))},
    )
    yield from one(
        "iam-no-unconstrained-write-or-permissions-mgmt",
        rp,
        {"policy": doc(allow("ecr:SetRepositoryPolicy", "*"))},
        {"policy": doc(allow("ecr:SetRepositoryPolicy", "arn:aws:ecr:r:1:repository/app"))},
    )
    ci_role = res("role", "deploy", {"assumeRolePolicy": github_trust("repo:o/r:environment:prod")})
    yield case(
        "iam-ci-role-least-privilege",
        "flags",
        ci_role,
        res(
            rp,
            "deploy-policy",
            {"role": "deploy", "policy": doc(allow("ecs:UpdateService", "*"))},
            deps={"role": ["deploy"]},
        ),
        flagged=("deploy-policy",),
    )
    yield case(
        "iam-ci-role-least-privilege",
        "passes",
        dict(ci_role),
        res(
            rp,
            "deploy-policy",
            {
                "role": "deploy",
                "policy": doc(allow("ecs:UpdateService", "arn:aws:ecs:r:1:service/c/s")),
            },
            deps={"role": ["deploy"]},
        ),
    )
    yield from one(
        "iam-no-admin-managed-policy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "iam-no-admin-statement"
    yield case(
        p,
        "passes a Deny of * on *",
        res(RP, "good", policy_doc({"Effect": "Deny", "Action": "*", "Resource": "*"})),
    )
    yield case(
        p, "passes * on one bucket", res(RP, "good", policy_doc(allow("*", "arn:aws:s3:::b")))
    )
    yield case(
        p,
        "flags a role's inline policy",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": ECS_TRUST,
                "inlinePolicies": [{"name": "admin", "policy": doc(allow("*", "*"))}],
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a managed Policy",
        res(POLICY, "bad", policy_doc(allow("*", "*"))),
        flagged=("bad",),
    )
    p = "iam-no-action-wildcards"
    yield case(
        p,
        "flags NotAction",
        res(RP, "bad", policy_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny of s3:*",
        res(RP, "good", policy_doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})),
    )
    p = "aws-iam-no-s3-full-access"
    yield case(
        p,
        "flags * on a bucket",
        res(RP, "bad", policy_doc(allow("*", "arn:aws:s3:::b"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes s3:* under a Deny of s3:*",
        res(
            RP,
            "good",
            policy_doc(
                allow("s3:*", "arn:aws:s3:::b"),
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            ),
        ),
    )
    yield case(
        p,
        "flags Get and Put on every bucket",
        res(RP, "bad", policy_doc(allow(["s3:GetObject", "s3:PutObject"], "*"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes Get only on every bucket",
        res(RP, "good", policy_doc(allow("s3:GetObject", "*"))),
    )
    yield case(
        p,
        "passes Get and Put on one bucket",
        res(RP, "good", policy_doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*"))),
    )
    p = "aws-iam-filter-passrole-access"
    for resource in (
        "arn:aws:iam::*:role/ecs-fargate-dev-task",
        "arn:aws:iam::123456789012:role/path/*",
        "arn:aws:iam::123456789012:role/*-task",
    ):
        yield case(
            p,
            f"flags {resource}",
            res(RP, "bad", policy_doc(allow("iam:PassRole", resource, Condition=PASSED_TO_ECS))),
            flagged=("bad",),
        )
    yield case(
        p,
        "flags NotResource",
        res(
            RP,
            "bad",
            policy_doc(
                {
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "NotResource": "arn:aws:iam::1:role/x",
                    "Condition": PASSED_TO_ECS,
                }
            ),
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags one role without iam:PassedToService",
        res(RP, "bad", policy_doc(allow("iam:PassRole", "arn:aws:iam::123456789012:role/task"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags iam:* on a role path prefix without a condition",
        res(RP, "bad", policy_doc(allow("iam:*", "arn:aws:iam::123456789012:role/app-*"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a GovCloud role ARN",
        res(
            RP,
            "good",
            policy_doc(
                allow(
                    "iam:PassRole",
                    "arn:aws-us-gov:iam::123456789012:role/task",
                    Condition=PASSED_TO_ECS,
                )
            ),
        ),
    )
    yield case(
        p,
        "passes a non-role ARN with the condition",
        res(
            RP, "good", policy_doc(allow("iam:PassRole", "arn:aws:s3:::b", Condition=PASSED_TO_ECS))
        ),
    )
    yield case(
        "iam-no-credentials-exposure",
        "flags sts:AssumeRole on *",
        res(RP, "bad", policy_doc(allow("sts:AssumeRole", "*"))),
        flagged=("bad",),
    )
    yield case(
        "iam-no-credentials-exposure",
        "passes sts:AssumeRole on one role",
        res(RP, "good", policy_doc(allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/x"))),
    )
    yield case(
        "iam-no-data-exfiltration",
        "flags kms:Decrypt on *",
        res(RP, "bad", policy_doc(allow("kms:Decrypt", "*"))),
        flagged=("bad",),
    )
    p = "iam-no-resource-wildcard-for-restrictable-actions"
    for how in ("role", "policy"):
        yield case(
            p,
            f"flags a managed Policy attached by a {how} attachment",
            *attached_policy("task", ECS_TRUST, allow("s3:GetObject", "*"), how),
            flagged=("p",),
        )
    yield case(
        p,
        "flags a user policy",
        res("aws:iam/userPolicy:UserPolicy", "bad", policy_doc(allow("s3:GetObject", "*"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags NotResource",
        res(
            RP,
            "bad",
            policy_doc(
                {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}
            ),
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny on *",
        res(RP, "good", policy_doc({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"})),
    )
    yield case(
        p,
        "passes a CI role's policy (the CI rule's job)",
        *role_with("deploy", github_trust("repo:o/r:environment:prod"), allow("s3:GetObject", "*")),
    )
    yield case(
        "iam-ci-role-least-privilege",
        "passes a workload role's policy",
        *role_with("task", ECS_TRUST, allow("ecs:UpdateService", "*")),
    )
    yield case(
        "iam-ci-role-least-privilege",
        "flags a CI role's attached managed policy",
        *attached_policy(
            "deploy",
            github_trust("repo:o/r:environment:prod"),
            allow("iam:AttachRolePolicy", "*"),
            "role",
        ),
        flagged=("p",),
    )
    p = "iam-no-admin-managed-policy"
    yield case(
        p,
        "flags IAMFullAccess in managed_policy_arns",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": ECS_TRUST,
                "managedPolicyArns": ["arn:aws:iam::aws:policy/IAMFullAccess"],
            },
        ),
        flagged=("bad",),
    )


def later_statement_cases() -> Iterator[Case]:
    """A statement a rule skips does not end the document: the one after it is still checked."""
    bucket = "arn:aws:s3:::b/*"
    deny_ec2 = {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}
    yield case(
        "iam-no-action-wildcards",
        "flags a wildcard action after a Deny statement",
        res(RP, "bad", policy_doc(deny_ec2, allow("s3:*", bucket))),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-no-s3-full-access",
        "flags s3:* after a Deny of another service",
        res(RP, "bad", policy_doc(deny_ec2, allow("s3:*", "arn:aws:s3:::b"))),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-filter-passrole-access",
        "flags PassRole on * after a statement without PassRole",
        res(RP, "bad", policy_doc(allow("s3:GetObject", bucket), allow("iam:PassRole", "*"))),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-filter-passrole-access",
        "flags every role after a named bucket in the same statement",
        res(
            RP,
            "bad",
            policy_doc(
                allow(
                    "iam:PassRole",
                    ["arn:aws:s3:::b", "arn:aws:iam::123456789012:role/*"],
                    Condition=PASSED_TO_ECS,
                )
            ),
        ),
        flagged=("bad",),
    )
    yield case(
        "iam-no-credentials-exposure",
        "flags an action on * after a statement on one bucket",
        res(
            RP,
            "bad",
            policy_doc(allow("s3:GetObject", bucket), allow("iam:CreateAccessKey", "*")),
        ),
        flagged=("bad",),
    )
    yield case(
        "iam-no-resource-wildcard-for-restrictable-actions",
        "flags an action on * after a statement on one bucket",
        res(RP, "bad", policy_doc(allow("s3:GetObject", bucket), allow("s3:PutObject", "*"))),
        flagged=("bad",),
    )


def ci_inline_policy_cases() -> Iterator[Case]:
    """A role's own inline policies are the role's: a CI role's inline grants meet the CI rule."""
    ci_role_inputs = {
        "assumeRolePolicy": github_trust("repo:o/r:environment:prod"),
        "inlinePolicies": [{"name": "deploy", "policy": doc(allow("ecs:UpdateService", "*"))}],
    }
    yield case(
        "iam-ci-role-least-privilege",
        "flags a CI role's inline policy",
        res("role", "deploy", ci_role_inputs),
        flagged=("deploy",),
    )


def resource_wildcard_cases() -> Iterator[Case]:
    """Which `*` in a resource ARN reaches every resource (defsec's rule)."""
    p = "iam-no-resource-wildcard-for-restrictable-actions"
    yield case(
        p,
        "passes a log group's stream suffix :*",
        res(
            RP,
            "good",
            policy_doc(
                allow(
                    "logs:PutLogEvents",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app:*",
                )
            ),
        ),
    )
    yield case(
        p,
        "flags the objects of every bucket a name prefix matches",
        res(RP, "bad", policy_doc(allow("s3:GetObject", "arn:aws:s3:::app-*/*"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes the objects of one bucket",
        res(RP, "good", policy_doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))),
    )
    yield case(
        p,
        "flags every bucket, although its ARN ends in :* like a log group's streams",
        res(RP, "bad", policy_doc(allow("s3:GetObject", "arn:aws:s3:::*"))),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags every log resource of an account, although its ARN ends in :*",
        res(
            RP,
            "bad",
            policy_doc(allow("logs:PutLogEvents", "arn:aws:logs:eu-west-1:123456789012:*")),
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes the streams of one log group named by log-stream:*",
        res(
            RP,
            "good",
            policy_doc(
                allow(
                    "logs:PutLogEvents",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app:log-stream:*",
                )
            ),
        ),
    )
    yield case(
        p,
        "flags every service of a cluster",
        res(
            RP,
            "bad",
            policy_doc(
                allow("ecs:UpdateService", "arn:aws:ecs:eu-west-1:123456789012:service/c/*")
            ),
        ),
        flagged=("bad",),
    )


def statement_effect_cases() -> Iterator[Case]:
    """What a statement allows: NotAction allows every other action, a Deny allows nothing."""
    yield case(
        "aws-iam-no-s3-full-access",
        "flags NotAction iam:* on *, which allows reading and writing every bucket",
        res(RP, "bad", policy_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-filter-passrole-access",
        "passes a Deny of iam:PassRole on *",
        res(RP, "good", policy_doc({"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"})),
    )


def passrole_cases() -> Iterator[Case]:
    yield case(
        "aws-iam-filter-passrole-access",
        "flags PassRole on * even with iam:PassedToService",
        res(RP, "bad", policy_doc(allow("iam:PassRole", "*", Condition=PASSED_TO_ECS))),
        flagged=("bad",),
    )


CASES = [
    *cases(),
    *branch_cases(),
    *later_statement_cases(),
    *passrole_cases(),
    *resource_wildcard_cases(),
    *statement_effect_cases(),
    *ci_inline_policy_cases(),
]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, iam_permissions.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_a_restrictable_action_on_star_names_the_star_resource(pack: PolicyPackClient) -> None:
    c = case(
        "iam-no-resource-wildcard-for-restrictable-actions",
        "star",
        res(RP, "bad", policy_doc(allow("s3:GetObject", "*"))),
        flagged=("bad",),
    )
    [message] = violations_of(pack, c)
    assert "grants s3:GetObject on *, but" in message


def test_a_restrictable_action_under_not_resource_names_not_resource(
    pack: PolicyPackClient,
) -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}
    c = case(
        "iam-no-resource-wildcard-for-restrictable-actions",
        "not resource",
        res(RP, "bad", policy_doc(statement)),
        flagged=("bad",),
    )
    [message] = violations_of(pack, c)
    assert "grants s3:GetObject on NotResource, but" in message
