"""Shared fixtures: the offline resource graph of each stack, planned once per test session."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tools.graph import Graph  # noqa: E402
from tools.offline import run_program, stack_config_map  # noqa: E402

STACKS = ("dev", "prod")

# The policy pack process every policy test shares (tests/support/policy_pack.py).
pytest_plugins = ("tests.support.policy_pack",)


@pytest.fixture(scope="session")
def dev_graph() -> Graph:
    return Graph(run_program("dev"))


@pytest.fixture(scope="session")
def prod_graph() -> Graph:
    return Graph(run_program("prod"))


@pytest.fixture(scope="session", params=STACKS)
def stack_graph(request: pytest.FixtureRequest) -> Graph:
    """Each stack's graph in turn, for properties every stack must have."""
    return Graph(run_program(request.param))


PlanVariant = Callable[..., Graph]


@pytest.fixture
def plan_variant() -> PlanVariant:
    """Plan a stack with some config keys changed (``None`` removes a key)."""

    def plan(stack: str = "dev", raise_errors: bool = True, **overrides: Any) -> Graph:
        config = config_with(stack, overrides)
        return Graph(run_program(stack, config=config, raise_errors=raise_errors))

    return plan


def config_with(stack: str, overrides: Mapping[str, Any]) -> dict[str, str]:
    """The stack's merged config with ``overrides`` (short keys mean the project namespace)."""
    config = stack_config_map(stack)
    for key, value in overrides.items():
        full_key = key if ":" in key else f"ecs-fargate:{key}"
        if value is None:
            config.pop(full_key, None)
        else:
            config[full_key] = value if isinstance(value, str) else json.dumps(value)
    return config
