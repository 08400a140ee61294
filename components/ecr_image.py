"""An existing ECR image pinned by digest: the reference config accepts for ``image`` and the
repository it points into. Shared by config validation and the WebService, so it imports
neither."""

from __future__ import annotations

import re

ECR_IMAGE_URI = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/"
    r"(?P<repository>[a-z0-9._/-]+)@sha256:[0-9a-f]{64}"
)


def repository_arn_of_image(image_uri: str, *, partition: str) -> str:
    """The ECR repository ARN an image URI (validated by config) points into. GovCloud
    registries share the amazonaws.com domain, so the partition cannot come from the URI."""
    match = ECR_IMAGE_URI.fullmatch(image_uri)
    if not match:
        raise ValueError(f"not an ECR image URI pinned by digest: {image_uri}")
    return (
        f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repository']}"
    )
