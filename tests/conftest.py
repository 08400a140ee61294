"""Shared fixtures: the offline resource graph of each stack and of its variants, each rendered
once per test process (tests/support/renders.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphs import FEATURE_VARIANTS, FeatureVariant, PlanVariant, config_with
from tests.support.renders import rendered
from tools.graph import Graph

STACKS = ("dev", "prod")

# The policy pack process every policy test shares (tests/support/policy_pack.py), and the
# garbage collector kept off the SDK's long-lived objects (tests/support/frozen_heap.py).
pytest_plugins = ("tests.support.policy_pack", "tests.support.frozen_heap")


@pytest.fixture(scope="session")
def dev_graph() -> Graph:
    return Graph(rendered("dev"))


@pytest.fixture(scope="session")
def prod_graph() -> Graph:
    return Graph(rendered("prod"))


@pytest.fixture(scope="session", params=STACKS)
def stack_graph(request: pytest.FixtureRequest) -> Graph:
    """Each stack's graph in turn, for properties every stack must have."""
    return Graph(rendered(request.param))


@pytest.fixture(scope="module", params=FEATURE_VARIANTS, ids=lambda v: v.id)
def feature_variant(request: pytest.FixtureRequest) -> tuple[FeatureVariant, Graph]:
    """Each optional feature turned on in turn, with the stack it was planned on."""
    variant: FeatureVariant = request.param
    config = config_with(variant.stack, variant.overrides)
    return variant, Graph(rendered(variant.stack, config))


@pytest.fixture
def plan_variant() -> PlanVariant:
    """Plan a stack with some config keys changed (``None`` removes a key)."""

    def plan(stack: str = "dev", raise_errors: bool = True, **overrides: Any) -> Graph:
        config = config_with(stack, overrides)
        return Graph(rendered(stack, config, raise_errors=raise_errors))

    return plan
