"""The GitHub workflows: pinned actions from the verified table, least privilege, the concurrency
rules that keep a running `pulumi up` alive, and the two offline linters (zizmor, the workflow
JSON schema). The portfolio's plan job stayed green on failure and its apply had no guard."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
ACTION_PINS = REPO_ROOT.parent / "shared" / "reference" / "action_pins.md"
WORKFLOWS = sorted(WORKFLOWS_DIR.glob("*.yml"))
USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$"
)


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def workflow(name: str) -> dict[str, Any]:
    return load(WORKFLOWS_DIR / f"{name}.yml")


def triggers(wf: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as True
    on = wf["on"] if "on" in wf else wf[True]
    if isinstance(on, dict):
        return on
    return {t: None for t in ([on] if isinstance(on, str) else list(on))}


def steps(wf: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in wf["jobs"].values() for step in job.get("steps", [])]


def verified_pins() -> dict[tuple[str, str], str]:
    """(action, commit SHA) -> version tag, for the rows confirmed by a second source."""
    if not ACTION_PINS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{ACTION_PINS} is missing: CI must check pins against it")
        pytest.skip(f"{ACTION_PINS} not found (shared references sit beside the repository)")
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


def test_the_three_workflows_exist() -> None:
    assert {p.stem for p in WORKFLOWS} == {"ci", "preview", "deploy"}


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
    assert {"URL": "${{ steps.up.outputs.url }}"} in envs
    (step,) = pulumi_steps("deploy")
    assert step["with"]["command"] == "up"
    assert step["with"]["secrets-provider"] == "${{ vars.PULUMI_SECRETS_PROVIDER }}"
