"""The GitHub workflows: pinned actions from the verified table, least privilege, the concurrency
rules that keep a running `pulumi up` alive, and the two offline linters (zizmor, the workflow
JSON schema). The portfolio's plan job stayed green on failure and its apply had no guard."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO_ROOT
from tests.support.workflows import WORKFLOWS, WORKFLOWS_DIR, load, steps, triggers, workflow

ACTION_PINS = REPO_ROOT / "docs" / "reference" / "action_pins.md"
USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$"
)


def verified_pins() -> dict[tuple[str, str], str]:
    """(action, commit SHA) -> version tag, for the rows confirmed by a second source."""
    pins: dict[tuple[str, str], str] = {}
    for line in ACTION_PINS.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not re.fullmatch(r"`[0-9a-f]{40}`", cells[2]):
            continue
        if cells[4] == "yes":
            pins[(cells[0].split()[0], cells[2].strip("`"))] = cells[1]
    return pins


def uses_lines() -> list[tuple[str, str, str, str]]:
    found = []
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            match = USES.match(line)
            if match:
                found.append(
                    (path.name, match["action"], match["ref"], (match["comment"] or "").strip())
                )
    return found


def test_the_five_workflows_exist() -> None:
    assert {p.stem for p in WORKFLOWS} == {"ci", "preview", "deploy", "drift", "mutate"}


def test_every_action_is_pinned_to_a_verified_commit_with_its_version() -> None:
    pins = verified_pins()
    lines = uses_lines()
    assert lines
    for file, action, ref, comment in lines:
        assert (action, ref) in pins, f"{file}: {action}@{ref} is not a 'yes' row of action_pins"
        assert comment == pins[(action, ref)], (
            f"{file}: {action}@{ref} must say # {pins[(action, ref)]}"
        )


def test_zizmor_offline_finds_nothing() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    command = str(zizmor) if zizmor.exists() else shutil.which("zizmor")
    assert command, "zizmor is a dev requirement"
    # with a token and no network zizmor attempts its online audits and aborts (toolchain.md)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    result = subprocess.run(
        [command, "--offline", str(WORKFLOWS_DIR)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_workflows_match_the_github_workflow_schema() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    command = str(checker) if checker.exists() else shutil.which("check-jsonschema")
    assert command, "check-jsonschema is a dev requirement"
    result = subprocess.run(
        [command, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_no_workflow_runs_untrusted_code_with_secrets(path: Path) -> None:
    assert "pull_request_target" not in triggers(load(path))
    assert "workflow_run" not in triggers(load(path))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_permissions_are_empty_at_the_top_and_minimal_per_job(path: Path) -> None:
    wf = load(path)
    assert wf["permissions"] == {}
    for name, job in wf["jobs"].items():
        permissions = job["permissions"]
        assert permissions.get("contents") == "read", name
        # drift.yml's issue job: tests/workflows/test_drift_workflow.py
        if (path.stem, name) == ("drift", "issues"):
            assert permissions == {"contents": "read", "actions": "read", "issues": "write"}
            continue
        assert set(permissions) <= {"contents", "id-token", "pull-requests"}, name
        if path.stem == "ci":
            assert permissions == {"contents": "read"}
        if path.stem != "preview":
            assert "pull-requests" not in permissions


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_checkout_does_not_persist_the_token(path: Path) -> None:
    checkouts = [s for s in steps(load(path)) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_no_expression_is_interpolated_into_a_shell_script(path: Path) -> None:
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), f"pass {step.get('name')}'s values through env:"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_pip_downloads_are_cached(path: Path) -> None:
    setups = [s for s in steps(load(path)) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setups and all(s["with"]["cache"] == "pip" for s in setups)


def pulumi_steps(name: str) -> list[dict[str, Any]]:
    return [s for s in steps(workflow(name)) if s.get("uses", "").startswith("pulumi/actions@")]


@pytest.mark.parametrize("name", ["preview", "deploy"])
def test_pulumi_runs_with_the_policy_pack_and_the_stacks_policy_config(name: str) -> None:
    (step,) = pulumi_steps(name)
    inputs = step["with"]
    assert inputs["policyPacks"] == "policy"
    assert re.fullmatch(r"policy/config/\$\{\{ [A-Za-z_.]+ \}\}\.json", inputs["policyPackConfigs"])
    assert not {"policy-packs", "policy-pack-configs"} & set(inputs), "kebab-case is never read"
    assert inputs["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"


def test_preview_runs_for_both_stacks_only_on_same_repository_pull_requests() -> None:
    wf = workflow("preview")
    (job,) = wf["jobs"].values()
    assert set(triggers(wf)) == {"pull_request"}
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert job["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    (step,) = pulumi_steps("preview")
    assert step["with"]["command"] == "preview"
    assert step["with"]["comment-on-pr"] is True
    assert "continue-on-error" not in step, "a failed preview must fail the check"


def test_preview_builds_for_arm64_with_qemu_and_buildx() -> None:
    actions = [s.get("uses", "").split("@")[0] for s in steps(workflow("preview"))]
    assert {"docker/setup-qemu-action", "docker/setup-buildx-action"} <= set(actions)


def test_deploy_never_cancels_a_running_up_and_previews_never_join_its_group() -> None:
    (deploy,) = workflow("deploy")["jobs"].values()
    (preview,) = workflow("preview")["jobs"].values()
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["concurrency"]["group"].startswith("pulumi-")
    assert not preview["concurrency"]["group"].startswith("pulumi-")
    assert preview["concurrency"]["cancel-in-progress"] is True


def test_deploy_runs_dev_on_push_to_main_and_prod_on_dispatch_in_their_environments() -> None:
    wf = workflow("deploy")
    on = triggers(wf)
    assert on["push"]["branches"] == ["main"]
    assert set(on["push"]["paths"]) == {
        "__main__.py",
        "components/**",
        "app/**",
        "policy/**",
        "Pulumi*.yaml",
        "requirements*.txt",
    }
    assert "workflow_dispatch" in on
    (job,) = wf["jobs"].values()
    expected = "${{ github.event_name == 'workflow_dispatch' && 'prod' || 'dev' }}"
    assert job["environment"]["name"] == expected
    assert job["permissions"]["id-token"] == "write"


def test_deploy_waits_for_a_stable_service_and_prints_the_url() -> None:
    runs = " ".join(s.get("run", "") for s in steps(workflow("deploy")))
    envs = [s.get("env", {}) for s in steps(workflow("deploy"))]
    assert 'aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"' in runs
    assert {
        "CLUSTER": "${{ steps.up.outputs.clusterName }}",
        "SERVICE": "${{ steps.up.outputs.serviceName }}",
    } in envs
    assert deploy_step(ROLLOUT_STEP)["env"]["TASK_DEFINITION"] == (
        "${{ steps.up.outputs.taskDefinitionArn }}"
    )
    assert {"URL": "${{ steps.up.outputs.url }}"} in envs
    (step,) = pulumi_steps("deploy")
    assert step["with"]["command"] == "up"
    assert step["with"]["secrets-provider"] == "${{ vars.PULUMI_SECRETS_PROVIDER }}"


# --- the rollout wait: run the step's script against a fake `aws` -------------------------------

ROLLOUT_STEP = "Wait for the deployment alarms' bake (rollout COMPLETED or FAILED)"
FAKE_AWS = """#!/usr/bin/env bash
# Answers each call with the next line of $FAKE_AWS_ANSWERS and logs the arguments.
echo "$*" >> "$FAKE_AWS_LOG"
count=$(wc -l < "$FAKE_AWS_LOG")
sed -n "${count}p" "$FAKE_AWS_ANSWERS"
"""


DEPLOYED = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/ecs-fargate-dev-app:7"
PRIMARY = f"ecs-svc/42\t{DEPLOYED}"


def deploy_step(name: str) -> dict[str, Any]:
    (step,) = [s for s in steps(workflow("deploy")) if s.get("name") == name]
    return step


def run_step_with_fake_aws(
    tmp_path: Path, step: dict[str, Any], answers: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """A step's script as GitHub runs it (bash -e -o pipefail) with ``env``, each `aws` call
    answered by the next of ``answers``; returns the result and the logged `aws` arguments."""
    fake = tmp_path / "bin" / "aws"
    fake.parent.mkdir()
    fake.write_text(FAKE_AWS)
    fake.chmod(0o755)
    (tmp_path / "answers").write_text("".join(f"{a}\n" for a in answers))
    log = tmp_path / "calls"
    log.touch()
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        env={
            **os.environ,
            "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
            "FAKE_AWS_ANSWERS": str(tmp_path / "answers"),
            "FAKE_AWS_LOG": str(log),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result, log.read_text().splitlines()


def run_rollout_wait(
    tmp_path: Path, answers: list[str], timeout_seconds: int = 600
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The rollout wait, `aws` answering first the PRIMARY deployment's
    "<id>\\t<taskDefinition>", then "<status>\\t<rolloutState>" per poll."""
    env = {
        "CLUSTER": "ecs-fargate-dev-cluster",
        "SERVICE": "ecs-fargate-dev-web",
        "TASK_DEFINITION": DEPLOYED,
        "ROLLOUT_TIMEOUT_SECONDS": str(timeout_seconds),
        "POLL_SECONDS": "0",
    }
    return run_step_with_fake_aws(tmp_path, deploy_step(ROLLOUT_STEP), answers, env)


