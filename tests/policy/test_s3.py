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
    update_inputs,
)
from tools.policy_gate import PolicyPackClient


def bucket_with(*sides: tuple[str, dict[str, Any]], protect: bool = True) -> list[dict[str, Any]]:
    resources = [res("bucket", "data", {"bucket": "data-bucket"}, protect=protect)]
    for i, (type_, inputs) in enumerate(sides):
        resources.append(
            res(type_, f"side{i}", {"bucket": "data-id", **inputs}, deps={"bucket": ["data"]})
        )
    return resources


def log_bucket() -> list[dict[str, Any]]:
    """A bucket that receives an ALB's access logs."""
    return [
        res("bucket", "logs", {}),
        res(
            "lb",
            "alb",
            {"accessLogs": {"bucket": "logs", "enabled": True}},
            deps={"accessLogs": ["logs"]},
        ),
    ]


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
    yield case("aws-s3-enable-versioning-log-buckets", "flags", *log_bucket(), flagged=("logs",))
    yield case(
        "aws-s3-enable-versioning-log-buckets",
        "passes",
        *log_bucket(),
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


TRAIL = "aws:cloudtrail/trail:Trail"
BUCKET_POLICY = S3 + "bucketPolicy:BucketPolicy"


def trail(*selectors: dict[str, Any]) -> dict[str, Any]:
    return res(TRAIL, "trail", {"eventSelectors": list(selectors)})


def objects_of(*values: str) -> dict[str, Any]:
    return {"dataResources": [{"type": "AWS::S3::Object", "values": list(values)}]}


def tls_statement(effect: str = "Deny", secure_transport: Any = "false") -> dict[str, Any]:
    return {
        "Effect": effect,
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": secure_transport}},
    }


def lifecycle_rule(**rule: Any) -> tuple[str, dict[str, Any]]:
    return (
        S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        {"rules": [{"id": "r", "status": "Enabled", **rule}]},
    )


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "aws-s3-no-public-access-with-acl"
    for grantee in ("AllUsers", "AuthenticatedUsers"):
        grant = {
            "grantee": {
                "type": "Group",
                "uri": f"http://acs.amazonaws.com/groups/global/{grantee}",
            },
            "permission": "READ",
        }
        yield case(
            p,
            f"flags a grant to {grantee}",
            res(
                S3 + "bucketAclV2:BucketAclV2",
                "bad",
                {"accessControlPolicy": {"grants": [grant], "owner": {"id": "o"}}},
            ),
            flagged=("bad",),
        )
    yield case(
        p,
        "flags a grant by URI on a bucket",
        res(
            "bucket",
            "bad",
            {
                "grants": [
                    {
                        "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                        "type": "Group",
                        "permissions": ["READ"],
                    }
                ]
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a grant to the log-delivery group",
        res(
            S3 + "bucketAclV2:BucketAclV2",
            "good",
            {
                "accessControlPolicy": {
                    "grants": [
                        {
                            "grantee": {
                                "type": "Group",
                                "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery",
                            },
                            "permission": "WRITE",
                        }
                    ]
                }
            },
        ),
    )
    yield case(
        "s3-acls-disabled",
        "flags ObjectWriter",
        *bucket_with(
            (
                S3 + "bucketOwnershipControls:BucketOwnershipControls",
                {"rule": {"objectOwnership": "ObjectWriter"}},
            )
        ),
        flagged=("data",),
    )
    p = "s3-deny-insecure-transport"
    yield case(
        p,
        "flags an Allow on SecureTransport false",
        *bucket_with((BUCKET_POLICY, {"policy": doc(tls_statement("Allow"))})),
        flagged=("data",),
    )
    yield case(
        p,
        "flags a Deny on SecureTransport true",
        *bucket_with((BUCKET_POLICY, {"policy": doc(tls_statement(secure_transport="true"))})),
        flagged=("data",),
    )
    yield case(
        p,
        "passes SecureTransport given as a boolean",
        *bucket_with((BUCKET_POLICY, {"policy": doc(tls_statement(secure_transport=False))})),
    )
    p = "aws-s3-enable-object-read-logging"
    yield case(p, "flags a trail without selectors", *bucket_with(), trail(), flagged=("data",))
    yield case(
        p,
        "flags a trail of Lambda data events",
        *bucket_with(),
        trail({"dataResources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]}),
        flagged=("data",),
    )
    yield case(
        p,
        "flags a selector of management events only",
        *bucket_with(),
        trail({"readWriteType": "All"}),
        flagged=("data",),
    )
    yield case(
        p,
        "flags a trail of another bucket's objects",
        *bucket_with(),
        trail(objects_of("arn:aws:s3:::other-bucket/")),
        flagged=("data",),
    )
    yield case(
        p,
        "passes a trail of this bucket's objects",
        *bucket_with(),
        trail(objects_of("arn:aws:s3:::data-bucket/")),
    )
    yield case(
        p,
        "passes a log bucket",
        *log_bucket(),
    )
    p = "s3-lifecycle-configured"
    yield case(
        p,
        "flags no multipart abort",
        *bucket_with(lifecycle_rule(noncurrentVersionExpiration={"noncurrentDays": 90})),
        flagged=("data",),
    )
    yield case(
        p,
        "flags a versioned bucket whose old versions never expire",
        *bucket_with(
            lifecycle_rule(abortIncompleteMultipartUpload={"daysAfterInitiation": 7}), VERSIONING
        ),
        flagged=("data",),
    )
    yield case(
        p,
        "passes an unversioned bucket without noncurrent expiry",
        *bucket_with(lifecycle_rule(abortIncompleteMultipartUpload={"daysAfterInitiation": 7})),
    )
    yield case(
        p,
        "flags a disabled rule",
        *bucket_with(
            lifecycle_rule(
                status="Disabled", abortIncompleteMultipartUpload={"daysAfterInitiation": 7}
            )
        ),
        flagged=("data",),
    )
    yield case("aws-s3-enable-versioning", "passes an unversioned log bucket", *log_bucket())
    yield case(
        "aws-s3-enable-versioning-log-buckets", "passes an unversioned data bucket", *bucket_with()
    )
    for status in ("Suspended", "Disabled"):
        versioning = (VERSIONING[0], {"versioningConfiguration": {"status": status}})
        yield case(
            "aws-s3-enable-versioning",
            f"flags versioning {status}",
            *bucket_with(versioning),
            flagged=("data",),
        )
    yield case(
        "s3-policy-no-lockout",
        "passes an Allow with NotPrincipal",
        *bucket_with(
            (
                BUCKET_POLICY,
                {
                    "policy": doc(
                        {
                            "Effect": "Allow",
                            "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                            "Action": "s3:GetObject",
                            "Resource": "*",
                        }
                    )
                },
            )
        ),
    )
    sse_rule = {
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256", "kmsMasterKeyId": "arn:k"},
        "bucketKeyEnabled": True,
    }
    yield case(
        "aws-s3-encryption-customer-key",
        "flags AES256 even with a key and a bucket key",
        *bucket_with(
            (
                S3
                + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                {"rules": [sse_rule]},
            )
        ),
        flagged=("data",),
    )
    lambda_events = {"dataResources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:s3"]}]}
    yield case(
        "aws-s3-enable-object-read-logging",
        "flags Lambda data events whatever their values",
        *bucket_with(),
        trail(lambda_events),
        flagged=("data",),
    )
    p = "s3-deny-insecure-transport"
    for operator, key in (
        ("StringEquals", "aws:SecureTransport"),
        ("ArnLike", "aws:SecureTransport"),
        ("Bool", "aws:ViaAWSService"),
        ("Bool", "aws:MultiFactorAuthPresent"),
    ):
        statement = {**tls_statement(), "Condition": {operator: {key: "false"}}}
        yield case(
            p,
            f"flags a Deny on {operator} {key}",
            *bucket_with((BUCKET_POLICY, {"policy": doc(statement)})),
            flagged=("data",),
        )
    yield case(
        "aws-s3-enable-logging",
        "passes a bucket that receives server access logs",
        res("bucket", "logs", {}),
        *bucket_with((S3 + "bucketLogging:BucketLogging", {"targetBucket": "logs-id"})),
    )
    p = "state-bucket-protected"
    force = bucket_with()
    update_inputs(force[0], forceDestroy=True)
    yield case(p, "flags force_destroy", *force, flagged=("data",))
    yield case(
        p,
        "passes an unprotected log bucket",
        *log_bucket(),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, s3.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
