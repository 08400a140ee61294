"""An existing ECR image pinned by digest: the reference config accepts for ``image`` and the
repository it points into. Shared by config validation and the WebService, so it imports
neither.

ECR answers on two registry hosts for the same repository (ECR user guide, "Making requests to
Amazon ECR registries"): ``<account>.dkr.ecr.<region>.amazonaws.com`` (IPv4 only; the one
PrivateLink serves) and the dual-stack ``<account>.dkr-ecr.<region>.on.aws`` (IPv4 and IPv6; not
served through PrivateLink). Which one a task can reach depends on the network's egress mode.
"""

from __future__ import annotations

import re

IPV4_REGISTRY = "dkr.ecr.{region}.amazonaws.com"
DUAL_STACK_REGISTRY = "dkr-ecr.{region}.on.aws"

ECR_IMAGE_URI = re.compile(
    r"(?P<account>\d{12})\."
    r"(?:dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com"
    r"|dkr-ecr\.(?P<dual_stack_region>[a-z0-9-]+)\.on\.aws)/"
    r"(?P<repository>[a-z0-9._/-]+)@sha256:[0-9a-f]{64}"
)


def image_region(match: re.Match[str]) -> str:
    """The region of an ``ECR_IMAGE_URI`` match, whichever registry host it names."""
    return match["region"] or match["dual_stack_region"]


def is_dual_stack(match: re.Match[str]) -> bool:
    return match["dual_stack_region"] is not None


def dual_stack_image(image_uri: str) -> str:
    """The same image through the dual-stack registry host (IPv6-only tasks must pull from it:
    ECS developer guide, IPv6-only considerations). A URI already on that host is returned as is.

    Works on a repository URL or an image URI, with or without a tag or digest: only the host
    changes, the repository and the image stay the same."""
    host, slash, rest = image_uri.partition("/")
    ipv4 = re.fullmatch(r"(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com", host)
    if ipv4 is None:
        if re.fullmatch(r"\d{12}\.dkr-ecr\.[a-z0-9-]+\.on\.aws", host):
            return image_uri
        raise ValueError(f"not an ECR registry host: {host}")
    account, region = ipv4.groups()
    return f"{account}.{DUAL_STACK_REGISTRY.format(region=region)}{slash}{rest}"


def repository_arn_of_image(image_uri: str, *, partition: str) -> str:
    """The ECR repository ARN an image URI (validated by config) points into. GovCloud
    registries share the amazonaws.com domain, so the partition cannot come from the URI."""
    match = ECR_IMAGE_URI.fullmatch(image_uri)
    if not match:
        raise ValueError(f"not an ECR image URI pinned by digest: {image_uri}")
    return (
        f"arn:{partition}:ecr:{image_region(match)}:{match['account']}"
        f":repository/{match['repository']}"
    )
