"""Settings that concern the whole stack: its environment, what survives a destroy, IAM bounds and
how long logs are kept."""

from __future__ import annotations

from dataclasses import dataclass

from components.config.resource_types import (
    ECR_REPOSITORY,
    IAM_ROLE,
    LOG_GROUP,
    S3_BUCKET,
    S3_BUCKET_LIFECYCLE,
)
from components.config.settings import on, setting

_STAGING_TAGS = {
    "tags": {
        "Project": "ecs-fargate",
        "Environment": "staging",
        "ManagedBy": "pulumi",
        "Owner": "platform-team",
    }
}


@dataclass(frozen=True, kw_only=True)
class GeneralConfig:
    environment: str = setting(
        "dev",
        doc="dev | staging | prod; prod requires a domain (HTTPS only)",
        # It picks the validation rules (prod: HTTPS only, no night schedule) and must match the
        # Environment default tag, which the provider adds; no resource input carries it.
        affects=(),
        example="staging",
        example_with={"aws:defaultTags": _STAGING_TAGS},
    )
    protect_stateful_resources: bool = setting(
        True,
        doc="protect/retain the ECR repository, log groups and access-log bucket; false lets one "
        "`pulumi destroy` remove everything, and then requires albDeletionProtection false too",
        affects=(
            *on(LOG_GROUP, "options.protect", "options.retainOnDelete"),
            *on(ECR_REPOSITORY, "forceDelete", "options.protect", "options.retainOnDelete"),
            *on(S3_BUCKET, "forceDestroy", "options.protect", "options.retainOnDelete"),
        ),
        example=False,
        example_with={"albDeletionProtection": False},
    )
    permissions_boundary_arn: str = setting(
        "",
        doc="permissions boundary of every IAM role of the stack: a policy ARN, or a policy name "
        "in this account (the bootstrap creates ecs-fargate-permissions-boundary); empty = none",
        affects=on(IAM_ROLE, "permissionsBoundary"),
        example="arn:aws:iam::123456789012:policy/team-boundary",
    )
    log_retention_days: int = setting(
        30,
        doc="retention of the application and WAF log groups (a CloudWatch Logs value: 1, 3, 5, "
        "7, 14, 30, 60, 90, ...)",
        # The access-log bucket expires objects after the same number of days.
        affects=(*on(LOG_GROUP, "retentionInDays"), *on(S3_BUCKET_LIFECYCLE, "rules")),
        example=90,
    )
