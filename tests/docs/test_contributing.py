"""CONTRIBUTING.md: its recipes name files, make targets and tests that exist."""

from __future__ import annotations

import re

from tests.support.paths import REPO_ROOT

CONTRIBUTING = (REPO_ROOT / "CONTRIBUTING.md").read_text()
RECIPES = ("Add a config key", "Add an alarm", "Add a policy rule", "Add a resource type")


def test_the_four_recipes_are_there() -> None:
    headings = re.findall(r"^### (.+)$", CONTRIBUTING, flags=re.MULTILINE)
    assert headings == list(RECIPES)


def test_every_path_it_names_exists() -> None:
    # A repository path in backticks: a dotted file name or a folder ending in "/", placeholders
    # such as <section> cut at the placeholder.
    named = {
        path.split("<", 1)[0].rsplit("/", 1)[0] if "<" in path else path
        for path in re.findall(
            r"`([\w./<>-]+/[\w.<>-]*|[\w-]+\.(?:py|md|json|yaml|toml))`", CONTRIBUTING
        )
    }
    missing = sorted(p for p in named if not (REPO_ROOT / p).exists())
    assert missing == []


def test_every_make_target_it_names_exists() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"`make ([\w-]+)", CONTRIBUTING))
    assert named and named <= targets, named - targets
