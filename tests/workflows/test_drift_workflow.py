"""drift.yml: a daily and manual `pulumi preview --refresh --expect-no-changes` of each stack with
the drift role, outside the deploy concurrency groups, skipped when the state is locked, and the
only job with `issues: write` is the one that reports. The preview step's script runs here
against a fake `aws` and a fake `pulumi`, then the summary step's against tools/drift.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.paths import FIXTURES, REPO_ROOT
from tests.support.workflows import steps, triggers, workflow
from tools import drift

DRIFT_FIXTURES = FIXTURES / "drift"
PREVIEW_STEP = "Preview with refresh, unless the state is locked"
SUMMARY_STEP = "Summarise (names only)"
BACKEND = "s3://ecs-fargate-state-123456789012-ap-northeast-1?region=ap-northeast-1"
LOCK = ".pulumi/locks/organization/ecs-fargate/prod/5b8d2c3e.json"


def jobs() -> dict[str, dict[str, Any]]:
    return workflow("drift")["jobs"]


def step(name: str) -> dict[str, Any]:
    (found,) = [s for s in jobs()["preview"]["steps"] if s.get("name") == name]
    return found


def test_drift_runs_daily_and_by_hand_only() -> None:
    on = triggers(workflow("drift"))
    assert set(on) == {"schedule", "workflow_dispatch"}
    assert len(on["schedule"]) == 1


def test_each_stack_is_previewed_with_the_drift_role_in_the_drift_environment() -> None:
    job = jobs()["preview"]
    assert job["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    assert job["strategy"]["fail-fast"] is False
    assert job["environment"] == "drift"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    (credentials,) = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DRIFT_ROLE_ARN }}"


def test_the_preview_refreshes_and_expects_no_changes() -> None:
    script = step(PREVIEW_STEP)["run"]
    assert 'pulumi preview --stack "$STACK" --refresh --expect-no-changes --json' in script


def test_only_the_reporting_job_may_write_issues() -> None:
    writers = [name for name, job in jobs().items() if job["permissions"].get("issues")]
    assert writers == ["issues"]
    assert jobs()["issues"]["permissions"]["issues"] == "write"
    assert "id-token" not in jobs()["issues"]["permissions"]


def test_drift_never_joins_a_deploy_concurrency_group() -> None:
    deploy = next(iter(workflow("deploy")["jobs"].values()))["concurrency"]["group"]
    deploy_prefix = deploy.split("$", 1)[0]
    for name, job in jobs().items():
        assert not job["concurrency"]["group"].startswith(deploy_prefix), name
    assert "concurrency" not in workflow("drift"), "a workflow-level group would cover both jobs"


def test_the_cli_is_the_requirements_pin_read_like_deploy_does() -> None:
    (cli,) = [s for s in jobs()["preview"]["steps"] if s.get("id") == "cli"]
    (deploy_cli,) = [s for s in steps(workflow("deploy")) if s.get("id") == "cli"]
    assert cli["run"] == deploy_cli["run"]
    (install,) = [s for s in jobs()["preview"]["steps"] if s.get("uses", "").startswith("pulumi/")]
    assert install["with"] == {"pulumi-version": "${{ steps.cli.outputs.version }}"}


def test_the_digest_with_values_is_never_uploaded() -> None:
    (upload,) = [
        s for s in jobs()["preview"]["steps"] if s.get("uses", "").startswith("actions/upload")
    ]
    assert upload["with"]["path"] == "build/drift/verdict/"
    delete = step("Delete the preview digest")
    assert delete["if"] == "always()" and "rm -f build/drift/preview.json" in delete["run"]


# --- the preview and summary steps against a fake `aws` and `pulumi` --------------------------

FAKE = """#!/usr/bin/env bash
# Logs its arguments; answers with the next line of $FAKE_<NAME>_ANSWERS, or the fixture.
name=$(basename "$0")
echo "$name $*" >> "$FAKE_LOG"
if [ "$name" = aws ]; then
  count=$(grep -c '^aws ' "$FAKE_LOG")
  sed -n "${count}p" "$FAKE_AWS_ANSWERS"
