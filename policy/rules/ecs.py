"""ECS Fargate cluster, task definition and service (policy_rules.md §4)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import Stack, as_list, is_true, load_json, nested

CLUSTER = "aws:ecs/cluster:Cluster"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"


def containers(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    parsed = load_json(props.get("containerDefinitions"))
    return [c for c in as_list(parsed) if isinstance(c, Mapping)]


def _label(container: Mapping[str, Any]) -> str:
    return f"container {container.get('name', '?')!r}"


def _container_insights(args: ResourceValidationArgs) -> Iterator[str]:
    for setting in as_list(args.props.get("settings")):
        if setting.get("name") == "containerInsights" and setting.get("value") in (
            "enabled",
            "enhanced",
        ):
            return
    yield "Container Insights is not enabled"


container_insights = resource_rule(
    name="aws-ecs-enable-container-insight",
    rows=["ECS-01"],
    description="Clusters publish Container Insights metrics.",
    types=[CLUSTER],
    fix="enable the Container Insights setting (settings=[{name: containerInsights, value: "
    "enabled}])",
    severity="low",
    dev="A",
    sources="trivy AWS-0034; checkov CKV_AWS_65",
    check=_container_insights,
)

SECRET_NAME = re.compile(
    r"password|passwd|secret|private_?key|token|api_?key|aws_access_key_id|aws_secret_access_key",
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(r"(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----")


def _plaintext_secrets(args: ResourceValidationArgs) -> Iterator[str]:
    for container in containers(args.props):
        for variable in as_list(container.get("environment")):
            name = str(variable.get("name", ""))
            value = str(variable.get("value", ""))
            if SECRET_NAME.search(name):
                yield f"{_label(container)} passes {name} as a plain environment variable"
            elif SECRET_VALUE.search(value):
                yield f"{_label(container)}: the value of {name} looks like a credential"


plaintext_secrets = resource_rule(
    name="aws-ecs-no-plaintext-secrets",
    rows=["ECS-02"],
    description="No secrets in task-definition environment variables.",
    types=[TASK_DEFINITION],
    fix="pass it through secrets[].valueFrom (Secrets Manager or SSM SecureString ARN)",
    severity="critical",
    dev="M",
    sources="trivy AWS-0036; AWS Config ecs-no-environment-secrets (Security Hub ECS.8)",
    check=_plaintext_secrets,
)


def _efs_transit(args: ResourceValidationArgs) -> Iterator[str]:
    for volume in as_list(args.props.get("volumes")):
        efs = volume.get("efsVolumeConfiguration")
        if efs and str(nested(volume, "efsVolumeConfiguration", "transitEncryption")) != "ENABLED":
            yield f"EFS volume {volume.get('name')!r} does not encrypt in transit"


efs_transit = resource_rule(
    name="aws-ecs-enable-in-transit-encryption",
    rows=["ECS-03"],
    description="EFS volumes of task definitions encrypt in transit.",
    types=[TASK_DEFINITION],
    fix='set efs_volume_configuration.transit_encryption="ENABLED"',
    severity="high",
    dev="N/A",
    sources="trivy AWS-0035; checkov CKV_AWS_97",
    check=_efs_transit,
)


def _readonly_root(args: ResourceValidationArgs) -> Iterator[str]:
    for container in containers(args.props):
        if not is_true(container.get("readonlyRootFilesystem")):
            yield f"{_label(container)} has a writable root filesystem"


readonly_root = resource_rule(
    name="ecs-readonly-root-filesystem",
    rows=["ECS-04"],
    description="Containers run with a read-only root filesystem.",
    types=[TASK_DEFINITION],
    fix="set readonlyRootFilesystem: true and mount writable paths as task volumes",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_336; AWS Config ecs-containers-readonly-access (Security Hub ECS.5)",
    check=_readonly_root,
)


def _privileged(args: ResourceValidationArgs) -> Iterator[str]:
    for container in containers(args.props):
        if is_true(container.get("privileged")):
            yield f"{_label(container)} is privileged"


privileged = resource_rule(
    name="ecs-no-privileged-containers",
    rows=["ECS-05"],
    description="No privileged containers.",
    types=[TASK_DEFINITION],
    fix="remove privileged (Fargate rejects it anyway)",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_334; Security Hub ECS.4",
    check=_privileged,
)


def _host_pid(args: ResourceValidationArgs) -> Iterator[str]:
    if args.props.get("pidMode") == "host":
        yield "pid_mode is host"
    for container in containers(args.props):
        if container.get("pidMode") == "host":
            yield f"{_label(container)} shares the host PID namespace"


host_pid = resource_rule(
    name="ecs-no-host-pid-namespace",
    rows=["ECS-06"],
    description="Tasks do not share the host PID namespace.",
    types=[TASK_DEFINITION],
    fix="omit pid_mode or set it to task",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_335; Security Hub ECS.3",
    check=_host_pid,
)

ROOT_USERS = {"root", "0"}


def _non_root(args: ResourceValidationArgs) -> Iterator[str]:
    for container in containers(args.props):
        user = str(container.get("user") or "")
        if not user or user.split(":", 1)[0] in ROOT_USERS:
            yield f"{_label(container)} runs as root (user {user or 'not set'})"


non_root = resource_rule(
    name="ecs-non-root-user",
    rows=["ECS-07"],
    description="Containers run as a non-root user.",
    types=[TASK_DEFINITION],
    fix='set "user": "<uid>:<gid>" (and a matching USER in the Dockerfile)',
    severity="medium",
    dev="A",
    sources="AWS Config ecs-task-definition-linux-user-non-root",
    check=_non_root,
)


def _log_configuration(args: ResourceValidationArgs) -> Iterator[str]:
    for container in containers(args.props):
        config = container.get("logConfiguration") or {}
        driver = config.get("logDriver")
        if not driver:
            yield f"{_label(container)} has no logConfiguration"
        elif driver == "awslogs" and not (config.get("options") or {}).get("awslogs-group"):
            yield f"{_label(container)} uses awslogs without awslogs-group"


log_configuration = resource_rule(
    name="ecs-task-log-configuration",
    rows=["ECS-08"],
    description="Containers ship logs to a log group the stack manages.",
    types=[TASK_DEFINITION],
    fix="set logConfiguration {logDriver: awslogs, options: {awslogs-group: <managed group>}}",
    severity="medium",
    dev="M",
    sources="AWS Config ecs-task-definition-log-configuration (Security Hub ECS.9)",
    check=_log_configuration,
)


def _separate_roles(args: ResourceValidationArgs) -> Iterator[str]:
    execution = args.props.get("executionRoleArn")
    task = args.props.get("taskRoleArn")
    if execution and execution == task:
        yield "the execution role and the task role are the same role"


separate_roles = resource_rule(
    name="ecs-separate-execution-and-task-roles",
    rows=["ECS-09"],
    description="Execution role and task role are separate.",
    types=[TASK_DEFINITION],
    fix="give image pull and log writes to an execution role and app permissions to a task role",
    severity="medium",
    dev="M",
    sources="checkov CKV_AWS_249",
    check=_separate_roles,
)


def _no_public_ip(args: ResourceValidationArgs) -> Iterator[str]:
    if is_true(nested(args.props, "networkConfiguration", "assignPublicIp")):
        yield "assign_public_ip is true"


no_public_ip = resource_rule(
    name="ecs-service-no-public-ip",
    rows=["ECS-10"],
    description="Services do not give tasks public IPs.",
    types=[SERVICE],
    fix="set assign_public_ip=False and run tasks in private subnets with VPC endpoints",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_333; Security Hub ECS.2",
    check=_no_public_ip,
)


def _latest_platform(args: ResourceValidationArgs) -> Iterator[str]:
    version = args.props.get("platformVersion")
    if version and version != "LATEST":
        yield f"platform_version is pinned to {version}"


latest_platform = resource_rule(
    name="ecs-fargate-latest-platform",
    rows=["ECS-11"],
    description="Fargate services run the latest platform version.",
    types=[SERVICE],
    fix="omit platform_version",
    severity="low",
    dev="M",
    sources="checkov CKV_AWS_332; Security Hub ECS.10",
    check=_latest_platform,
)


def _exec_logging(stack: Stack, cluster: PolicyResource) -> Iterator[StackFinding]:
    logging = nested(cluster.props, "configuration", "executeCommandConfiguration", "logging")
    if str(logging or "") == "NONE":
        yield StackFinding(cluster, "ECS Exec sessions are not logged (logging NONE)")
        return
    for service in stack.referencing(cluster, "cluster", SERVICE):
        if is_true(service.props.get("enableExecuteCommand")) and not logging:
            yield StackFinding(
                service, f"ECS Exec is on but cluster {cluster.name} has no exec logging"
            )


exec_logging = stack_rule(
    name="ecs-exec-logging",
    rows=["ECS-12"],
    description="ECS Exec sessions are logged.",
    subjects=[CLUSTER],
    fix="turn Exec off, or set execute_command_configuration {logging: OVERRIDE, "
    "log_configuration: {cloud_watch_log_group_name, cloud_watch_encryption_enabled: True}, "
    "kms_key_id}",
    severity="low",
    dev="A",
    sources="checkov CKV_AWS_223, CKV_AWS_224",
    check=_exec_logging,
)

# Either registry host of the project's ECR: the IPv4 one, or the dual-stack one that IPv6-only
# tasks pull from (docs/ipv6-egress.md claims R1, E3).
ECR_IMAGE = re.compile(
    r"^\d{12}\.(dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?|dkr-ecr\.[a-z0-9-]+\.on\.aws)/"
)
SHA_TAG = re.compile(r":(sha-)?[0-9a-f]{7,40}$")


def _image_pinned(args: ResourceValidationArgs) -> Iterator[str]:
    for container in containers(args.props):
        image = str(container.get("image", ""))
        if not ECR_IMAGE.match(image):
            yield f"{_label(container)} image {image!r} does not come from the project's ECR"
        elif "@sha256:" not in image and not SHA_TAG.search(image):
            yield f"{_label(container)} image {image!r} is neither a digest nor a git-SHA tag"


image_pinned = resource_rule(
    name="ecs-image-pinned-from-project-ecr",
    rows=["ECS-13"],
    description="Images come from the project's ECR, pinned by digest or immutable SHA tag.",
    types=[TASK_DEFINITION],
    fix="use the digest returned by awsx.ecr.Image (<acct>.dkr.ecr.<region>.amazonaws.com/"
    "app@sha256:...)",
    severity="medium",
    dev="M",
    sources="custom (completes ECR-01/02)",
    check=_image_pinned,
)

POLICIES = [
    container_insights,
    plaintext_secrets,
    efs_transit,
    readonly_root,
    privileged,
    host_pid,
    non_root,
    log_configuration,
    separate_roles,
    no_public_ip,
    latest_platform,
    exec_logging,
    image_pinned,
]
