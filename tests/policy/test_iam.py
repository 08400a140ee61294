"""policy/rules/iam.py: IAM roles, identity documents and GitHub OIDC trust. Each case is one graph
that the pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or
pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import iam
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


def github_trust(sub: Any, aud: Any = "sts.amazonaws.com", op: str = "StringEquals") -> str:
    conditions: dict[str, Any] = {}
    if sub is not None:
        conditions[op] = {"token.actions.githubusercontent.com:sub": sub}
    if aud is not None:
        conditions.setdefault("StringEquals", {})["token.actions.githubusercontent.com:aud"] = aud
    return doc(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {
                "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
            },
            "Condition": conditions,
        }
    )


ECS_TRUST = doc(
    {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
    }
)


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
    yield from one(
        "iam-role-trust-no-wildcard-principal",
        "role",
        {
            "assumeRolePolicy": doc(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}
            )
        },
        {"assumeRolePolicy": ECS_TRUST},
    )
    yield from one(
        "iam-role-trust-no-account-root",
        "role",
        {
            "assumeRolePolicy": doc(
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                }
            )
        },
        {"assumeRolePolicy": ECS_TRUST},
    )
    for sub in ("repo:org/*", "repo:o/r:*", "repo:o/r:ref:refs/heads/*", "*", "environment:prod"):
        yield case(
            "github-oidc-sub-pinned",
            f"flags {sub}",
            res("role", "bad", {"assumeRolePolicy": github_trust(sub)}),
            flagged=("bad",),
        )
    yield case(
        "github-oidc-sub-pinned",
        "flags a sub that is only excluded",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    "repo:o/r:ref:refs/heads/main", op="StringNotEquals"
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "github-oidc-sub-pinned",
        "flags no sub",
        res("role", "bad", {"assumeRolePolicy": github_trust(None)}),
        flagged=("bad",),
    )
    for sub in (
        "repo:o/r:ref:refs/heads/main",
        "repo:o/r:environment:prod",
        "repo:o@123/r@456:ref:refs/heads/main",
        "repo:o@123/r@456:environment:prod",
    ):
        yield case(
            "github-oidc-sub-pinned",
            f"passes {sub}",
            res("role", "good", {"assumeRolePolicy": github_trust(sub)}),
        )
    yield case(
        "github-oidc-aud",
        "flags no aud",
        res(
            "role", "bad", {"assumeRolePolicy": github_trust("repo:o/r:environment:prod", aud=None)}
        ),
        flagged=("bad",),
    )
    yield case(
        "github-oidc-aud",
        "flags ForAllValues",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    "repo:o/r:environment:prod", op="ForAllValues:StringLike"
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "github-oidc-aud",
        "passes",
        res("role", "good", {"assumeRolePolicy": github_trust("repo:o/r:environment:prod")}),
    )
    provider = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
    url = "https://token.actions.githubusercontent.com"
    yield from one(
        "github-oidc-provider-config",
        provider,
        {"url": url, "clientIdLists": ["sts.amazonaws.com", "other"]},
        {"url": url, "clientIdLists": ["sts.amazonaws.com"]},
    )
    yield case(
        "gha-deploy-role-not-from-pull-request",
        "flags",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    ["repo:o/r:pull_request", "repo:o/r:ref:refs/heads/main"]
                )
            },
        ),
        res(
            rp,
            "w",
            {
                "role": "bad",
                "policy": doc(allow("ecs:UpdateService", "arn:aws:ecs:r:1:service/c/s")),
            },
            deps={"role": ["bad"]},
        ),
        flagged=("bad",),
    )
    yield case(
        "gha-deploy-role-not-from-pull-request",
        "passes",
        res("role", "plan", {"assumeRolePolicy": github_trust("repo:o/r:pull_request")}),
        res(
            rp,
            "r",
            {
                "role": "plan",
                "policy": doc(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::state/*")),
            },
            deps={"role": ["plan"]},
        ),
    )
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


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, iam.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
