"""IAM and resource policy documents of the bootstrap, as plain dicts (pure functions).

Everything here takes resolved strings, so tests and the policy pack read the same documents the
program serialises with ``json.dumps``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bootstrap.ci_permissions import (
    BOUNDARY_CONDITION_PLACEHOLDER,
    EC2_TAG_ON_CREATE_ACTIONS,
    ECR_AUTH,
    ENVIRONMENT_CONDITION_PLACEHOLDER,
    ENVIRONMENT_TAG,
    MAIN_PROJECT,
    PERMISSIONS,
    Grant,
    Scope,
    read_actions,
    refresh_read_grants,
)
from bootstrap.config import GITHUB_AUDIENCE, GITHUB_OIDC_HOST
from bootstrap.state_access import (
    DEPLOY_ROLE_COMMANDS,
    DRIFT_ROLE_COMMANDS,
    PREVIEW_ROLE_COMMANDS,
    state_grants,
)

VERSION = "2012-10-17"
# IAM's limit for one customer managed policy, counted without whitespace; a role takes at most
# 10 managed policies by default (IAM quotas).
MANAGED_POLICY_MAX_CHARS = 6144
MANAGED_POLICIES_PER_ROLE = 10
# The secrets provider URL carries context_stack=<stack> (Pulumi CLI >= 3.41.1), so KMS sees the
# encryption context {"stack": "<stack>"} on every Decrypt and IAM can condition on it.
SECRETS_CONTEXT_KEY = "stack"


@dataclass(frozen=True)
class Account:
    partition: str
    region: str
    account_id: str
    state_bucket: str
    secrets_key_arn: str
    boundary_arn: str

    @property
    def bucket_arn(self) -> str:
        return f"arn:{self.partition}:s3:::{self.state_bucket}"


def document(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": [dict(s) for s in statements]}


def compact_json(doc: Mapping[str, Any]) -> str:
    """The serialisation the program sends; IAM's size limits ignore whitespace anyway."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


def oidc_provider_arn(account: Account) -> str:
    return f"arn:{account.partition}:iam::{account.account_id}:oidc-provider/{GITHUB_OIDC_HOST}"


def github_trust_policy(provider_arn: str, subject: str) -> dict[str, Any]:
    """Trust one exact subject of one repository, with the audience pinned (pitfall: oidc-sub;
    policy rules IAM-13/IAM-14). StringEquals only: no wildcard can widen it."""
    return document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": GITHUB_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": subject,
                    }
                },
            }
        ]
    )


def state_bucket_policy(bucket_arn: str) -> dict[str, Any]:
    """Deny every non-TLS request (policy rule S3-08)."""
    return document(
        [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    )


# The account root holds the key's administration so IAM policies decide who uses it (the
# default key policy's intent), enumerated instead of kms:* (policy rule IAM-02).
_KEY_ACCOUNT_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)


def secrets_key_policy(partition: str, account_id: str) -> dict[str, Any]:
    return document(
        [
            {
                "Sid": "AccountAdministersKeyThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": list(_KEY_ACCOUNT_ACTIONS),
                # a key policy's Resource "*" means this key only
                "Resource": "*",
            }
        ]
    )


# ---------------------------------------------------------------------------------------------
# State access: the objects the pinned CLI reads and writes (bootstrap/state_access.py)
# ---------------------------------------------------------------------------------------------


def _state_statements(
    account: Account, stacks: Sequence[str], commands: Iterable[str], *, write: bool
) -> list[dict[str, Any]]:
    grants = state_grants(account.bucket_arn, MAIN_PROJECT, stacks, commands)
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": action, "Resource": list(resources)}
        for action, resources in grants.items()
    ]
    statements += [
        # the secrets provider's data key, only under this stack's encryption context
        {
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": account.secrets_key_arn,
            "Condition": {
                "StringEquals": {f"kms:EncryptionContext:{SECRETS_CONTEXT_KEY}": list(stacks)}
            },
        },
        # SSE-KMS of the state objects: S3 calls KMS with the bucket as encryption context
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"] if write else "kms:Decrypt",
            "Resource": account.secrets_key_arn,
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"s3.{account.region}.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn": account.bucket_arn,
                }
            },
        },
    ]
    return statements


