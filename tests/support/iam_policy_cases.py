"""Graph builders the IAM policy tests share (tests/policy/test_iam_*.py): role trust documents,
roles with their policies, managed policies and their attachments."""

from __future__ import annotations

from typing import Any

from tests.support.policy_cases import (
    doc,
    res,
)


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


RP = "rolepolicy"


POLICY = "aws:iam/policy:Policy"


ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"


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
