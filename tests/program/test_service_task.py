"""The task definition and its container, checked against app/runtime-contract.json."""

from __future__ import annotations

import json

import pytest

from components.config import FARGATE_SIZES
from components.web.container import RuntimeContract, container_definitions
from tests.support.graphs import PlanVariant
from tests.support.paths import REPO_ROOT
from tests.support.service import (
    CONTRACT,
    LOG_GROUP,
    ROLE,
    TASK_DEFINITION,
    container,
    ecs_service,
    log_retention_days,
    named_suffix,
    web_resources,
)
from tools.graph import Graph


def test_task_is_fargate_awsvpc_with_a_valid_cpu_memory_pair(stack_graph: Graph) -> None:
    task = stack_graph.one(TASK_DEFINITION)["inputs"]
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert task["networkMode"] == "awsvpc"
    assert isinstance(task["cpu"], str) and isinstance(task["memory"], str)
    assert int(task["memory"]) in FARGATE_SIZES[int(task["cpu"])]


def test_replaced_task_revisions_stay_registered_for_rollbacks(stack_graph: Graph) -> None:
    # DeregisterTaskDefinition: a service cannot be updated to an INACTIVE revision, so the
    # previous revision must outlive the update that replaces it (docs/runbook.md, rollback).
    assert stack_graph.one(TASK_DEFINITION)["inputs"]["skipDestroy"] is True


def test_dev_task_is_the_portfolio_size(dev_graph: Graph) -> None:
    task = dev_graph.one(TASK_DEFINITION)["inputs"]
    assert (task["cpu"], task["memory"]) == ("256", "512")


def test_task_runs_linux_on_the_configured_architecture(stack_graph: Graph) -> None:
    assert stack_graph.one(TASK_DEFINITION)["inputs"]["runtimePlatform"] == {
        "cpuArchitecture": "ARM64",
        "operatingSystemFamily": "LINUX",
    }


def test_execution_and_task_roles_are_separate_roles_trusting_ecs_tasks(
    stack_graph: Graph,
) -> None:
    task = stack_graph.one(TASK_DEFINITION)["inputs"]
    assert task["executionRoleArn"] != task["taskRoleArn"]
    for key in ("executionRoleArn", "taskRoleArn"):
        role = stack_graph.resolve(task[key])
        assert role is not None and role["type"] == ROLE
        trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
        assert [s["Principal"] for s in trust] == [{"Service": "ecs-tasks.amazonaws.com"}]


def test_container_definitions_keep_numbers_as_json_numbers(stack_graph: Graph) -> None:
    raw = stack_graph.one(TASK_DEFINITION)["inputs"]["containerDefinitions"]
    assert "Calling [toJSON]" not in raw and "Output" not in raw
    app = container(stack_graph)
    assert isinstance(app["portMappings"][0]["containerPort"], int)
    assert isinstance(app["healthCheck"]["interval"], int)


def test_container_listens_on_the_contract_port_without_a_host_port(stack_graph: Graph) -> None:
    (mapping,) = container(stack_graph)["portMappings"]
    assert mapping["containerPort"] == CONTRACT["containerPort"]
    assert mapping.get("hostPort", mapping["containerPort"]) == mapping["containerPort"]


def test_service_load_balancer_names_the_container_and_its_port(stack_graph: Graph) -> None:
    app = container(stack_graph)
    (balancer,) = ecs_service(stack_graph)["inputs"]["loadBalancers"]
    assert balancer["containerName"] == app["name"]
    assert balancer["containerPort"] in [m["containerPort"] for m in app["portMappings"]]


def test_container_runs_as_the_non_root_contract_user(stack_graph: Graph) -> None:
    user = container(stack_graph)["user"]
    assert user == CONTRACT["user"]
    assert user.split(":")[0] not in ("0", "root")
    assert CONTRACT["containerPort"] >= 1024


def test_container_is_unprivileged_and_drops_every_capability(stack_graph: Graph) -> None:
    app = container(stack_graph)
    assert app["privileged"] is False
    assert app["linuxParameters"]["capabilities"]["drop"] == ["ALL"]
    assert not app["linuxParameters"]["capabilities"].get("add")


