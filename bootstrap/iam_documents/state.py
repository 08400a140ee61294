"""The state backend's documents: the state bucket's policy, the secrets key's policy, and the
statements that let a CI role reach its stacks' state objects and secrets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bootstrap.ci_permissions import MAIN_PROJECT
from bootstrap.iam_documents.document import Account, document
from bootstrap.state_access import state_grants
from components.iam import deny_insecure_transport

# The secrets provider URL carries context_stack=<stack> (Pulumi CLI >= 3.41.1), so KMS sees the
# encryption context {"stack": "<stack>"} on every Decrypt and IAM can condition on it.
SECRETS_CONTEXT_KEY = "stack"


def state_bucket_policy(bucket_arn: str) -> dict[str, Any]:
    """Deny every non-TLS request."""
    return document([deny_insecure_transport("DenyInsecureTransport", bucket_arn)])


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


def state_statements(
    account: Account,
    stacks: Sequence[str],
    commands: Iterable[str],
    *,  # pragma: no mutate (every caller passes `write` by keyword: `/` changes nothing)
    write: bool,
) -> list[dict[str, Any]]:
    """A CI role's access to ``stacks``' state: the objects the pinned CLI reads (and with
    ``write``, writes) for ``commands`` (bootstrap/state_access.py), and the secrets key."""
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
