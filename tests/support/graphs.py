"""Stacks with config changed: the overrides helper behind the ``plan_variant`` fixture, and the
optional features every test that reasons about "each feature a stack can turn on" plans."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.graph import Graph
from tools.offline import REPO_ROOT, stack_config_map

PlanVariant = Callable[..., Graph]
"""The ``plan_variant`` fixture: plan a stack with some config keys changed."""


_STACK_CONFIGS: dict[tuple[str, Path], Mapping[str, str]] = {}


def _stack_config(stack: str, project_dir: Path) -> Mapping[str, str]:
    """stack_config_map, read once per test process: the stack files do not change during a run,
    and parsing Pulumi.yaml's config block costs a tenth of a render."""
    if (stack, project_dir) not in _STACK_CONFIGS:
        _STACK_CONFIGS[stack, project_dir] = stack_config_map(stack, project_dir)
    return _STACK_CONFIGS[stack, project_dir]


def config_with(
    stack: str, overrides: Mapping[str, Any], project_dir: Path = REPO_ROOT
) -> dict[str, str]:
    """The stack's merged config with ``overrides`` (short keys mean the project namespace,
    ``None`` removes a key)."""
    config = dict(_stack_config(stack, project_dir))
    for key, value in overrides.items():
        full_key = key if ":" in key else f"ecs-fargate:{key}"
        if value is None:
            config.pop(full_key, None)
        else:
            config[full_key] = value if isinstance(value, str) else json.dumps(value)
    return config


@dataclass(frozen=True)
class FeatureVariant:
    """A stack with one optional feature turned on; ``feature`` is its FEATURE_PASSED_TO_SERVICES
    key, or None for a feature that passes no role."""

    stack: str
    label: str
    overrides: Mapping[str, Any] = field(hash=False)
    feature: str | None = None

    @property
    def id(self) -> str:
        return f"{self.stack}+{self.label}"


NIGHT_SCHEDULE = {
    "scaleInCron": "cron(0 21 ? * MON-FRI *)",
    "scaleOutCron": "cron(0 8 ? * MON-FRI *)",
    "timezone": "Asia/Tokyo",
}
SLACK = {"slackWorkspaceId": "T0123ABCDEF", "slackChannelId": "C0123ABCDEF"}
BLUE_GREEN = {"deploymentStrategy": "blue_green"}
ECS_EXEC = {"enableExecuteCommand": True, "extraEndpointServices": ["ssmmessages"]}

# Features the stacks leave off by default (prod has flow logs on already; the night schedule is
# dev only, config rejects it in prod).
FEATURE_VARIANTS = (
    FeatureVariant("dev", "flowLogs", {"flowLogs": True}, "flowLogs"),
    FeatureVariant("dev", "nightSchedule", {"nightSchedule": NIGHT_SCHEDULE}, "nightSchedule"),
    *(
        variant
        for stack in ("dev", "prod")
        for variant in (
            FeatureVariant(stack, "slack", SLACK, "slackWorkspaceId + slackChannelId"),
            FeatureVariant(stack, "blue_green", BLUE_GREEN, "deploymentStrategy: blue_green"),
            FeatureVariant(stack, "ecsExec", ECS_EXEC),
        )
    ),
)
