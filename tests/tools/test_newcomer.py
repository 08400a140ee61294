"""A newcomer's third stack, another region and secret values: one line, never a traceback."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.config import SECTIONS, camel, parse_stack_config
from tests.support.paths import REPO_ROOT
from tools import plan, policy_gate
from tools.day2 import impact
from tools.offline import SECRET_PLACEHOLDERS, run_program, stack_config_map


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


# What `pulumi config set --secret` writes: the ciphertext only the stack's secrets provider reads.
SECURE = {"secure": "v1:AAAAAAAAAAAAAAAA:bm90IGRlY3J5cHRhYmxlIG9mZmxpbmU="}


def with_stack_values(project: Path, values: dict[str, Any], stack: str = "dev") -> None:
    path = project / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"].update(values)
    path.write_text(yaml.safe_dump(document))


def resource_of(graph: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r for r in graph["resources"] if r["type"] == type_token]


SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def test_a_secret_slack_channel_plans_with_a_placeholder_named_in_the_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_stack_values(
        project,
        {"ecs-fargate:slackWorkspaceId": "T012ABCDEF", "ecs-fargate:slackChannelId": SECURE},
    )
    assert plan.main(["--stack", "dev", "--project-dir", str(project), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        "secret ecs-fargate:slackChannelId not decrypted offline: planned with a placeholder" in out
    )


def test_a_secret_reaches_its_resource_as_a_secret_input(project: Path) -> None:
    with_stack_values(
        project, {"ecs-fargate:slackWorkspaceId": SECURE, "ecs-fargate:slackChannelId": SECURE}
    )
    graph = run_program("dev", project_dir=project)
    [slack] = resource_of(graph, SLACK)
    assert graph["secrets"] == ["ecs-fargate:slackChannelId", "ecs-fargate:slackWorkspaceId"]
    assert slack["secretInputs"] == ["slackChannelId", "slackTeamId"]


def test_a_planned_change_keeps_the_stacks_secrets_secret(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_stack_values(
        project, {"ecs-fargate:slackWorkspaceId": SECURE, "ecs-fargate:slackChannelId": SECURE}
    )
    graphs: list[dict[str, Any]] = []

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        graphs.append(run_program(*args, **kwargs))
        return graphs[-1]

    monkeypatch.setattr(impact, "run_program", recording)
    impact.plan_change("dev", impact.parse_change("desiredCount=3"), project_dir=project)
    base, changed = graphs
    assert changed["secrets"] == base["secrets"] != []
    [slack] = resource_of(changed, SLACK)
    assert slack["secretInputs"] == ["slackChannelId", "slackTeamId"]


def test_secret_alarm_emails_keep_their_count_and_go_to_sns_as_secrets(project: Path) -> None:
    with_stack_values(project, {"ecs-fargate:alarmEmails": [SECURE, "oncall@corp.example.io"]})
    graph = run_program("dev", project_dir=project)
    subscriptions = resource_of(graph, SUBSCRIPTION)
    assert graph["secrets"] == ["ecs-fargate:alarmEmails[0]"]
    assert len(subscriptions) == 2
    # The engine marks the whole key secret (PULUMI_CONFIG_SECRET_KEYS names top-level keys).
    assert all(s["secretInputs"] == ["endpoint"] for s in subscriptions)


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("ecs-fargate:vpcCidr", "a CIDR"),
        ("ecs-fargate:desiredCount", "a count"),
        ("ecs-fargate:flowLogs", "a feature flag"),
        ("ecs-fargate:domainName", "decides the HTTPS listener and certificate"),
        ("ecs-fargate:alarmEmails", "the whole list: decides how many subscriptions"),
        ("aws:region", "the region"),
    ],
)
def test_a_secret_that_shapes_the_graph_stops_with_one_line_naming_the_key(
    key: str, why: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_stack_values(project, {key: SECURE})
    assert plan.main(["--stack", "dev", "--project-dir", str(project), "--quiet"]) == 1, why
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: secret {key} is needed to shape the graph: ")


def test_each_placeholder_is_a_string_setting_and_passes_its_validation() -> None:
    hints = {camel(f.name): f.type for section in SECTIONS for f in dataclasses.fields(section)}
    config = stack_config_map("dev")
    for path, placeholder in SECRET_PLACEHOLDERS.items():
        key = path.removesuffix("[]")
        assert hints[key.removeprefix("ecs-fargate:")] in ("str", "tuple[str, ...]"), path
        value = placeholder.format(index=0)
        config[key] = json.dumps([value]) if path.endswith("[]") else value
    parse_stack_config(config, stack="dev")  # raises ConfigError on a placeholder it rejects
