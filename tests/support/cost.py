"""Pricing a small hand-built graph, for the cost formula tests."""

from __future__ import annotations

import json
from typing import Any

from tools.cost.ledger import AS_CONFIGURED, Design, Estimate
from tools.cost.portfolio import hand_graph, hand_resource
from tools.cost.pricing import estimate
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph


def price(
    resources: list[dict[str, Any]],
    region: str = "ap-northeast-1",
    design: Design = AS_CONFIGURED,
) -> Estimate:
    """The estimate of the resources' graph, read back from JSON as `make cost` reads
    build/<stack>/graph.json: its strings are then not the interned literals of a test module, so
    a formula comparing text with `is` fails here as it would on a real graph."""
    graph = Graph(json.loads(json.dumps(hand_graph(resources, region=region))))
    return estimate(graph, load_prices(region), load_usage(), design)


def charged(result: Estimate, starts_with: str) -> float:
    """USD/month of the charge lines whose item starts with the text."""
    return sum(
        line.monthly_usd for line in result.of_kind("charge") if line.item.startswith(starts_with)
    )


def service_with_task(
    cpu: str = "256",
    memory: str = "512",
    architecture: str = "X86_64",
    count: int = 1,
    **service_inputs: Any,
) -> list[dict[str, Any]]:
    """A Linux Fargate task definition and the service "web" running `count` of it."""
    task = hand_resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        cpu=cpu,
        memory=memory,
        runtimePlatform={"cpuArchitecture": architecture, "operatingSystemFamily": "LINUX"},
    )
    service_inputs.setdefault("launchType", "FARGATE")
    service = hand_resource(
        "aws:ecs/service:Service",
        "web",
        taskDefinition=task["outputs"]["arn"],
        desiredCount=count,
        **service_inputs,
    )
    return [task, service]


def scheduled_target(
    resource_id: str,
    actions: list[tuple[str, str, dict[str, int]]],
    *,
    min_capacity: int = 2,
    max_capacity: int = 4,
) -> list[dict[str, Any]]:
    """A scalable target on `resource_id` and its scheduled actions, each (name, schedule,
    scalableTargetAction)."""
    target = hand_resource(
        "aws:appautoscaling/target:Target",
        "target",
        resourceId=resource_id,
        minCapacity=min_capacity,
        maxCapacity=max_capacity,
    )
    return [
        target,
        *(
            hand_resource(
                "aws:appautoscaling/scheduledAction:ScheduledAction",
                name,
                resourceId=resource_id,
                schedule=schedule,
                scalableTargetAction=bounds,
            )
            for name, schedule, bounds in actions
        ),
    ]
