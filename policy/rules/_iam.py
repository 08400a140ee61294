"""What the IAM rules modules share: IAM resource types, the action catalogues the permission
rules test statements against, each carrier's documents, GitHub OIDC trust readers, and which
policies belong to which role (policy_rules.md §6)."""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._policy_documents import Statement, identity_documents, statements
from ._resources import Stack

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


def documents(args: ResourceValidationArgs) -> list[tuple[str, list[Statement]]]:
    return [
        (label, statements(doc))
        for label, doc in identity_documents(args.resource_type, args.props)
    ]


def statement_label(statement_index: int, label: str) -> str:
    return f"{label} statement {statement_index}"


def trust_statements(role: PolicyResource) -> list[Statement]:
    return statements(role.props.get("assumeRolePolicy"))


def github_statements(stmts: list[Statement]) -> list[Statement]:
    return [
        s
        for s in stmts
        if s.allows and any(GITHUB_ISSUER in p for p in s.principals.get("Federated", []))
    ]


def is_ci_role(role: PolicyResource) -> bool:
    return bool(github_statements(trust_statements(role)))


def attachments_of(stack: Stack, role: PolicyResource) -> list[PolicyResource]:
    """The RolePolicyAttachments and PolicyAttachments that attach managed policies to `role`."""
    return stack.referencing(role, "role", ROLE_POLICY_ATTACHMENT) + stack.referencing(
        role, "roles", POLICY_ATTACHMENT
    )


def role_documents(stack: Stack, role: PolicyResource) -> list[tuple[PolicyResource, str, Any]]:
    """(carrier, label, document) for every identity policy that applies to `role`."""
    docs: list[tuple[PolicyResource, str, Any]] = [
        (role, label, doc) for label, doc in identity_documents(ROLE, role.props)
    ]
    for carrier in stack.referencing(role, "role", ROLE_POLICY):
        docs += [
            (carrier, label, doc) for label, doc in identity_documents(ROLE_POLICY, carrier.props)
        ]
    for attachment in attachments_of(stack, role):
        for policy in stack.referenced(attachment, "policyArn", POLICY):
            docs += [
                (policy, label, doc) for label, doc in identity_documents(POLICY, policy.props)
            ]
    return docs


def roles_of_carrier(stack: Stack, carrier: PolicyResource) -> list[PolicyResource]:
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


def github_conditions(s: Statement, claim: str) -> list[tuple[str, list[str]]]:
    key = f"{GITHUB_ISSUER}:{claim}"
    return [
        (operator, values)
        for operator, block in s.conditions.items()
        for k, values in block.items()
        if k.lower() == key
    ]
