"""policy/rules/s3_operations.py: access logs, data events, naming, lifecycle, object lock,
replication, notifications and protection from a destroy. Each case is one graph that the pack,
through its Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import s3_operations
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    one,
    policies_without_both_sides,
    res,
    update_inputs,
)
from tests.support.s3_policy_cases import S3, VERSIONING, bucket_with, log_bucket
from tools.policy_gate import PolicyPackClient

TRAIL = "aws:cloudtrail/trail:Trail"


def trail(*selectors: dict[str, Any]) -> dict[str, Any]:
    return res(TRAIL, "trail", {"eventSelectors": list(selectors)})


def objects_of(*values: str) -> dict[str, Any]:
    return {"dataResources": [{"type": "AWS::S3::Object", "values": list(values)}]}


def lifecycle_rule(**rule: Any) -> tuple[str, dict[str, Any]]:
    return (
        S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        {"rules": [{"id": "r", "status": "Enabled", **rule}]},
    )


def cases() -> Iterator[Case]:
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
    stack_s3 = {
        "aws-s3-enable-logging": (S3 + "bucketLogging:BucketLogging", {"targetBucket": "logs"}),
        "s3-lifecycle-configured": lifecycle,
        "s3-cross-region-replication": (S3 + "bucketReplicationConfig:BucketReplicationConfig", {}),
        "s3-event-notifications": (S3 + "bucketNotification:BucketNotification", {}),
    }
    for policy, side in stack_s3.items():
        yield case(policy, "flags", *bucket_with(), flagged=("data",))
        yield case(policy, "passes", *bucket_with(side))
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


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
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
    lambda_events = {"dataResources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:s3"]}]}
    yield case(
        "aws-s3-enable-object-read-logging",
        "flags Lambda data events whatever their values",
        *bucket_with(),
        trail(lambda_events),
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
    assert policies_without_both_sides(CASES, s3_operations.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
