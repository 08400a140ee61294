"""IAM role trust and GitHub OIDC: who may assume a role, and what a pull-request job's role may
do (policy_rules.md §6, IAM-11 to IAM-16)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._iam import (
    GITHUB_ISSUER,
    OIDC_PROVIDER,
    ROLE,
    github_conditions,
    github_statements,
    role_documents,
    trust_statements,
)
from ._policy_documents import Statement, open_to_anyone, statements
from ._resources import Stack, as_list


def _trust_wildcard(args: ResourceValidationArgs) -> Iterator[str]:
    for i in open_to_anyone(args.props.get("assumeRolePolicy")):
        yield f'trust statement {i} lets any principal ("*") assume the role'


trust_wildcard = resource_rule(
    name="iam-role-trust-no-wildcard-principal",
    rows=["IAM-11"],
    description="Role trust policies name their principals.",
    types=[ROLE],
    fix="trust a service principal (e.g. ecs-tasks.amazonaws.com) or a specific role ARN",
    severity="critical",
    dev="M",
    sources="checkov CKV_AWS_60",
    check=_trust_wildcard,
)

ACCOUNT_ROOT = re.compile(r"^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$")


def _trust_root(args: ResourceValidationArgs) -> Iterator[str]:
    for i, s in enumerate(statements(args.props.get("assumeRolePolicy"))):
        roots = [p for p in s.principals.get("AWS", []) if ACCOUNT_ROOT.match(p)]
        if s.allows and roots:
            yield f"trust statement {i} trusts every principal of account {roots[0]}"


trust_root = resource_rule(
    name="iam-role-trust-no-account-root",
    rows=["IAM-12"],
    description="Role trust names a role, not a whole account.",
    types=[ROLE],
    fix="trust the specific role ARN that needs to assume this role",
    severity="medium",
    dev="A",
    sources="checkov CKV_AWS_61",
    check=_trust_root,
)

# GitHub subject: repo:<owner>[@id]/<repo>[@id]:<context>. Context: a branch/tag ref, an
# environment, or pull_request; nothing may contain a wildcard.
_NAME = r"[A-Za-z0-9_.-]+"
GITHUB_SUB = re.compile(
    rf"^repo:{_NAME}(@\d+)?/{_NAME}(@\d+)?:"
    r"(ref:refs/(heads|tags)/[^*?]+|environment:[^*?:]+|pull_request)(:[^*?]+)?$"
)
ABUSABLE_PREFIXES = ("workflow", "environment", "ref", "context", "head_ref", "base_ref", "job_")


def sub_problems(value: str) -> list[str]:
    if value.split(":", 1)[0] in ABUSABLE_PREFIXES:
        return [f"sub {value!r} starts with a claim any repository can produce"]
    if not GITHUB_SUB.match(value):
        return [
            f"sub {value!r} does not pin one repository and one branch, tag, environment or "
            "pull_request without wildcards"
        ]
    return []


def _oidc_sub(args: ResourceValidationArgs) -> Iterator[str]:
    for s in github_statements(statements(args.props.get("assumeRolePolicy"))):
        subs = github_conditions(s, "sub")
        if not subs:
            yield "the GitHub OIDC trust has no sub condition, so any repository can assume it"
        # StringNotEquals/StringNotLike exclude subjects: every other repository still matches
        negated = [operator for operator, _values in subs if "Not" in operator]
        if subs and len(negated) == len(subs):
            yield (
                f"sub is constrained only by {', '.join(sorted(set(negated)))}, which lets every "
                "other repository assume the role"
            )
        for _operator, values in subs:
            for value in values:
                yield from sub_problems(value)


oidc_sub = resource_rule(
    name="github-oidc-sub-pinned",
    rows=["IAM-13"],
    description="GitHub OIDC trust pins sub to one repository and branch/environment.",
    types=[ROLE],
    fix="use StringEquals token.actions.githubusercontent.com:sub = "
    '"repo:<owner>/<repo>:environment:<env>" (or :ref:refs/heads/main; the immutable '
    "repo:<owner>@<id>/<repo>@<id>:... form also passes)",
    severity="critical",
    dev="M",
    sources="checkov CKV_AWS_358, CKV_AWS_393 (stricter: no repo:org/*)",
    check=_oidc_sub,
)


def _oidc_aud(args: ResourceValidationArgs) -> Iterator[str]:
    for s in github_statements(statements(args.props.get("assumeRolePolicy"))):
        auds = github_conditions(s, "aud")
        if not any(op == "StringEquals" and values == ["sts.amazonaws.com"] for op, values in auds):
            yield "the GitHub OIDC trust does not require StringEquals aud = sts.amazonaws.com"
        for operator in s.conditions:
            if operator.startswith(("ForAllValues:", "ForAnyValue:")) and any(
                k.lower().startswith(GITHUB_ISSUER) for k in s.conditions[operator]
            ):
                yield f"{operator} on an OIDC claim matches when the claim is absent or multi-valued"


oidc_aud = resource_rule(
    name="github-oidc-aud",
    rows=["IAM-14"],
    description="GitHub OIDC trust checks aud with StringEquals.",
    types=[ROLE],
    fix='add StringEquals token.actions.githubusercontent.com:aud = "sts.amazonaws.com" and '
    "use plain StringEquals/StringLike on claims",
    severity="high",
    dev="M",
    sources="custom (aws-actions/configure-aws-credentials README)",
    check=_oidc_aud,
)


def _oidc_provider(args: ResourceValidationArgs) -> Iterator[str]:
    if GITHUB_ISSUER not in str(args.props.get("url", "")):
        return
    clients = [str(c) for c in as_list(args.props.get("clientIdLists"))]
    if clients != ["sts.amazonaws.com"]:
        yield f'client_id_lists is {clients}, not exactly ["sts.amazonaws.com"]'
    if args.props.get("url") != f"https://{GITHUB_ISSUER}":
        yield f"url is {args.props.get('url')!r}"


oidc_provider = resource_rule(
    name="github-oidc-provider-config",
    rows=["IAM-15"],
    description="The GitHub OIDC provider accepts only the STS audience.",
    types=[OIDC_PROVIDER],
    fix='set url="https://token.actions.githubusercontent.com" and '
    'client_id_lists=["sts.amazonaws.com"]; import an existing provider instead of a second one',
    severity="medium",
    dev="M",
    sources="custom",
    check=_oidc_provider,
)

# BatchCheck: ecr:BatchCheckLayerAvailability is a Read action (Service Authorization Reference,
# Amazon ECR), which the preview role's image check needs.
READ_VERBS = (
    "Get",
    "List",
    "Describe",
    "BatchGet",
    "BatchCheck",
    "Head",
    "Lookup",
    "Search",
    "Select",
    "View",
)
# A plan job still decrypts stack secrets; these are reads of key material, not deploys.
READ_LIKE = ("kms:Decrypt", "kms:DescribeKey", "sts:GetCallerIdentity")


def _write_actions(stmts: list[Statement]) -> list[str]:
    writes: list[str] = []
    for s in stmts:
        if not s.allows:
            continue
        if s.not_actions:
            writes.append("NotAction")
        for action in s.actions:
            verb = action.split(":", 1)[-1]
            if action in READ_LIKE or (verb != "*" and verb.startswith(READ_VERBS)):
                continue
            writes.append(action)
    return writes


_SUB_REPO = re.compile(r"repo:([^/:]*)/([^:]*)")


def may_match_pull_request(sub: str) -> bool:
    """Whether a sub value, read as a StringLike pattern, admits a pull_request job's token
    (sub `repo:<owner>/<repo>:pull_request`): `repo:o/*`, `repo:o/r*` and `*` do, as do
    `repo:o/r:*` and `repo:o/r:pull_request`; `repo:o/r:environment:*` does not. The candidate
    subject keeps the pattern's own owner and repository, wildcards in them standing for `x`."""
    names = _SUB_REPO.match(sub)
    owner, repo = names.groups() if names else ("x", "x")
    candidate = "repo:{}/{}:pull_request".format(
        *(re.sub(r"[*?]+", "x", part) for part in (owner, repo))
    )
    return fnmatch.fnmatchcase(candidate, sub)