def test_deploy_waits_for_the_rollout_after_the_service_is_stable() -> None:
    names = [s.get("name") for s in steps(workflow("deploy"))]
    stable = names.index("Wait for the ECS service to be stable")
    assert names.index(ROLLOUT_STEP) == stable + 1
    step = deploy_step(ROLLOUT_STEP)
    assert step["env"]["CLUSTER"] == "${{ steps.up.outputs.clusterName }}"
    assert step["env"]["SERVICE"] == "${{ steps.up.outputs.serviceName }}"
    assert "continue-on-error" not in step
    # bounded: the bake is ~3-4 min (blue/green 5), far inside the job's timeout
    (job,) = workflow("deploy")["jobs"].values()
    assert 300 <= int(step["env"]["ROLLOUT_TIMEOUT_SECONDS"]) < job["timeout-minutes"] * 60 / 2


def test_rollout_wait_succeeds_once_the_deployment_completes(tmp_path: Path) -> None:
    answers = [PRIMARY, "PRIMARY\tIN_PROGRESS", "PRIMARY\tIN_PROGRESS", "PRIMARY\tCOMPLETED"]
    result, calls = run_rollout_wait(tmp_path, answers)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(calls) == 4
    assert all(
        "--cluster ecs-fargate-dev-cluster --services ecs-fargate-dev-web" in c for c in calls
    )
    assert all("ecs-svc/42" in c for c in calls[1:]), "polls must follow the deployment by id"