# ---------------------------------------------------------------------------------------------
# Permission table -> statements
# ---------------------------------------------------------------------------------------------


def _fill(template: str, account: Account, prefix: str) -> str:
    return template.format(
        partition=account.partition,
        region=account.region,
        account=account.account_id,
        prefix=prefix,
    )


def _condition(grant: Grant, account: Account, environment: str) -> dict[str, Any]:
    filled = json.loads(
        json.dumps(grant.condition)
        .replace(BOUNDARY_CONDITION_PLACEHOLDER, account.boundary_arn)
        .replace(ENVIRONMENT_CONDITION_PLACEHOLDER, environment)
    )
    return filled


def other_stacks_guard(
    actions: Sequence[str], resources: Sequence[str], environment: str
) -> dict[str, Any]:
    """An ACCOUNT grant reaches every such resource of the account: deny it on those another
    stack has tagged. ``Null: false`` lets through a resource whose tags have not propagated yet
    (they read as absent): ``StringNotEquals`` alone is true for an absent key and would deny the
    stack its own new resource (IAM user guide, condition operators)."""
    tag = f"aws:ResourceTag/{ENVIRONMENT_TAG}"
    return {
        "Effect": "Deny",
        "Action": list(actions),
        "Resource": list(resources),
        "Condition": {"Null": {tag: "false"}, "StringNotEquals": {tag: environment}},
    }


def grant_statements(grant: Grant, account: Account, environment: str) -> list[dict[str, Any]]:
    prefix = f"{MAIN_PROJECT}-{environment}"
    actions = sorted(set(grant.actions))
    if grant.scope is Scope.UNSCOPED:
        # Resource "*": AWS offers nothing narrower (grant.reason says why)
        return [{"Effect": "Allow", "Action": actions, "Resource": "*"}]
    resources = sorted({_fill(arn, account, prefix) for arn in grant.arns})
    condition = _condition(grant, account, environment)
    if grant.scope in (Scope.NAME_PREFIX, Scope.ACCOUNT):
        statement: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": resources}
        if condition:
            statement["Condition"] = condition
        if grant.scope is Scope.ACCOUNT:
            return [statement, other_stacks_guard(actions, resources, environment)]
        return [statement]
    # TAG: create only with the stack's Environment tag in the request, touch only what carries it
    tag_sources = ("RequestTag",) if resources == ["*"] else ("RequestTag", "ResourceTag")
    statements = [
        {
            "Effect": "Allow",
            "Action": actions,
            "Resource": resources,
            "Condition": {
                **condition,
                "StringEquals": {
                    **condition.get("StringEquals", {}),
                    f"aws:{tag_source}/{ENVIRONMENT_TAG}": environment,
                },
            },
        }
        for tag_source in tag_sources
    ]
    ec2_creates = sorted(a.removeprefix("ec2:") for a in actions if a in EC2_TAG_ON_CREATE_ACTIONS)
    if ec2_creates:
        # EC2 tag-on-create is authorised as ec2:CreateTags; allow it only inside those calls
        statements.append(
            {
                "Effect": "Allow",
                "Action": "ec2:CreateTags",
                "Resource": resources,
                "Condition": {
                    "StringEquals": {
                        "ec2:CreateAction": ec2_creates,
                        f"aws:RequestTag/{ENVIRONMENT_TAG}": environment,
                    }
                },
            }
        )
        statements.append(
            {
                "Effect": "Allow",
                "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
                "Resource": resources,
                "Condition": {"StringEquals": {f"aws:ResourceTag/{ENVIRONMENT_TAG}": environment}},
            }
        )
    return statements


