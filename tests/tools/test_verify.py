"""make verify (tools/verify/) against a stack held by moto where moto models the state, and
by botocore's Stubber fed API-reference-shaped responses where it does not (docs/verify.md has
the list). Every test uses the real boto3 clients; nothing reaches AWS or the internet: the URL
checks talk to an HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import botocore
import botocore.loaders
import botocore.session
import pytest
import yaml
from botocore.stub import Stubber
from moto import mock_aws
from moto.moto_api import state_manager

from bootstrap.plan import plan_bootstrap
from tests.support.iam import allowed
from tests.support.paths import REPO_ROOT
from tools.graph import Graph
from tools.verify.aws import AWS_CALLS, Clients
from tools.verify.cli import main
from tools.verify.ecs import service_deployments, task_images
from tools.verify.load_balancer import serving_target_groups, target_health
from tools.verify.monitoring import email_subscriptions, retention_check
from tools.verify.results import Result, Status
from tools.verify.run import verify
from tools.verify.stack import StackOutputs
from tools.verify.url import health_endpoint, http_get, http_redirects_to_https, url_results

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
PREFIX = "ecs-fargate-dev-"
CLUSTER = "ecs-fargate-dev-cluster-1108323"
SERVICE = "ecs-fargate-dev-service-18657bb"
REPOSITORY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/ecs-fargate-dev-app-cef144c"
DIGEST = "sha256:" + "6" * 64
OTHER_DIGEST = "sha256:" + "0" * 64
APP_LOGS = "ecs-fargate-dev-app-9392ceb"
RETENTION = 7
EMAIL = "oncall@example.com"
# boto3's service name -> the IAM service prefix of its actions
IAM_PREFIX = {"elbv2": "elasticloadbalancing"}


# --- helpers ------------------------------------------------------------------------------------


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def clients() -> Clients:
    return Clients.from_session(boto3.Session(region_name=REGION))


def record_calls(all_clients: Clients, calls: set[str]) -> Clients:
    """Record each call as its IAM action (before-parameter-build fires under Stubber too)."""
    for each in vars(all_clients).values():
        service = each.meta.service_model.service_name
        prefix = IAM_PREFIX.get(service, service)
        each.meta.events.register(
            "before-parameter-build",
            lambda model, prefix=prefix, **_: calls.add(f"{prefix}:{model.name}"),
        )
    return all_clients


def by_check(results: list[Result]) -> dict[str, Result]:
    return {r.check: r for r in results}


def failed(results: list[Result]) -> list[Result]:
    return [r for r in results if r.status is Status.FAIL]


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: Mapping[str, tuple[int, dict[str, str]]] = {}

    def do_GET(self) -> None:
        status, headers = self.routes.get(self.path, (404, {}))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_site() -> Iterator[Callable[[Mapping[str, tuple[int, dict[str, str]]]], str]]:
    """An HTTP server on 127.0.0.1 answering the given routes; returns its base URL."""
    servers: list[http.server.HTTPServer] = []

    def serve(routes: Mapping[str, tuple[int, dict[str, str]]]) -> str:
        handler = type("Handler", (_Handler,), {"routes": dict(routes)})
        server = http.server.HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


HEALTHY_SITE = {"/health": (200, {})}


# --- a stack in moto ----------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def service_models_parsed_once() -> Iterator[None]:
    """One botocore loader for every session the module opens: moto resets boto3's default session
    at each test and clients() opens its own, and each new session would parse the services' JSON
    models again (two thirds of this module's time)."""
    loaders: dict[str | None, botocore.loaders.Loader] = {}

    def shared_loader(search_paths: str | None = None) -> botocore.loaders.Loader:
        if search_paths not in loaders:
            loaders[search_paths] = botocore.loaders.create_loader(search_paths)
        return loaders[search_paths]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", shared_loader)
        yield


@contextlib.contextmanager
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's in-process mock of every AWS API, with fake credentials in the environment."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        # the VPC needs EC2, not its 5,000 default AMIs (about 2 s a test)
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        # moto moves a task one state towards STOPPED at each describe by default; hold it in
        # RUNNING, as a healthy service's tasks are (moto docs, state transitions)
        state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**6})
        try:
            yield
        finally:
            state_manager.unset_transition("ecs::task")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with moto(monkeypatch):
        yield


