"""The portfolio's design (cost_model.md §3 D1) priced by the tool matches the reference figures.

The tool adds one line cost_model.md shows as 0.00: SNS e-mail at list price (100 x $0.00002 =
$0.002, then taken back by the free tier), so totals agree to the cent after rounding.
"""

from __future__ import annotations

import pytest

from tools.cost.compare import compare
from tools.cost.portfolio import portfolio_graph
from tools.cost.pricing import Estimate, estimate
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph


def priced(region: str) -> Estimate:
    return estimate(Graph(portfolio_graph(region)), load_prices(region), load_usage())


@pytest.mark.parametrize(
    ("region", "total", "after_free_tiers"),
    [("ap-northeast-1", 116.96, 111.87), ("us-east-1", 93.10, 88.54)],
)
def test_portfolio_design_prices_to_cost_model_totals(
    region: str, total: float, after_free_tiers: float
) -> None:
    result = priced(region)
    assert round(result.total_usd, 2) == total
    assert round(result.total_after_free_tiers_usd, 2) == after_free_tiers
    assert not result.not_priced


@pytest.mark.parametrize(
    ("label", "tokyo_total"),
    [
        ("interface endpoints in 1 AZ", 86.30),  # D2
        ("1 NAT gateway instead of interface endpoints", 105.07),  # D3
        ("1 NAT gateway per AZ (2) instead of interface endpoints", 153.98),  # D4
        ("all tasks ARM64", 112.46),  # D8
    ],
)
def test_compare_reproduces_cost_model_design_totals(label: str, tokyo_total: float) -> None:
    graph = Graph(portfolio_graph("ap-northeast-1"))
    comparison = compare(graph, load_prices("ap-northeast-1"), load_usage())
    totals = {e.design.label: e.total_usd for e in comparison.alternatives}
    assert round(totals[label], 2) == tokyo_total


def test_compare_nightly_schedule_matches_d9_within_rounding() -> None:
    # cost_model.md D9 is 105.71 = 116.96 - 11.25 (rounded lines); unrounded lines give 105.7157.
    graph = Graph(portfolio_graph("ap-northeast-1"))
    comparison = compare(graph, load_prices("ap-northeast-1"), load_usage())
    [nightly] = [e for e in comparison.alternatives if e.design.schedule == "nightly"]
    assert nightly.total_usd == pytest.approx(105.71, abs=0.01)