# Condition keys whose values can be joined when two statements differ only in them.
_JOINABLE_CONDITION_KEYS = ("iam:AWSServiceName", "ec2:CreateAction")


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _join_condition_values(statements: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    joined: dict[str, dict[str, Any]] = {}
    for statement in statements:
        condition = statement.get("Condition", {})
        blanked = {
            op: {k: (None if k in _JOINABLE_CONDITION_KEYS else v) for k, v in keys.items()}
            for op, keys in condition.items()
        }
        key = json.dumps({**statement, "Condition": blanked}, sort_keys=True)
        if key not in joined or not condition:
            joined[key] = json.loads(json.dumps(statement))
            continue
        target = joined[key]["Condition"]
        for op, keys in condition.items():
            for name, value in keys.items():
                if name in _JOINABLE_CONDITION_KEYS:
                    target[op][name] = sorted(
                        set(_as_list(target[op][name])) | set(_as_list(value))
                    )
    return list(joined.values())


def merge_statements(statements: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Join statements that differ only in their actions, or only in the values of a joinable
    condition key (keeps the policies under IAM's size limit), and sort everything so the
    documents are stable across runs."""
    merged: dict[str, dict[str, Any]] = {}
    for statement in _join_condition_values(statements):
        rest = {k: v for k, v in statement.items() if k != "Action"}
        key = json.dumps(rest, sort_keys=True)
        actions = _as_list(statement["Action"])
        if key in merged:
            merged[key]["Action"] = sorted(set(merged[key]["Action"]) | set(actions))
        else:
            merged[key] = {**rest, "Action": sorted(set(actions))}
    return [merged[k] for k in sorted(merged)]


# Deploy policies are split by service family: one managed policy holds at most 6,144 characters.
POLICY_GROUPS: dict[str, tuple[str, ...]] = {
    "network": ("ec2",),
    "edge": ("elasticloadbalancing", "wafv2"),
    "compute": ("ecs", "ecr", "application-autoscaling", "acm", "route53"),
    "observability": ("logs", "cloudwatch", "sns", "chatbot", "scheduler", "kms"),
    "iam-storage": ("iam", "s3"),
}


def _group_of(statement: Mapping[str, Any]) -> str:
    actions = statement["Action"]
    service = (actions if isinstance(actions, str) else actions[0]).split(":")[0]
    for group, services in POLICY_GROUPS.items():
        if service in services:
            return group
    raise ValueError(f"no policy group for service {service!r}")


def pass_role_statement(
    account: Account, environment: str, services: Sequence[str]
) -> dict[str, Any] | None:
    """PassRole only on the stack's roles, only to the services the stack hands roles to
    (pitfall: ci-passrole; policy rule IAM-06)."""
    if not services:
        return None
    return {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": f"arn:{account.partition}:iam::{account.account_id}:role/"
        f"{MAIN_PROJECT}-{environment}-*",
        "Condition": {"StringEquals": {"iam:PassedToService": sorted(services)}},
    }


def deploy_policies(
    account: Account, environment: str, passed_to_services: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The deploy role's managed policies for one environment, by name suffix."""
    grouped: dict[str, list[dict[str, Any]]] = {group: [] for group in POLICY_GROUPS}
    for row in PERMISSIONS.values():
        for grant in row.grants:
            for statement in grant_statements(grant, account, environment):
                grouped[_group_of(statement)].append(statement)
    pass_role = pass_role_statement(account, environment, passed_to_services)
    if pass_role:
        grouped["iam-storage"].append(pass_role)
    policies = {group: document(merge_statements(s)) for group, s in grouped.items()}
    policies["state"] = document(
        merge_statements(
            [
                *_state_statements(account, [environment], DEPLOY_ROLE_COMMANDS, write=True),
                *grant_statements(ECR_AUTH, account, environment),
                # Describe/List calls have no resource-level permissions
                {"Effect": "Allow", "Action": list(read_actions()), "Resource": "*"},
            ]
        )
    )
    return policies


def preview_policy(account: Account, environments: Sequence[str]) -> dict[str, Any]:
    """Read-only: describe calls, state and secrets of every stack, ECR login and pull for the
    image build. No push: the preview builds the image but never publishes it."""
    return document(
        merge_statements(
            [
                *_state_statements(account, list(environments), PREVIEW_ROLE_COMMANDS, write=False),
                *grant_statements(ECR_AUTH, account, environments[0]),
                {
                    "Effect": "Allow",
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:DescribeImages",
                        "ecr:DescribeRepositories",
                    ],
                    "Resource": f"arn:{account.partition}:ecr:{account.region}:"
                    f"{account.account_id}:repository/{MAIN_PROJECT}-*",
                },
                {"Effect": "Allow", "Action": list(read_actions()), "Resource": "*"},
            ]
        )
    )


def drift_policies(account: Account, environments: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Read-only, for `pulumi preview --refresh` of every stack (drift.yml): the provider's Read
    calls of every resource type (REFRESH_READS), on the stacks' ARN patterns where the deploy
    table scopes the call by name; the state reads of a preview; the stacks' secrets. No write,
    no lock: a preview takes none (pulumi/pulumi pkg/backend/diy/backend.go Preview)."""
    # split like the deploy policies: one managed policy holds at most 6,144 characters, and
    # every environment adds its ARN patterns
    grouped: dict[str, list[dict[str, Any]]] = {group: [] for group in POLICY_GROUPS}
    for action, templates in refresh_read_grants().items():
        if templates == ("*",):
            resources: str | list[str] = "*"
        else:
            resources = sorted(
                {
                    _fill(template, account, f"{MAIN_PROJECT}-{environment}")
                    for template in templates
                    for environment in environments
                }
            )
        statement = {"Effect": "Allow", "Action": action, "Resource": resources}
        grouped[_group_of(statement)].append(statement)
    policies = {group: document(merge_statements(s)) for group, s in grouped.items()}
    return {
        **policies,
        "state": document(
            merge_statements(
                _state_statements(account, list(environments), DRIFT_ROLE_COMMANDS, write=False)
            )
        ),
    }


def boundary_policy(account: Account) -> dict[str, Any]:
    """The ceiling of every role the stacks create (IAM-19): what their task, execution, flow-log,
    ECS infrastructure, Chatbot and night-schedule roles need, and no IAM at all."""
    arn = f"arn:{account.partition}"
    regional = f"{account.region}:{account.account_id}"
    return document(
        [
            {
                "Sid": "ExecutionRolePullsImages",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                "Resource": f"{arn}:ecr:{regional}:repository/{MAIN_PROJECT}-*",
            },
            {
                # no resource-level permissions for these calls
                "Sid": "UnscopableCalls",
                "Effect": "Allow",
                "Action": [
                    "ecr:GetAuthorizationToken",
                    "logs:DescribeLogGroups",
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeRules",
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetHealth",
                    "cloudwatch:DescribeAlarms",
                    "cloudwatch:GetMetricData",
                    # Chatbot renders an alarm's graph with the channel role (Slack notifications)
                    "cloudwatch:GetMetricWidgetImage",
                ],
                "Resource": "*",
            },
            {
                "Sid": "TasksAndFlowLogsWriteLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [
                    f"{arn}:logs:{regional}:log-group:{MAIN_PROJECT}-*",
                    f"{arn}:logs:{regional}:log-group:{MAIN_PROJECT}-*:*",
                ],
            },
            {
                "Sid": "EcsBlueGreenShiftsTraffic",
                "Effect": "Allow",
                "Action": [
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:ModifyRule",
                ],
                "Resource": [
                    f"{arn}:elasticloadbalancing:{regional}:listener/app/{MAIN_PROJECT}-*/*",
                    f"{arn}:elasticloadbalancing:{regional}:listener-rule/app/{MAIN_PROJECT}-*/*",
                ],
            },
            {
                # dev night schedule: EventBridge Scheduler pauses the availability alarms
                "Sid": "NightSchedulePausesAlarmActions",
                "Effect": "Allow",
                # SetAlarmState: after the morning scale-out the paused alarms are set to OK once,
                # so one still failing notifies again (re-enabling actions alone sends nothing)
                "Action": [
                    "cloudwatch:DisableAlarmActions",
                    "cloudwatch:EnableAlarmActions",
                    "cloudwatch:SetAlarmState",
                ],
                "Resource": f"{arn}:cloudwatch:{regional}:alarm:{MAIN_PROJECT}-*",
            },
            {
                "Sid": "NoIdentityOrBoundaryTampering",
                "Effect": "Deny",
                "Action": [
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicy",
                    "iam:DeletePolicyVersion",
                    "iam:SetDefaultPolicyVersion",
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:PutRolePermissionsBoundary",
                    "iam:CreateUser",
                    "iam:CreateAccessKey",
                ],
                "Resource": "*",
            },
        ]
    )
