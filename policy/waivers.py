"""The policies prod may run below mandatory, each with why (checked by tools/policy_gate.py).

A prod waiver is an entry of policy/config/prod.json that sets a policy to advisory or disabled.
A plausible sentence in that file is not enough: only the policies named here may be waived in
prod, no lower than the level given, for the design reason given. Adding a name here is a
reviewed code change; the config entry still carries the stack's own "reason". Dev keeps the
rule that any waiver needs a reason (config/dev.json follows the reference's dev column).
Levels and reasons follow docs/reference/policy_rules.md (the last column of each row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ProdWaiver:
    lowest: Literal["advisory", "disabled"]
    why: str


PROD_WAIVABLE: dict[str, ProdWaiver] = {
    "lb-target-group-no-plain-http": ProdWaiver(
        "disabled",
        "ALB-08: TLS ends at the ALB; targets are private and reachable only from the ALB SG "
        "(SG-03); container TLS would mean managing certificates in the task",
    ),
    "aws-cloudwatch-log-group-customer-key": ProdWaiver(
        "advisory",
        "CW-01: CloudWatch Logs encrypts at rest; a CMK is mandatory only if logs carry PII",
    ),
    "aws-ecr-repository-customer-key": ProdWaiver(
        "advisory",
        "ECR-04: AES256 encrypts at rest; a CMK adds a key fee and KMS calls on every pull",
    ),
    "aws-s3-encryption-customer-key": ProdWaiver(
        "advisory",
        "S3-06: the stack's buckets receive ALB access logs, which support SSE-S3 only",
    ),
    "aws-s3-require-mfa-delete": ProdWaiver(
        "disabled",
        "S3-12: only the root user with an MFA device can enable MFA delete; no deploy role can",
    ),
    "aws-s3-enable-object-read-logging": ProdWaiver(
        "disabled",
        "S3-13: CloudTrail data events belong to the account's (organization) trail, which this "
        "stack does not own",
    ),
    "s3-object-lock": ProdWaiver(
        "disabled",
        "S3-16: locked versions block lifecycle expiry and teardown of log buckets",
    ),
    "s3-cross-region-replication": ProdWaiver(
        "advisory",
        "S3-17: advisory in prod for the state bucket, which lives in the bootstrap project",
    ),
    "s3-event-notifications": ProdWaiver(
        "disabled",
        "S3-18: nothing in this architecture consumes bucket events",
    ),
}
