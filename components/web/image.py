"""The app image: built from app/ and pushed to the stack's ECR repository, or an existing image
pinned by digest."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.config import ServiceConfig
from components.ecr_image import dual_stack_image, repository_arn_of_image
from components.web.scope import Scope

PROJECT_DIR = Path(__file__).resolve().parents[2]
APP_DIR = PROJECT_DIR / "app"
# The child awsx.ecr.Image builds and pushes with (pulumi-awsx awsx/ecr/image.ts: `new
# docker.Image(imageName, ...)` from @pulumi/docker-build, named after the tag).
DOCKER_BUILD_IMAGE = "docker-build:index:Image"


def retain_pushed_image(
    args: pulumi.ResourceTransformArgs,
) -> pulumi.ResourceTransformResult | None:
    """Keep the pushed image in ECR when awsx's docker-build child is deleted.

    The child is named after the tag, so every new app/ build deletes the previous child at the
    end of `up`, and docker-build's delete removes its manifest from the registry
    (pulumi/pulumi-docker-build#606, #581). The previous task definition revision, which the
    circuit breaker and the runbook roll back to, would then fail with CannotPullContainerError.
    Transforms (unlike retain_on_delete or transformations) reach the children of a packaged
    component such as awsx's (https://www.pulumi.com/docs/iac/concepts/resources/options/transforms/).
    Old images go by the repository's lifecycle policy instead (KEEP_IMAGES).
    """
    if args.type_ != DOCKER_BUILD_IMAGE:
        return None
    return pulumi.ResourceTransformResult(
        props=args.props,
        opts=pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(retain_on_delete=True)),
    )


def build_context(app_dir: Path) -> str:
    """The build context relative to the project directory (the program's working directory),
    so the input, and the diff, do not depend on where the repository is checked out."""
    if app_dir.is_relative_to(PROJECT_DIR):
        return app_dir.relative_to(PROJECT_DIR).as_posix()
    return str(app_dir)


IMAGE_TAG_PREFIX = "app-"


def content_hash_tag(
    directory: Path, *, platform: str, build_args: Mapping[str, str] | None = None
) -> str:
    """An image tag that changes exactly when a build input changes: a file under ``directory``,
    the target platform or a build argument.

    awsx's default tag is fixed, so the second push of a changed app would hit the repository's
    immutable tag (pitfall: ecr-immutable); for the same reason a rebuild for another platform
    (cpuArchitecture) or with other build arguments needs a tag of its own. Relative paths are
    hashed with the bytes, so a rename changes the tag too; the walk is sorted, so the tag does
    not depend on the file system order. The platform's architecture is also spelled out, so
    the ECR console shows which build a tag is: ``app-arm64-<20 hex>``, 30 characters, well
    within ECR's 128 (letters, digits, ``-``).
    """
    digest = hashlib.sha256()

    def field(data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "big") + data)

    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        field(path.relative_to(directory).as_posix().encode())
        field(path.read_bytes())
    field(f"platform={platform}".encode())
    for name, value in sorted((build_args or {}).items()):
        field(f"arg[{name}]={value}".encode())
    architecture = re.sub(r"[^a-z0-9]+", "", platform.rsplit("/", 1)[-1].lower())
    return f"{IMAGE_TAG_PREFIX}{architecture}-{digest.hexdigest()[:20]}"


def docker_platform(cpu_architecture: str) -> str:
    """The build platform for the task's CPU architecture (pitfall: cpu-arch)."""
    return {"ARM64": "linux/arm64", "X86_64": "linux/amd64"}[cpu_architecture]


# ECR lifecycle policy: unique priorities, and an `any` rule, if any, last (pitfall:
# ecr-lifecycle). The rollback window: the images of the last KEEP_IMAGES builds stay in ECR
# (docs/runbook.md quotes it), since Pulumi no longer deletes a pushed image
# (retain_pushed_image) and this policy is what removes old ones.
KEEP_IMAGES = 10
UNTAGGED_EXPIRY_DAYS = 1


def ecr_lifecycle_policy() -> dict[str, Any]:
    """Expire untagged images after a day; keep the last KEEP_IMAGES tagged builds.

    The keep rule counts tagged images only: a build pushed as an image index stores its
    platform manifest and attestation manifests as untagged images, and an `any` count would
    let those crowd builds out of the window. The untagged rule cannot take an image a kept
    revision runs: the task pins the digest the tag points to (tagged, never selected by it),
    and ECR refuses to delete a manifest an image index still references (BatchDeleteImage
    failure ImageReferencedByManifestList), so an index's children go only once the index
    itself has expired.
    """
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images after {UNTAGGED_EXPIRY_DAYS} day",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": UNTAGGED_EXPIRY_DAYS,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the last {KEEP_IMAGES} builds (the rollback window)",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPatternList": [f"{IMAGE_TAG_PREFIX}*"],
                    "countType": "imageCountMoreThan",
                    "countNumber": KEEP_IMAGES,
                },
                "action": {"type": "expire"},
            },
        ]
    }


def app_repository(scope: Scope) -> aws.ecr.Repository:
    repository = aws.ecr.Repository(
        scope.named("app"),
        # Tags are content hashes, so a tag never needs to move (pitfall: ecr-immutable).
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration={"scan_on_push": True},
        encryption_configurations=[{"encryption_type": "AES256"}],
        # Dev is destroyed in one go; prod keeps its images (pitfall: ecr-force-delete).
        force_delete=not scope.protect_stateful_resources,
        opts=scope.stateful(),
    )
    aws.ecr.LifecyclePolicy(
        scope.named("app"),
        repository=repository.name,
        policy=json.dumps(ecr_lifecycle_policy()),
        opts=scope.child(),
    )
    return repository


@dataclass(frozen=True, kw_only=True)
class AppImage:
    uri: pulumi.Output[str]
    """Pinned by digest: the task runs exactly this build."""
    pull_repository_arn: pulumi.Input[str]
    """The repository the tasks pull from (the execution role may read only this one)."""


def app_image(
    scope: Scope,
    service: ServiceConfig,
    *,
    repository: aws.ecr.Repository,
    app_dir: Path,
    dual_stack: bool,
) -> AppImage:
    """The configured image, or a build of ``app_dir`` pushed to ``repository``.

    ``dual_stack``: the task pulls through the registry's dual-stack host, as IPv6-only tasks
    must (docs/ipv6-egress.md E3, R1, R5). It names the same repository, so the pull
    permission does not change; only the task's reference does, the push keeps the IPv4 host.
    """
    if service.image:
        # Config already requires the dual-stack host with the mode (validate_egress).
        return AppImage(
            uri=pulumi.Output.from_input(
                dual_stack_image(service.image) if dual_stack else service.image
            ),
            pull_repository_arn=repository_arn_of_image(service.image, partition=scope.partition),
        )
    platform = docker_platform(service.cpu_architecture)  # pitfall: cpu-arch
    image = awsx.ecr.Image(
        scope.named("app"),
        repository_url=repository.repository_url,
        context=build_context(app_dir),
        platform=platform,
        # Every build input goes into the tag (the repository is IMMUTABLE); build
        # arguments, if one is ever added, go to both: args=..., build_args=...
        image_tag=content_hash_tag(app_dir, platform=platform),
        # The pushed image must outlive its build resource (retain_pushed_image); a plain
        # retain_on_delete here would cover only the component, not awsx's child.
        opts=scope.child(transforms=[retain_pushed_image]),
    )
    return AppImage(
        uri=image.image_uri.apply(dual_stack_image) if dual_stack else image.image_uri,
        pull_repository_arn=repository.arn,
    )
