"""What the app container is: the runtime contract the image promises (app/runtime-contract.json)
and the container definition and volumes the task definition is built from. Pure functions of
resolved values, tested directly as well as through the graph."""

from __future__ import annotations

import json
import re
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
