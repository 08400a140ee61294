"""What the S3 rules modules share: bucket and side-resource types, a bucket's side resources,
and which buckets receive logs or keep versions (policy_rules.md §9).

pulumi-aws v7 keeps both the unsuffixed and the deprecated `V2` side resources, so every
type tuple names both spellings (§14.1).
"""

from __future__ import annotations

from pulumi_policy import PolicyResource

from ._resources import Stack, nested


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


def is_versioned(stack: Stack, bucket: PolicyResource) -> bool:
    return any(
        nested(v.props, "versioningConfiguration", "status") == "Enabled"
        for v in side(stack, bucket, VERSIONING)
    )
