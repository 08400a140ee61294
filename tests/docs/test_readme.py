"""The README states facts the code can check: its diagram, its commands, its links (its figures:
test_docs.py)."""

from __future__ import annotations

import re

import pytest

from tests.support.paths import REPO_ROOT
from tools.graph import Graph

README = (REPO_ROOT / "README.md").read_text()


def type_token(python_class: str) -> str:
    """aws.lb.LoadBalancer -> aws:lb/loadBalancer:LoadBalancer (pulumi-aws's token scheme)."""
    _, module, name = python_class.split(".")
    return f"aws:{module}/{name[0].lower()}{name[1:]}:{name}"


def test_every_resource_class_in_the_architecture_diagram_exists_in_the_prod_graph(
    prod_graph: Graph,
) -> None:
    diagram = README.split("```mermaid", 1)[1].split("```", 1)[0]
    classes = set(re.findall(r"aws\.\w+\.\w+", diagram))
    assert len(classes) >= 10
    types = {r["type"] for r in prod_graph.resources}
    assert {c for c in classes if type_token(c) not in types} == set()


@pytest.mark.parametrize(
    "target", ["plan", "test", "policy", "cost", "compare", "cost-table", "docs"]
)
def test_make_targets_the_readme_names_exist(target: str) -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert f"make {target}" in README
    assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE)


def test_every_linked_doc_exists() -> None:
    for link in re.findall(r"\]\(((?:docs|policy|components|tools)/[^)#]+)", README):
        assert (REPO_ROOT / link).exists(), link
