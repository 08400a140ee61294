"""A newcomer's third stack, another region and secret values: one line, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from tools import plan, policy_gate


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (program and stack files), planned with --project-dir."""
    copy = tmp_path / "project"
    shutil.copytree(
        REPO_ROOT,
        copy,
        ignore=shutil.ignore_patterns("venv", "build", ".git", "tests", "policy", "bootstrap"),
    )
    return copy


def staging_stack_file(project: Path) -> None:
    dev = (project / "Pulumi.dev.yaml").read_text()
    staging = dev.replace("Environment: dev", "Environment: staging").replace(
        "ecs-fargate:environment: dev", "ecs-fargate:environment: staging"
    )
    (project / "Pulumi.staging.yaml").write_text(staging)


MISSING_STAGING_POLICY = (
    "error: no policy config for stack staging: create policy/config/staging.json "
    "(copy policy/config/dev.json or policy/config/prod.json and review each waiver)"
)


def test_plan_without_the_stacks_policy_config_names_the_file_to_create(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staging_stack_file(project)
    assert plan.main(["--stack", "staging", "--project-dir", str(project)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [MISSING_STAGING_POLICY]
    assert captured.out == ""  # stopped before the program ran


def test_policy_gate_without_the_stacks_policy_config_names_the_file_to_create(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"resources": [], "stack": "staging"}))
    assert policy_gate.main(["--stack", "staging", "--graph", str(graph)]) == 1
    assert capsys.readouterr().err.splitlines() == [MISSING_STAGING_POLICY]


def test_plan_without_the_stack_file_names_the_file_to_create(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "Pulumi.dev.yaml").unlink()
    assert plan.main(["--stack", "dev", "--project-dir", str(project)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: no stack file Pulumi.dev.yaml in {project}: create it "
        "(`pulumi stack init dev`, then copy the settings of Pulumi.dev.yaml or "
        "Pulumi.prod.yaml from the repository and review each)"
    ]
