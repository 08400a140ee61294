"""S3: the ALB access-log bucket and its settings."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

STORAGE_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:s3/bucket:Bucket", "s3/bucket.go", "s3_bucket",
        "bucket", "bucketPrefix", "objectLockEnabled", autoname="bucket",
        on_replace="a new, empty bucket; the old one keeps the logs only if retained",
    ),
    *(
        type_row(
            f"aws:s3/{kind}:{kind[0].upper()}{kind[1:]}", f"s3/{tf}.go", f"s3_{tf}",
            "bucket", autoname=None, unique_key=("bucket",),
        )
        for kind, tf in (
            ("bucketLifecycleConfiguration", "bucket_lifecycle_configuration"),
            ("bucketOwnershipControls", "bucket_ownership_controls"),
            ("bucketPolicy", "bucket_policy"),
            ("bucketPublicAccessBlock", "bucket_public_access_block"),
            ("bucketServerSideEncryptionConfiguration", "bucket_server_side_encryption_configuration"),
            ("bucketVersioning", "bucket_versioning"),
        )
    ),
)  # fmt: skip