@pytest.mark.parametrize("execute_command", [False, True])
def test_container_definition_spells_out_the_nested_fields_ecs_fills_in(
    execute_command: bool,
) -> None:
    # The provider compares container definitions after its reduce() (terraform-provider-aws
    # internal/service/ecs/container_definitions.go), which normalises only top-level defaults:
    # essential, health-check timings, portMappings protocol "tcp" and hostPort (awsvpc), and
    # empty top-level lists (environment, mountPoints, volumesFrom, systemControls, ...). ECS
    # returns capabilities with "add": [] and nothing folds that into an absent key, so without
    # it every `up` would see a changed definition and replace the task definition
    # (terraform-aws-modules/terraform-aws-ecs#176).
    (app,) = container_definitions(
        contract=RuntimeContract.load(REPO_ROOT / "app" / "runtime-contract.json"),
        image="image@sha256:" + "0" * 64,
        log_group_name="app-logs",
        region="ap-northeast-1",
        execute_command=execute_command,
    )
    capabilities = app["linuxParameters"]["capabilities"]
    assert set(capabilities) == {"add", "drop"}
    assert all(isinstance(value, list) for value in capabilities.values())


def test_root_filesystem_is_read_only_with_a_task_volume_per_writable_path(
    stack_graph: Graph,
) -> None:
    app = container(stack_graph)
    assert app["readonlyRootFilesystem"] is True
    volumes = {v["name"] for v in stack_graph.one(TASK_DEFINITION)["inputs"]["volumes"]}
    assert {m["sourceVolume"] for m in app["mountPoints"]} <= volumes
    assert sorted(m["containerPath"] for m in app["mountPoints"]) == sorted(
        CONTRACT["writablePaths"]
    )
    assert all(m["readOnly"] is False for m in app["mountPoints"])


def test_task_volumes_are_ephemeral_bind_volumes(stack_graph: Graph) -> None:
    for volume in stack_graph.one(TASK_DEFINITION)["inputs"]["volumes"]:
        assert set(volume) == {"name"}, volume


def test_container_health_check_runs_the_contract_command(stack_graph: Graph) -> None:
    check = container(stack_graph)["healthCheck"]
    assert check["command"] == CONTRACT["healthCheckCommand"]
    assert "curl" not in " ".join(check["command"])
    assert check["timeout"] < check["interval"]
    assert check["startPeriod"] > 0


def test_container_health_check_timings_are_within_the_ecs_limits(stack_graph: Graph) -> None:
    # RegisterTaskDefinition rejects values outside these ranges (ECS HealthCheck API reference).
    check = container(stack_graph)["healthCheck"]
    assert 5 <= check["interval"] <= 300
    assert 2 <= check["timeout"] <= 120
    assert 1 <= check["retries"] <= 10
    assert 0 <= check["startPeriod"] <= 300


def test_container_logs_to_the_stack_log_group_without_blocking(stack_graph: Graph) -> None:
    log = container(stack_graph)["logConfiguration"]
    assert log["logDriver"] == "awslogs"
    options = log["options"]
    app_logs = named_suffix(stack_graph, LOG_GROUP, "app")
    assert options["awslogs-group"] == app_logs["outputs"]["name"]
    assert options["awslogs-region"] == stack_graph.region
    assert options["awslogs-stream-prefix"]
    assert options["mode"] == "non-blocking"
    assert options["max-buffer-size"].endswith("m")
    assert "awslogs-create-group" not in options


def test_app_log_group_keeps_logs_for_the_configured_days(
    dev_graph: Graph, prod_graph: Graph
) -> None:
    dev_logs = named_suffix(dev_graph, LOG_GROUP, "app")
    assert dev_logs["inputs"]["retentionInDays"] == log_retention_days(dev_graph) == 7
    prod_logs = named_suffix(prod_graph, LOG_GROUP, "app")
    assert prod_logs["inputs"]["retentionInDays"] == log_retention_days(prod_graph) >= 90
    assert prod_logs["options"]["protect"] is True
    assert prod_logs["options"]["retainOnDelete"] is True


def test_log_groups_use_the_cloudwatch_default_encryption(stack_graph: Graph) -> None:
    for group in web_resources(stack_graph, LOG_GROUP):
        assert "kmsKeyId" not in group["inputs"], group["name"]


def test_container_reads_no_secrets(stack_graph: Graph) -> None:
    app = container(stack_graph)
    assert "secrets" not in app
    assert "repositoryCredentials" not in app


def test_ecs_exec_trades_the_read_only_root_for_an_init_process(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_variant("dev", enableExecuteCommand=True, extraEndpointServices=["ssmmessages"])
    app = container(graph)
    assert app["readonlyRootFilesystem"] is False
    assert app["linuxParameters"]["initProcessEnabled"] is True
    assert ecs_service(graph)["inputs"]["enableExecuteCommand"] is True
    cluster = graph.one("aws:ecs/cluster:Cluster")["inputs"]
    assert cluster["configuration"]["executeCommandConfiguration"]["logging"] == "DEFAULT"
