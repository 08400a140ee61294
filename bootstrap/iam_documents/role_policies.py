"""The managed policies of the CI roles: deploy (one environment, split by service family),
preview and drift (read-only, every environment)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bootstrap.ci_permissions import (
    ECR_AUTH,
    MAIN_PROJECT,
    PERMISSIONS,
    read_actions,
    refresh_read_grants,
)
from bootstrap.iam_documents.document import Account, document
from bootstrap.iam_documents.grants import grant_statements, merge_statements
from bootstrap.iam_documents.state import state_statements
from bootstrap.state_access import (
    DEPLOY_ROLE_COMMANDS,
    DRIFT_ROLE_COMMANDS,
    PREVIEW_ROLE_COMMANDS,
)

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


def _split_by_service(statements: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """One merged document per POLICY_GROUPS entry, in its order (empty groups too)."""
    grouped: dict[str, list[Mapping[str, Any]]] = {group: [] for group in POLICY_GROUPS}
    for statement in statements:
        grouped[_group_of(statement)].append(statement)
    return {group: document(merge_statements(s)) for group, s in grouped.items()}


# pragma below: annotations are never evaluated here (`from __future__ import annotations`), so
# an operator swapped in the return type changes nothing.
def pass_role_statement(
    account: Account, environment: str, services: Sequence[str]
) -> dict[str, Any] | None:  # pragma: no mutate
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
    statements = [
        statement
        for row in PERMISSIONS.values()
        for grant in row.grants
        for statement in grant_statements(grant, account, environment)
    ]
    pass_role = pass_role_statement(account, environment, passed_to_services)
    if pass_role:
        statements.append(pass_role)
    policies = _split_by_service(statements)
    policies["state"] = document(
        merge_statements(
            [
                *state_statements(account, [environment], DEPLOY_ROLE_COMMANDS, write=True),
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
                *state_statements(account, list(environments), PREVIEW_ROLE_COMMANDS, write=False),
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
    statements: list[dict[str, Any]] = []
    for action, templates in refresh_read_grants().items():
        if templates == ("*",):
            resources: str | list[str] = "*"
        else:
            resources = sorted(
                {
                    account.expand(template, f"{MAIN_PROJECT}-{environment}")
                    for template in templates
                    for environment in environments
                }
            )
        statements.append({"Effect": "Allow", "Action": action, "Resource": resources})
    return {
        **_split_by_service(statements),
        "state": document(
            merge_statements(
                state_statements(account, list(environments), DRIFT_ROLE_COMMANDS, write=False)
            )
        ),
    }
