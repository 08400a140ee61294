"""The provider's equivalence checks for policy documents: awspolicyequivalence for IAM-style
documents, equivalentLifecyclePolicyJSON for ECR lifecycle policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def policies_are_equivalent(first: str, second: str) -> bool:
    """hashicorp/awspolicyequivalence PoliciesAreEquivalent (aws_policy_equivalence.go at
    3ec3a968, the version that compares boolean and number condition values as strings), as
    verify.SuppressEquivalentPolicyDiffs calls it: an error means "not equivalent"."""
    if first.strip() in ("", "{}") and second.strip() in ("", "{}"):
        return True
    try:
        ours, theirs = _policy_document(first), _policy_document(second)
    except (ValueError, TypeError):
        return False
    return ours == theirs or _documents_equal(ours, theirs)


def _policy_document(text: str) -> dict[str, Any]:
    text = text.strip()
    if text.startswith("["):  # a one-element list of documents (assume-role pseudo-JSON)
        text = text.removeprefix("[").removesuffix("]").strip() or "{}"
    document = json.loads(text)
    if not isinstance(document, dict):
        raise TypeError("a policy document is an object")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise TypeError("Statement is an object or a list of objects")
    return {
        "Version": document.get("Version") or "",
        "Id": document.get("Id") or "",
        "Statement": statements,
    }


def _documents_equal(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if ours["Version"] != theirs["Version"] or ours["Id"] != theirs["Id"]:
        return False
    mine, other = ours["Statement"], theirs["Statement"]
    return (
        len(mine) == len(other)
        and all(any(_statements_equal(a, b) for b in other) for a in mine)
        and all(any(_statements_equal(b, a) for a in mine) for b in other)
    )


def _string_set(members: Any) -> list[str] | None:
    """newStringSet: a string or list becomes a list of strings; booleans and numbers are
    formatted as Go does; anything else is "not a set" (None)."""
    if members is None:
        return []
    items = members if isinstance(members, list) else [members]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str):
            out.append(item)
        elif isinstance(item, int | float):
            out.append(go_float(item))
        else:
            return None
    return out


def go_float(number: float) -> str:
    """strconv.FormatFloat(v, 'f', -1, 64): shortest decimal, never an exponent."""
    text = repr(float(number))
    if "e" in text or "E" in text:
        text = f"{float(number):f}".rstrip("0").rstrip(".")
    return text.removesuffix(".0")


def _same_members(ours: list[str] | None, theirs: list[str] | None) -> bool:
    # stringSlicesEqualIgnoreOrder: equal after sorting; two non-sets (nil) are equal too.
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return sorted(ours) == sorted(theirs)


def _statements_equal(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if (ours.get("Sid") or "") != (theirs.get("Sid") or ""):
        return False
    if str(ours.get("Effect") or "").lower() != str(theirs.get("Effect") or "").lower():
        return False
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if not _same_members(_string_set(ours.get(key)), _string_set(theirs.get(key))):
            return False
    if not _conditions_equal(ours.get("Condition"), theirs.get("Condition")):
        return False
    for key in ("Principal", "NotPrincipal"):
        mine, other = ours.get(key), theirs.get(key)
        if (mine is not None or other is not None) and not (
            _string_principals_equal(mine, other) or _map_principals_equal(mine, other)
        ):
            return False
    return True


def _conditions_equal(ours: Any, theirs: Any) -> bool:
    if (ours is None) != (theirs is None):
        return False
    ours, theirs = ours or {}, theirs or {}
    if len(ours) != len(theirs) or set(ours) != set(theirs):
        return False
    for operator, block in ours.items():
        other = theirs[operator]
        if not isinstance(block, dict) or not isinstance(other, dict) or set(block) != set(other):
            return False
        for key, value in block.items():
            mine, their = _string_set(value), _string_set(other[key])
            # stringSet.equals: same length and the same members as sets.
            if mine is None or their is None or len(mine) != len(their):
                return False
            if set(mine) != set(their):
                return False
    return True


def _string_principals_equal(ours: Any, theirs: Any) -> bool:
    if not isinstance(ours, str) or not isinstance(theirs, str):
        return False
    if ours == theirs:
        return True
    # "Handle AWS converting account ID principal to root IAM user ARN".
    return _is_root_of(ours, theirs) or _is_root_of(theirs, ours)


def _is_root_of(account: str, principal: str) -> bool:
    parts = principal.split(":", 5)
    return (
        len(account) == 12
        and account.isdigit()
        and len(parts) == 6
        and parts[0] == "arn"
        and parts[2] == "iam"
        and parts[4] == account
        and parts[5] == "root"
    )


def _map_principals_equal(ours: Any, theirs: Any) -> bool:
    def normalised(principal: Any) -> dict[str, list[str]]:
        if not isinstance(principal, dict):
            return {}
        out: dict[str, list[str]] = {}
        for key, value in principal.items():
            members = _string_set(value)
            if members:
                out[key] = members
        return out

    mine, other = normalised(ours), normalised(theirs)
    if set(mine) != set(other):
        return False
    return all(
        len(mine[key]) == len(other[key])
        and all(any(_string_principals_equal(a, b) for b in other[key]) for a in mine[key])
        and all(any(_string_principals_equal(b, a) for a in mine[key]) for b in other[key])
        for key in mine
    )


def lifecycle_policies_are_equivalent(first: str, second: str) -> bool:
    """ECR `equivalentLifecyclePolicyJSON` (internal/service/ecr/lifecycle_policy.go): decode into
    the provider's own typed rule struct, sort rules by priority and tag lists, compare."""
    try:
        return _lifecycle(first) == _lifecycle(second)
    except (ValueError, TypeError, AttributeError):
        return False


def _lifecycle(text: str) -> list[dict[str, Any]]:
    document = json.loads(text if text.strip() else "{}")
    rules = [
        {
            "rulePriority": rule.get("rulePriority"),
            "description": rule.get("description"),
            "selection": _lifecycle_selection(rule.get("selection")),
            "action": (
                None
                if rule.get("action") is None
                else {
                    "type": rule["action"].get("type"),
                    "targetStorageClass": rule["action"].get("targetStorageClass"),
                }
            ),
        }
        for rule in document.get("rules") or []
    ]
    return sorted(rules, key=lambda rule: rule["rulePriority"] or 0)


def _lifecycle_selection(selection: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if selection is None:
        return None
    scalars = ("tagStatus", "storageClass", "countType", "countUnit", "countNumber")
    out: dict[str, Any] = {key: selection.get(key) for key in scalars}
    for key in ("tagPatternList", "tagPrefixList"):
        out[key] = sorted(selection.get(key) or []) or None
    return out