def deploy_to_moto(
    monkeypatch: pytest.MonkeyPatch,
    *,
    url: str,
    running: int = 2,
    desired: int = 2,
    targets: int = 2,
    image_digest: str = DIGEST,
) -> StackOutputs:
    """What `pulumi up` of dev leaves behind, as far as verify looks: a service of 2 Fargate tasks
    behind an ip target group, alarms, the alarm topic with a confirmed e-mail, the app's logs."""
    # moto reports this many running tasks for every new service (moto/ecs/models.py)
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", str(running))
    ec2, elbv2, ecs = client("ec2"), client("elbv2"), client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = elbv2.create_target_group(
        Name="ecs-fargate-dev-tg-1234567",
        Protocol="HTTP",
        Port=8080,
        VpcId=vpc,
        TargetType="ip",
    )["TargetGroups"][0]["TargetGroupArn"]
    if targets:
        elbv2.register_targets(
            TargetGroupArn=group,
            Targets=[{"Id": f"10.0.10.{i}", "Port": 8080} for i in range(targets)],
        )
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.10.0/24")["Subnet"]["SubnetId"]
    tasks_sg = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)
    network = {
        "awsvpcConfiguration": {
            "subnets": [subnet],
            "securityGroups": [tasks_sg["GroupId"]],
            "assignPublicIp": "DISABLED",
        }
    }
    ecs.create_cluster(clusterName=CLUSTER)
    image = f"{REPOSITORY}@{DIGEST}"
    # Not requiresCompatibilities FARGATE: moto 5.2.5 then forces awsvpc, and cannot start an
    # awsvpc task (its ENI lacks private_dns_name). Verify never reads the task's network.
    task_definition = ecs.register_task_definition(
        family="ecs-fargate-dev-app",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image, "memory": 512, "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=SERVICE,
        taskDefinition=task_definition,
        desiredCount=desired,
        launchType="FARGATE",
        networkConfiguration=network,
        loadBalancers=[{"targetGroupArn": group, "containerName": "app", "containerPort": 8080}],
    )
    running_definition = task_definition
    if image_digest != DIGEST:
        running_definition = ecs.register_task_definition(
            family="ecs-fargate-dev-app",
            containerDefinitions=[
                {"name": "app", "image": f"{REPOSITORY}@{image_digest}", "memory": 512}
            ],
        )["taskDefinition"]["taskDefinitionArn"]
    if running:
        ecs.run_task(
            cluster=CLUSTER,
            taskDefinition=running_definition,
            count=running,
            launchType="FARGATE",
            startedBy="ecs-svc/1234567890123456789",
        )
    cloudwatch = client("cloudwatch")
    for name in ("latency-p99", "healthy-hosts-low", "deploy-5xx"):
        cloudwatch.put_metric_alarm(
            AlarmName=f"{PREFIX}{name}",
            MetricName="TargetResponseTime",
            Namespace="AWS/ApplicationELB",
            Statistic="Maximum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )
        cloudwatch.set_alarm_state(AlarmName=f"{PREFIX}{name}", StateValue="OK", StateReason="fine")
    sns = client("sns")
    topic = sns.create_topic(Name="ecs-fargate-dev-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=EMAIL)
    logs = client("logs")
    logs.create_log_group(logGroupName=APP_LOGS)
    logs.put_retention_policy(logGroupName=APP_LOGS, retentionInDays=RETENTION)
    return StackOutputs(
        cluster_name=CLUSTER,
        service_name=SERVICE,
        image_uri=image,
        task_definition_arn=task_definition,
        url=url,
        alarm_topic_arn=topic,
        alarm_name_prefix=PREFIX,
        log_retention_days={APP_LOGS: RETENTION},
    )


Deploy = Callable[..., StackOutputs]


@pytest.fixture
def deploy(aws: None, monkeypatch: pytest.MonkeyPatch, local_site: Callable[..., str]) -> Deploy:
    """deploy_to_moto with some of its parameters changed, the URL served on 127.0.0.1."""

    def variant(**changes: Any) -> StackOutputs:
        return deploy_to_moto(monkeypatch, **{"url": local_site(HEALTHY_SITE), **changes})

    return variant


def result_of(outputs: StackOutputs, check: str) -> Result:
    return by_check(verify(outputs, clients()))[check]


@pytest.fixture
def deployed(deploy: Deploy) -> StackOutputs:
    """The healthy dev-shaped stack in moto, its URL served on 127.0.0.1."""
    return deploy()


# --- the program exports what verify reads --------------------------------------------------------


def test_every_stack_exports_the_outputs_verify_reads(stack_graph: Graph) -> None:
    outputs = StackOutputs.from_mapping(stack_graph.data["outputs"])
    assert outputs.alarm_name_prefix == f"ecs-fargate-{stack_graph.data['stack']}-"
    assert outputs.image_digest.startswith("sha256:")


def test_the_exported_retention_names_every_log_group_of_the_stack(stack_graph: Graph) -> None:
    groups = stack_graph.of_type("aws:cloudwatch/logGroup:LogGroup")
    expected = {g["outputs"]["name"]: g["inputs"]["retentionInDays"] for g in groups}
    assert StackOutputs.from_mapping(stack_graph.data["outputs"]).log_retention_days == expected


def test_outputs_handed_over_as_workflow_step_outputs_are_read(dev_graph: Graph) -> None:
    # pulumi/actions turns every non-string output into JSON text
    outputs = {
        k: v if isinstance(v, str) else json.dumps(v) for k, v in dev_graph.data["outputs"].items()
    }
    assert StackOutputs.from_mapping(outputs) == StackOutputs.from_mapping(
        dev_graph.data["outputs"]
    )


# --- moto: the healthy stack and the failures moto models -----------------------------------------


def test_a_healthy_stack_passes_every_check(deployed: StackOutputs) -> None:
    results = verify(deployed, clients())
    assert failed(results) == []
    assert [r.status for r in results] == [Status.PASS] * len(results)
    assert {
        "ECS service running = desired",
        "ECS deployments settled",
        "running tasks use the stack's image",
        "targets of ecs-fargate-dev-tg-1234567 healthy",
        "/health answers 200",
        f"no alarm {PREFIX}* in ALARM",
        "alarm e-mail subscriptions confirmed",
        f"log group {APP_LOGS} keeps {RETENTION} days",
    } == set(by_check(results))


def test_fewer_running_tasks_than_desired_fail_the_service_check(deploy: Deploy) -> None:
    result = result_of(deploy(running=1), "ECS service running = desired")
    assert result.status is Status.FAIL
    assert "running 1, desired 2" in result.evidence


def test_a_rollout_in_progress_is_not_settled(deploy: Deploy) -> None:
    # moto marks the deployment IN_PROGRESS while running < desired
    result = result_of(deploy(running=1), "ECS deployments settled")
    assert result.status is Status.FAIL
    assert "IN_PROGRESS" in result.evidence


def test_a_task_running_another_image_fails_naming_its_digest(deploy: Deploy) -> None:
    result = result_of(deploy(image_digest=OTHER_DIGEST), "running tasks use the stack's image")
    assert result.status is Status.FAIL
    assert OTHER_DIGEST in result.evidence


def test_no_running_task_fails_the_image_check(deploy: Deploy) -> None:
    result = result_of(deploy(running=0), "running tasks use the stack's image")
    assert (result.status, result.evidence) == (Status.FAIL, "no running task")


def test_a_target_group_without_targets_fails(deploy: Deploy) -> None:
    result = result_of(deploy(targets=0), "targets of ecs-fargate-dev-tg-1234567 healthy")
    assert (result.status, result.evidence) == (Status.FAIL, "no registered target")


def test_an_alarm_in_alarm_fails_naming_it(deployed: StackOutputs) -> None:
    client("cloudwatch").set_alarm_state(
        AlarmName=f"{PREFIX}latency-p99", StateValue="ALARM", StateReason="slow"
    )
    result = result_of(deployed, f"no alarm {PREFIX}* in ALARM")
    assert (result.status, result.evidence) == (Status.FAIL, f"in ALARM: {PREFIX}latency-p99")


def test_target_tracking_alarms_in_alarm_are_not_the_stacks(deployed: StackOutputs) -> None:
    # AlarmLow of target tracking is in ALARM whenever the service sits at its minimum
    cloudwatch = client("cloudwatch")
    name = f"TargetTracking-service/{CLUSTER}/{SERVICE}-AlarmLow-1234"
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        MetricName="CPUUtilization",
        Namespace="AWS/ECS",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=15,
        Threshold=45.0,
        ComparisonOperator="LessThanThreshold",
    )
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="low")
    assert result_of(deployed, f"no alarm {PREFIX}* in ALARM").status is Status.PASS


