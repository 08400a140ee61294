"""Policy documents (identity, trust, bucket, key and topic policies) read into statements.

Parsing follows tfsec/defsec `iam/no_policy_wildcards.go`: Action/Resource/Principal may be a
string or a list; a condition value may be a JSON boolean or number.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._resources import as_list, load_json


@dataclass(frozen=True)  # pragma: no mutate (never assigned to or hashed)
class Statement:
    effect: str
    actions: list[str]
    not_actions: list[str]
    resources: list[str]
    not_resources: list[str]
    principals: dict[str, list[str]]
    principal_star: bool
    not_principal: bool
    conditions: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


def statements(document: Any) -> list[Statement]:
    doc = load_json(document)
    if not isinstance(doc, Mapping):
        return []
    result: list[Statement] = []
    for raw in as_list(doc.get("Statement")):
        if not isinstance(raw, Mapping):
            continue
        principal = raw.get("Principal")
        principals: dict[str, list[str]] = {}
        principal_star = principal == "*"
        if isinstance(principal, Mapping):
            for kind, values in principal.items():
                principals[str(kind)] = [str(v) for v in as_list(values)]
        conditions: dict[str, dict[str, list[str]]] = {}
        for operator, block in (raw.get("Condition") or {}).items():
            if isinstance(block, Mapping):
                conditions[str(operator)] = {
                    str(k): [str(v).lower() if isinstance(v, bool) else str(v) for v in as_list(vs)]
                    for k, vs in block.items()
                }
        result.append(
            Statement(
                effect=str(raw.get("Effect", "")),
                actions=[str(a) for a in as_list(raw.get("Action"))],
                not_actions=[str(a) for a in as_list(raw.get("NotAction"))],
                resources=[str(r) for r in as_list(raw.get("Resource"))],
                not_resources=[str(r) for r in as_list(raw.get("NotResource"))],
                principals=principals,
                principal_star=principal_star,
                not_principal=raw.get("NotPrincipal") is not None,
                conditions=conditions,
            )
        )
    return result


def condition_keys(statement: Statement) -> set[str]:
    return {key.lower() for block in statement.conditions.values() for key in block}


def anyone_principal(statement: Statement) -> bool:
    return statement.principal_star or "*" in statement.principals.get("AWS", [])


def open_to_anyone(
    document: Any,
    *,  # pragma: no mutate (callers pass unless_conditioned by keyword: `/` changes nothing)
    unless_conditioned: bool = False,
) -> list[int]:
    """Indexes of the Allow statements any principal matches; with `unless_conditioned`, one
    that carries a Condition (a source account or organisation, say) does not count."""
    return [
        i
        for i, s in enumerate(statements(document))
        if s.allows and anyone_principal(s) and not (unless_conditioned and s.conditions)
    ]


IDENTITY_DOCUMENT_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/role:Role",
)


def identity_documents(type_token: str, props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(label, document) pairs of an identity-policy carrier; Role carries inline policies."""
    if type_token == "aws:iam/role:Role":
        docs: list[tuple[str, Any]] = []
        for inline in as_list(props.get("inlinePolicies")):
            if isinstance(inline, Mapping) and inline.get("policy"):
                docs.append((f"inline policy {inline.get('name', '')}".strip(), inline["policy"]))
        return docs
    if props.get("policy") is None:
        return []
    return [("policy", props.get("policy"))]


def action_matches(pattern: str, action: str) -> bool:
    """IAM action globbing (case-insensitive, `*` and `?`)."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def allows_action(statement: Statement, action: str) -> bool:
    if not statement.allows:
        return False
    if statement.not_actions:
        return not any(action_matches(p, action) for p in statement.not_actions)
    return any(action_matches(p, action) for p in statement.actions)


def wildcard_resource(resource: str) -> bool:
    """A resource with `*` other than an S3 object path or log-stream suffix (defsec rule)."""
    if "*" not in resource:
        return False
    # Only a trailing `/*` after a named bucket, or `:*` after a named log group (its streams),
    # is narrow: `arn:aws:s3:::*` is every bucket and `arn:aws:logs:<region>:<account>:*` every
    # log resource, though both end in `:*`.
    s3_object_path = re.fullmatch(r"arn:aws[a-z-]*:s3:::[^*/]+(/[^*]*)?/\*", resource)
    log_stream_suffix = re.fullmatch(
        r"arn:aws[a-z-]*:logs:[^:*]*:[^:*]*:log-group:[^:*]+(:log-stream)?:\*", resource
    )
    return not (s3_object_path or log_stream_suffix)


def on_any_resource(statement: Statement) -> bool:
    return bool(statement.not_resources) or any(wildcard_resource(r) for r in statement.resources)
