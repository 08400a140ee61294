"""awsx's ECR image: not a provider resource, so its row is written here rather than read from
the provider's schema."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow

# awsx's ECR image is a remote component (DESIGN.md decision 1): its docker-build child builds
# and pushes. Any change of a build input builds again and yields a new digest, which the task
# definition is pinned to; the child is named after the tag, so a new tag is a new child
# (pulumi/pulumi-awsx awsx/ecr/image.ts; pulumi/pulumi-docker-build#606).
IMAGE_TYPE = "awsx:ecr:Image"
IMAGE_BUILD_INPUTS = ("context", "dockerfile", "platform", "args", "target", "builderVersion")
IMAGE_ROW = TypeRow(
    type=IMAGE_TYPE,
    force_new=("repositoryUrl", "imageTag", *IMAGE_BUILD_INPUTS),
    source="pulumi/pulumi-awsx awsx/ecr/image.ts (a docker-build:index:Image child per tag)",
    docs="https://www.pulumi.com/registry/packages/awsx/api-docs/ecr/image/",
    autoname=None,
    on_replace="a new build pushed under imageTag; the task definition follows the new digest",
    create_minutes=3,
)

# Transforms (tools/offline/monitor.py records them per registration) that make the image a build pushed
# outlive its build resource, so a rollback to an older revision still pulls (issue 10 finding 2).
IMAGE_RETAINING_TRANSFORMS = ("components.web.image.retain_pushed_image",)