# each way a log group can lose the retention the program gave it, and the evidence shown
RETENTION_LOSSES: dict[str, tuple[Callable[[Any], object], str]] = {
    "another-retention": (
        lambda logs: logs.put_retention_policy(logGroupName=APP_LOGS, retentionInDays=30),
        "retention 30",
    ),
    "never-expires": (
        lambda logs: logs.delete_retention_policy(logGroupName=APP_LOGS),
        "retention never expire",
    ),
    "missing": (lambda logs: logs.delete_log_group(logGroupName=APP_LOGS), "no such log group"),
}


@pytest.mark.parametrize("loss", RETENTION_LOSSES)
def test_a_log_group_without_its_configured_retention_fails(
    deployed: StackOutputs, loss: str
) -> None:
    change, evidence = RETENTION_LOSSES[loss]
    change(client("logs"))
    result = result_of(deployed, retention_check(APP_LOGS, RETENTION))
    assert (result.status, result.evidence) == (Status.FAIL, evidence)


def test_a_missing_service_fails_and_skips_the_checks_that_need_it(deployed: StackOutputs) -> None:
    client("ecs").delete_service(cluster=CLUSTER, service=SERVICE, force=True)
    results = by_check(verify(deployed, clients()))
    assert results["ECS service active"].status is Status.FAIL
    assert "running tasks use the stack's image" not in results


