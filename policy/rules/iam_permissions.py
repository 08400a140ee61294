"""IAM permission statements: what identity policies may grant (policy_rules.md §6, IAM-01 to
IAM-10). Some checks apply to workload roles and to roles GitHub OIDC trusts (deploy/plan) with
different enforcement, so those run as stack rules that first find whose policy a document is.

Allow statements with NotAction/NotResource count as wildcards (tfsec/defsec
`iam/no_policy_wildcards.go`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._iam import (
    ADMIN_MANAGED_POLICIES,
    CREDENTIAL_ACTIONS,
    DATA_EXFILTRATION_ACTIONS,
    NO_RESOURCE_LEVEL_ACTIONS,
    PERMISSIONS_MANAGEMENT_ACTIONS,
    POLICY_ATTACHMENT,
    PRIVILEGE_ESCALATION_ACTIONS,
    ROLE,
    ROLE_POLICY_ATTACHMENT,
    documents,
    is_ci_role,
    roles_of_carrier,
    statement_label,
)
from ._policy_documents import (
    IDENTITY_DOCUMENT_TYPES,
    Statement,
    action_matches,
    allows_action,
    condition_keys,
    identity_documents,
    on_any_resource,
    statements,
    wildcard_resource,
)
from ._resources import Stack, as_list


def _admin_statement(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in documents(args):
        for i, s in enumerate(stmts):
            if s.allows and "*" in s.actions and "*" in s.resources:
                yield f'{statement_label(i, label)} allows Action "*" on Resource "*" (full admin)'


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
    for label, stmts in documents(args):
        for i, s in enumerate(stmts):
            if not s.allows:
                continue
            if s.not_actions:
                yield f"{statement_label(i, label)} allows everything except NotAction {s.not_actions}"
            wild = [a for a in s.actions if "*" in a]
            if wild:
                yield f"{statement_label(i, label)} allows wildcard actions {', '.join(wild)}"


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
    for label, stmts in documents(args):
        denied = any(
            not s.allows and any(action_matches(a, "s3:anything") for a in s.actions) for s in stmts
        )
        for i, s in enumerate(stmts):
            if not s.allows:
                continue
            if ("s3:*" in s.actions or "*" in s.actions) and not denied:
                yield f"{statement_label(i, label)} allows s3:* with no overriding Deny"
            elif (
                "*" in s.resources
                and allows_action(s, "s3:GetObject")
                and allows_action(s, "s3:PutObject")
            ):
                yield f"{statement_label(i, label)} allows both s3:Get* and s3:Put* on every bucket"


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
    for label, stmts in documents(args):
        for i, s in enumerate(stmts):
            if not allows_action(s, "iam:PassRole"):
                continue
            if passes_any_role(s):
                yield f"{statement_label(i, label)} allows iam:PassRole on any role"
            elif "iam:passedtoservice" not in condition_keys(s):
                yield f"{statement_label(i, label)} allows iam:PassRole without an iam:PassedToService condition"


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
    stmts: list[Statement], label: str, actions: tuple[str, ...], kind: str = ""
) -> Iterator[str]:
    """Allow statements that grant any of `actions` on any resource; `kind` names the actions."""
    for i, s in enumerate(stmts):
        if not s.allows or not on_any_resource(s):
            continue
        hits = [a for a in actions if allows_action(s, a)]
        if hits:
            yield f"{statement_label(i, label)} allows {kind}{', '.join(hits)} on any resource"


def _credentials(args: ResourceValidationArgs) -> Iterator[str]:
    for label, stmts in documents(args):
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
    for label, stmts in documents(args):
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


def _scoped_check(
    problem_finder: Any,
    *,  # pragma: no mutate (every caller passes ci_roles by keyword: `/` changes nothing)
    ci_roles: bool,
) -> Any:
    """Run a per-document check on carriers attached to CI roles or to every other principal."""

    def check(stack: Stack, carrier: PolicyResource) -> Iterator[StackFinding]:
        roles = roles_of_carrier(stack, carrier)
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
                f"{statement_label(i, label)} grants {', '.join(restrictable)} on {', '.join(star)}, but "
                "those actions can be scoped to ARNs"
            )


def _escalation(stmts: list[Statement], label: str) -> Iterator[str]:
    return _unrestricted(
        stmts, label, PRIVILEGE_ESCALATION_ACTIONS, "privilege-escalation actions "
    )


def _permissions_management(stmts: list[Statement], label: str) -> Iterator[str]:
    return _unrestricted(
        stmts, label, PERMISSIONS_MANAGEMENT_ACTIONS, "permissions-management actions "
    )


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
]
