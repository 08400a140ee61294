"""Each stack's monthly budget (tools/cost/tables.py BUDGETS_USD) and the headroom line
`make plan` prints against it."""

from __future__ import annotations

import pytest

from tools.cost.portfolio import portfolio_graph
from tools.cost.pricing import Estimate, estimate
from tools.cost.report import budget_line, usd
from tools.cost.tables import BUDGETS_USD, load_prices, load_usage
from tools.graph import Graph


def priced(graph: Graph) -> Estimate:
    return estimate(graph, load_prices(graph.region), load_usage())


@pytest.fixture(scope="module")
def portfolio() -> Estimate:
    return priced(Graph(portfolio_graph("ap-northeast-1")))


@pytest.mark.parametrize("stack", sorted(BUDGETS_USD))
def test_every_stack_with_a_budget_is_estimated_within_it(
    stack: str, request: pytest.FixtureRequest
) -> None:
    graph: Graph = request.getfixturevalue(f"{stack}_graph")
    assert priced(graph).total_usd <= BUDGETS_USD[stack]


def test_headroom_is_the_budget_less_the_shown_total(portfolio: Estimate) -> None:
    shown = round(portfolio.total_usd, 2)
    line = budget_line(portfolio, {"portfolio": shown + 1.25})
    assert line == f"monthly cost {usd(shown)} of budget {usd(shown + 1.25)} (headroom $1.25)"


def test_a_total_at_the_budget_has_no_headroom_and_is_not_over(portfolio: Estimate) -> None:
    line = budget_line(portfolio, {"portfolio": round(portfolio.total_usd, 2)})
    assert line.endswith("(headroom $0.00)")


def test_a_total_above_the_budget_says_by_how_much(portfolio: Estimate) -> None:
    line = budget_line(portfolio, {"portfolio": round(portfolio.total_usd, 2) - 0.5})
    assert line.endswith("(over budget by $0.50)")


def test_a_stack_without_a_budget_says_where_one_is_declared(portfolio: Estimate) -> None:
    line = budget_line(portfolio, {"dev": 1.0})
    assert line == (
        f"monthly cost {usd(portfolio.total_usd)}; no budget declared for stack portfolio "
        "(tools/cost/tables.py BUDGETS_USD)"
    )
