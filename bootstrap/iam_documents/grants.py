"""Permission table -> statements: a Grant of bootstrap/ci_permissions.py as IAM statements for
one stack, and the merging that keeps a role's policies under IAM's size limit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bootstrap.ci_permissions import (
    BOUNDARY_CONDITION_PLACEHOLDER,
    EC2_TAG_ON_CREATE_ACTIONS,
    ENVIRONMENT_CONDITION_PLACEHOLDER,
    ENVIRONMENT_TAG,
    MAIN_PROJECT,
    Grant,
    Scope,
)
from bootstrap.iam_documents.document import Account


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
    resources = sorted({account.expand(arn, prefix) for arn in grant.arns})
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