def test_a_service_scaled_to_zero_is_a_warning_and_its_traffic_is_not_checked(
    deploy: Deploy,
) -> None:
    # dev's night schedule: the ALB answers 503 until the morning scale-out
    results = by_check(verify(deploy(running=0, desired=0), clients()))
    assert results["service scaled in"].status is Status.WARN
    assert {"running tasks use the stack's image", "/health answers 200"}.isdisjoint(results)
    assert failed(list(results.values())) == []


# --- the URL: a server on 127.0.0.1 -------------------------------------------------------------


def test_a_health_endpoint_answering_500_fails(
    deploy: Deploy, local_site: Callable[..., str]
) -> None:
    url = local_site({"/health": (500, {})})
    result = result_of(deploy(url=url), "/health answers 200")
    assert (result.status, result.evidence) == (Status.FAIL, f"GET {url}/health -> 500")


def test_a_url_nobody_answers_fails() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    server.server_close()  # the port is now closed: connection refused
    result = health_endpoint(url)
    assert result.status is Status.FAIL
    assert "refused" in result.evidence.lower()


def _to_local(base: str) -> Callable[[str], tuple[int, str]]:
    """Send the plain-HTTP request of https://app.example.test to the local server instead."""
    return lambda url: http_get(url.replace("http://app.example.test", base))


@pytest.mark.parametrize("status", [301, 308])
def test_http_redirecting_to_https_passes(local_site: Callable[..., str], status: int) -> None:
    base = local_site({"/health": (status, {"Location": "https://app.example.test:443/health"})})
    result = http_redirects_to_https("https://app.example.test", _to_local(base))
    assert result.status is Status.PASS


def test_http_serving_the_app_without_redirect_fails(local_site: Callable[..., str]) -> None:
    base = local_site(HEALTHY_SITE)
    result = http_redirects_to_https("https://app.example.test", _to_local(base))
    assert result.status is Status.FAIL
    assert "-> 200" in result.evidence


def test_a_redirect_to_plain_http_fails(local_site: Callable[..., str]) -> None:
    base = local_site({"/health": (301, {"Location": "http://app.example.test/health"})})
    result = http_redirects_to_https("https://app.example.test", _to_local(base))
    assert result.status is Status.FAIL


def test_an_https_url_is_also_checked_for_the_redirect() -> None:
    seen: list[str] = []

    def fetch(url: str) -> tuple[int, str]:
        seen.append(url)
        return (200, "") if url.startswith("https://") else (301, "https://app.example.test/")

    results = url_results("https://app.example.test", fetch)
    assert seen == ["https://app.example.test/health", "http://app.example.test/health"]
    assert [r.status for r in results] == [Status.PASS, Status.PASS]


def test_a_plain_http_url_is_not_expected_to_redirect(local_site: Callable[..., str]) -> None:
    assert [r.check for r in url_results(local_site(HEALTHY_SITE))] == ["/health answers 200"]


# --- Stubber: what moto does not model --------------------------------------------------------------

