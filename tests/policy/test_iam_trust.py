"""policy/rules/iam_trust.py: role trust policies and GitHub OIDC. Each case is one graph that the
pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from policy.rules import iam_trust
from tests.support.iam_policy_cases import (
    ECS_TRUST,
    attached_policy,
    github_trust,
    role_with,
    trust,
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

OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"


def cases() -> Iterator[Case]:
    rp = "rolepolicy"
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


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
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
    yield case(
        p,
        "flags GitHub's default audience, the owner's URL",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    "repo:o/r:environment:prod", aud="https://github.com/o"
                )
            },
        ),
        flagged=("bad",),
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
        "flags a GitHub URL over plain http",
        res(
            OIDC_PROVIDER,
            "bad",
            {
                "url": "http://token.actions.githubusercontent.com",
                "clientIdLists": ["sts.amazonaws.com"],
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags GitHub's default audience as the only client id",
        res(
            OIDC_PROVIDER,
            "bad",
            {
                "url": "https://token.actions.githubusercontent.com",
                "clientIdLists": ["https://github.com/o"],
            },
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
        "flags an action without a service prefix",
        *role_with("plan", pr, allow("*")),
        flagged=("plan",),
    )
    yield case(
        p,
        "flags a write allowed after a Deny statement",
        *role_with(
            "plan",
            pr,
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
            allow("ecs:UpdateService"),
        ),
        flagged=("plan",),
    )
    yield case(
        p,
        "flags a write listed after a read in one statement",
        *role_with("plan", pr, allow(["s3:GetObject", "s3:PutObject"])),
        flagged=("plan",),
    )
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


def other_claim_cases() -> Iterator[Case]:
    """Conditions on other GitHub claims are not read as the sub."""
    trust_policy = json.loads(github_trust("repo:o/r:environment:prod"))
    conditions = trust_policy["Statement"][0]["Condition"]["StringEquals"]
    conditions["token.actions.githubusercontent.com:workflow"] = "Deploy"
    yield case(
        "github-oidc-sub-pinned",
        "passes a pinned sub beside a workflow condition",
        res("role", "good", {"assumeRolePolicy": json.dumps(trust_policy)}),
    )


def conditioned_wildcard_cases() -> Iterator[Case]:
    """A condition does not make a "*" trust safe: anyone who meets it can assume the role."""
    statement = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"AWS": "*"},
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    }
    yield case(
        "iam-role-trust-no-wildcard-principal",
        "flags a * principal under a condition",
        res("role", "bad", {"assumeRolePolicy": doc(statement)}),
        flagged=("bad",),
    )


CASES = [*cases(), *branch_cases(), *other_claim_cases(), *conditioned_wildcard_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, iam_trust.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_a_pull_request_role_lists_its_first_six_write_actions_in_order(
    pack: PolicyPackClient,
) -> None:
    writes = [f"ecs:{verb}" for verb in ("Tag", "Update", "Stop", "Run", "Put", "Delete", "Create")]
    c = case(
        "gha-deploy-role-not-from-pull-request",
        "seven writes",
        *role_with("plan", github_trust("repo:o/r:pull_request"), allow(writes)),
        flagged=("plan",),
    )
    [message] = violations_of(pack, c)
    assert "(ecs:Create, ecs:Delete, ecs:Put, ecs:Run, ecs:Stop, ecs:Tag)" in message


def test_a_sub_led_by_a_claim_name_is_reported_as_producible_by_any_repository(
    pack: PolicyPackClient,
) -> None:
    c = case(
        "github-oidc-sub-pinned",
        "workflow sub",
        res("role", "bad", {"assumeRolePolicy": github_trust("workflow:deploy")}),
        flagged=("bad",),
    )
    [message] = violations_of(pack, c)
    assert "starts with a claim any repository can produce" in message


def test_a_set_operator_on_aud_is_also_reported_as_missing_string_equals(
    pack: PolicyPackClient,
) -> None:
    trust_policy = doc(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {
                "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
            },
            "Condition": {
                "ForAnyValue:StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                },
                "StringEquals": {
                    "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod"
                },
            },
        }
    )
    c = case(
        "github-oidc-aud",
        "set operator aud",
        res("role", "bad", {"assumeRolePolicy": trust_policy}),
        flagged=("bad",),
    )
    messages = violations_of(pack, c)
    assert any("does not require StringEquals aud" in m for m in messages)


def test_an_account_root_trust_names_the_first_trusted_account(pack: PolicyPackClient) -> None:
    roots = ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
    c = case(
        "iam-role-trust-no-account-root",
        "two roots",
        res("role", "bad", {"assumeRolePolicy": trust({"AWS": roots})}),
        flagged=("bad",),
    )
    [message] = violations_of(pack, c)
    assert "account arn:aws:iam::111111111111:root" in message
