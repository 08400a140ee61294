"""`pulumi new <repository URL>`: Pulumi.yaml's template section and the project it yields.

The schema is the Pulumi CLI's own project schema, vendored as tests/fixtures/
pulumi_project_schema.json from pulumi/pulumi sdk/go/common/workspace/project.json (last changed in
commit 280839534c902ee76b7ad4b65fe2b37e291ede89, 2026-07-24; read at 1b5949891b3c, 2026-08-21).
The CLI embeds that file and validates every Pulumi.yaml against it before anything else
(sdk/go/common/workspace/project.go: ValidateProject -> ProjectSchema.Validate).

What `pulumi new` does with the template, from pulumi/pulumi pkg/cmd/pulumi/project/newcmd
(new.go, config.go) at the same commit: it copies the files, sets the project name, drops the
``template`` section, adds ``pulumi:tags`` {``pulumi:template``: <URL>} to the config block and
saves Pulumi.yaml; it asks each ``template.config`` key with its default and copies the answers,
as plain strings (``config.NewValue``), over the top-level keys of Pulumi.<stack>.yaml.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.support.paths import FIXTURES, REPO_ROOT
from tools import plan
from tools.offline import stack_config_map

SCHEMA = json.loads((FIXTURES / "pulumi_project_schema.json").read_text())
TEMPLATE_URL = "https://github.com/owner/ecs-fargate-pulumi"


def project() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())


def template() -> dict[str, Any]:
    return project()["template"]


def schema_errors(document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(SCHEMA).iter_errors(document)
    ]


def test_pulumi_yaml_validates_against_the_cli_project_schema() -> None:
    assert schema_errors(project()) == []


def test_the_schema_holds_the_template_section_to_the_fields_the_cli_knows() -> None:
    # Guards the check above: the vendored schema does look inside `template`.
    broken = {**project(), "template": {**template(), "prompts": ["aws:region"]}}
    assert any("prompts" in error for error in schema_errors(broken))


def test_the_template_asks_for_region_and_permissions_boundary() -> None:
    assert set(template()["config"]) == {"aws:region", "ecs-fargate:permissionsBoundaryArn"}


def test_every_prompted_key_takes_the_plain_string_a_prompt_answer_is() -> None:
    # A prompt's answer is saved as a string; the CLI rejects a string for a key the project
    # declares as an array (alarmEmails) before any preview (pkg/workspace/config.go,
    # validateStackConfigValue), so such keys belong in the quickstart's commands instead.
    declared = project()["config"]
    for key in template()["config"]:
        namespace, _, name = key.partition(":")
        if namespace == project()["name"]:
            assert declared[name]["type"] == "string", key


def test_every_prompted_default_is_a_string() -> None:
    # apitype.ProjectTemplateConfigValue.Default is a Go string: YAML must not turn it into a
    # number or a boolean.
    for key, entry in template()["config"].items():
        assert isinstance(entry["default"], str), key
        assert entry["description"], key


def quickstart_lines() -> list[str]:
    return [line.strip() for line in template()["quickstart"].splitlines() if line.strip()]


def makefile_targets() -> set[str]:
    text = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*):", text, re.MULTILINE))


def test_every_make_target_the_quickstart_names_is_in_the_makefile() -> None:
    named = {m for line in quickstart_lines() for m in re.findall(r"\bmake ([\w-]+)", line)}
    assert named, "the quickstart names no make target"
    assert named <= makefile_targets()


def test_every_path_the_quickstart_names_exists() -> None:
    paths = {
        p.rstrip(".,;:)")
        for line in quickstart_lines()
        for p in re.findall(r"(?<![\w:/])((?:[\w.-]+/)+[\w.-]*)", line)
    }
    assert paths, "the quickstart names no file"
    assert [p for p in paths if not (REPO_ROOT / p).exists()] == []


def test_every_key_the_quickstart_sets_is_a_setting_of_the_dev_stack() -> None:
    keys = [
        re.split(r"[.\[]", m)[0]
        for line in quickstart_lines()
        for m in re.findall(r"pulumi config set --path '?([\w:.\[\]-]+)", line)
    ]
    assert keys, "the quickstart sets no config"
    assert set(keys) <= set(stack_config_map("dev"))


def created_project(tmp_path: Path, answers: dict[str, str]) -> Path:
    """The directory `pulumi new TEMPLATE_URL --stack dev` leaves, with ``answers`` given."""
    created = tmp_path / "created"
    shutil.copytree(
        REPO_ROOT,
        created,
        ignore=shutil.ignore_patterns("venv", "build", ".git", "tests", "__pycache__"),
    )
    saved = project()
    del saved["template"]
    saved["config"]["pulumi:tags"] = {"value": {"pulumi:template": TEMPLATE_URL}}
    (created / "Pulumi.yaml").write_text(yaml.safe_dump(saved, sort_keys=False))
    stack_file = created / "Pulumi.dev.yaml"
    stack = yaml.safe_load(stack_file.read_text())
    stack["config"].update({key: value for key, value in answers.items() if value})
    stack_file.write_text(yaml.safe_dump(stack, sort_keys=False))
    return created


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(None, id="defaults"),
        # An empty answer is not saved: the stack file's boundary stays.
        pytest.param(
            {"aws:region": "us-east-1", "ecs-fargate:permissionsBoundaryArn": ""},
            id="other-region-empty-boundary",
        ),
    ],
)
def test_make_plan_passes_in_a_project_created_from_the_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: dict[str, str] | None
) -> None:
    if answers is None:
        answers = {key: entry["default"] for key, entry in template()["config"].items()}
    created = created_project(tmp_path, answers)
    assert plan.main(["--stack", "dev", "--project-dir", str(created)]) == 0
    out = capsys.readouterr().out
    region = answers["aws:region"]
    assert f"plan ecs-fargate/dev ({region})" in out
    assert "policy gate PASS for stack dev" in out
    assert f"cost dev ({region}): $" in out
