"""The bootstrap program's offline resource graph (docs/offline-graph.md), for tests and the
policy gate: the same harness as the ecs-fargate stacks, pointed at this project directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.offline import run_program, stack_config_map

PROJECT_DIR = Path(__file__).resolve().parent
EXAMPLE_STACK = "example"


def example_config() -> dict[str, str]:
    """Pulumi.yaml defaults overlaid by Pulumi.example.yaml, as the CLI merges them."""
    return stack_config_map(EXAMPLE_STACK, PROJECT_DIR)


def plan_bootstrap(
    config: Mapping[str, str] | None = None, stack: str = EXAMPLE_STACK
) -> dict[str, Any]:
    """Run the bootstrap under mocks; ``config`` replaces the example stack's merged config."""
    return run_program(stack, project_dir=PROJECT_DIR, config=config or example_config())
