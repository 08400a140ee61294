"""The IAM policy document format the bootstrap writes, and the account its ARNs are built for.

Every document is a plain dict built from resolved strings, so tests and the policy pack read the
same documents the program serialises with ``json.dumps``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

VERSION = "2012-10-17"
# IAM's limit for one customer managed policy, counted without whitespace; a role takes at most
# 10 managed policies by default (IAM quotas).
MANAGED_POLICY_MAX_CHARS = 6144
MANAGED_POLICIES_PER_ROLE = 10


# pragma below: frozen only states intent; nothing assigns to or hashes an Account, so the
# documents are the same either way.
@dataclass(frozen=True)  # pragma: no mutate
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

    def expand(self, template: str, prefix: str) -> str:
        """An ARN template of the permission tables (bootstrap/ci_permissions.py) in this account,
        for the stack whose resource names start with ``prefix``."""
        return template.format(
            partition=self.partition,
            region=self.region,
            account=self.account_id,
            prefix=prefix,
        )


def document(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": [dict(s) for s in statements]}


def compact_json(doc: Mapping[str, Any]) -> str:
    """The serialisation the program sends; IAM's size limits ignore whitespace anyway."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)