def _pr_role_read_only(stack: Stack, role: PolicyResource) -> Iterator[StackFinding]:
    trusts_pr = any(
        may_match_pull_request(value)
        for s in github_statements(trust_statements(role))
        for _op, values in github_conditions(s, "sub")
        for value in values
    )
    if not trusts_pr:
        return
    writes = [
        a for _c, _l, doc in role_documents(stack, role) for a in _write_actions(statements(doc))
    ]
    managed = [
        str(arn)
        for arn in as_list(role.props.get("managedPolicyArns"))
        if not str(arn).endswith(("ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"))
    ]
    if writes or managed:
        yield StackFinding(
            role,
            "a role that pull_request jobs can assume has write permissions ("
            + ", ".join(sorted(set(writes + managed))[:6])
            + ")",
        )


pr_role_read_only = stack_rule(
    name="gha-deploy-role-not-from-pull-request",
    rows=["IAM-16"],
    description="Pull-request jobs cannot assume a role that can deploy.",
    subjects=[ROLE],
    fix="trust pull_request only from a read-only plan role; the deploy role trusts "
    "environment:<env> only",
    severity="high",
    dev="M",
    sources="custom",
    check=_pr_role_read_only,
)


POLICIES = [
    trust_wildcard,
    trust_root,
    oidc_sub,
    oidc_aud,
    oidc_provider,
    pr_role_read_only,
]
