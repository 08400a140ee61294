"""The task's two roles: the execution role the ECS agent uses to pull the image and write logs,
and the task role the app itself runs as. Documents are plain dicts (DESIGN decision 4)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import policy_document
from components.web.scope import Scope

ECS_TASKS = "ecs-tasks.amazonaws.com"


@dataclass(frozen=True, kw_only=True)
class TaskRoles:
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    policies: list[aws.iam.RolePolicy]
    """Both roles' inline policies: whatever is handed a role waits for them (pitfall:
    iam-propagation; tests/program/test_role_propagation.py)."""


def task_roles(
    scope: Scope,
    *,
    pull_repository_arn: pulumi.Input[str],
    log_group: aws.cloudwatch.LogGroup,
    execute_command: bool,
) -> TaskRoles:
    # The equivalent of AmazonECSTaskExecutionRolePolicy scoped to our resources (pitfall:
    # exec-role).
    execution_role = scope.service_role(
        "execution",
        service=ECS_TASKS,
        description="ECS agent: pull the app image and write its logs",
    )
    policies = [
        aws.iam.RolePolicy(
            scope.named("execution"),
            role=execution_role.id,
            policy=pulumi.Output.all(pull_repository_arn, log_group.arn).apply(
                lambda arns: json.dumps(execution_policy(arns[0], arns[1]))
            ),
            opts=scope.child(),
        )
    ]
    # The app's own permissions: none (static nginx); ECS Exec adds its channels.
    task_role = scope.service_role(
        "task", service=ECS_TASKS, description="The app container's AWS permissions"
    )
    if execute_command:
        policies.append(
            aws.iam.RolePolicy(
                scope.named("task-exec"),
                role=task_role.id,
                policy=log_group.arn.apply(
                    lambda arn: json.dumps(
                        execute_command_policy(
                            arn,
                            partition=scope.partition,
                            region=scope.region,
                            account_id=scope.account_id,
                        )
                    )
                ),
                opts=scope.child(),
            )
        )
    return TaskRoles(execution_role=execution_role, task_role=task_role, policies=policies)


def execution_policy(repository_arn: str, log_group_arn: str) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "PullAppImage",
            "Effect": "Allow",
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            "Resource": repository_arn,
        },
        {
            # AWS allows no narrower resource for the registry token (pitfall: ecr-auth-star).
            "Sid": "RegistryToken",
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
        },
        {
            "Sid": "WriteAppLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [log_group_arn, f"{log_group_arn}:*"],
        },
    )


def execute_command_policy(
    log_group_arn: str, *, partition: str, region: str, account_id: str
) -> dict[str, Any]:
    """Task-role permissions for ECS Exec: the SSM channels and session logs."""
    return policy_document(
        {
            # The Session Manager channel actions support no resource-level scoping.
            "Sid": "ExecChannels",
            "Effect": "Allow",
            "Action": [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            "Resource": "*",
        },
        {
            # logging DEFAULT sends session output through the task's awslogs settings.
            "Sid": "ExecSessionLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            "Resource": [log_group_arn, f"{log_group_arn}:*"],
        },
        {
            "Sid": "ExecFindLogGroup",
            "Effect": "Allow",
            "Action": "logs:DescribeLogGroups",
            "Resource": f"arn:{partition}:logs:{region}:{account_id}:log-group:*",
        },
    )
