"""Graph builders the S3 policy tests share (tests/policy/test_s3_*.py): a bucket with its side
resources, a log-delivery bucket."""

from __future__ import annotations

from typing import Any

from tests.support.policy_cases import (
    res,
)


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
