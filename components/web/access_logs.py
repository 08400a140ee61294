"""The ALB's access-log bucket and the policy that lets ELB log delivery write to it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi_aws as aws

from components.iam import deny_insecure_transport, policy_document
from components.web.scope import Scope

ACCESS_LOG_PREFIX = "alb"
# Expired or deleted access-log versions stay recoverable this long.
NONCURRENT_LOG_DAYS = 7
# In regions that opened before August 2022, ALB log delivery writes as the region's ELB account;
# newer regions use the logdelivery service principal, which the policy always grants as well. A
# region missing here would get only the principal, and the ALB would reject the bucket ("Access
# Denied for bucket"). AWS ELB guide, "Enable access logs"; the provider's aws.elb.getServiceAccount.
LEGACY_ELB_LOG_ACCOUNTS = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}


@dataclass(frozen=True, kw_only=True)
class AccessLogBucket:
    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy
    """The ALB waits for it: ELB checks it may write before it turns logging on (pitfall:
    alb-access-logs)."""


def access_log_bucket(scope: Scope, *, retention_days: int) -> AccessLogBucket:
    """The ALB's access-log bucket: SSE-S3, private, versioned, expiring with the logs."""
    name = scope.named("alb-logs")
    bucket = aws.s3.Bucket(
        name,
        force_destroy=not scope.protect_stateful_resources,
        opts=scope.stateful(),
    )
    # ALB log delivery supports SSE-S3 only, not KMS (pitfall: alb-access-logs).
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
        opts=scope.child(),
    )
    public_access_block = aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=scope.child(),
    )
    # ACLs off: log delivery needs none, and a BucketAcl would fail on this bucket.
    aws.s3.BucketOwnershipControls(
        name,
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=scope.child(),
    )
    # Versioned, so a deleted or overwritten log file stays recoverable for a while (S3-07).
    versioning = aws.s3.BucketVersioning(
        name,
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
        opts=scope.child(),
    )
    lifecycle_rule: aws.s3.BucketLifecycleConfigurationRuleArgsDict = {
        "id": "expire-access-logs",
        "status": "Enabled",
        "filter": {"prefix": f"{ACCESS_LOG_PREFIX}/"},
        "expiration": {"days": retention_days},
        "noncurrent_version_expiration": {"noncurrent_days": NONCURRENT_LOG_DAYS},
        "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
    }
    aws.s3.BucketLifecycleConfiguration(
        name,
        bucket=bucket.id,
        rules=[lifecycle_rule],
        opts=scope.child(depends_on=[versioning]),
    )
    policy = aws.s3.BucketPolicy(
        name,
        bucket=bucket.id,
        policy=bucket.arn.apply(
            lambda arn: json.dumps(
                access_log_bucket_policy(arn, region=scope.region, account_id=scope.account_id)
            )
        ),
        # S3 rejects a policy while the public access block is being written.
        opts=scope.child(depends_on=[public_access_block]),
    )
    return AccessLogBucket(bucket=bucket, policy=policy)


def access_log_bucket_policy(bucket_arn: str, *, region: str, account_id: str) -> dict[str, Any]:
    """ALB log delivery may write under <prefix>/AWSLogs/<account>/; nothing over plain HTTP."""
    log_objects = f"{bucket_arn}/{ACCESS_LOG_PREFIX}/AWSLogs/{account_id}/*"
    principals: dict[str, str] = {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AlbLogDelivery",
            "Effect": "Allow",
            "Principal": principals,
            "Action": "s3:PutObject",
            "Resource": log_objects,
        }
    ]
    legacy_account = LEGACY_ELB_LOG_ACCOUNTS.get(region)
    if legacy_account:
        statements.append(
            {
                "Sid": "AlbLogDeliveryRegionalAccount",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{legacy_account}:root"},
                "Action": "s3:PutObject",
                "Resource": log_objects,
            }
        )
    statements.append(deny_insecure_transport("DenyPlainHttp", bucket_arn))
    return policy_document(*statements)