def test_rollout_wait_fails_when_a_rollback_during_up_left_an_older_revision_primary(
    tmp_path: Path,
) -> None:
    older = DEPLOYED.replace(":7", ":6")
    result, calls = run_rollout_wait(tmp_path, [f"ecs-svc/41\t{older}", "PRIMARY\tCOMPLETED"])
    assert result.returncode != 0
    assert "circuit breaker rolled the deployment back" in result.stdout
    assert len(calls) == 1


def test_rollout_wait_fails_the_job_when_the_deployment_fails(tmp_path: Path) -> None:
    result, _ = run_rollout_wait(tmp_path, [PRIMARY, "PRIMARY\tIN_PROGRESS", "ACTIVE\tFAILED"])
    assert result.returncode != 0
    assert "::error::" in result.stdout
    assert "FAILED during the alarm bake" in result.stdout


def test_rollout_wait_fails_when_a_rollback_replaces_the_deployment(tmp_path: Path) -> None:
    # the failed deployment may already be gone; the rollback's PRIMARY must not count as success
    result, _ = run_rollout_wait(tmp_path, [PRIMARY, "PRIMARY\tIN_PROGRESS", "None"])
    assert result.returncode != 0
    assert "no longer the primary deployment" in result.stdout


def test_rollout_wait_fails_the_job_when_the_bake_outlasts_the_timeout(tmp_path: Path) -> None:
    result, calls = run_rollout_wait(
        tmp_path, [PRIMARY, *["PRIMARY\tIN_PROGRESS"] * 5], timeout_seconds=0
    )
    assert result.returncode != 0
    assert "after 0s" in result.stdout
    assert len(calls) == 2


# --- the deploy job's time budget: a killed `up` keeps the state lock --------------------------

