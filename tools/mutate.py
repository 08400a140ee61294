"""`make mutate`: mutation score of the modules that guard users, with cosmic-ray 8.x.

    venv/bin/python -m tools.mutate [components/slo.py ...] [--timeout 60]

The scope (issue 12): the policy rules, config parsing and validation (components/config/:
parse, rules_*, load), the SLO and alarm math (components/slo.py), the bootstrap's IAM documents
(bootstrap/iam_documents/) and the cost formulas (tools/cost/: pricing.py and the modules it
dispatches to).
.github/workflows/mutate.yml runs it weekly.

cosmic-ray mutates files on disk, so the policy pack that the tests start as a subprocess sees
each mutant, and so do module constants. Every run happens in a temporary copy of the
repository (tracked files plus untracked ones git does not ignore), so a crash never leaves a
mutant in the work tree and a run does not disturb other work there. One cosmic-ray session per
module, each with that module's own test command and timeout; the unmutated copy must pass it
first.

Score = killed / (total - excluded). A timeout counts as killed (cosmic-ray records it so), and
so does an incompetent mutant (one the interpreter rejects: the tests cannot pass on it); a line
marked `# pragma: no mutate`, with its reason beside it, is excluded. The scores go to stdout
and to build/mutate/scores.json; the surviving mutants' diffs to build/mutate/<module>.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "mutate"
BIN = Path(sys.executable).parent
PYTEST = f"{sys.executable} -m pytest -x -q -p no:cacheprovider -o addopts="


@dataclass(frozen=True)
class Target:
    """One cosmic-ray session: the tests that guard a module and the seconds allowed per mutant."""

    tests: tuple[str, ...]
    timeout: float


def _tests(*patterns: str) -> tuple[str, ...]:
    """The files the patterns match, in pattern order: pytest -x stops at the first failure, so
    the fast tests that most often kill a mutant go first. cosmic-ray splits the test command with
    shlex and runs it without a shell, so globs are expanded here."""
    found = (str(p.relative_to(REPO)) for pattern in patterns for p in sorted(REPO.glob(pattern)))
    return tuple(dict.fromkeys(found))


def scope() -> dict[str, Target]:
    """Module path -> the tests that guard it: what guards users (issue 12), the policy rules first.

    A module's timeout is about three times its unmutated test run on a loaded 2-core machine, so
    a mutant that loops is cut short without killing a slow but honest run.
    """
    modules = {
        f"policy/rules/{p.name}": Target((f"tests/policy/test_{p.stem}.py",), 60.0)
        for p in sorted((REPO / "policy" / "rules").glob("*.py"))
        if not p.name.startswith("_")
    }
    # The shared modules (_common.py and its siblings) serve every rule: all policy tests guard them.
    for shared in sorted((REPO / "policy" / "rules").glob("_*.py")):
        if shared.name != "__init__.py":
            modules[f"policy/rules/{shared.name}"] = Target(("tests/policy",), 60.0)
    # SLO and alarm math: the alarms' expressions, thresholds, periods and M-of-N, behaviourally.
    modules["components/slo.py"] = Target(
        _tests(
            "tests/program/test_observability_slo.py",
            "tests/program/test_observability_alarms.py",
            "tests/program/test_observability_error_ratio_series.py",
            "tests/program/test_alarm_behaviour.py",
            "tests/program/test_observability_*.py",
        ),
        40.0,
    )
    # Cost formulas (pricing.py, its ledger and type tokens, one module per service family):
    # prices, schedules, the portfolio and the CLI that prints them.
    cost_tests = _tests("tests/tools/test_cost_pricing.py", "tests/tools/test_cost_*.py")
    for name in (
        "pricing",
        "ledger",
        "resource_types",
        "network",
        "compute",
        "observability",
        "security",
        "storage",
    ):
        modules[f"tools/cost/{name}.py"] = Target(cost_tests, 20.0)
    # The bootstrap's IAM documents: CI roles, state access, the policy pack over the bootstrap.
    iam_tests = _tests(
        "tests/bootstrap/test_bootstrap_permissions.py",
        "tests/bootstrap/test_bootstrap_state_access.py",
        "tests/bootstrap/test_bootstrap_*.py",
    )
    for document in sorted((REPO / "bootstrap" / "iam_documents").glob("*.py")):
        if document.name != "__init__.py":
            modules[f"bootstrap/iam_documents/{document.name}"] = Target(iam_tests, 60.0)
    # Config parsing and validation: every ConfigError, and the programs that read the typed
    # config.
    config_tests = _tests(
        "tests/program/test_config.py",
        "tests/program/test_config_mutation_*.py",
        "tests/program/test_config_egress.py",
        "tests/program/test_service_config.py",
        "tests/program/test_observability_config.py",
        "tests/tools/test_newcomer.py",
    )
    for name in ("parse", "rules_network", "rules_service", "rules_observability", "load"):
        modules[f"components/config/{name}.py"] = Target(config_tests, 120.0)
    return modules


@dataclass(frozen=True)
class Score:
    module: str
    total: int
    excluded: int
    killed: int
    timeouts: int
    incompetent: int
    survived: int

    @property
    def percent(self) -> float:
        counted = self.total - self.excluded
        return 100.0 * self.killed / counted if counted else 100.0


def copy_repo(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def session(copy: Path, module: str, target: Target, work: Path, timeout: float | None) -> Score:
    stem = module.replace("/", "_").removesuffix(".py")
    config = work / f"{stem}.toml"
    db = work / f"{stem}.sqlite"
    tests = " ".join(target.tests)
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        f"timeout = {timeout or target.timeout}\n"
        "excluded-modules = []\n"
        f'test-command = "{PYTEST} {tests}"\n'
        "\n[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # a stale .pyc would hide a mutant
    baseline = subprocess.run(f"{PYTEST} {tests}".split(), cwd=copy, env=env, check=False)
    if baseline.returncode != 0:
        raise SystemExit(f"{tests} fail on the unmutated copy; fix them before mutating")
    for command in (
        [BIN / "cosmic-ray", "init", config, db],
        [BIN / "cr-filter-pragma", db],
        [BIN / "cosmic-ray", "exec", config, db],
    ):
        subprocess.run([str(c) for c in command], cwd=copy, env=env, check=True)
    return tally(module, db, OUT / f"{stem}.txt")


def tally(module: str, db: Path, survivors: Path) -> Score:
    # cosmic-ray is installed by `make mutate` only (requirements-mutate.txt), not in the venv
    # `make test` and CI type-check.
    from cosmic_ray.work_db import WorkDB, use_db  # pyright: ignore[reportMissingImports]
    from cosmic_ray.work_item import (  # pyright: ignore[reportMissingImports]
        TestOutcome,
        WorkerOutcome,
    )

    counts = {"total": 0, "excluded": 0, "killed": 0, "timeouts": 0, "incompetent": 0}
    survived: list[str] = []
    with use_db(str(db), WorkDB.Mode.open) as work_db:
        for item, result in work_db.completed_work_items:
            counts["total"] += 1
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                counts["excluded"] += 1
            elif result.test_outcome == TestOutcome.SURVIVED:
                survived.append(f"{item.job_id}\n{result.diff}")
            else:
                counts["killed"] += 1
                counts["timeouts"] += result.output == "timeout"
                counts["incompetent"] += result.test_outcome == TestOutcome.INCOMPETENT
    survivors.write_text("\n".join(survived))
    return Score(module=module, survived=len(survived), **counts)


def _apply(original: str, diff: str) -> str | None:
    """The module with one survivor's mutation, or None when its lines are no longer there.

    By text, not `git apply`: the diffs cosmic-ray records for the file's last line end with an
    empty line pair that no patch tool accepts, and their context may have gained a comment.
    """
    lines = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
    removed = [line[1:] for line in lines if line.startswith("-")]
    added = [line[1:] for line in lines if line.startswith("+")]
    while removed and added and removed[-1] == added[-1] == "":
        removed.pop()
        added.pop()
    old, new = "\n".join(removed) + "\n", "\n".join(added) + "\n"
    if not removed or original.count(old) != 1:
        return None
    return original.replace(old, new)


def recheck(copy: Path, module: str, target: Target) -> tuple[int, int, int]:
    """Re-run the module's last survivors (build/mutate/<module>.txt) against today's tests.

    Minutes instead of a whole session: it shows which survivors the tests added since kill. The
    score stays the session's; (killed, still surviving, no longer applying) are returned, and
    the ones still surviving are written to build/mutate/<module>.recheck.txt.
    """
    stem = module.replace("/", "_").removesuffix(".py")
    text = (OUT / f"{stem}.txt").read_text() if (OUT / f"{stem}.txt").exists() else ""
    entries = [e for e in re.split(r"^(?=[0-9a-f]{32}$)", text, flags=re.MULTILINE) if e.strip()]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = f"{PYTEST} {' '.join(target.tests)}".split()
    killed, stale = 0, 0
    surviving: list[str] = []
    source = copy / module
    original = source.read_text()
    for entry in entries:
        mutated = _apply(original, entry.split("--- mutation diff ---\n", 1)[-1])
        if mutated is None:
            stale += 1  # the mutated lines changed since (a pragma?): the next session decides
            continue
        source.write_text(mutated)
        try:
            run = subprocess.run(
                command, cwd=copy, env=env, capture_output=True, timeout=target.timeout
            )
            killed_now = run.returncode != 0
        except subprocess.TimeoutExpired:
            killed_now = True
        finally:
            source.write_text(original)
        if killed_now:
            killed += 1
        else:
            surviving.append(entry)
    (OUT / f"{stem}.recheck.txt").write_text("".join(surviving))
    return killed, len(surviving), stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: the whole scope)")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds per mutant (default: the module's)"
    )
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="re-run the last session's survivors against today's tests instead of a session",
    )
    args = parser.parse_args(argv)
    modules = scope()
    chosen = args.modules or list(modules)
    unknown = [m for m in chosen if m not in modules]
    if unknown:
        parser.error(f"not in the mutation scope: {', '.join(unknown)}")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.recheck:
        with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
            copy_repo(Path(tmp))
            for module in chosen:
                killed, surviving, stale = recheck(Path(tmp), module, modules[module])
                print(
                    f"{module}: {killed} survivors now killed, {surviving} still survive, "
                    f"{stale} no longer apply"
                )
        return 0
    scores_file = OUT / "scores.json"
    scores: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        copy, work = Path(tmp) / "repo", Path(tmp) / "sessions"
        copy.mkdir()
        work.mkdir()
        copy_repo(copy)
        for module in chosen:
            score = session(copy, module, modules[module], work, args.timeout)
            scores[module] = {**asdict(score), "percent": round(score.percent, 1)}
            # Re-read before writing: another run may have recorded other modules meanwhile.
            known = json.loads(scores_file.read_text()) if scores_file.exists() else {}
            text = json.dumps({**known, **scores}, indent=2, sort_keys=True)
            scores_file.write_text(text + "\n")
    print(f"{'module':34} {'killed':>7} {'counted':>8} {'excl.':>6} {'survived':>9} {'score':>7}")
    for module in chosen:
        s = scores[module]
        counted = s["total"] - s["excluded"]
        print(
            f"{module:34} {s['killed']:7} {counted:8} {s['excluded']:6} {s['survived']:9} "
            f"{s['percent']:6.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
