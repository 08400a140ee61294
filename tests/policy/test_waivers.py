"""policy/waivers.py: the policies prod may waive are few, real, never critical, and in use."""

from __future__ import annotations

import json
from pathlib import Path

from policy.rules import CATALOG
from policy.waivers import PROD_WAIVABLE

PROD_CONFIG = Path(__file__).resolve().parents[2] / "policy" / "config" / "prod.json"


def prod_levels() -> dict[str, str]:
    config = json.loads(PROD_CONFIG.read_text())
    levels: dict[str, str] = {}
    for name, entry in config.items():
        level = entry if isinstance(entry, str) else entry.get("enforcementLevel")
        if name != "all" and level:
            levels[name] = level
    return levels


def test_every_waivable_policy_is_a_policy_of_the_pack() -> None:
    assert set(PROD_WAIVABLE) - {info.name for info in CATALOG} == set()


def test_no_critical_policy_may_be_waived_in_prod() -> None:
    critical = {info.name for info in CATALOG if info.severity == "critical"}
    assert set(PROD_WAIVABLE) & critical == set()


def test_the_allow_list_holds_exactly_the_waivers_prod_uses() -> None:
    """A name prod no longer waives leaves the list, so the list never grants more than is used."""
    waived = {name for name, level in prod_levels().items() if level != "mandatory"}
    assert waived == set(PROD_WAIVABLE)


def test_prod_waives_each_policy_no_lower_than_the_list_allows() -> None:
    too_low = {
        name
        for name, level in prod_levels().items()
        if level == "disabled" and PROD_WAIVABLE[name].lowest == "advisory"
    }
    assert too_low == set()
