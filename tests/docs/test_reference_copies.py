"""The reference copies in docs/reference/ match the shared originals they were taken from."""

from __future__ import annotations

import pytest

from tests.support.paths import REPO_ROOT

SHARED = REPO_ROOT.parent / "shared" / "reference"
COPIES = sorted((REPO_ROOT / "docs" / "reference").glob("*.md"))


@pytest.mark.parametrize("copy", [c for c in COPIES if c.name != "README.md"], ids=lambda c: c.name)
def test_reference_copy_matches_the_shared_original(copy) -> None:
    original = SHARED / copy.name
    if not original.exists():
        pytest.skip(
            f"optional: {original} is absent (a clone outside the workplace, e.g. on GitHub), "
            f"so docs/reference/{copy.name} is not compared with its original"
        )
    assert copy.read_text() == original.read_text(), f"refresh docs/reference/{copy.name}"
