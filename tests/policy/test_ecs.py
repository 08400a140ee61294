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


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, ecs.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