TASK_DEFINITION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/ecs-fargate-dev-app:7"
PREVIOUS = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/ecs-fargate-dev-app:6"
TARGET_GROUP = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/ecs-fargate-dev-tg-1234567/"
    "0123456789abcdef"
)
ALTERNATE = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/ecs-fargate-dev-alt-7654321/"
    "fedcba9876543210"
)
RULE = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener-rule/app/ecs-fargate-dev-alb/"
    "50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
)
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ecs-fargate-dev-alarms"


def stub_outputs(url: str = "http://127.0.0.1:9") -> StackOutputs:
    return StackOutputs(
        cluster_name=CLUSTER,
        service_name=SERVICE,
        image_uri=f"{REPOSITORY}@{DIGEST}",
        task_definition_arn=TASK_DEFINITION,
        url=url,
        alarm_topic_arn=TOPIC,
        alarm_name_prefix=PREFIX,
        log_retention_days={APP_LOGS: RETENTION},
    )


def deployment(
    status: str, rollout: str, task_definition: str, reason: str = "", number: int = 1
) -> dict[str, Any]:
    """One element of DescribeServices' deployments (ECS API reference, Deployment)."""
    return {
        "id": f"ecs-svc/{number:019d}",
        "status": status,
        "taskDefinition": task_definition,
        "desiredCount": 2,
        "runningCount": 2,
        "rolloutState": rollout,
        "rolloutStateReason": reason,
    }


def service_with(*deployments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "serviceName": SERVICE,
        "status": "ACTIVE",
        "desiredCount": 2,
        "runningCount": 2,
        "pendingCount": 0,
        "deployments": list(deployments),
        "loadBalancers": [
            {"targetGroupArn": TARGET_GROUP, "containerName": "app", "containerPort": 8080}
        ],
        **extra,
    }


def test_a_failed_rollout_being_rolled_back_is_not_settled() -> None:
    # the circuit breaker's rollback: the new deployment FAILED, the previous one PRIMARY again
    # and IN_PROGRESS (ECS developer guide, deployment circuit breaker)
    service = service_with(
        deployment("PRIMARY", "IN_PROGRESS", PREVIOUS, "ECS deployment detected failure.", 2),
        deployment("ACTIVE", "FAILED", TASK_DEFINITION, "tasks failed to start; rolling back.", 1),
    )
    result = service_deployments(service, stub_outputs())
    assert result.status is Status.FAIL
    assert "FAILED" in result.evidence and "tasks failed to start" in result.evidence


def test_a_completed_rollback_leaves_the_previous_revision_primary() -> None:
    service = service_with(deployment("PRIMARY", "COMPLETED", PREVIOUS))
    result = service_deployments(service, stub_outputs())
    assert result.status is Status.FAIL
    assert "ecs-fargate-dev-app:7" in result.evidence


def test_the_deployed_revision_completed_is_settled() -> None:
    service = service_with(deployment("PRIMARY", "COMPLETED", TASK_DEFINITION))
    assert service_deployments(service, stub_outputs()).status is Status.PASS


def task(number: int, digest: str, status: str = "RUNNING") -> dict[str, Any]:
    """One element of DescribeTasks' tasks (ECS API reference, Task and Container)."""
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{CLUSTER}/{number:032x}"
    return {
        "taskArn": arn,
        "lastStatus": status,
        "desiredStatus": "RUNNING",
        "taskDefinitionArn": TASK_DEFINITION,
        "containers": [
            {
                "name": "app",
                "taskArn": arn,
                "lastStatus": status,
                # the reference as the task definition names it, and the digest ECS pulled
                "image": f"{REPOSITORY}:latest",
                "imageDigest": digest,
            }
        ],
    }


def stubbed_tasks(*tasks: dict[str, Any]) -> Any:
    ecs = client("ecs")
    stubber = Stubber(ecs)
    arns = [t["taskArn"] for t in tasks]
    stubber.add_response(
        "list_tasks",
        {"taskArns": arns},
        {"cluster": CLUSTER, "serviceName": SERVICE, "desiredStatus": "RUNNING"},
    )
    stubber.add_response(
        "describe_tasks", {"tasks": list(tasks)}, {"cluster": CLUSTER, "tasks": arns}
    )
    stubber.activate()
    return ecs


def test_the_image_digest_ecs_reports_is_the_one_compared() -> None:
    ecs = stubbed_tasks(task(1, DIGEST), task(2, OTHER_DIGEST))
    result = task_images(ecs, service_with(), stub_outputs())
    assert result.status is Status.FAIL
    assert f"{2:032x} RUNNING {OTHER_DIGEST}" in result.evidence
    assert f"{1:032x}" not in result.evidence


