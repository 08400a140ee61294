"""The app image: built from app/ and pushed to the stack's ECR repository, or an existing image
pinned by digest."""

from __future__ import annotations

from pathlib import Path

import pulumi

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
