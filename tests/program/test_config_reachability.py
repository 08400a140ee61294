"""Config reachability: every setting, set to its declared example, changes the rendered graph in
exactly the (resource type, property path) pairs it declares (components/config/settings.py).

No fewer: a setting whose value never reaches a resource (a copy line deleted, a field nobody
reads) fails here, naming the pairs it no longer changes. No more: a change that reaches an
undeclared place fails too, so the declarations stay what the impact tables can trust. An
example that needs other keys (``domainName`` with ``hostedZoneId``) may also change their
declared pairs. Each stack's baseline is rendered once, in-process under mocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bootstrap import config as bootstrap_config
from bootstrap import plan as bootstrap_plan
from components.config import PROJECT, SECTIONS, rules_service
from components.config.settings import DeclaredSetting, settings_of
from tests.support.config_reachability import (
    ReachabilityCase,
    changed_pairs,
    example_differs_from_default,
    reachability_cases,
)
from tests.support.graphs import config_with
from tools.offline import REPO_ROOT, run_program, stack_config_map


@dataclass(frozen=True)
class Project:
    namespace: str
    directory: Path
    sections: tuple[type, ...]
    default_stack: str
    """The stack an example changes unless it names its own."""


PROJECTS = (
    Project(PROJECT, REPO_ROOT, SECTIONS, "prod"),
    Project(
        bootstrap_config.PROJECT,
        bootstrap_plan.PROJECT_DIR,
        bootstrap_config.SECTIONS,
        bootstrap_plan.EXAMPLE_STACK,
    ),
)

# Keys whose only valid value is the one app/runtime-contract.json names (the task runs that
# contract): their example renders with a contract that agrees with it.
CONTRACT_FIELDS = {f"{PROJECT}:containerPort": "containerPort"}


def _settings(project: Project) -> Iterator[DeclaredSetting]:
    for section in project.sections:
        for declared in settings_of(section):
            yield declared
            if declared.structure is not None:
                yield from settings_of(declared.structure)


def _cases() -> list[tuple[Project, ReachabilityCase]]:
    found = []
    for project in PROJECTS:
        stacks = {s.declaration.example_stack or project.default_stack for s in _settings(project)}
        configs = {stack: stack_config_map(stack, project.directory) for stack in stacks}
        cases = reachability_cases(
            project.sections, project.namespace, configs, project.default_stack
        )
        found += [(project, case) for case in cases]
    return found


CASES = _cases()

Render = Callable[[Project, str, Mapping[str, Any]], dict[str, Any]]


@pytest.fixture(scope="module")
def baseline() -> Callable[[Project, ReachabilityCase], dict[str, Any]]:
    rendered: dict[tuple[Path, str], dict[str, Any]] = {}

    def graph(project: Project, case: ReachabilityCase) -> dict[str, Any]:
        key = (project.directory, case.baseline_id)
        if key not in rendered:
            rendered[key] = _render(project, case.stack, case.given)
        return rendered[key]

    return graph


def _render(project: Project, stack: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    config = config_with(stack, overrides, project.directory)
    return run_program(stack, project_dir=project.directory, config=config)


def _agreeing_contract(case: ReachabilityCase, directory: Path) -> Path | None:
    fields = {CONTRACT_FIELDS[k]: v for k, v in case.change.items() if k in CONTRACT_FIELDS}
    if not fields:
        return None
    contract = {**json.loads(rules_service.APP_CONTRACT.read_text()), **fields}
    path = directory / "runtime-contract.json"
    path.write_text(json.dumps(contract))
    return path


@pytest.mark.parametrize(("project", "case"), CASES, ids=[case.key for _, case in CASES])
def test_each_setting_changes_exactly_the_pairs_it_declares(
    project: Project,
    case: ReachabilityCase,
    baseline: Callable[[Project, ReachabilityCase], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = baseline(project, case)
    if contract := _agreeing_contract(case, tmp_path):
        monkeypatch.setattr(rules_service, "APP_CONTRACT", contract)
    after = _render(project, case.stack, {**case.given, **case.change})
    changed = changed_pairs(before, after)
    assert not case.own - changed, (
        f"{case.key} on {case.stack} no longer changes {sorted(case.own - changed)}: "
        "is the setting still passed to its resources?"
    )
    assert not changed - case.allowed, (
        f"{case.key} on {case.stack} also changes {sorted(changed - case.allowed)}: "
        "declare them in its affects"
    )


@pytest.mark.parametrize(
    "setting",
    [s for project in PROJECTS for s in _settings(project)],
    ids=lambda s: s.key,
)
def test_each_example_is_not_the_default(setting: DeclaredSetting) -> None:
    assert example_differs_from_default(setting)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.namespace)
def test_every_key_of_the_config_block_has_a_case(project: Project) -> None:
    block = yaml.safe_load((project.directory / "Pulumi.yaml").read_text())["config"]
    keys = {case.key for p, case in CASES if p == project}
    assert set(block) - keys == set()
