"""policy/rules/s3.py: S3 buckets and their side resources. Each case is one graph that the pack,
through its Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import s3
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    doc,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def bucket_with(*sides: tuple[str, dict[str, Any]], protect: bool = True) -> list[dict[str, Any]]:
    resources = [res("bucket", "data", {"bucket": "data-bucket"}, protect=protect)]
    for i, (type_, inputs) in enumerate(sides):
        resources.append(
            res(type_, f"side{i}", {"bucket": "data-id", **inputs}, deps={"bucket": ["data"]})
        )
    return resources


S3 = "aws:s3/"
PAB = (S3 + "bucketPublicAccessBlock:BucketPublicAccessBlock", {})
VERSIONING = (
    S3 + "bucketVersioning:BucketVersioning",
    {"versioningConfiguration": {"status": "Enabled"}},
)


def cases() -> Iterator[Case]:
    sse = (
        S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        {
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": "arn:k",
                    },
                    "bucketKeyEnabled": True,
                }
            ]
        },
    )
    lifecycle = (
        S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        {
            "rules": [
                {
                    "id": "r",
                    "status": "Enabled",
                    "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
                    "noncurrentVersionExpiration": {"noncurrentDays": 90},
                }
            ]
        },
    )
    tls = (
        S3 + "bucketPolicy:BucketPolicy",
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        },
    )
    stack_s3 = {
        "aws-s3-specify-public-access-block": PAB,
        "s3-acls-disabled": (
            S3 + "bucketOwnershipControls:BucketOwnershipControls",
            {"rule": {"objectOwnership": "BucketOwnerEnforced"}},
        ),
        "aws-s3-enable-bucket-encryption": sse,
        "aws-s3-encryption-customer-key": sse,
        "aws-s3-enable-versioning": VERSIONING,
        "s3-deny-insecure-transport": tls,
        "aws-s3-enable-logging": (S3 + "bucketLogging:BucketLogging", {"targetBucket": "logs"}),
        "s3-lifecycle-configured": lifecycle,
        "s3-cross-region-replication": (S3 + "bucketReplicationConfig:BucketReplicationConfig", {}),
        "s3-event-notifications": (S3 + "bucketNotification:BucketNotification", {}),
    }
    for policy, side in stack_s3.items():
        yield case(policy, "flags", *bucket_with(), flagged=("data",))
        yield case(policy, "passes", *bucket_with(side))
    alb_logs = [
        res("bucket", "logs", {}),
        res(
            "lb",
            "alb",
            {"accessLogs": {"bucket": "logs", "enabled": True}},
            deps={"accessLogs": ["logs"]},
        ),
    ]
    yield case("aws-s3-enable-versioning-log-buckets", "flags", *alb_logs, flagged=("logs",))
    yield case(
        "aws-s3-enable-versioning-log-buckets",
        "passes",
        *[dict(r) for r in alb_logs],
        res(VERSIONING[0], "v", {"bucket": "logs", **VERSIONING[1]}, deps={"bucket": ["logs"]}),
    )
    yield from one(
        "s3-public-access-block-all-true",
        PAB[0],
        {"blockPublicAcls": True},
        {
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
    )
    yield from one(
        "aws-s3-no-public-access-with-acl",
        S3 + "bucketAclV2:BucketAclV2",
        {"acl": "public-read"},
        {"acl": "private"},
    )
    bp = S3 + "bucketPolicy:BucketPolicy"
    yield from one(
        "s3-policy-no-public-principal",
        bp,
        {
            "policy": doc(
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
            )
        },
        tls[1],
    )
    yield from one(
        "s3-policy-no-lockout",
        bp,
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            )
        },
        tls[1],
    )
    yield from one(
        "aws-s3-require-mfa-delete",
        VERSIONING[0],
        {"versioningConfiguration": {"status": "Enabled", "mfaDelete": "Disabled"}},
        VERSIONING[1],
    )
    trail = res(
        "aws:cloudtrail/trail:Trail",
        "trail",
        {
            "eventSelectors": [
                {"dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}
            ]
        },
    )
    yield case("aws-s3-enable-object-read-logging", "flags", *bucket_with(), flagged=("data",))
    yield case("aws-s3-enable-object-read-logging", "passes", *bucket_with(), trail)
    yield from one(
        "aws-s3-dns-compliant-name",
        "bucket",
        {"bucket": "myco.pulumi.state"},
        {"bucket": "myco-pulumi-state"},
    )
    yield from one("s3-object-lock", "bucket", {}, {"objectLockEnabled": True})
    yield case("state-bucket-protected", "flags", *bucket_with(protect=False), flagged=("data",))
    yield case("state-bucket-protected", "passes", *bucket_with(protect=True))


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, s3.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
