"""Branch coverage of policy/rules, measured where the rules run: in the policy pack process.

    venv/bin/python -m tools.policy_coverage [--fail-under 100] [pytest args...]

The policy tests talk to the pack over the Analyzer gRPC interface, as the Pulumi CLI does, so
the rules execute in the pack's subprocess, not in pytest. This command runs the policy tests with
POLICY_PACK_COVERAGE set, which makes tests/support/policy_pack.py start the pack under
`coverage run --branch` (stopped by SIGTERM, hence `sigterm = true`), then combines the data and
reports policy/rules with the lines and branches no test reached. The rules' checks run only in
the pack, so a rule counts as covered only if a test drove it through the real protocol; pytest
itself is measured as well, for the shared helpers a test calls in-process.
Exit status: coverage's (2 when under --fail-under), or pytest's when a test fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "policy" / "rules"
POLICY_TESTS = ("tests/policy",)
COVERAGE_ENV = "POLICY_PACK_COVERAGE"  # read by tests/support/policy_pack.py


def rcfile(data_file: Path) -> str:
    return "\n".join(
        [
            "[run]",
            "branch = true",
            "parallel = true",
            "sigterm = true",
            f"data_file = {data_file}",
            f"source = {RULES}",
            "",
            "[report]",
            "show_missing = true",
            "skip_covered = false",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--fail-under", type=float, default=100.0)
    args, pytest_args = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="policy-coverage-") as tmp:
        rc = Path(tmp) / "coveragerc"
        data = Path(tmp) / ".coverage"
        rc.write_text(rcfile(data))
        env = {**os.environ, COVERAGE_ENV: str(rc)}
        tests = pytest_args or list(POLICY_TESTS)
        coverage = [sys.executable, "-m", "coverage"]
        # pytest is measured too, for the few helpers tests call in-process (a duplicate name).
        pytest = [
            *coverage,
            "run",
            f"--rcfile={rc}",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        status = subprocess.run([*pytest, *tests], cwd=REPO, env=env, check=False).returncode
        if status != 0:
            return status
        subprocess.run([*coverage, "combine", f"--rcfile={rc}", "-q"], cwd=REPO, check=True)
        report = [*coverage, "report", f"--rcfile={rc}", f"--fail-under={args.fail_under}"]
        return subprocess.run(report, cwd=REPO, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
