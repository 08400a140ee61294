"""Service settings that stop the program before any resource is registered."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from bootstrap.iam_documents import Account, boundary_policy
from components.config import ConfigError, parse_stack_config, validate_image_pull
from components.ecr_image import repository_arn_of_image
from tests.support.graphs import PlanVariant
from tests.support.service import CONTRACT
from tools.graph import json_input
from tools.offline import stack_config_map

DIGEST = "@sha256:" + "1" * 64
LOCAL_IMAGE = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-web" + DIGEST
FOREIGN_REGION_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-fargate-web" + DIGEST
# The offline account is 123456789012 (tools/offline/mocks.py); dev sets the bootstrap's boundary.
OTHER_ACCOUNT_IMAGE = "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-web" + DIGEST
OUTSIDE_BOUNDARY_IMAGE = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/shared/web" + DIGEST

# (stack, overrides, the key named in the message, the shown value, the allowed-values text)
SERVICE_CONFIG_ERRORS: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("dev", {"cpu": 256, "memory": 4096}, "ecs-fargate:memory", "4096", "with cpu 256 Fargate allows memory 512, 1024, 2048 MiB"),
    ("dev", {"cpu": 300}, "ecs-fargate:cpu", "300", "Fargate cpu units: 256, 512"),
    ("dev", {"desiredCount": 5}, "ecs-fargate:desiredCount", "5", "within the autoscaling bounds minCapacity..maxCapacity (2..4)"),
    ("dev", {"desiredCount": 1}, "ecs-fargate:desiredCount", "1", "within the autoscaling bounds"),
    ("dev", {"maxCapacity": 1}, "ecs-fargate:maxCapacity", "1", "must be >= minCapacity (2)"),
    ("dev", {"deploymentStrategy": "canary"}, "ecs-fargate:deploymentStrategy", "canary", "rolling, blue_green"),
    ("dev", {"image": "nginx:latest"}, "ecs-fargate:image", "nginx:latest", "an ECR image pinned by digest"),
    ("dev", {"image": "public.ecr.aws/nginx/nginx@sha256:" + "0" * 64}, "ecs-fargate:image", "public.ecr.aws", "an ECR image pinned by digest"),
    ("dev", {"image": FOREIGN_REGION_IMAGE}, "ecs-fargate:image", "us-east-1", "must be in the stack region ap-northeast-1"),
    ("prod", {"domainName": None, "hostedZoneId": None}, "ecs-fargate:domainName", "''", "prod serves HTTPS only"),
    ("dev", {"domainName": "app.example.com"}, "ecs-fargate:hostedZoneId", "''", "set both or neither"),
    ("dev", {"enableExecuteCommand": True}, "ecs-fargate:enableExecuteCommand", "true", "add ssmmessages to ecs-fargate:extraEndpointServices"),
    ("dev", {"containerPort": 9090}, "ecs-fargate:containerPort", "9090", "port 8080"),
    ("dev", {"image": LOCAL_IMAGE, "containerPort": 9090}, "ecs-fargate:containerPort", "9090", "for a configured one alike"),
    ("dev", {"albIdleTimeoutSeconds": 75}, "ecs-fargate:albIdleTimeoutSeconds", "75", "below nginx's keepalive_timeout (75 s"),
    ("prod", {"nightSchedule": {"scaleInCron": "cron(0 21 ? * MON-FRI *)"}}, "ecs-fargate:nightSchedule", "set", "for dev stacks only"),
    ("dev", {"image": OTHER_ACCOUNT_IMAGE}, "ecs-fargate:image", "210987654321", "this account's (123456789012) ecs-fargate-* repositories"),
    ("dev", {"image": OUTSIDE_BOUNDARY_IMAGE}, "ecs-fargate:image", "shared/web", "this account's (123456789012) ecs-fargate-* repositories"),
    ("prod", {"domainName": "app.example.com"}, "ecs-fargate:domainName", "app.example.com", "a placeholder (RFC 2606 reserves"),
    ("prod", {"domainName": "example.org"}, "ecs-fargate:domainName", "example.org", "a placeholder (RFC 2606 reserves"),
    ("prod", {"domainName": "www.shop.example.net"}, "ecs-fargate:domainName", "www.shop.example.net", "a placeholder"),
    ("prod", {"domainName": "app.example"}, "ecs-fargate:domainName", "app.example", "a placeholder"),
    ("prod", {"domainName": "app.test"}, "ecs-fargate:domainName", "app.test", "a placeholder"),
    ("prod", {"domainName": "app.invalid"}, "ecs-fargate:domainName", "app.invalid", "set domainName to a name in a Route 53 hosted zone you own"),
    ("prod", {"hostedZoneId": "Z0123456789EXAMPLE0AB"}, "ecs-fargate:hostedZoneId", "Z0123456789EXAMPLE0AB", "the example hosted zone id"),
    ("dev", {"albDeletionProtection": True}, "ecs-fargate:albDeletionProtection", "true", "set albDeletionProtection false as well"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stack", "overrides", "key", "value", "allowed"),
    SERVICE_CONFIG_ERRORS,
    ids=[
        f"{c[0]}-{c[2].split(':')[1]}-{next(iter(c[1].values()))}"[:60]
        for c in SERVICE_CONFIG_ERRORS
    ],
)
def test_invalid_service_config_stops_the_program_before_any_resource(
    plan_variant: PlanVariant,
    stack: str,
    overrides: dict[str, Any],
    key: str,
    value: str,
    allowed: str,
) -> None:
    graph = plan_variant(stack, raise_errors=False, **overrides)
    message = graph.data["error"]
    assert message is not None
    assert message.startswith(f"invalid config {key} = ")
    assert value in message
    assert allowed in message
    assert graph.resources == []


def test_an_external_image_runs_under_the_app_runtime_contract(plan_variant: PlanVariant) -> None:
    # The task definition applies app/runtime-contract.json to any image: its port mapping, user,
    # writable volume and health-check command (which names the port) must match what the
    # service and target group use, or CreateService fails (pitfall: lb-container-port).
    graph = plan_variant("dev", image=LOCAL_IMAGE)
    (balancer,) = graph.one("aws:ecs/service:Service")["inputs"]["loadBalancers"]
    (app,) = json_input(graph.one("aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions")
    assert [m["containerPort"] for m in app["portMappings"]] == [balancer["containerPort"]]
    assert (
        graph.one("aws:lb/targetGroup:TargetGroup")["inputs"]["port"] == balancer["containerPort"]
    )
    assert app["healthCheck"]["command"] == CONTRACT["healthCheckCommand"]
    assert f"127.0.0.1:{balancer['containerPort']}/" in app["healthCheck"]["command"][1]


def test_ecs_exec_with_the_ssmmessages_endpoint_is_accepted(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", enableExecuteCommand=True, extraEndpointServices=["ssmmessages"])
    services = {
        e["inputs"]["serviceName"] for e in graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    }
    assert "com.amazonaws.ap-northeast-1.ssmmessages" in services


def test_without_a_permissions_boundary_any_repository_of_the_region_is_accepted(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_variant("dev", image=OUTSIDE_BOUNDARY_IMAGE, permissionsBoundaryArn="")
    assert graph.data["error"] is None


@pytest.mark.parametrize(
    ("image", "pullable"),
    [(LOCAL_IMAGE, True), (OUTSIDE_BOUNDARY_IMAGE, False), (OTHER_ACCOUNT_IMAGE, False)],
)
def test_the_image_check_agrees_with_the_boundary_the_bootstrap_creates(
    image: str, pullable: bool
) -> None:
    # The check in config.py must accept exactly what the boundary's pull statement allows.
    account = Account(
        partition="aws",
        region="ap-northeast-1",
        account_id="123456789012",
        state_bucket="state",
        secrets_key_arn="arn:aws:kms:ap-northeast-1:123456789012:key/k",
        boundary_arn="arn:aws:iam::123456789012:policy/b",
    )
    (pull,) = [
        s for s in boundary_policy(account)["Statement"] if s["Sid"] == "ExecutionRolePullsImages"
    ]
    repository_arn = repository_arn_of_image(image, partition="aws")
    assert fnmatch.fnmatchcase(repository_arn, pull["Resource"]) is pullable
    try:
        validate_image_pull(image, account_id="123456789012")
    except ConfigError:
        accepted = False
    else:
        accepted = True
    assert accepted is pullable


def test_prod_as_shipped_asks_for_the_owners_domain() -> None:
    # Pulumi.prod.yaml carries no domain of its own (the offline plan lends it one,
    # tools/offline/stack_config.py): a real `pulumi up --stack prod` stops at config, before Route 53.
    shipped = stack_config_map("prod", owner_values=False)
    with pytest.raises(ConfigError, match="ecs-fargate:domainName = '': prod serves HTTPS only"):
        parse_stack_config(shipped, stack="prod")


@pytest.mark.parametrize("domain", ["app.example-corp.com", "examples.com", "app.testing.io"])
def test_real_domains_that_merely_look_like_examples_are_accepted(
    plan_variant: PlanVariant, domain: str
) -> None:
    graph = plan_variant("prod", raise_errors=False, domainName=domain)
    assert graph.data["error"] is None
