"""policy/README.md covers every row of the reference and matches the pack and its configs."""

from __future__ import annotations

import json
import re

from policy.rules import CATALOG
from tests.support.paths import REPO_ROOT

REFERENCE = REPO_ROOT / "docs" / "reference" / "policy_rules.md"
README = REPO_ROOT / "policy" / "README.md"
ROW = re.compile(r"^\| ([A-Z0-9]+-\d\d) \| ([^|]+) \|", re.MULTILINE)


def reference_rows() -> list[str]:
    return [row for row, _ in ROW.findall(REFERENCE.read_text())]


def readme_rows() -> list[tuple[str, str]]:
    return [(row, cell.strip()) for row, cell in ROW.findall(README.read_text())]


def test_readme_has_a_row_for_every_reference_rule() -> None:
    missing = set(reference_rows()) - {row for row, _ in readme_rows()}
    assert missing == set()


def test_readme_names_every_policy_of_the_pack_under_its_rows() -> None:
    listed = {(row, cell.strip("`")) for row, cell in readme_rows() if cell != "not applicable"}
    expected = {(row, info.name) for info in CATALOG for row in info.rows}
    assert listed == expected


def test_readme_enforcement_columns_match_the_config_files() -> None:
    configs = {
        s: json.loads((REPO_ROOT / "policy" / "config" / f"{s}.json").read_text())
        for s in ("dev", "prod")
    }

    def level(stack: str, name: str) -> str:
        entry = configs[stack].get(name, {})
        found = entry if isinstance(entry, str) else entry.get("enforcementLevel")
        return found or configs[stack].get("all", "mandatory")

    for line in README.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and cells[1].startswith("`"):
            name = cells[1].strip("`")
            assert (cells[5], cells[6]) == (level("dev", name), level("prod", name)), name
