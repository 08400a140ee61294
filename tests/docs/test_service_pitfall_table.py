"""docs/pitfalls.md maps every pitfall of sections 2-6 of apply_pitfalls.md to real tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

PITFALLS = REPO_ROOT / "docs" / "reference" / "apply_pitfalls.md"
TABLE = REPO_ROOT / "docs" / "pitfalls.md"
SECTIONS = ("2", "3", "4", "5", "6")
TEST_REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")


def pitfall_ids(text: str, sections: tuple[str, ...]) -> list[str]:
    """The ids of the table rows under the '## N.' headings listed."""
    ids: list[str] = []
    section = None
    for line in text.splitlines():
        heading = re.match(r"## (\d+)\.", line)
        if heading:
            section = heading[1]
            continue
        row = re.match(r"\| ([a-z0-9][a-z0-9-]+) \|", line)
        if row and row[1] != "id" and section in sections:
            ids.append(row[1])
    return ids


def table_rows(text: str) -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] != "id" and re.fullmatch(r"[a-z0-9][a-z0-9-]+", cells[0]):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


@pytest.fixture(scope="module")
def reference_text() -> str:
    return PITFALLS.read_text()


def test_the_reference_parser_finds_every_section(reference_text: str) -> None:
    for section in SECTIONS:
        assert pitfall_ids(reference_text, (section,)), f"no pitfall rows under section {section}"


def test_every_pitfall_of_sections_2_to_6_has_a_row(reference_text: str) -> None:
    rows = table_rows(TABLE.read_text())
    missing = [p for p in pitfall_ids(reference_text, SECTIONS) if p not in rows]
    assert missing == [], f"docs/pitfalls.md has no row for {missing}"


def test_every_row_names_a_test_or_gives_a_reason() -> None:
    for pitfall, (tests, how) in table_rows(TABLE.read_text()).items():
        assert TEST_REFERENCE.search(tests) or how.startswith("n/a"), pitfall


def test_every_referenced_test_exists() -> None:
    definitions: dict[Path, set[str]] = {}
    for pitfall, (tests, how) in table_rows(TABLE.read_text()).items():
        for file_name, test_name in TEST_REFERENCE.findall(f"{tests} {how}"):
            path = REPO_ROOT / file_name
            assert path.exists(), f"{pitfall}: {file_name} does not exist"
            if path not in definitions:
                definitions[path] = set(re.findall(r"^def (test_\w+)\(", path.read_text(), re.M))
            assert test_name in definitions[path], f"{pitfall}: {file_name}::{test_name} is gone"


def test_rows_name_only_known_pitfalls(reference_text: str) -> None:
    known = set(pitfall_ids(reference_text, tuple(str(n) for n in range(1, 10))))
    unknown = sorted(set(table_rows(TABLE.read_text())) - known)
    assert unknown == []