def test_tasks_reporting_the_stack_digest_pass() -> None:
    ecs = stubbed_tasks(task(1, DIGEST), task(2, DIGEST))
    assert task_images(ecs, service_with(), stub_outputs()).status is Status.PASS


def test_a_task_still_starting_fails_the_image_check() -> None:
    ecs = stubbed_tasks(task(1, DIGEST, status="PROVISIONING"))
    result = task_images(ecs, service_with(), stub_outputs())
    assert result.status is Status.FAIL
    assert "PROVISIONING" in result.evidence


def health(target_id: str, state: str, reason: str = "") -> dict[str, Any]:
    """One element of DescribeTargetHealth (ELBv2 API reference, TargetHealthDescription)."""
    target_health: dict[str, Any] = {"State": state}
    if reason:
        target_health["Reason"] = reason
    return {"Target": {"Id": target_id, "Port": 8080}, "TargetHealth": target_health}


def test_an_unhealthy_target_fails_with_its_reason() -> None:
    elbv2 = client("elbv2")
    with Stubber(elbv2) as stubber:
        stubber.add_response(
            "describe_target_health",
            {
                "TargetHealthDescriptions": [
                    health("10.0.10.1", "healthy"),
                    health("10.0.10.2", "unhealthy", "Target.ResponseCodeMismatch"),
                ]
            },
            {"TargetGroupArn": TARGET_GROUP},
        )
        result = target_health(elbv2, TARGET_GROUP)
    assert result.status is Status.FAIL
    assert result.evidence == "10.0.10.2:8080 unhealthy Target.ResponseCodeMismatch"


def blue_green_service() -> dict[str, Any]:
    service = service_with(deployment("PRIMARY", "COMPLETED", TASK_DEFINITION))
    service["loadBalancers"][0]["advancedConfiguration"] = {
        "alternateTargetGroupArn": ALTERNATE,
        "productionListenerRule": RULE,
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/ecs-fargate-dev-ecs-infrastructure",
    }
    return service


def production_rule(weights: Mapping[str, int]) -> dict[str, Any]:
    """DescribeRules for the production rule (ELBv2 API reference, Rule / ForwardActionConfig)."""
    return {
        "Rules": [
            {
                "RuleArn": RULE,
                "Priority": "1",
                "Conditions": [],
                "IsDefault": False,
                "Actions": [
                    {
                        "Type": "forward",
                        "ForwardConfig": {
                            "TargetGroups": [
                                {"TargetGroupArn": arn, "Weight": weight}
                                for arn, weight in weights.items()
                            ]
                        },
                    }
                ],
            }
        ]
    }


@pytest.mark.parametrize(
    ("weights", "serving"),
    [
        ({TARGET_GROUP: 100, ALTERNATE: 0}, [TARGET_GROUP]),
        ({TARGET_GROUP: 0, ALTERNATE: 100}, [ALTERNATE]),
    ],
    ids=["blue-serving", "green-serving"],
)
def test_blue_green_checks_the_group_the_production_rule_forwards_to(
    weights: Mapping[str, int], serving: list[str]
) -> None:
    elbv2 = client("elbv2")
    with Stubber(elbv2) as stubber:
        stubber.add_response("describe_rules", production_rule(weights), {"RuleArns": [RULE]})
        assert serving_target_groups(elbv2, blue_green_service()) == serving


def test_a_pending_email_subscription_is_a_warning_naming_the_address() -> None:
    sns = client("sns")
    with Stubber(sns) as stubber:
        stubber.add_response(
            "list_subscriptions_by_topic",
            {
                "Subscriptions": [
                    {
                        "SubscriptionArn": f"{TOPIC}:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                        "Owner": ACCOUNT,
                        "Protocol": "email",
                        "Endpoint": EMAIL,
                        "TopicArn": TOPIC,
                    },
                    {
                        # ListSubscriptionsByTopic's value for an unconfirmed subscription
                        "SubscriptionArn": "PendingConfirmation",
                        "Owner": ACCOUNT,
                        "Protocol": "email",
                        "Endpoint": "new-hire@example.com",
                        "TopicArn": TOPIC,
                    },
                ]
            },
            {"TopicArn": TOPIC},
        )
        result = email_subscriptions(sns, TOPIC)
    assert result.status is Status.WARN
    assert "new-hire@example.com" in result.evidence
    assert EMAIL not in result.evidence


