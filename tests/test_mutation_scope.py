"""`make mutate`'s scope (tools/mutate.py): what issue 12 names, each module with tests that exist."""

from __future__ import annotations

from conftest import REPO_ROOT

from tools.mutate import scope

ISSUE_12_MODULES = {
    "components/config.py",
    "components/slo.py",
    "bootstrap/iam_documents.py",
    "tools/cost/pricing.py",
}


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
    assert {"tests/test_alarm_behaviour.py", "tests/test_observability_slo.py"} <= tests[
        "components/slo.py"
    ]
    assert "tests/test_cost_pricing.py" in tests["tools/cost/pricing.py"]
    assert "tests/test_bootstrap_permissions.py" in tests["bootstrap/iam_documents.py"]
    assert "tests/test_config.py" in tests["components/config.py"]
