"""IAM: identity policies, role trust, GitHub OIDC, users (policy_rules.md §6).

Parsing follows tfsec/defsec `iam/no_policy_wildcards.go`: Action/Resource/Principal may be a
string or a list; Allow statements with NotAction/NotResource count as wildcards.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import Finding, StackFinding, resource_rule, stack_rule
from ._policy_documents import (
    IDENTITY_DOCUMENT_TYPES,
    Statement,
    action_matches,
    allows_action,
    anyone_principal,
    condition_keys,
    identity_documents,
    on_any_resource,
    statements,
    wildcard_resource,
)
from ._resources import Stack, as_list

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
GITHUB_ISSUER = "token.actions.githubusercontent.com"

# Actions that AWS does not scope to a resource, so Resource "*" is the only option.
NO_RESOURCE_LEVEL_ACTIONS = (
    "ecr:GetAuthorizationToken",
    "sts:GetCallerIdentity",
    "cloudwatch:PutMetricData",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "cloudwatch:DescribeAlarms",
    "logs:DescribeLogGroups",
    "ec2:Describe*",
    "elasticloadbalancing:Describe*",
    "ecs:RegisterTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:ListClusters",
    "ecs:ListTaskDefinitions",
    "ecs:ListTaskDefinitionFamilies",
    "ecs:CreateCluster",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "kms:CreateKey",
    "kms:ListKeys",
    "kms:ListAliases",
    "iam:ListRoles",
    "iam:ListPolicies",
    "iam:ListOpenIDConnectProviders",
    "s3:ListAllMyBuckets",
    "sns:ListTopics",
    "acm:ListCertificates",
    "acm:RequestCertificate",
    "wafv2:ListWebACLs",
    "tag:GetResources",
    "application-autoscaling:Describe*",
)

PRIVILEGE_ESCALATION_ACTIONS = (
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:PassRole",
    "iam:CreateRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "lambda:UpdateFunctionCode",
    "sts:AssumeRole",
)

CREDENTIAL_ACTIONS = (
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "ec2:GetPasswordData",
    "redshift:GetClusterCredentials",
    "rds-db:connect",
    "sso:GetRoleCredentials",
    "cognito-identity:GetCredentialsForIdentity",
    "lightsail:GetInstanceAccessDetails",
)

DATA_EXFILTRATION_ACTIONS = (
    "s3:GetObject",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
)

PERMISSIONS_MANAGEMENT_ACTIONS = (
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutObjectAcl",
    "s3:PutBucketPublicAccessBlock",
    "kms:PutKeyPolicy",
    "kms:CreateGrant",
    "ecr:SetRepositoryPolicy",
    "ecr:PutRegistryPolicy",
    "sns:SetTopicAttributes",
    "sns:AddPermission",
    "sqs:AddPermission",
    "sqs:SetQueueAttributes",
    "lambda:AddPermission",
    "secretsmanager:PutResourcePolicy",
    "logs:PutResourcePolicy",
    "iam:CreatePolicy",
    "iam:DeletePolicy",
    "iam:DeleteRole",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:TagRole",
)

ADMIN_MANAGED_POLICIES = ("AdministratorAccess", "IAMFullAccess")


def _documents(args: ResourceValidationArgs) -> list[tuple[str, list[Statement]]]:
    return [
        (label, statements(doc))
        for label, doc in identity_documents(args.resource_type, args.props)
    ]


def _sid(statement_index: int, label: str) -> str:
    return f"{label} statement {statement_index}"


def _admin_statement(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in _documents(args):
        for i, s in enumerate(stmts):
            if s.allows and "*" in s.actions and "*" in s.resources:
                yield f'{_sid(i, label)} allows Action "*" on Resource "*" (full admin)'


admin_statement = resource_rule(
    name="iam-no-admin-statement",
    rows=["IAM-01"],
    description="No identity policy grants * on *.",
    types=IDENTITY_DOCUMENT_TYPES,
    fix="enumerate the actions and resources the principal needs",
    severity="high",
    dev="M",
    sources="trivy AWS-0057 aws-iam-no-policy-wildcards; checkov CKV_AWS_62, CKV_AWS_1",
    check=_admin_statement,
)


def _action_wildcards(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in _documents(args):
        for i, s in enumerate(stmts):
            if not s.allows:
                continue
            if s.not_actions:
                yield f"{_sid(i, label)} allows everything except NotAction {s.not_actions}"
            wild = [a for a in s.actions if "*" in a]
            if wild:
                yield f"{_sid(i, label)} allows wildcard actions {', '.join(wild)}"


action_wildcards = resource_rule(
    name="iam-no-action-wildcards",
    rows=["IAM-02"],
    description='Identity policies enumerate actions; no "*" or "<service>:*".',
    types=IDENTITY_DOCUMENT_TYPES,
    fix="list the exact actions (e.g. s3:GetObject, s3:PutObject)",
    severity="high",
    dev="M",
    sources="trivy AWS-0057; checkov CKV_AWS_63, CKV_AWS_49, CKV2_AWS_40",
    check=_action_wildcards,
)


def _s3_full_access(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in _documents(args):
        denied = any(
            not s.allows and any(action_matches(a, "s3:anything") for a in s.actions) for s in stmts
        )
        for i, s in enumerate(stmts):
            if not s.allows:
                continue
            if ("s3:*" in s.actions or "*" in s.actions) and not denied:
                yield f"{_sid(i, label)} allows s3:* with no overriding Deny"
            elif (
                "*" in s.resources
                and allows_action(s, "s3:GetObject")
                and allows_action(s, "s3:PutObject")
            ):
                yield f"{_sid(i, label)} allows both s3:Get* and s3:Put* on every bucket"


s3_full_access = resource_rule(
    name="aws-iam-no-s3-full-access",
    rows=["IAM-05"],
    description="No s3:* and no read-write on every bucket.",
    types=IDENTITY_DOCUMENT_TYPES,
    fix="grant s3:GetObject/PutObject on arn:aws:s3:::<bucket>/* only",
    severity="high",
    dev="M",
    sources="trivy AWS-0345 aws-iam-no-s3-full-access, AWS-0346 aws-iam-unauthorized-bucket-access",
    check=_s3_full_access,
)


def passes_any_role(statement: Statement) -> bool:
    """PassRole reaches every role: `*`, NotResource, another account's wildcard, or a role ARN
    whose name part starts with a wildcard (`role/*`, `role/path/*`). A name prefix
    (`role/ecs-fargate-dev-*`) is the pattern AWS documents for roles not created yet."""
    if statement.not_resources:
        return True
    for resource in statement.resources:
        role = re.fullmatch(r"arn:aws[\w-]*:iam::(\d{12}|\*):role/(.*)", resource)
        if role is None:
            if wildcard_resource(resource):
                return True
            continue
        account, name = role.groups()
        name_prefix = name.split("*", 1)[0].rsplit("/", 1)[-1]
        if account == "*" or ("*" in name and not name_prefix):
            return True
    return False


def _passrole(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in _documents(args):
        for i, s in enumerate(stmts):
            if not allows_action(s, "iam:PassRole"):
                continue
            if passes_any_role(s):
                yield f"{_sid(i, label)} allows iam:PassRole on any role"
            elif "iam:passedtoservice" not in condition_keys(s):
                yield f"{_sid(i, label)} allows iam:PassRole without an iam:PassedToService condition"


passrole = resource_rule(
    name="aws-iam-filter-passrole-access",
    rows=["IAM-06"],
    description="iam:PassRole names the roles and the service they go to.",
    types=IDENTITY_DOCUMENT_TYPES,
    fix="set Resource to the task and execution role ARNs and add StringEquals "
    "iam:PassedToService = ecs-tasks.amazonaws.com",
    severity="medium",
    dev="M",
    sources="trivy AWS-0342; checkov CKV_AWS_286",
    check=_passrole,
)


def _unrestricted(
    stmts: list[Statement], label: str, actions: tuple[str, ...], exempt: tuple[str, ...] = ()
) -> Iterator[str]:
    for i, s in enumerate(stmts):
        if not s.allows or not on_any_resource(s):
            continue
        hits = [a for a in actions if a not in exempt and allows_action(s, a)]
        if hits:
            yield f"{_sid(i, label)} allows {', '.join(hits)} on any resource"


def _credentials(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in _documents(args):
        yield from _unrestricted(stmts, label, CREDENTIAL_ACTIONS)


credentials_exposure = resource_rule(
    name="iam-no-credentials-exposure",
    rows=["IAM-08"],
    description="No unrestricted actions that hand out credentials.",
    types=IDENTITY_DOCUMENT_TYPES,
    fix="drop the action or scope it to named resources (ecr:GetAuthorizationToken is exempt)",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_287, CKV_AWS_107 (cloudsplaining credentials exposure)",
    check=_credentials,
)


def _exfiltration(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in _documents(args):
        yield from _unrestricted(stmts, label, DATA_EXFILTRATION_ACTIONS)


data_exfiltration = resource_rule(
    name="iam-no-data-exfiltration",
    rows=["IAM-09"],
    description="No unrestricted reads of objects, parameters or secrets.",
    types=IDENTITY_DOCUMENT_TYPES,
    fix="scope the read to the secret/parameter/object ARNs the task definition references",
    severity="medium",
    dev="M",
    sources="checkov CKV_AWS_288, CKV_AWS_108",
    check=_exfiltration,
)

# --- rules whose enforcement depends on whose policy it is ------------------------------------------


def _trust_statements(role: PolicyResource) -> list[Statement]:
    return statements(role.props.get("assumeRolePolicy"))


def _github_statements(stmts: list[Statement]) -> list[Statement]:
    return [
        s
        for s in stmts
        if s.allows and any(GITHUB_ISSUER in p for p in s.principals.get("Federated", []))
    ]


def is_ci_role(role: PolicyResource) -> bool:
    return bool(_github_statements(_trust_statements(role)))


def role_documents(stack: Stack, role: PolicyResource) -> list[tuple[PolicyResource, str, Any]]:
    """(carrier, label, document) for every identity policy that applies to `role`."""
    docs: list[tuple[PolicyResource, str, Any]] = [
        (role, label, doc) for label, doc in identity_documents(ROLE, role.props)
    ]
    for carrier in stack.referencing(role, "role", ROLE_POLICY):
        docs += [
            (carrier, label, doc) for label, doc in identity_documents(ROLE_POLICY, carrier.props)
        ]
    attachments = stack.referencing(role, "role", ROLE_POLICY_ATTACHMENT) + stack.referencing(
        role, "roles", POLICY_ATTACHMENT
    )
    for attachment in attachments:
        for policy in stack.referenced(attachment, "policyArn", POLICY):
            docs += [
                (policy, label, doc) for label, doc in identity_documents(POLICY, policy.props)
            ]
    return docs


def _roles_of_carrier(stack: Stack, carrier: PolicyResource) -> list[PolicyResource]:
    if carrier.resource_type == ROLE:
        return [carrier]
    if carrier.resource_type == ROLE_POLICY:
        return stack.referenced(carrier, "role", ROLE)
    if carrier.resource_type == POLICY:
        attachments = stack.referencing(
            carrier, "policyArn", ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT
        )
        return [
            role
            for a in attachments
            for role in stack.referenced(a, "role", ROLE) + stack.referenced(a, "roles", ROLE)
        ]
    return []


def _scoped_check(problem_finder: Any, *, ci_roles: bool) -> Any:
    """Run a per-document check on carriers attached to CI roles or to every other principal."""

    def check(stack: Stack, carrier: PolicyResource) -> Iterator[StackFinding]:
        roles = _roles_of_carrier(stack, carrier)
        belongs_to_ci = bool(roles) and all(is_ci_role(r) for r in roles)
        if belongs_to_ci != ci_roles:
            return
        for label, doc in identity_documents(carrier.resource_type, carrier.props):
            for problem in problem_finder(statements(doc), label):
                yield StackFinding(carrier, problem)

    return check


def _restrictable_on_star(stmts: list[Statement], label: str) -> Iterator[str]:
    for i, s in enumerate(stmts):
        if not s.allows or not on_any_resource(s) or not s.actions:
            continue
        restrictable = [
            a for a in s.actions if not any(action_matches(p, a) for p in NO_RESOURCE_LEVEL_ACTIONS)
        ]
        if restrictable:
            star = [r for r in s.resources if wildcard_resource(r)] or ["NotResource"]
            yield (
                f"{_sid(i, label)} grants {', '.join(restrictable)} on {', '.join(star)}, but "
                "those actions can be scoped to ARNs"
            )


def _escalation(stmts: list[Statement], label: str) -> Iterator[str]:
    for i, s in enumerate(stmts):
        if not s.allows or not on_any_resource(s):
            continue
        hits = [a for a in PRIVILEGE_ESCALATION_ACTIONS if allows_action(s, a)]
        if hits:
            yield f"{_sid(i, label)} allows privilege-escalation actions {', '.join(hits)} on any resource"


def _permissions_management(stmts: list[Statement], label: str) -> Iterator[str]:
    for i, s in enumerate(stmts):
        if not s.allows or not on_any_resource(s):
            continue
        hits = [a for a in PERMISSIONS_MANAGEMENT_ACTIONS if allows_action(s, a)]
        if hits:
            yield f"{_sid(i, label)} allows permissions-management actions {', '.join(hits)} on any resource"


_WORKLOAD = "workload roles and unattached policies"
_CI = "roles trusted by GitHub OIDC (deploy/plan)"

restrictable_on_star = stack_rule(
    name="iam-no-resource-wildcard-for-restrictable-actions",
    rows=["IAM-03"],
    description=f'Resource "*" only for actions AWS cannot scope ({_WORKLOAD}).',
    subjects=IDENTITY_DOCUMENT_TYPES,
    fix='name the resource ARNs; keep "*" only for actions such as ecr:GetAuthorizationToken',
    severity="high",
    dev="M",
    sources="trivy AWS-0057; checkov CKV_AWS_355, CKV_AWS_356",
    check=_scoped_check(_restrictable_on_star, ci_roles=False),
)

privilege_escalation = stack_rule(
    name="iam-no-privilege-escalation",
    rows=["IAM-07"],
    description=f"No privilege-escalation actions on any resource ({_WORKLOAD}).",
    subjects=IDENTITY_DOCUMENT_TYPES,
    fix="remove IAM write actions from task roles; scope any that remain to named role ARNs",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_286, CKV_AWS_110 (cloudsplaining privilege escalation)",
    check=_scoped_check(_escalation, ci_roles=False),
)

permissions_management = stack_rule(
    name="iam-no-unconstrained-write-or-permissions-mgmt",
    rows=["IAM-10"],
    description=f"No permissions-management actions on any resource ({_WORKLOAD}).",
    subjects=IDENTITY_DOCUMENT_TYPES,
    fix="scope the action to the ARNs of the stack's own buckets, keys and repositories",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_289, CKV_AWS_109, CKV_AWS_290, CKV_AWS_111",
    check=_scoped_check(_permissions_management, ci_roles=False),
)


def _ci_least_privilege(stmts: list[Statement], label: str) -> Iterator[str]:
    yield from _restrictable_on_star(stmts, label)
    yield from _escalation(stmts, label)
    yield from _permissions_management(stmts, label)


ci_least_privilege = stack_rule(
    name="iam-ci-role-least-privilege",
    rows=["IAM-03", "IAM-07", "IAM-10"],
    description=f"The IAM-03/07/10 checks for {_CI}.",
    subjects=IDENTITY_DOCUMENT_TYPES,
    fix="scope the deploy role's actions by name prefix (arn:aws:iam::<acct>:role/<project>-*) "
    "and pair IAM writes with a permissions boundary (IAM-19)",
    severity="high",
    dev="A",
    sources="same as IAM-03, IAM-07, IAM-10 (deploy-role column)",
    check=_scoped_check(_ci_least_privilege, ci_roles=True),
)


def _admin_managed(args: ResourceValidationArgs) -> Iterator[str]:
    arns = [args.props.get("policyArn")] + as_list(args.props.get("managedPolicyArns"))
    for arn in arns:
        if isinstance(arn, str) and arn.rsplit("/", 1)[-1] in ADMIN_MANAGED_POLICIES:
            yield f"attaches {arn}"


admin_managed = resource_rule(
    name="iam-no-admin-managed-policy",
    rows=["IAM-04"],
    description="No AdministratorAccess or IAMFullAccess attachments.",
    types=[ROLE, ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT],
    fix="attach a least-privilege customer-managed policy plus a permissions boundary",
    severity="critical",
    dev="M",
    sources="checkov CKV_AWS_274, CKV_AWS_275, CKV2_AWS_56",
    check=_admin_managed,
)


def _trust_wildcard(args: ResourceValidationArgs) -> Iterator[str]:
    for i, s in enumerate(statements(args.props.get("assumeRolePolicy"))):
        if s.allows and anyone_principal(s):
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


def _github_conditions(s: Statement, claim: str) -> list[tuple[str, list[str]]]:
    key = f"{GITHUB_ISSUER}:{claim}"
    return [
        (operator, values)
        for operator, block in s.conditions.items()
        for k, values in block.items()
        if k.lower() == key
    ]


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
    for s in _github_statements(statements(args.props.get("assumeRolePolicy"))):
        subs = _github_conditions(s, "sub")
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
    for s in _github_statements(statements(args.props.get("assumeRolePolicy"))):
        auds = _github_conditions(s, "aud")
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
        for s in _github_statements(_trust_statements(role))
        for _op, values in _github_conditions(s, "sub")
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


def _no_users(args: ResourceValidationArgs) -> Iterator[str]:
    if args.resource_type == POLICY_ATTACHMENT and not as_list(args.props.get("users")):
        return
    yield "the stack creates IAM users, keys or user policies"


no_users = resource_rule(
    name="no-iam-users-or-access-keys",
    rows=["IAM-17"],
    description="No IAM users, access keys or console logins.",
    types=[
        "aws:iam/user:User",
        "aws:iam/accessKey:AccessKey",
        "aws:iam/userLoginProfile:UserLoginProfile",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        POLICY_ATTACHMENT,
    ],
    fix="use GitHub OIDC roles instead of long-lived users and keys",
    severity="high",
    dev="M",
    sources="trivy AWS-0143, AWS-0145, AWS-0146, AWS-0167; checkov CKV_AWS_40, CKV_AWS_273, "
    "CKV2_AWS_22, CKV_AWS_348; AWSGuard access-keys-rotated, mfa-enabled-for-iam-console-access",
    check=_no_users,
)


def _policy_conflicts(stack: Stack, role: PolicyResource) -> Iterator[StackFinding]:
    inline = [p for p in as_list(role.props.get("inlinePolicies")) if p.get("policy")]
    managed = as_list(role.props.get("managedPolicyArns"))
    if inline and stack.referencing(role, "role", ROLE_POLICY):
        yield StackFinding(role, "inline_policies and RolePolicy resources both manage this role")
    attachments = stack.referencing(role, "role", ROLE_POLICY_ATTACHMENT) + stack.referencing(
        role, "roles", POLICY_ATTACHMENT
    )
    if managed and attachments:
        yield StackFinding(role, "managed_policy_arns and policy attachments both manage this role")


policy_conflicts = stack_rule(
    name="iam-role-no-policy-management-conflicts",
    rows=["IAM-18"],
    description="A role's policies come from one mechanism.",
    subjects=[ROLE],
    fix="use only RolePolicy/RolePolicyAttachment resources (or only the role's own lists)",
    severity="medium",
    dev="M",
    sources="AWSGuard iam-role-no-policy-management-conflicts",
    check=_policy_conflicts,
)


def _boundary(args: ResourceValidationArgs) -> Iterator[Finding]:
    if args.resource_type == ROLE and not args.props.get("permissionsBoundary"):
        yield Finding("the role has no permissions boundary")
    for label, stmts in _documents(args):
        for i, s in enumerate(stmts):
            if allows_action(
                s, "iam:CreateRole"
            ) and "iam:permissionsboundary" not in condition_keys(s):
                yield Finding(
                    f"{_sid(i, label)} allows iam:CreateRole without requiring "
                    "iam:PermissionsBoundary",
                    "add a Condition StringEquals iam:PermissionsBoundary = <boundary ARN>",
                )


permissions_boundary = resource_rule(
    name="iam-role-permissions-boundary",
    rows=["IAM-19"],
    description="Roles carry a permissions boundary; role creation requires one.",
    types=IDENTITY_DOCUMENT_TYPES,
    fix="set permissions_boundary on the role to the boundary policy the bootstrap stack exports",
    severity="medium",
    dev="A",
    sources="custom (the mitigation behind the deploy-role A of IAM-07/10)",
    check=_boundary,
)

POLICIES = [
    admin_statement,
    action_wildcards,
    restrictable_on_star,
    admin_managed,
    s3_full_access,
    passrole,
    privilege_escalation,
    credentials_exposure,
    data_exfiltration,
    permissions_management,
    ci_least_privilege,
    trust_wildcard,
    trust_root,
    oidc_sub,
    oidc_aud,
    oidc_provider,
    pr_role_read_only,
    no_users,
    policy_conflicts,
    permissions_boundary,
]
