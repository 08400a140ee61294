"""The README states facts the code can check: its cost figures, its diagram, its commands."""

from __future__ import annotations

import re

import pytest

from tests.support.graphs import PlanVariant
from tests.support.paths import REPO_ROOT
from tools.cost.portfolio import portfolio_graph
from tools.cost.pricing import estimate
from tools.cost.report import render_markdown_summary, usd
from tools.cost.tables import BUDGETS_USD, USAGE_FILE, load_prices, load_usage
from tools.graph import Graph

README = (REPO_ROOT / "README.md").read_text()


def priced(graph: Graph):
    return estimate(graph, load_prices(graph.region), load_usage(USAGE_FILE))


def type_token(python_class: str) -> str:
    """aws.lb.LoadBalancer -> aws:lb/loadBalancer:LoadBalancer (pulumi-aws's token scheme)."""
    _, module, name = python_class.split(".")
    return f"aws:{module}/{name[0].lower()}{name[1:]}:{name}"


def test_cost_table_is_what_make_cost_table_prints(dev_graph: Graph, prod_graph: Graph) -> None:
    portfolio = Graph(portfolio_graph(dev_graph.region))
    table = render_markdown_summary([priced(dev_graph), priced(prod_graph), priced(portfolio)])
    assert table.strip() in README, "README cost table is stale: paste `make cost-table`"


def test_readme_quotes_the_dev_budget_and_the_computed_saving_on_the_portfolio(
    dev_graph: Graph,
) -> None:
    dev = priced(dev_graph).total_usd
    portfolio = priced(Graph(portfolio_graph(dev_graph.region))).total_usd
    saving = f"{(1 - dev / portfolio) * 100:.1f} % less than"
    assert f"Dev meets the target of {usd(BUDGETS_USD['dev'])} a month" in README
    assert saving in " ".join(README.split()), f"README should say {saving!r} the portfolio"


def test_night_schedule_total_in_the_readme_is_the_computed_one(plan_variant: PlanVariant) -> None:
    total = priced(plan_variant("dev", nightSchedule={})).total_usd
    assert f"**${total:.2f}** a month" in README


def test_every_resource_class_in_the_architecture_diagram_exists_in_the_prod_graph(
    prod_graph: Graph,
) -> None:
    diagram = README.split("```mermaid", 1)[1].split("```", 1)[0]
    classes = set(re.findall(r"aws\.\w+\.\w+", diagram))
    assert len(classes) >= 10
    types = {r["type"] for r in prod_graph.resources}
    assert {c for c in classes if type_token(c) not in types} == set()


@pytest.mark.parametrize("target", ["plan", "test", "policy", "cost", "compare", "cost-table"])
def test_make_targets_the_readme_names_exist(target: str) -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert f"make {target}" in README
    assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE)


def test_every_linked_doc_exists() -> None:
    for link in re.findall(r"\]\(((?:docs|policy|components)/[^)#]+)", README):
        assert (REPO_ROOT / link).exists(), link