UP_STEP_ID = "up"
LOCK_REPORT_STEP = "Report a state lock the failed up left behind"
# checkout, setup-python, pip install, QEMU, buildx, credentials: measured at 2-4 min on
# ubuntu-24.04 with the pip cache warm; twice that leaves room for a cold cache
SETUP_MINUTES = 8


def deploy_job() -> dict[str, Any]:
    (job,) = workflow("deploy")["jobs"].values()
    return job


def test_the_up_step_is_bounded_well_inside_the_job() -> None:
    # GitHub kills a job at its timeout without running any further step; bounding `up` itself
    # makes a hung update fail as a step, so the lock report below still runs
    job = deploy_job()
    names = [s.get("id") for s in job["steps"]]
    up_index = names.index(UP_STEP_ID)
    up, after = job["steps"][up_index], job["steps"][up_index + 1 :]
    assert all("timeout-minutes" in s for s in after), "every step after up needs a bound"
    budget = SETUP_MINUTES + up["timeout-minutes"] + sum(s["timeout-minutes"] for s in after)
    assert budget <= job["timeout-minutes"], f"steps may need {budget} min"
    assert up["timeout-minutes"] <= job["timeout-minutes"] * 2 / 3


def test_the_steady_state_wait_fits_its_step_bound() -> None:
    # `aws ecs wait services-stable` polls 40 times every 15 s, then fails (AWS CLI reference)
    step = deploy_step("Wait for the ECS service to be stable")
    assert step["timeout-minutes"] * 60 > 40 * 15


def test_the_rollout_wait_fits_its_step_bound() -> None:
    step = deploy_step(ROLLOUT_STEP)
    assert step["timeout-minutes"] * 60 > int(step["env"]["ROLLOUT_TIMEOUT_SECONDS"]) + 60


