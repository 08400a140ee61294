"""S3 buckets and their v7 side resources (policy_rules.md §9).

pulumi-aws v7 keeps both the unsuffixed and the deprecated `V2` side resources, so every
type tuple names both spellings (§14.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._policy_documents import anyone_principal, statements
from ._resources import Stack, as_list, is_true, nested


def _both(name: str) -> tuple[str, str]:
    lower = name[0].lower() + name[1:]
    return (f"aws:s3/{lower}:{name}", f"aws:s3/{lower}V2:{name}V2")


BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
SSE = _both("BucketServerSideEncryptionConfiguration")
VERSIONING = _both("BucketVersioning")
LOGGING = _both("BucketLogging")
LIFECYCLE = _both("BucketLifecycleConfiguration")
ACL = _both("BucketAcl")
REPLICATION = ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",)
NOTIFICATION = ("aws:s3/bucketNotification:BucketNotification",)
OWNERSHIP = ("aws:s3/bucketOwnershipControls:BucketOwnershipControls",)
BUCKET_POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
TRAIL = "aws:cloudtrail/trail:Trail"


def side(stack: Stack, bucket: PolicyResource, types: tuple[str, ...]) -> list[PolicyResource]:
    return stack.referencing(bucket, "bucket", *types)


def is_log_bucket(stack: Stack, bucket: PolicyResource) -> bool:
    """Buckets that receive ALB access logs, flow logs or server access logs."""
    return bool(
        stack.referencing(bucket, "accessLogs", *LOAD_BALANCERS)
        or stack.referencing(bucket, "logDestination", FLOW_LOG)
        or stack.referencing(bucket, "targetBucket", *LOGGING)
    )


def _pab_exists(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if not side(stack, bucket, PUBLIC_ACCESS_BLOCK):
        yield StackFinding(bucket, "the bucket has no public access block")


pab_exists = stack_rule(
    name="aws-s3-specify-public-access-block",
    rows=["S3-01"],
    description="Every bucket has a public access block.",
    subjects=BUCKETS,
    fix="add aws.s3.BucketPublicAccessBlock(bucket=bucket.id) with all four flags true",
    severity="low",
    dev="M",
    sources="trivy AWS-0094; checkov CKV2_AWS_6",
    check=_pab_exists,
)

PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _pab_all_true(args: ResourceValidationArgs) -> Iterator[str]:
    off = [flag for flag in PAB_FLAGS if not is_true(args.props.get(flag))]
    if off:
        yield f"{', '.join(off)} not true"


pab_all_true = resource_rule(
    name="s3-public-access-block-all-true",
    rows=["S3-02"],
    description="Public access blocks set all four flags.",
    types=[*PUBLIC_ACCESS_BLOCK, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
    fix="set block_public_acls, block_public_policy, ignore_public_acls and "
    "restrict_public_buckets to True",
    severity="high",
    dev="M",
    sources="trivy AWS-0086, AWS-0087, AWS-0091, AWS-0093; checkov CKV_AWS_53-56",
    check=_pab_all_true,
)

PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEES = ("AllUsers", "AuthenticatedUsers")


def _public_acl(args: ResourceValidationArgs) -> Iterator[str]:
    acl = args.props.get("acl")
    if acl in PUBLIC_ACLS:
        yield f"the canned ACL {acl} opens the bucket"
    grants = as_list(nested(args.props, "accessControlPolicy", "grants")) + as_list(
        args.props.get("grants")
    )
    for grant in grants:
        uri = str(nested(grant, "grantee", "uri") or grant.get("uri") or "")
        if uri.endswith(PUBLIC_GRANTEES):
            yield f"a grant to {uri.rsplit('/', 1)[-1]}"


public_acl = resource_rule(
    name="aws-s3-no-public-access-with-acl",
    rows=["S3-03"],
    description="No public or authenticated-users ACLs.",
    types=[*ACL, *BUCKETS],
    fix="remove the ACL; keep ACLs disabled with BucketOwnerEnforced (S3-04)",
    severity="high",
    dev="M",
    sources="trivy AWS-0092; checkov CKV_AWS_20, CKV_AWS_57, CKV2_AWS_43, CKV_AWS_375",
    check=_public_acl,
)


def _acls_disabled(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    controls = side(stack, bucket, OWNERSHIP)
    owners = [nested(c.props, "rule", "objectOwnership") for c in controls]
    if not owners:
        yield StackFinding(bucket, "object ownership is not declared, so drift to ACLs goes unseen")
    elif any(o != "BucketOwnerEnforced" for o in owners):
        yield StackFinding(bucket, f"object ownership is {owners[0]}, which keeps ACLs active")


acls_disabled = stack_rule(
    name="s3-acls-disabled",
    rows=["S3-04"],
    description="Buckets declare BucketOwnerEnforced (ACLs disabled).",
    subjects=BUCKETS,
    fix='add aws.s3.BucketOwnershipControls(rule={"object_ownership": "BucketOwnerEnforced"})',
    severity="medium",
    dev="M",
    sources="checkov CKV2_AWS_65",
    check=_acls_disabled,
)


def _sse_algorithms(stack: Stack, bucket: PolicyResource) -> list[tuple[str, str, bool]]:
    found: list[tuple[str, str, bool]] = []
    for config in side(stack, bucket, SSE):
        for rule in as_list(config.props.get("rules")):
            default = rule.get("applyServerSideEncryptionByDefault") or {}
            found.append(
                (
                    str(default.get("sseAlgorithm") or ""),
                    str(default.get("kmsMasterKeyId") or ""),
                    is_true(rule.get("bucketKeyEnabled")),
                )
            )
    return found


def _sse_declared(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if not any(
        alg in ("AES256", "aws:kms", "aws:kms:dsse") for alg, _, _ in _sse_algorithms(stack, bucket)
    ):
        yield StackFinding(bucket, "no default server-side encryption is declared")


sse_declared = stack_rule(
    name="aws-s3-enable-bucket-encryption",
    rows=["S3-05"],
    description="Buckets declare default encryption.",
    subjects=BUCKETS,
    fix="add a BucketServerSideEncryptionConfiguration with sse_algorithm AES256 or aws:kms",
    severity="high",
    dev="M",
    sources="trivy AWS-0088 (tfsec); checkov CKV_AWS_19; CR aws-s3-bucket-enable-server-side-"
    "encryption",
    check=_sse_declared,
)


def _sse_cmk(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket):
        return  # ALB access logs only support SSE-S3 (aws/aws-cdk#21947)
    if not any(
        alg == "aws:kms" and key and bucket_key
        for alg, key, bucket_key in _sse_algorithms(stack, bucket)
    ):
        yield StackFinding(bucket, "the bucket is not encrypted with a customer-managed KMS key")


sse_cmk = stack_rule(
    name="aws-s3-encryption-customer-key",
    rows=["S3-06"],
    description="Data buckets use a CMK with bucket keys; log-delivery buckets are exempt.",
    subjects=BUCKETS,
    fix="use sse_algorithm aws:kms with kms_master_key_id=<cmk> and bucket_key_enabled=True",
    severity="high",
    dev="A",
    sources="trivy AWS-0132; checkov CKV_AWS_145",
    check=_sse_cmk,
)


def _versioned(stack: Stack, bucket: PolicyResource) -> bool:
    return any(
        nested(v.props, "versioningConfiguration", "status") == "Enabled"
        for v in side(stack, bucket, VERSIONING)
    )


def _versioning(stack: Stack, bucket: PolicyResource, logs: bool) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket) != logs:
        return
    if not _versioned(stack, bucket):
        yield StackFinding(bucket, "versioning is not enabled")


versioning = stack_rule(
    name="aws-s3-enable-versioning",
    rows=["S3-07"],
    description="Data buckets (the state bucket above all) are versioned.",
    subjects=BUCKETS,
    fix='add BucketVersioning(versioning_configuration={"status": "Enabled"})',
    severity="medium",
    dev="M",
    sources="trivy AWS-0090; checkov CKV_AWS_21",
    check=lambda stack, bucket: _versioning(stack, bucket, logs=False),
)

versioning_log_buckets = stack_rule(
    name="aws-s3-enable-versioning-log-buckets",
    rows=["S3-07"],
    description="Log-delivery buckets are versioned.",
    subjects=BUCKETS,
    fix='add BucketVersioning(versioning_configuration={"status": "Enabled"}) with a '
    "noncurrent-version expiry",
    severity="medium",
    dev="A",
    sources="trivy AWS-0090; checkov CKV_AWS_21 (log-bucket part of S3-07)",
    check=lambda stack, bucket: _versioning(stack, bucket, logs=True),
)


def _tls_only(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    for policy in side(stack, bucket, BUCKET_POLICY):
        for s in statements(policy.props.get("policy")):
            insecure = [
                v
                for op, block in s.conditions.items()
                if op == "Bool"
                for k, values in block.items()
                if k.lower() == "aws:securetransport"
                for v in values
            ]
            if s.effect == "Deny" and "false" in insecure:
                return
    yield StackFinding(bucket, "no bucket-policy Deny for requests without TLS")


tls_only = stack_rule(
    name="s3-deny-insecure-transport",
    rows=["S3-08"],
    description="Bucket policies deny non-TLS requests.",
    subjects=BUCKETS,
    fix="add a Deny s3:* on the bucket and its objects with Bool aws:SecureTransport = false",
    severity="medium",
    dev="M",
    sources="AWS Config s3-bucket-ssl-requests-only (Security Hub S3.5); checkov CKV_AWS_379",
    check=_tls_only,
)


def _policy_public(args: ResourceValidationArgs) -> Iterator[str]:
    for i, s in enumerate(statements(args.props.get("policy"))):
        if s.allows and anyone_principal(s):
            yield f"statement {i} allows any principal"


policy_public = resource_rule(
    name="s3-policy-no-public-principal",
    rows=["S3-09"],
    description='Bucket policies never allow "*".',
    types=BUCKET_POLICY,
    fix="name the deploy/plan role ARNs or the log-delivery service principal",
    severity="critical",
    dev="M",
    sources="checkov CKV_AWS_70, CKV_AWS_283",
    check=_policy_public,
)


def _policy_lockout(args: ResourceValidationArgs) -> Iterator[str]:
    for i, s in enumerate(statements(args.props.get("policy"))):
        if s.effect == "Deny" and s.not_principal:
            yield f"statement {i} denies everyone but a NotPrincipal, which can lock the bucket"


policy_lockout = resource_rule(
    name="s3-policy-no-lockout",
    rows=["S3-10"],
    description="Bucket policies do not lock everyone out.",
    types=BUCKET_POLICY,
    fix="scope the Deny with conditions instead of NotPrincipal",
    severity="medium",
    dev="A",
    sources="checkov CKV_AWS_93",
    check=_policy_lockout,
)


def _access_logging(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket):
        return
    if not side(stack, bucket, LOGGING):
        yield StackFinding(bucket, "server access logging is off")


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
    check=_access_logging,
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
    if _versioned(stack, bucket) and not any(r.get("noncurrentVersionExpiration") for r in rules):
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


def _replication(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket):
        return
    if not side(stack, bucket, REPLICATION):
        yield StackFinding(bucket, "the bucket is not replicated to another region")


replication = stack_rule(
    name="s3-cross-region-replication",
    rows=["S3-17"],
    description="Data buckets replicate cross-region.",
    subjects=BUCKETS,
    fix="add a BucketReplicationConfig to a bucket in a second region",
    severity="high",
    dev="W",
    sources="checkov CKV_AWS_144; CR aws-s3-bucket-enable-replication-configuration",
    check=_replication,
)


def _notifications(stack: Stack, bucket: PolicyResource) -> Iterator[StackFinding]:
    if not side(stack, bucket, NOTIFICATION):
        yield StackFinding(bucket, "no event notifications are configured")


notifications = stack_rule(
    name="s3-event-notifications",
    rows=["S3-18"],
    description="Buckets send event notifications.",
    subjects=BUCKETS,
    fix="add an aws.s3.BucketNotification to a consumer",
    severity="low",
    dev="W",
    sources="checkov CKV2_AWS_62",
    check=_notifications,
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
    pab_exists,
    pab_all_true,
    public_acl,
    acls_disabled,
    sse_declared,
    sse_cmk,
    versioning,
    versioning_log_buckets,
    tls_only,
    policy_public,
    policy_lockout,
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
