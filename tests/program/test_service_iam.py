"""IAM of the WebService: exactly the intended statements, and the boundary on every role."""

from __future__ import annotations

import json

import pytest

from components.web.iam import execute_command_policy
from tests.support.graphs import PlanVariant, config_with
from tests.support.renders import rendered
from tests.support.service import (
    LOG_GROUP,
    REPOSITORY,
    ROLE,
    ROLE_POLICY,
    named_suffix,
    policy_statements,
    web_resources,
)
from tools.graph import Graph, json_input

BOUNDARY = "arn:aws:iam::123456789012:policy/ecs-fargate-boundary"


@pytest.fixture(scope="module")
def exec_graph() -> Graph:
    config = config_with(
        "dev", {"enableExecuteCommand": True, "extraEndpointServices": ["ssmmessages"]}
    )
    return Graph(rendered("dev", config))


def test_execution_role_statements_are_exactly_pull_token_and_log_writes(
    stack_graph: Graph,
) -> None:
    repository_arn = stack_graph.one(REPOSITORY)["outputs"]["arn"]
    log_group_arn = named_suffix(stack_graph, LOG_GROUP, "app")["outputs"]["arn"]
    assert policy_statements(stack_graph, "execution") == [
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
    ]


def test_registry_token_is_granted_on_star_and_nothing_else_is(stack_graph: Graph) -> None:
    for policy in web_resources(stack_graph, ROLE_POLICY):
        for statement in json_input(policy, "policy")["Statement"]:
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            if "ecr:GetAuthorizationToken" in actions:
                assert statement["Resource"] == "*"
                assert actions == ["ecr:GetAuthorizationToken"]
            else:
                assert statement["Resource"] != "*", statement


def test_task_role_has_no_permissions_by_default(stack_graph: Graph) -> None:
    task_role = named_suffix(stack_graph, ROLE, "task")
    attached = [
        p for p in web_resources(stack_graph, ROLE_POLICY) if p["inputs"]["role"] == task_role["id"]
    ]
    assert attached == []
    assert "inlinePolicies" not in task_role["inputs"]
    assert "managedPolicyArns" not in task_role["inputs"]


def test_ecs_exec_grants_the_task_role_only_the_ssm_channels_and_session_logs(
    exec_graph: Graph,
) -> None:
    log_group_arn = named_suffix(exec_graph, LOG_GROUP, "app")["outputs"]["arn"]
    statements = {s["Sid"]: s for s in policy_statements(exec_graph, "task-exec")}
    assert statements["ExecChannels"]["Action"] == [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ]
    assert statements["ExecChannels"]["Resource"] == "*"
    assert statements["ExecSessionLogs"]["Resource"] == [log_group_arn, f"{log_group_arn}:*"]
    assert statements["ExecFindLogGroup"]["Action"] == "logs:DescribeLogGroups"
    assert set(statements) == {"ExecChannels", "ExecSessionLogs", "ExecFindLogGroup"}


def test_ecs_exec_log_group_lookup_is_scoped_in_the_stack_partition() -> None:
    policy = execute_command_policy(
        "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:app",
        partition="aws-us-gov",
        region="us-gov-west-1",
        account_id="123456789012",
    )
    (lookup,) = [s for s in policy["Statement"] if s["Sid"] == "ExecFindLogGroup"]
    assert lookup["Resource"] == "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:*"


def test_ecs_exec_policy_is_in_place_before_the_service(exec_graph: Graph) -> None:
    policy = named_suffix(exec_graph, ROLE_POLICY, "task-exec")
    service = exec_graph.one("aws:ecs/service:Service")
    assert policy["urn"] in service["dependsOn"]


def test_no_statement_uses_a_wildcard_action(stack_graph: Graph, exec_graph: Graph) -> None:
    for graph in (stack_graph, exec_graph):
        for policy in web_resources(graph, ROLE_POLICY):
            for statement in json_input(policy, "policy")["Statement"]:
                actions = statement["Action"]
                for action in [actions] if isinstance(actions, str) else actions:
                    assert "*" not in action, (policy["name"], action)


def test_roles_have_no_managed_policies_except_the_blue_green_infrastructure_role(
    stack_graph: Graph,
) -> None:
    assert web_resources(stack_graph, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []


@pytest.mark.parametrize("strategy", ["rolling", "blue_green"])
def test_every_role_carries_the_permissions_boundary(
    plan_variant: PlanVariant, strategy: str
) -> None:
    graph = plan_variant(
        "dev",
        permissionsBoundaryArn=BOUNDARY,
        deploymentStrategy=strategy,
        enableExecuteCommand=True,
        extraEndpointServices=["ssmmessages"],
    )
    roles = web_resources(graph, ROLE)
    assert len(roles) == (3 if strategy == "blue_green" else 2)
    for role in roles:
        assert role["inputs"]["permissionsBoundary"] == BOUNDARY, role["name"]


def test_stack_roles_carry_the_bootstrap_boundary(stack_graph: Graph) -> None:
    for role in web_resources(stack_graph, ROLE):
        assert role["inputs"]["permissionsBoundary"] == (
            "arn:aws:iam::123456789012:policy/ecs-fargate-permissions-boundary"
        ), role["name"]


def test_roles_carry_no_boundary_when_none_is_configured(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", permissionsBoundaryArn="")
    for role in web_resources(graph, ROLE):
        assert "permissionsBoundary" not in role["inputs"]


def test_task_roles_trust_only_ecs_tasks(stack_graph: Graph) -> None:
    for suffix in ("execution", "task"):
        trust = json.loads(named_suffix(stack_graph, ROLE, suffix)["inputs"]["assumeRolePolicy"])
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"