def test_the_lock_report_runs_only_when_up_failed() -> None:
    step = deploy_step(LOCK_REPORT_STEP)
    assert step["if"] == "${{ failure() && steps.up.outcome == 'failure' }}"
    assert step["env"]["BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"


def run_lock_report(tmp_path: Path, answer: str) -> tuple[subprocess.CompletedProcess[str], str]:
    env = {
        "STACK": "dev",
        "BACKEND_URL": "s3://ecs-fargate-state-123456789012-ap-northeast-1?region=ap-northeast-1",
    }
    result, calls = run_step_with_fake_aws(tmp_path, deploy_step(LOCK_REPORT_STEP), [answer], env)
    return result, "\n".join(calls)


def test_lock_report_names_the_lock_and_the_recovery(tmp_path: Path) -> None:
    lock = ".pulumi/locks/organization/ecs-fargate/dev/5b8d2c3e.json"
    result, calls = run_lock_report(tmp_path, lock)
    assert "--bucket ecs-fargate-state-123456789012-ap-northeast-1" in calls
    assert "--prefix .pulumi/locks/organization/ecs-fargate/dev/" in calls
    assert "::error::" in result.stdout and lock in result.stdout
    assert "pulumi cancel --stack dev" in result.stdout


def test_lock_report_stays_quiet_when_up_released_its_lock(tmp_path: Path) -> None:
    result, _ = run_lock_report(tmp_path, "None")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error::" not in result.stdout


# --- one pin moves the CLI, the program's SDK and the policy pack's SDK -------------------------

DEPENDABOT = REPO_ROOT / ".github" / "dependabot.yml"
CLI_STEP_ID = "cli"
CLI_VERSION_EXPRESSION = "${{ steps.cli.outputs.version }}"


def pulumi_pin(requirements: Path) -> str:
    (pin,) = [
        line.split("==", 1)[1].strip()
        for line in requirements.read_text().splitlines()
        if line.startswith("pulumi==")
    ]
    return pin


def dependabot_entries(ecosystem: str) -> list[dict[str, Any]]:
    entries = load(DEPENDABOT)["updates"]
    return [e for e in entries if e["package-ecosystem"] == ecosystem]


def directories_of(entry: dict[str, Any]) -> set[str]:
    return set(entry.get("directories", [entry.get("directory")]))


def test_dependabot_matches_its_schema() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    command = str(checker) if checker.exists() else shutil.which("check-jsonschema")
    assert command, "check-jsonschema is a dev requirement"
    result = subprocess.run(
        [command, "--builtin-schema", "vendor.dependabot", str(DEPENDABOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_updates_the_app_images_base() -> None:
    assert any("/app" in directories_of(e) for e in dependabot_entries("docker"))


def test_the_policy_pack_pins_the_programs_pulumi_sdk() -> None:
    assert pulumi_pin(REPO_ROOT / "policy" / "requirements.txt") == pulumi_pin(
        REPO_ROOT / "requirements.txt"
    )


def test_one_dependabot_pull_request_moves_pulumi_in_the_program_and_the_pack() -> None:
    # one entry over both directories, and a group that holds `pulumi` across them: Dependabot
    # opens one PR per directory unless the group is grouped by dependency name
    (entry,) = [e for e in dependabot_entries("pip") if "/policy" in directories_of(e)]
    assert {"/", "/policy"} <= directories_of(entry)
    groups = [
        g
        for g in entry.get("groups", {}).values()
        if any(fnmatch.fnmatchcase("pulumi", p) for p in g.get("patterns", []))
    ]
    assert len(groups) == 1, "pulumi must land in exactly one group"
    assert groups[0].get("group-by") == "dependency-name"


@pytest.mark.parametrize("name", ["preview", "deploy"])
def test_the_cli_the_workflow_installs_is_the_sdk_pin(name: str) -> None:
    (step,) = pulumi_steps(name)
    assert step["with"]["pulumi-version"] == CLI_VERSION_EXPRESSION
    all_steps = steps(workflow(name))
    ids = [s.get("id") for s in all_steps]
    assert ids.index(CLI_STEP_ID) < all_steps.index(step)


def run_cli_version_step(
    tmp_path: Path, name: str, requirements: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    (step,) = [s for s in steps(workflow(name)) if s.get("id") == CLI_STEP_ID]
    (tmp_path / "requirements.txt").write_text(requirements)
    output = tmp_path / "github_output"
    output.touch()
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        env={**os.environ, "GITHUB_OUTPUT": str(output)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result, output.read_text()


@pytest.mark.parametrize("name", ["preview", "deploy"])
def test_the_cli_version_step_reads_the_requirements_pin(tmp_path: Path, name: str) -> None:
    requirements = (REPO_ROOT / "requirements.txt").read_text()
    result, output = run_cli_version_step(tmp_path, name, requirements)
    assert result.returncode == 0, result.stdout + result.stderr
    assert output == f"version={pulumi_pin(REPO_ROOT / 'requirements.txt')}\n"


def test_the_cli_version_step_fails_without_an_exact_pin(tmp_path: Path) -> None:
    result, output = run_cli_version_step(tmp_path, "deploy", "pulumi>=3.200\npulumi-aws==7.0.0\n")
    assert result.returncode != 0
    assert "::error::" in result.stdout
    assert output == ""


def test_mutate_runs_weekly_and_by_hand() -> None:
    on = triggers(workflow("mutate"))
    assert set(on) == {"schedule", "workflow_dispatch"}
    (schedule,) = on["schedule"]
    minute, hour, day_of_month, month, day_of_week = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*") and day_of_week.isdigit()
    assert minute.isdigit() and hour.isdigit()


def test_mutate_runs_one_job_per_module_of_the_mutation_scope() -> None:
    from tools.mutate import scope

    (job,) = workflow("mutate")["jobs"].values()
    assert job["strategy"]["matrix"]["module"] == list(scope())
    assert job["strategy"]["fail-fast"] is False
    assert job["env"]["MODULE"] == "${{ matrix.module }}"


def test_mutate_only_runs_make_mutate_and_uploads_its_scores() -> None:
    wf = workflow("mutate")
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    assert [s["run"] for s in steps(wf) if "run" in s] == ["make mutate"]
    (upload,) = [s for s in steps(wf) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "build/mutate/"
    assert upload["if"] == "${{ !cancelled() }}"


def test_mutate_never_deploys() -> None:
    text = (WORKFLOWS_DIR / "mutate.yml").read_text()
    for word in ("secrets.", "vars.", "id-token", "pulumi/actions", "configure-aws-credentials"):
        assert word not in text, word
    assert "environment" not in workflow("mutate")["jobs"]["mutate"]