def test_a_topic_without_subscriptions_is_a_warning(aws: None) -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="ecs-fargate-dev-alarms")["TopicArn"]
    assert email_subscriptions(sns, topic).status is Status.WARN


def test_a_refused_call_fails_its_check_naming_the_call(deployed: StackOutputs) -> None:
    all_clients = clients()
    stubber = Stubber(all_clients.cloudwatch)
    stubber.add_client_error("describe_alarms", "AccessDenied", "not authorized", 403)
    stubber.activate()
    result = by_check(verify(deployed, all_clients))[f"no alarm {PREFIX}* in ALARM"]
    assert result.status is Status.FAIL
    assert result.evidence.startswith("DescribeAlarms: AccessDenied")


# --- the command: exit codes and credentials -----------------------------------------------------


def write_outputs(tmp_path: Path, outputs: StackOutputs) -> str:
    path = tmp_path / "outputs.json"
    path.write_text(
        json.dumps(
            {
                "clusterName": outputs.cluster_name,
                "serviceName": outputs.service_name,
                "imageUri": outputs.image_uri,
                "taskDefinitionArn": outputs.task_definition_arn,
                "url": outputs.url,
                "alarmTopicArn": outputs.alarm_topic_arn,
                "alarmNamePrefix": outputs.alarm_name_prefix,
                "logRetentionDays": dict(outputs.log_retention_days),
            }
        )
    )
    return str(path)