elif [ "$1" = preview ]; then
  cat "$FAKE_PREVIEW"
  echo "error: no changes were expected but changes were proposed" >&2
  exit "$FAKE_PULUMI_EXIT"
fi
"""


def run_steps(
    tmp_path: Path, aws_answers: list[str], preview: str, exit_code: int
) -> tuple[dict[str, str], list[str], subprocess.CompletedProcess[str]]:
    """The preview step then the summary step, as GitHub runs them (bash -e -o pipefail), in a
    copy of the repository's tools/drift.py; returns the step outputs, the fake calls and the
    summary step's result."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("aws", "pulumi"):
        (bin_dir / name).write_text(FAKE)
        (bin_dir / name).chmod(0o755)
    (tmp_path / "answers").write_text("".join(f"{a}\n" for a in aws_answers))
    (tmp_path / "tools").mkdir()
    shutil.copy(REPO_ROOT / "tools" / "drift.py", tmp_path / "tools" / "drift.py")
    outputs, log = tmp_path / "github_output", tmp_path / "calls"
    outputs.touch()
    log.touch()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_AWS_ANSWERS": str(tmp_path / "answers"),
        "FAKE_LOG": str(log),
        "FAKE_PREVIEW": str(DRIFT_FIXTURES / f"preview_{preview}.json"),
        "FAKE_PULUMI_EXIT": str(exit_code),
        "GITHUB_OUTPUT": str(outputs),
        "STACK": "prod",
        "BACKEND_URL": BACKEND,
    }
    bash = ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c"]
    preview_run = subprocess.run(
        [*bash, step(PREVIEW_STEP)["run"]], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert preview_run.returncode == 0, preview_run.stdout + preview_run.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    summary_env = {
        **env,
        "LOCKED": values.get("locked", ""),
        "EXIT_CODE": values["exit-code"],
        "RUN_URL": "https://github.test/run/7",
        # the step runs `python`: this interpreter, as setup-python's is on the runner
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    summary = subprocess.run(
        [*bash, step(SUMMARY_STEP)["run"]],
        env=summary_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    return values, log.read_text().splitlines(), summary


def verdict_of(tmp_path: Path) -> drift.Verdict:
    return drift.from_json((tmp_path / "build" / "drift" / "verdict" / "prod.json").read_text())


def test_a_locked_stack_is_skipped_without_a_preview(tmp_path: Path) -> None:
    values, calls, summary = run_steps(tmp_path, [LOCK], "drift", 255)
    assert values["locked"] == "true"
    assert not [c for c in calls if c.startswith("pulumi")], "no preview while locked"
    assert "--prefix .pulumi/locks/organization/ecs-fargate/prod/" in calls[0]
    assert summary.returncode == 0, summary.stderr
    assert "prod: skipped: locked" in summary.stdout
    assert verdict_of(tmp_path).verdict == "locked"


def test_a_lock_taken_during_the_preview_skips_the_stack(tmp_path: Path) -> None:
    values, calls, _ = run_steps(tmp_path, ["None", LOCK], "drift", 255)
    assert [c.split()[1] for c in calls if c.startswith("pulumi")] == ["login", "preview"]
    assert values["locked"] == "true"
    assert verdict_of(tmp_path).verdict == "locked"


def test_drift_is_summarised_from_the_preview(tmp_path: Path) -> None:
    values, calls, summary = run_steps(tmp_path, ["None", "None"], "drift", 255)
    assert values == {"exit-code": "255"}
    assert f"pulumi login {BACKEND}" in calls
    assert summary.returncode == 0, summary.stderr
    assert "prod: drift in 3 resource(s)" in summary.stdout
    assert verdict_of(tmp_path).verdict == "drift"


def test_a_clean_stack_is_summarised_as_no_drift(tmp_path: Path) -> None:
    _, _, summary = run_steps(tmp_path, ["None", "None"], "clean", 0)
    assert summary.returncode == 0
    assert verdict_of(tmp_path).verdict == "clean"


def test_a_failed_preview_fails_the_job_but_leaves_a_verdict(tmp_path: Path) -> None:
    _, _, summary = run_steps(tmp_path, ["None", "None"], "failed", 255)
    assert summary.returncode != 0
    assert verdict_of(tmp_path).verdict == "error"
