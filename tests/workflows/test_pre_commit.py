""".pre-commit-config.yaml: a valid pre-commit config whose local hooks run the venv's own tools
on every file `make test` lints the same way."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from identify.identify import tags_from_path
from pre_commit.clientlib import load_config

from tests.support.paths import REPO_ROOT
from tests.support.workflows import WORKFLOWS

CONFIG = REPO_ROOT / ".pre-commit-config.yaml"
VENV_BIN = Path(sys.executable).parent


def hooks() -> dict[str, dict[str, Any]]:
    """Each hook by id, with pre-commit's defaults filled in (files, types, ...)."""
    return {
        hook["id"]: hook for repo in load_config(str(CONFIG))["repos"] for hook in repo["hooks"]
    }


def tracked(name: str) -> list[str]:
    """The repository's files with that name: what `pre-commit run --all-files` looks at."""
    listed = subprocess.run(
        ["git", "ls-files", "--", name, f"**/{name}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


def selects(hook: dict[str, Any], path: str) -> bool:
    """pre-commit's choice of files for a hook: `files`/`exclude` regexes, then identify's tags."""
    tags = tags_from_path(str(REPO_ROOT / path))
    return (
        re.search(hook["files"], path) is not None
        and re.search(hook["exclude"], path) is None
        and tags >= set(hook["types"])
        and (not hook["types_or"] or bool(tags & set(hook["types_or"])))
        and not tags & set(hook["exclude_types"])
    )


def test_the_config_passes_pre_commits_own_validation() -> None:
    # load_config raises InvalidConfigError naming the key on anything pre-commit would refuse.
    assert hooks()


def test_every_hook_is_local_and_runs_on_the_system_so_nothing_is_cloned() -> None:
    # Read as written: pre-commit 4.4+ loads `system` under its new name `unsupported`.
    repos = yaml.safe_load(CONFIG.read_text())["repos"]
    assert {repo["repo"] for repo in repos} == {"local"}
    assert {hook["language"] for repo in repos for hook in repo["hooks"]} == {"system"}


@pytest.mark.parametrize("hook_id", sorted(hooks()))
def test_each_hook_runs_a_tool_installed_in_the_venv(hook_id: str) -> None:
    program = Path(shlex.split(hooks()[hook_id]["entry"])[0])
    assert program.parent == Path("venv/bin"), "hooks run the pinned tools of requirements-dev.txt"
    assert (VENV_BIN / program.name).is_file(), f"{program.name} is not in {VENV_BIN}"


def test_every_pulumi_project_file_is_checked_against_the_vendored_cli_schema() -> None:
    hook = hooks()["check-pulumi-project"]
    schema = shlex.split(hook["entry"])[-1]
    assert (REPO_ROOT / schema).is_file()
    projects = tracked("Pulumi.yaml")
    assert {"Pulumi.yaml", "bootstrap/Pulumi.yaml"} <= set(projects)
    assert [p for p in projects if not selects(hook, p)] == []


@pytest.mark.parametrize("hook_id", ["zizmor", "check-github-workflows"])
def test_every_workflow_is_seen_by_the_workflow_hooks(hook_id: str) -> None:
    hook = hooks()[hook_id]
    paths = [str(path.relative_to(REPO_ROOT)) for path in WORKFLOWS]
    assert [path for path in paths if not selects(hook, path)] == []


def test_hadolint_sees_the_app_dockerfile() -> None:
    assert selects(hooks()["hadolint"], "app/Dockerfile")


@pytest.mark.parametrize("hook_id", ["ruff", "ruff-format", "basedpyright"])
def test_the_python_hooks_see_the_program_and_ignore_other_files(hook_id: str) -> None:
    hook = hooks()[hook_id]
    assert selects(hook, "__main__.py")
    assert not selects(hook, "Pulumi.yaml")