def test_a_healthy_stack_exits_0(
    deployed: StackOutputs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--outputs", write_outputs(tmp_path, deployed)], lambda _: clients()) == 0
    assert "8 checks: 0 failed, 0 warnings" in capsys.readouterr().out


def test_any_failure_exits_1(
    deploy: Deploy, local_site: Callable[..., str], tmp_path: Path
) -> None:
    outputs = deploy(url=local_site({"/health": (503, {})}))
    assert main(["--outputs", write_outputs(tmp_path, outputs)], lambda _: clients()) == 1


def test_a_warning_alone_exits_0(deployed: StackOutputs, tmp_path: Path) -> None:
    sns = client("sns")
    for subscription in sns.list_subscriptions_by_topic(TopicArn=deployed.alarm_topic_arn)[
        "Subscriptions"
    ]:
        sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    assert main(["--outputs", write_outputs(tmp_path, deployed)], lambda _: clients()) == 0


def test_missing_credentials_give_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    # no shared files, no container or instance metadata: the chain ends with nothing
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for key in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(key, raising=False)
    code = main(["--outputs", write_outputs(tmp_path, stub_outputs())])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("verify: no usable AWS credentials")


def test_expired_credentials_give_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    all_clients = clients_with_fake_keys()
    stubber = Stubber(all_clients.ecs)
    stubber.add_client_error("describe_services", "ExpiredTokenException", "expired", 400)
    stubber.activate()
    code = main(["--outputs", write_outputs(tmp_path, stub_outputs())], lambda _: all_clients)
    err = capsys.readouterr().err
    assert code == 2
    assert err == "verify: AWS rejected the credentials (ExpiredTokenException): log in again\n"


def clients_with_fake_keys() -> Clients:
    return Clients.from_session(
        boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
    )


def test_outputs_of_an_older_program_give_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"clusterName": CLUSTER}))
    assert main(["--outputs", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "alarmNamePrefix" in err


def test_without_the_pulumi_cli_it_asks_for_an_outputs_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    assert main(["--stack", "dev"]) == 2
    assert "--outputs" in capsys.readouterr().err


# --- the deploy roles may make every call ------------------------------------------------------------


@pytest.fixture(scope="module")
def calls_made() -> set[str]:
    """The calls of a full run against moto, plus the blue/green lookup (Stubber)."""
    calls: set[str] = set()
    with pytest.MonkeyPatch.context() as monkeypatch, moto(monkeypatch):
        outputs = deploy_to_moto(monkeypatch, url="http://127.0.0.1:9")
        verify(outputs, record_calls(clients(), calls), fetch=lambda _: (200, ""))
    elbv2 = record_calls(clients_with_fake_keys(), calls).elbv2
    with Stubber(elbv2) as stubber:
        stubber.add_response("describe_rules", production_rule({TARGET_GROUP: 100}))
        serving_target_groups(elbv2, blue_green_service())
    return calls


def test_every_call_verify_makes_is_declared(calls_made: set[str]) -> None:
    assert calls_made - set(AWS_CALLS) == set(), "add them to AWS_CALLS in tools/verify/aws.py"


def test_every_declared_call_is_made_by_the_tests(calls_made: set[str]) -> None:
    assert set(AWS_CALLS) - calls_made == set(), "a declared call no test exercises"


def resource_of_call(outputs: Mapping[str, Any]) -> dict[str, str]:
    """The resource each call is authorised against (service authorization reference); "*" for
    calls with no resource type."""
    topic = outputs["alarmTopicArn"]
    region, account = topic.split(":")[3:5]
    cluster, service = outputs["clusterName"], outputs["serviceName"]
    ecs = f"arn:aws:ecs:{region}:{account}"
    return {
        "ecs:DescribeServices": f"{ecs}:service/{cluster}/{service}",
        "ecs:ListTasks": f"{ecs}:container-instance/{cluster}/0123456789abcdef",
        "ecs:DescribeTasks": f"{ecs}:task/{cluster}/0123456789abcdef0123456789abcdef",
        "elasticloadbalancing:DescribeRules": "*",
        "elasticloadbalancing:DescribeTargetHealth": "*",
        "cloudwatch:DescribeAlarms": "*",
        "sns:ListSubscriptionsByTopic": topic,
        "logs:DescribeLogGroups": "*",
    }


@pytest.fixture(scope="module")
def bootstrap_graph() -> Graph:
    return Graph(plan_bootstrap())


def test_every_call_has_the_resource_it_is_authorised_against(dev_graph: Graph) -> None:
    assert set(resource_of_call(dev_graph.data["outputs"])) == set(AWS_CALLS)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_deploy_role_may_make_every_call_verify_makes(
    environment: str, bootstrap_graph: Graph, request: pytest.FixtureRequest
) -> None:
    graph: Graph = request.getfixturevalue(f"{environment}_graph")
    statements = [
        statement
        for policy in bootstrap_graph.of_type("aws:iam/policy:Policy")
        if policy["name"].startswith(f"ecs-fargate-bootstrap-deploy-{environment}-")
        for statement in json.loads(policy["inputs"]["policy"])["Statement"]
    ]
    refused = [
        (action, resource)
        for action, resource in resource_of_call(graph.data["outputs"]).items()
        if not allowed(statements, action, resource)
    ]
    assert refused == [], "grant them in bootstrap/ci_permissions.py (the ECS service row)"


# --- where it runs: deploy.yml and the Makefile ------------------------------------------------

VERIFY_STEP = "Verify the live stack"


def deploy_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/deploy.yml").read_text())
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_deploy_verifies_the_stack_after_the_deployment_alarms_bake() -> None:
    names = [s.get("name") for s in deploy_steps()]
    bake = next(i for i, name in enumerate(names) if str(name).startswith("Wait for the deploy"))
    assert names.index(VERIFY_STEP) == bake + 1


def test_deploy_verifies_the_stack_it_deployed_and_fails_with_it() -> None:
    (step,) = [s for s in deploy_steps() if s.get("name") == VERIFY_STEP]
    assert 'venv/bin/python -m tools.verify --stack "$STACK"' in step["run"]
    assert "continue-on-error" not in step and "if" not in step


def test_deploy_installs_exactly_the_pinned_boto3_and_botocore(tmp_path: Path) -> None:
    (step,) = [s for s in deploy_steps() if s.get("name") == VERIFY_STEP]
    # the step's own lines up to the install, run against this repository's requirements
    select = step["run"].splitlines()[0]
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path)}
    subprocess.run(["bash", "-e", "-c", select], cwd=REPO_ROOT, env=env, check=True)
    pins = (tmp_path / "verify-requirements.txt").read_text().split()
    assert pins == [f"boto3=={boto3.__version__}", f"botocore=={botocore.__version__}"]


def test_make_verify_reads_an_outputs_file_or_the_stack() -> None:
    def command(*variables: str) -> str:
        dry = subprocess.run(
            ["make", "--no-print-directory", "-n", "verify", *variables],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
        )
        return dry.stdout.strip().splitlines()[-1]

    assert command("OUTPUTS=out.json").endswith('-m tools.verify --outputs "out.json"')
    assert command("STACK=prod").endswith("-m tools.verify --stack prod")
