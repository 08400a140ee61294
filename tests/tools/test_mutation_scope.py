"""`make mutate` (tools/mutate.py): its scope is what issue 12 names, each module with tests that
exist; --recheck re-runs a session's survivors against today's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT
from tools import mutate
from tools.mutate import scope

CONFIG_MODULES = {
    f"components/config/{name}.py"
    for name in ("parse", "rules_network", "rules_service", "rules_observability", "load")
}
IAM_DOCUMENT_MODULES = {
    f"bootstrap/iam_documents/{name}.py"
    for name in ("boundary", "document", "grants", "role_policies", "state", "trust")
}
COST_MODULES = {
    f"tools/cost/{name}.py"
    for name in (
        "pricing",
        "ledger",
        "resource_types",
        "network",
        "compute",
        "observability",
        "security",
        "storage",
    )
}
ISSUE_12_MODULES = CONFIG_MODULES | IAM_DOCUMENT_MODULES | COST_MODULES | {"components/slo.py"}


def test_the_scope_is_the_policy_rules_and_the_modules_issue_12_names() -> None:
    rules = {f"policy/rules/{p.name}" for p in (REPO_ROOT / "policy" / "rules").glob("*.py")}
    rules.discard("policy/rules/__init__.py")
    assert set(scope()) == rules | ISSUE_12_MODULES


def test_every_module_in_scope_has_test_files_that_exist() -> None:
    for module, target in scope().items():
        assert (REPO_ROOT / module).is_file(), module
        assert target.tests, f"{module} has no tests: its patterns matched nothing"
        for tests in target.tests:
            assert (REPO_ROOT / tests).exists(), f"{module}: {tests}"


def test_each_module_is_guarded_by_the_tests_named_for_it() -> None:
    tests = {module: set(target.tests) for module, target in scope().items()}
    assert {
        "tests/program/test_alarm_behaviour.py",
        "tests/program/test_observability_slo.py",
    } <= tests["components/slo.py"]
    for module in COST_MODULES:
        assert "tests/tools/test_cost_pricing.py" in tests[module]
    for module in IAM_DOCUMENT_MODULES:
        assert "tests/bootstrap/test_bootstrap_permissions.py" in tests[module]
    for module in CONFIG_MODULES:
        assert "tests/program/test_config.py" in tests[module]


def _survivor(job: str, old: str, new: str) -> str:
    return (
        f"{job}\n--- mutation diff ---\n--- a/mod.py\n+++ b/mod.py\n@@ -1,3 +1,3 @@\n"
        f" # first\n-{old}\n+{new}\n # last\n"
    )


def test_recheck_sorts_the_last_survivors_into_killed_surviving_and_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy, out = tmp_path / "copy", tmp_path / "out"
    copy.mkdir()
    out.mkdir()
    (copy / "mod.py").write_text("# first\nLIMIT = 1\n# last\n")
    (copy / "test_mod.py").write_text(
        "from mod import LIMIT\n\ndef test_limit():\n    assert LIMIT\n"
    )
    (out / "mod.txt").write_text(
        _survivor("a" * 32, "LIMIT = 1", "LIMIT = 0")  # the test now fails on it
        + _survivor("b" * 32, "LIMIT = 1", "LIMIT = 2")  # still passes
        + _survivor("c" * 32, "LIMIT = 3", "LIMIT = 4")  # the line changed since
    )
    monkeypatch.setattr(mutate, "OUT", out)
    assert mutate.recheck(copy, "mod.py", mutate.Target(("test_mod.py",), 30.0)) == (1, 1, 1)
    assert (out / "mod.recheck.txt").read_text() == _survivor("b" * 32, "LIMIT = 1", "LIMIT = 2")
    assert (copy / "mod.py").read_text() == "# first\nLIMIT = 1\n# last\n"


def test_recheck_applies_a_survivor_on_the_files_last_line() -> None:
    # cosmic-ray's diff of a last line ends with an empty removed/added pair, and no newline
    diff = "--- a/mod.py\n+++ b/mod.py\n@@ -1,2 +1,2 @@\n # first\n-LIMIT = 1\n-\n+LIMIT = 0\n+"
    assert mutate._apply("# first\nLIMIT = 1\n", diff) == "# first\nLIMIT = 0\n"  # pyright: ignore[reportPrivateUsage]
