"""Policy documents on a second `up`: which check the provider applies per type (its schema
DiffSuppressFunc), whether the property forces a replacement, and the text AWS returns.
terraform-provider-aws, at the commits tools/day2/container_equivalence.py names."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from tools.day2.policy_equivalence import (
    go_float,
    lifecycle_policies_are_equivalent,
    policies_are_equivalent,
)

Effect = Literal["replace", "update"]


@dataclass(frozen=True)
class PolicyProperty:
    property: str
    equivalent: Callable[[str, str], bool]
    effect: Effect
    source: str


_IAM_DOCUMENT = "verify.SuppressEquivalentPolicyDiffs (awspolicyequivalence)"
POLICY_PROPERTIES: dict[str, PolicyProperty] = {
    "aws:iam/role:Role": PolicyProperty(
        "assumeRolePolicy", policies_are_equivalent, "update",
        f"internal/service/iam/role.go assume_role_policy: {_IAM_DOCUMENT}; Read URL-decodes "
        "the document and keeps the program's text when equivalent (verify.PolicyToSet)",
    ),
    "aws:iam/rolePolicy:RolePolicy": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        f"internal/service/iam/role_policy.go policy: {_IAM_DOCUMENT}; Read URL-decodes",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        "internal/service/s3/bucket_policy.go policy: sdkv2.IAMPolicyDocumentSchemaRequired "
        "(internal/sdkv2/schema.go: SuppressEquivalentIAMPolicyDocuments)",
    ),
    "aws:kms/key:Key": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        "internal/service/kms/key.go policy: sdkv2.IAMPolicyDocumentSchemaOptionalComputed",
    ),
    "aws:sns/topic:Topic": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        "internal/service/sns/topic.go policy: sdkv2.IAMPolicyDocumentSchemaOptionalComputed",
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        f"internal/service/ec2/vpc_endpoint.go policy: {_IAM_DOCUMENT}",
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": PolicyProperty(
        "policy", lifecycle_policies_are_equivalent, "replace",
        "internal/service/ecr/lifecycle_policy.go policy: ForceNew, equivalentLifecyclePolicyJSON",
    ),
}  # fmt: skip


def policy_read_back(document: str) -> str:
    """The policy text AWS returns for ``document``.

    IAM returns documents URL-encoded (the provider URL-decodes them: iam/role.go Read);
    condition values come back as strings ("false", not false: crossplane-contrib/provider-aws
    #1771, ansible/ansible#61115); a bare account-id principal comes back as its root ARN
    (awspolicyequivalence: "Handle AWS converting account ID principal to root IAM user ARN").
    """
    # The URL-encoding round trip is lossless (RFC 3986 escapes), so it is not modelled.
    parsed = json.loads(document)
    if not isinstance(parsed, dict):
        return json.dumps(parsed)
    statements = parsed.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            continue
        for block in (statement.get("Condition") or {}).values():
            if isinstance(block, dict):
                for key, value in block.items():
                    block[key] = _condition_strings(value)
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key)
            if isinstance(principal, dict) and "AWS" in principal:
                principal["AWS"] = _root_arns(principal["AWS"])
    return json.dumps(parsed)


def _condition_strings(value: Any) -> Any:
    if isinstance(value, list):
        return [_condition_strings(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_float(value)
    return value


def _root_arns(value: Any) -> Any:
    if isinstance(value, list):
        return [_root_arns(item) for item in value]
    if isinstance(value, str) and len(value) == 12 and value.isdigit():
        return f"arn:aws:iam::{value}:root"
    return value
