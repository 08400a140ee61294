"""S3 operations: access logs and object-level audit, naming, lifecycle, object lock,
replication, event notifications and protection from a destroy (policy_rules.md §9, S3-11 to
S3-19)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, needs_referrer, resource_rule, stack_rule
from ._resources import Stack, as_list, is_true, nested
from ._s3 import (
    BUCKETS,
    LIFECYCLE,
    LOGGING,
    NOTIFICATION,
    REPLICATION,
    TRAIL,
    VERSIONING,
    is_log_bucket,
    is_versioned,
    side,
)

access_logging = stack_rule(
    name="aws-s3-enable-logging",
    rows=["S3-11"],
    description="Data buckets log access to a separate bucket.",
    subjects=BUCKETS,
    fix='add BucketLogging(bucket=bucket.id, target_bucket=logs.id, target_prefix="<name>/")',
    severity="low",
    dev="A",
    sources="trivy AWS-0089 (tfsec aws-s3-enable-bucket-logging); checkov CKV_AWS_18; AWSGuard "
    "s3-bucket-logging-enabled",
    check=needs_referrer("bucket", LOGGING, "server access logging is off", unless=is_log_bucket),
)


def _mfa_delete(args: ResourceValidationArgs) -> Iterator[str]:
    if nested(args.props, "versioningConfiguration", "mfaDelete") == "Disabled":
        yield "MFA delete is explicitly disabled"


mfa_delete = resource_rule(
    name="aws-s3-require-mfa-delete",
    rows=["S3-12"],
    description="MFA delete is not explicitly disabled.",
    types=VERSIONING,
    fix="omit mfa_delete (only the root user can enable it, out of band)",
    severity="low",
    dev="W",
    sources="trivy AWS-0170",
    check=_mfa_delete,
)


# CloudTrail data-resource values for S3 objects: `arn:<partition>:s3` (every bucket) or
# `arn:<partition>:s3:::<bucket>/<optional prefix>` (AWS CloudTrail API reference,
# DataResource.Values).
S3_OBJECT_VALUE = re.compile(r"arn:aws[a-z-]*:s3(:::(?P<bucket>[^/]+)/.*)?")


def _trail_covers(values: list[object], bucket: PolicyResource) -> bool:
    names = {bucket.props.get("bucket"), bucket.props.get("id")}
    for value in values:
        match = S3_OBJECT_VALUE.fullmatch(str(value))
        if match and (match["bucket"] is None or match["bucket"] in names):
            return True
    return False


def _data_events(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket):
        return
    for trail in stack.of_type(TRAIL):
        for selector in as_list(trail.props.get("eventSelectors")):
            for resource in as_list(selector.get("dataResources")):
                if resource.get("type") == "AWS::S3::Object" and _trail_covers(
                    as_list(resource.get("values")), bucket
                ):
                    return
    yield StackFinding(bucket, "no CloudTrail data events cover the bucket's objects")


data_events = stack_rule(
    name="aws-s3-enable-object-read-logging",
    rows=["S3-13"],
    description="CloudTrail records object reads and writes of data buckets.",
    subjects=BUCKETS,
    fix="add trail event_selectors for AWS::S3::Object on the bucket ARN",
    severity="low",
    dev="W",
    sources="trivy AWS-0172 (read), AWS-0171 (write)",
    check=_data_events,
)


def _dns_name(args: ResourceValidationArgs) -> Iterator[str]:
    name = str(args.props.get("bucket") or "")
    if "." in name:
        yield f"the bucket name {name!r} contains dots, which breaks virtual-host TLS"


dns_name = resource_rule(
    name="aws-s3-dns-compliant-name",
    rows=["S3-14"],
    description="Bucket names contain no dots.",
    types=BUCKETS,
    fix="use dashes (myco-pulumi-state-dev)",
    severity="medium",
    dev="M",
    sources="trivy AWS-0320",
    check=_dns_name,
)


def _lifecycle(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    rules = [
        r
        for config in side(stack, bucket, LIFECYCLE)
        for r in as_list(config.props.get("rules"))
        if r.get("status", "Enabled") == "Enabled"
    ]
    if not rules:
        yield StackFinding(bucket, "no lifecycle configuration")
        return
    if not any(nested(r, "abortIncompleteMultipartUpload", "daysAfterInitiation") for r in rules):
        yield StackFinding(bucket, "incomplete multipart uploads are never aborted")
    if is_versioned(stack, bucket) and not any(r.get("noncurrentVersionExpiration") for r in rules):
        yield StackFinding(bucket, "noncurrent versions never expire on a versioned bucket")


lifecycle = stack_rule(
    name="s3-lifecycle-configured",
    rows=["S3-15"],
    description="Buckets expire noncurrent versions and abort stale uploads.",
    subjects=BUCKETS,
    fix="add BucketLifecycleConfiguration rules with noncurrent_version_expiration (90 d) and "
    "abort_incomplete_multipart_upload (7 d)",
    severity="low",
    dev="M",
    sources="checkov CKV2_AWS_61, CKV_AWS_300",
    check=_lifecycle,
)


def _object_lock(args: ResourceValidationArgs) -> Iterator[str]:
    if not is_true(args.props.get("objectLockEnabled")):
        yield "object lock is off"


object_lock = resource_rule(
    name="s3-object-lock",
    rows=["S3-16"],
    description="Buckets enable object lock.",
    types=BUCKETS,
    fix="set object_lock_enabled=True at creation",
    severity="low",
    dev="W",
    sources="checkov CKV_AWS_143",
    check=_object_lock,
)


replication = stack_rule(
    name="s3-cross-region-replication",
    rows=["S3-17"],
    description="Data buckets replicate cross-region.",
    subjects=BUCKETS,
    fix="add a BucketReplicationConfig to a bucket in a second region",
    severity="high",
    dev="W",
    sources="checkov CKV_AWS_144; CR aws-s3-bucket-enable-replication-configuration",
    check=needs_referrer(
        "bucket",
        REPLICATION,
        "the bucket is not replicated to another region",
        unless=is_log_bucket,
    ),
)


notifications = stack_rule(
    name="s3-event-notifications",
    rows=["S3-18"],
    description="Buckets send event notifications.",
    subjects=BUCKETS,
    fix="add an aws.s3.BucketNotification to a consumer",
    severity="low",
    dev="W",
    sources="checkov CKV2_AWS_62",
    check=needs_referrer("bucket", NOTIFICATION, "no event notifications are configured"),
)


def _protected(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket):
        return
    if is_true(bucket.props.get("forceDestroy")):
        yield StackFinding(bucket, "force_destroy is true, so a destroy empties the bucket")
    if not bucket.opts.protect:
        yield StackFinding(bucket, "the bucket is not protected (protect=False)")


protected = stack_rule(
    name="state-bucket-protected",
    rows=["S3-19"],
    description="Data buckets (the state bucket) cannot be destroyed by accident.",
    subjects=BUCKETS,
    fix="set force_destroy=False and opts=ResourceOptions(protect=True)",
    severity="high",
    dev="M",
    sources="custom",
    check=_protected,
)


POLICIES = [
    access_logging,
    mfa_delete,
    data_events,
    dns_name,
    lifecycle,
    object_lock,
    replication,
    notifications,
    protected,
]
