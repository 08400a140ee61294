"""tests/policy mirrors policy/rules: one test file per rules module, every policy in one module."""

from __future__ import annotations

from pathlib import Path

import policy.rules as rules
from policy.rules import ALL_POLICIES, CATALOG

RULES_DIR = Path(rules.__file__).parent
TESTS_DIR = Path(__file__).parent


def rules_modules() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.py") if not p.stem.startswith("_"))


def test_every_rules_module_has_its_own_test_file() -> None:
    missing = [m for m in rules_modules() if not (TESTS_DIR / f"test_{m}.py").exists()]
    assert missing == []


def test_every_catalogued_policy_is_in_the_pack_once() -> None:
    names = [p.name for p in ALL_POLICIES]
    assert sorted(names) == sorted(info.name for info in CATALOG)
    assert len(names) == len(set(names))
