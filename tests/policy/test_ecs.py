"""policy/rules/ecs.py: ECS clusters, services and task definitions. Each case is one graph that
the pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or
pass).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import ecs
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def containers(**container: Any) -> str:
    base = {
        "name": "app",
        "image": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app@sha256:" + "a" * 64,
        "readonlyRootFilesystem": True,
        "user": "101:101",
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}},
    }
    return json.dumps([{**base, **container}])


def cases() -> Iterator[Case]:
    cluster = "aws:ecs/cluster:Cluster"
    yield from one(
        "aws-ecs-enable-container-insight",
        cluster,
        {},
        {"settings": [{"name": "containerInsights", "value": "enabled"}]},
    )
    yield from one(
        "aws-ecs-no-plaintext-secrets",
        "task",
        {
            "containerDefinitions": containers(
                environment=[{"name": "DB_PASSWORD", "value": "hunter2"}]
            )
        },
        {"containerDefinitions": containers(environment=[{"name": "PORT", "value": "8080"}])},
    )
    yield from one(
        "aws-ecs-enable-in-transit-encryption",
        "task",
        {"volumes": [{"name": "v", "efsVolumeConfiguration": {"fileSystemId": "fs"}}]},
        {
            "volumes": [
                {
                    "name": "v",
                    "efsVolumeConfiguration": {
                        "fileSystemId": "fs",
                        "transitEncryption": "ENABLED",
                    },
                }
            ]
        },
    )
    yield from one(
        "ecs-readonly-root-filesystem",
        "task",
        {"containerDefinitions": containers(readonlyRootFilesystem=False)},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-no-privileged-containers",
        "task",
        {"containerDefinitions": containers(privileged=True)},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-no-host-pid-namespace",
        "task",
        {"pidMode": "host", "containerDefinitions": containers()},
        {"pidMode": "task", "containerDefinitions": containers()},
    )
    yield from one(
        "ecs-non-root-user",
        "task",
        {"containerDefinitions": containers(user="0:0")},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-task-log-configuration",
        "task",
        {"containerDefinitions": containers(logConfiguration=None)},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-separate-execution-and-task-roles",
        "task",
        {"executionRoleArn": "arn:r", "taskRoleArn": "arn:r", "containerDefinitions": containers()},
        {"executionRoleArn": "arn:e", "taskRoleArn": "arn:t", "containerDefinitions": containers()},
    )
    yield from one(
        "ecs-service-no-public-ip",
        "service",
        {"networkConfiguration": {"assignPublicIp": True}},
        {"networkConfiguration": {"assignPublicIp": False}},
    )
    yield from one(
        "ecs-fargate-latest-platform",
        "service",
        {"platformVersion": "1.3.0"},
        {"platformVersion": "LATEST"},
    )
    yield case(
        "ecs-exec-logging",
        "flags",
        res(cluster, "bad", {}),
        res(
            "service",
            "svc",
            {"enableExecuteCommand": True, "cluster": "bad-id"},
            deps={"cluster": ["bad"]},
        ),
        flagged=("svc",),
    )
    yield case(
        "ecs-exec-logging",
        "passes",
        res(
            cluster,
            "good",
            {"configuration": {"executeCommandConfiguration": {"logging": "OVERRIDE"}}},
        ),
        res(
            "service",
            "svc",
            {"enableExecuteCommand": True, "cluster": "good-id"},
            deps={"cluster": ["good"]},
        ),
    )
    yield from one(
        "ecs-image-pinned-from-project-ecr",
        "task",
        {"containerDefinitions": containers(image="nginx:latest")},
        {
            "containerDefinitions": containers(
                image="123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app:3f2a9c1"
            )
        },
    )


REGISTRY = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com"
CLUSTER = "aws:ecs/cluster:Cluster"


def task(**container: Any) -> dict[str, Any]:
    return {"containerDefinitions": containers(**container)}


def exec_cluster(logging: str | None, enable_exec: bool = True) -> list[dict[str, Any]]:
    config = {"executeCommandConfiguration": {"logging": logging}} if logging else {}
    return [
        res(CLUSTER, "cluster", {"configuration": config} if config else {}),
        res(
            "service",
            "svc",
            {"enableExecuteCommand": enable_exec, "cluster": "cluster-id"},
            deps={"cluster": ["cluster"]},
        ),
    ]


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "ecs-image-pinned-from-project-ecr"
    for tag in ("v1.2.3", "latest", "3f2a9c", "3F2A9C1", "3f2a9c1-dirty", "a" * 41):
        yield case(
            p,
            f"flags tag {tag}",
            res("task", "bad", task(image=f"{REGISTRY}/app:{tag}")),
            flagged=("bad",),
        )
    for tag in ("sha-3f2a9c1", "a" * 40):
        yield case(p, f"passes tag {tag}", res("task", "good", task(image=f"{REGISTRY}/app:{tag}")))
    yield case(
        p,
        "passes an ECR image in a China region",
        res(
            "task",
            "good",
            task(image="123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:3f2a9c1"),
        ),
    )
    for image in (
        "12345678901.dkr.ecr.ap-northeast-1.amazonaws.com/app:3f2a9c1",
        f"mirror.example.com/{REGISTRY}/app:3f2a9c1",
        "public.ecr.aws/nginx/nginx:3f2a9c1",
    ):
        yield case(
            p,
            f"flags {image.split('/')[0]}",
            res("task", "bad", task(image=image)),
            flagged=("bad",),
        )
    p = "aws-ecs-no-plaintext-secrets"
    yield case(
        p,
        "flags an access key id in an innocent name",
        res("task", "bad", task(environment=[{"name": "CONFIG", "value": "AKIAABCDEFGHIJKLMNOP"}])),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a private key in an innocent name",
        res(
            "task",
            "bad",
            task(environment=[{"name": "CONFIG", "value": "-----BEGIN RSA PRIVATE KEY-----"}]),
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags an API_KEY name",
        res("task", "bad", task(environment=[{"name": "API_KEY", "value": "x"}])),
        flagged=("bad",),
    )
    p = "aws-ecs-enable-container-insight"
    yield case(
        p,
        "passes enhanced",
        res(CLUSTER, "good", {"settings": [{"name": "containerInsights", "value": "enhanced"}]}),
    )
    yield case(
        p,
        "flags disabled",
        res(CLUSTER, "bad", {"settings": [{"name": "containerInsights", "value": "disabled"}]}),
        flagged=("bad",),
    )
    yield case(
        "aws-ecs-enable-in-transit-encryption",
        "passes a volume without EFS",
        res("task", "good", {"volumes": [{"name": "tmp"}]}),
    )
    yield case(
        "ecs-no-host-pid-namespace",
        "flags a container in the host PID namespace",
        res("task", "bad", task(pidMode="host")),
        flagged=("bad",),
    )
    p = "ecs-non-root-user"
    yield case(p, "flags user root", res("task", "bad", task(user="root")), flagged=("bad",))
    yield case(
        p, "flags uid 0 without a group", res("task", "bad", task(user="0")), flagged=("bad",)
    )
    yield case(p, "flags no user", res("task", "bad", task(user=None)), flagged=("bad",))
    yield case(
        p, "passes a non-root uid in the root group", res("task", "good", task(user="101:0"))
    )
    p = "ecs-task-log-configuration"
    yield case(
        p,
        "flags awslogs without a group",
        res("task", "bad", task(logConfiguration={"logDriver": "awslogs", "options": {}})),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes FireLens without awslogs-group",
        res("task", "good", task(logConfiguration={"logDriver": "awsfirelens"})),
    )
    yield case(
        "ecs-separate-execution-and-task-roles",
        "passes a task without roles",
        res("task", "good", task()),
    )
    yield case(
        "ecs-service-no-public-ip",
        "passes a service without network configuration",
        res("service", "good", {}),
    )
    yield case(
        "ecs-fargate-latest-platform", "passes no platform version", res("service", "good", {})
    )
    p = "aws-ecs-enable-container-insight"
    for name in ("aaa", "zzz"):
        yield case(
            p,
            f"flags an enabled setting named {name}",
            res(CLUSTER, "bad", {"settings": [{"name": name, "value": "enabled"}]}),
            flagged=("bad",),
        )
    yield case(
        "ecs-task-log-configuration",
        "passes splunk without awslogs-group",
        res("task", "good", task(logConfiguration={"logDriver": "splunk", "options": {}})),
    )
    yield case(
        "ecs-separate-execution-and-task-roles",
        "passes an execution role that sorts after the task role",
        res("task", "good", {"executionRoleArn": "arn:z", "taskRoleArn": "arn:a", **task()}),
    )
    yield case(
        "aws-ecs-enable-in-transit-encryption",
        "flags transit encryption DISABLED",
        res(
            "task",
            "bad",
            {
                "volumes": [
                    {
                        "name": "v",
                        "efsVolumeConfiguration": {
                            "fileSystemId": "fs",
                            "transitEncryption": "DISABLED",
                        },
                    }
                ]
            },
        ),
        flagged=("bad",),
    )
    p = "ecs-exec-logging"
    yield case(
        p,
        "flags a cluster that logs no Exec session",
        *exec_cluster("NONE", enable_exec=False),
        flagged=("cluster",),
    )
    yield case(p, "passes DEFAULT logging", *exec_cluster("DEFAULT"))
    yield case(p, "passes a service without Exec", *exec_cluster(None, enable_exec=False))


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, ecs.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
