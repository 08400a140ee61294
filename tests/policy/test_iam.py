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


def trust(principal: Any, action: str = "sts:AssumeRole", effect: str = "Allow") -> str:
    """A role trust policy with one statement."""
    return doc({"Effect": effect, "Action": action, "Principal": principal})


ECS_TRUST = trust({"Service": "ecs-tasks.amazonaws.com"})


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
        {"assumeRolePolicy": trust({"AWS": "*"})},
        {"assumeRolePolicy": ECS_TRUST},
    )
    yield from one(
        "iam-role-trust-no-account-root",
        "role",
        {"assumeRolePolicy": trust({"AWS": "arn:aws:iam::123456789012:root"})},
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


RP = "rolepolicy"
POLICY = "aws:iam/policy:Policy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
PASSED_TO_ECS = {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def policy_doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"policy": doc(*statements)}


def role_with(
    name: str, trust: str, *statements: dict[str, Any], **role_inputs: Any
) -> list[dict[str, Any]]:
    """A role trusted by `trust` and a RolePolicy carrying `statements`."""
    return [
        res("role", name, {"assumeRolePolicy": trust, **role_inputs}),
        res(RP, f"{name}-policy", {"role": name, **policy_doc(*statements)}, deps={"role": [name]}),
    ]


def attached_policy(
    role_name: str, trust: str, statement: dict[str, Any], how: str
) -> list[dict[str, Any]]:
    """A managed Policy attached to a role by a RolePolicyAttachment or a PolicyAttachment."""
    if how == "role":
        attachment = res(
            ROLE_ATTACHMENT,
            "att",
            {"role": role_name, "policyArn": "p-arn"},
            deps={"role": [role_name], "policyArn": ["p"]},
        )
    else:
        attachment = res(
            ATTACHMENT,
            "att",
            {"roles": [role_name], "policyArn": "p-arn"},
            deps={"roles": [role_name], "policyArn": ["p"]},
        )
    return [
        res("role", role_name, {"assumeRolePolicy": trust}),
        res(POLICY, "p", policy_doc(statement)),
        attachment,
    ]


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
    p = "iam-role-trust-no-account-root"
    yield case(
        p,
        "flags a bare account id",
        res(
            "role",
            "bad",
            {"assumeRolePolicy": trust({"AWS": "123456789012"})},
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny of the account root",
        res(
            "role",
            "good",
            {"assumeRolePolicy": trust({"AWS": "arn:aws:iam::123456789012:root"}, effect="Deny")},
        ),
    )
    yield case(
        p,
        "passes a role ARN",
        res(
            "role",
            "good",
            {"assumeRolePolicy": trust({"AWS": "arn:aws:iam::123456789012:role/ci"})},
        ),
    )
    p = "iam-role-trust-no-wildcard-principal"
    yield case(
        p,
        "flags Principal *",
        res(
            "role",
            "bad",
            {"assumeRolePolicy": trust("*")},
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny to *",
        res(
            "role",
            "good",
            {"assumeRolePolicy": trust("*", effect="Deny")},
        ),
    )
    p = "github-oidc-sub-pinned"
    for sub in ("workflow:deploy", "repo:o/r:ref:refs/pull/1/merge", "repo:o/r:environment:pr?d"):
        yield case(
            p,
            f"flags {sub}",
            res("role", "bad", {"assumeRolePolicy": github_trust(sub)}),
            flagged=("bad",),
        )
    for sub in ("repo:o/r:pull_request", "repo:o/r:ref:refs/tags/v1"):
        yield case(p, f"passes {sub}", res("role", "good", {"assumeRolePolicy": github_trust(sub)}))
    yield case(
        p,
        "passes a role another IdP trusts",
        res(
            "role",
            "good",
            {
                "assumeRolePolicy": trust(
                    {"Federated": "cognito-identity.amazonaws.com"},
                    action="sts:AssumeRoleWithWebIdentity",
                )
            },
        ),
    )
    p = "github-oidc-aud"
    yield case(
        p,
        "flags aud by StringLike",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": doc(
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Principal": {
                            "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
                        },
                        "Condition": {
                            "StringLike": {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
                            }
                        },
                    }
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a second audience",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    "repo:o/r:environment:prod", aud=["sts.amazonaws.com", "other"]
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes ForAnyValue on a non-GitHub key",
        res(
            "role",
            "good",
            {
                "assumeRolePolicy": doc(
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Principal": {
                            "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
                        },
                        "Condition": {
                            "StringEquals": {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
                            },
                            "ForAnyValue:StringEquals": {"aws:TagKeys": "x"},
                        },
                    }
                )
            },
        ),
    )
    p = "github-oidc-provider-config"
    yield case(
        p,
        "flags a GitHub URL without https",
        res(
            OIDC_PROVIDER,
            "bad",
            {"url": "token.actions.githubusercontent.com", "clientIdLists": ["sts.amazonaws.com"]},
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes another issuer",
        res(
            OIDC_PROVIDER,
            "good",
            {"url": "https://accounts.google.com", "clientIdLists": ["a", "b"]},
        ),
    )
    p = "gha-deploy-role-not-from-pull-request"
    pr = github_trust("repo:o/r:pull_request")
    yield case(
        p,
        "flags NotAction",
        *role_with("plan", pr, {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        flagged=("plan",),
    )
    yield case(p, "flags a wildcard verb", *role_with("plan", pr, allow("s3:*")), flagged=("plan",))
    yield case(
        p,
        "flags a role trusting every context",
        *role_with("plan", github_trust("repo:o/r:*"), allow("ecs:UpdateService")),
        flagged=("plan",),
    )
    yield case(
        p,
        "flags a write managed policy",
        res(
            "role",
            "plan",
            {
                "assumeRolePolicy": pr,
                "managedPolicyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"],
            },
        ),
        flagged=("plan",),
    )
    yield case(
        p,
        "flags an attached managed policy that writes",
        *attached_policy("plan", pr, allow("ecs:UpdateService"), "role"),
        flagged=("plan",),
    )
    yield case(
        p,
        "passes ReadOnlyAccess and kms:Decrypt",
        *role_with(
            "plan",
            pr,
            allow("kms:Decrypt"),
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
            managedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        ),
    )
    yield case(
        p,
        "passes a deploy role that writes",
        *role_with("deploy", github_trust("repo:o/r:environment:prod"), allow("ecs:UpdateService")),
    )
    for sub in ("repo:o/*", "repo:o/r*", "*"):
        yield case(
            p,
            f"flags a writer whose StringLike sub {sub} also matches pull_request",
            *role_with("ci", github_trust(sub, op="StringLike"), allow("ecs:UpdateService")),
            flagged=("ci",),
        )
    yield case(
        p,
        "passes a writer whose StringLike sub pins an environment",
        *role_with(
            "ci",
            github_trust("repo:o/r:environment:prod", op="StringLike"),
            allow("ecs:UpdateService"),
        ),
    )
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


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, iam.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
