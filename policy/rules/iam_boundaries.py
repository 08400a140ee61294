"""IAM boundaries around principals: no IAM users or keys, one policy mechanism per role, and
permissions boundaries on roles and on role creation (policy_rules.md §6, IAM-17 to IAM-19)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import Finding, StackFinding, resource_rule, stack_rule
from ._iam import (
    POLICY_ATTACHMENT,
    ROLE,
    ROLE_POLICY,
    attachments_of,
    documents,
    statement_label,
)
from ._policy_documents import IDENTITY_DOCUMENT_TYPES, allows_action, condition_keys
from ._resources import Stack, as_list


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
    if managed and attachments_of(stack, role):
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
    for label, stmts in documents(args):
        for i, s in enumerate(stmts):
            if allows_action(
                s, "iam:CreateRole"
            ) and "iam:permissionsboundary" not in condition_keys(s):
                yield Finding(
                    f"{statement_label(i, label)} allows iam:CreateRole without requiring "
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
    no_users,
    policy_conflicts,
    permissions_boundary,
]
