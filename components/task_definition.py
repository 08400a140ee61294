"""Pure helpers for the WebService: the app's runtime contract, the image tag, the container
definition, the ECR lifecycle policy and ARNs derived from an image URI.

Nothing here registers a resource, so every function is tested directly as well as through the
graph.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTAINER_NAME = "app"
# ECS volume names: letters, digits, hyphens and underscores.
_VOLUME_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True, kw_only=True)
class RuntimeContract:
    """What the image promises the task definition (app/runtime-contract.json, docs/app.md)."""

    container_port: int
    user: str
    health_path: str
    health_check_command: tuple[str, ...]
    writable_paths: tuple[str, ...]
    keepalive_timeout_seconds: int

    @classmethod
    def load(cls, path: Path) -> RuntimeContract:
        raw: dict[str, Any] = json.loads(path.read_text())
        return cls(
            container_port=int(raw["containerPort"]),
            user=str(raw["user"]),
            health_path=str(raw["healthPath"]),
            health_check_command=tuple(raw["healthCheckCommand"]),
            writable_paths=tuple(raw["writablePaths"]),
            keepalive_timeout_seconds=int(raw["keepaliveTimeoutSeconds"]),
        )


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


def volume_name(container_path: str) -> str:
    return _VOLUME_NAME_CHARS.sub("-", container_path.strip("/")) or "root"


def task_volumes(contract: RuntimeContract) -> list[dict[str, str]]:
    """Ephemeral bind volumes (Fargate task storage) for the writable paths."""
    return [{"name": volume_name(path)} for path in contract.writable_paths]


def container_definitions(
    *,
    contract: RuntimeContract,
    image: str,
    log_group_name: str,
    region: str,
    execute_command: bool,
) -> list[dict[str, Any]]:
    """The single app container, built from resolved values (call it inside an ``apply``).

    Numbers stay JSON numbers (pitfall: containerdefs-json).
    """
    return [
        {
            "name": CONTAINER_NAME,
            "image": image,
            "essential": True,
            # Non-root: nginx-unprivileged runs as uid 101 and listens on 8080 (pitfall:
            # nonroot-port). Binding above 1024 needs no capability, so all are dropped.
            "user": contract.user,
            "privileged": False,
            # ECS Exec's SSM agent must write into the container's file system, which a
            # read-only root rejects (AWS ECS Exec considerations): exec is a break-glass
            # switch, off by default, and the policy pack flags the weaker posture while it is on.
            "readonlyRootFilesystem": not execute_command,
            "linuxParameters": {
                # "add": [] because ECS returns it and the provider's equivalence check
                # (terraform-provider-aws internal/service/ecs/container_definitions.go, reduce)
                # folds only top-level empty lists: without it every `up` replaced the task
                # definition and rolled every task (terraform-aws-modules/terraform-aws-ecs#176).
                # The other fields ECS fills in (essential, health-check defaults, protocol tcp,
                # hostPort under awsvpc, cpu 0, empty environment/mountPoints/volumesFrom/
                # systemControls) are top-level and normalised by reduce.
                "capabilities": {"add": [], "drop": ["ALL"]},
                # An init process reaps the SSM agent's children during exec sessions.
                "initProcessEnabled": execute_command,
            },
            # No hostPort: with awsvpc it must be absent or equal (pitfall: lb-container-port).
            "portMappings": [
                {"name": "http", "containerPort": contract.container_port, "protocol": "tcp"}
            ],
            # nginx writes its pid and temp files here (pitfall: readonly-rootfs).
            "mountPoints": [
                {"sourceVolume": volume_name(path), "containerPath": path, "readOnly": False}
                for path in contract.writable_paths
            ],
            # The command runs busybox wget: the alpine-slim image has no curl (pitfall:
            # container-healthcheck; docs/app.md). nginx starts in well under the start period.
            "healthCheck": {
                "command": list(contract.health_check_command),
                "interval": 15,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 10,
            },
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    # The group is created by the WebService, never by the driver
                    # (pitfall: awslogs-config).
                    "awslogs-group": log_group_name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": CONTAINER_NAME,
                    # Blocking mode stalls stdout writes, so nginx itself, when the logs
                    # endpoint is unreachable (one-AZ endpoints, a lost AZ): drop lines instead.
                    "mode": "non-blocking",
                    "max-buffer-size": "25m",
                },
            },
            # nginx finishes requests in flight on SIGQUIT; ALB draining ends first.
            "stopTimeout": 30,
        }
    ]


# ECR lifecycle policy: unique priorities, and an `any` rule, if any, last (pitfall:
# ecr-lifecycle). The rollback window: the images of the last KEEP_IMAGES builds stay in ECR
# (docs/runbook.md quotes it), since Pulumi no longer deletes a pushed image
# (components/web/image.py retain_pushed_image) and this policy is what removes old ones.
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


# An ECR image pinned by digest (what config.py accepts for `image`).
ECR_IMAGE_URI = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/"
    r"(?P<repository>[a-z0-9._/-]+)@sha256:[0-9a-f]{64}"
)


def repository_arn_of_image(image_uri: str, *, partition: str) -> str:
    """The ECR repository ARN an image URI (validated by config.py) points into. GovCloud
    registries share the amazonaws.com domain, so the partition cannot come from the URI."""
    match = ECR_IMAGE_URI.fullmatch(image_uri)
    if not match:
        raise ValueError(f"not an ECR image URI pinned by digest: {image_uri}")
    return (
        f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repository']}"
    )


def docker_platform(cpu_architecture: str) -> str:
    """The build platform for the task's CPU architecture (pitfall: cpu-arch)."""
    return {"ARM64": "linux/arm64", "X86_64": "linux/amd64"}[cpu_architecture]
