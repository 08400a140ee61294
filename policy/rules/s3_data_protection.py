"""S3 data protection: public access blocks, ACLs, default encryption, versioning and bucket
policies (policy_rules.md §9, S3-01 to S3-10)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, needs_referrer, resource_rule, stack_rule
from ._policy_documents import open_to_anyone, statements
from ._resources import Stack, as_list, is_true, nested
from ._s3 import (
    ACL,
    BUCKET_POLICY,
    BUCKETS,
    OWNERSHIP,
    PUBLIC_ACCESS_BLOCK,
    SSE,
    is_log_bucket,
    is_versioned,
    side,
)

pab_exists = stack_rule(
    name="aws-s3-specify-public-access-block",
    rows=["S3-01"],
    description="Every bucket has a public access block.",
    subjects=BUCKETS,
    fix="add aws.s3.BucketPublicAccessBlock(bucket=bucket.id) with all four flags true",
    severity="low",
    dev="M",
    sources="trivy AWS-0094; checkov CKV2_AWS_6",
    check=needs_referrer("bucket", PUBLIC_ACCESS_BLOCK, "the bucket has no public access block"),
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
    keeping_acls = [o for o in owners if o != "BucketOwnerEnforced"]
    if not owners:
        yield StackFinding(bucket, "object ownership is not declared, so drift to ACLs goes unseen")
    elif keeping_acls:
        yield StackFinding(
            bucket, f"object ownership is {keeping_acls[0]}, which keeps ACLs active"
        )


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


def _versioning(stack: Stack, bucket: PolicyResource, logs: bool) -> Iterator[StackFinding]:
    if is_log_bucket(stack, bucket) != logs:
        return
    if not is_versioned(stack, bucket):
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
    for i in open_to_anyone(args.props.get("policy")):
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
]
