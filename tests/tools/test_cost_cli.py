"""The `python -m tools.cost` command line: the one-line total, Markdown and --compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.graphs import config_with
from tests.support.renders import rendered
from tools.cost.__main__ import main
from tools.cost.portfolio import hand_graph, hand_resource, portfolio_graph
from tools.cost.pricing import estimate
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph


def test_total_only_prints_one_line_with_the_headline_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--portfolio", "--total-only"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert "$116.96/month at list price before free tiers" in line
    assert "$111.87 after always-free tiers" in line


def test_total_only_with_budget_adds_the_headroom_line_after_the_headline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--portfolio", "--total-only", "--budget"]) == 0
    headline, budget = capsys.readouterr().out.splitlines()
    assert headline.startswith("cost portfolio (ap-northeast-1): $116.96/month")
    assert budget.startswith("monthly cost $116.96; no budget declared for stack portfolio")


def test_graph_file_is_priced_in_its_own_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph_file = tmp_path / "graph.json"
    graph_file.write_text(json.dumps(portfolio_graph("us-east-1")))
    assert main(["--stack", "portfolio", "--graph", str(graph_file), "--total-only"]) == 0
    assert "(us-east-1): $93.10/month" in capsys.readouterr().out


def test_text_report_names_unpriced_resources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph_file = tmp_path / "graph.json"
    resources = [hand_resource("aws:rds/instance:Instance", "db")]
    graph_file.write_text(json.dumps(hand_graph(resources)))
    assert main(["--stack", "hand", "--graph", str(graph_file)]) == 0
    assert "NOT PRICED (1)" in capsys.readouterr().out


def test_markdown_table_has_the_price_date_and_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--portfolio", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "list prices seen 2026-11-28" in out
    assert "| **Total, before free tiers** | | | **116.96** |" in out


def test_markdown_summary_has_one_column_per_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph_file = tmp_path / "graph.json"
    graph_file.write_text(json.dumps(portfolio_graph("ap-northeast-1")))
    assert main(["--stack", "copy", "--graph", str(graph_file), "--portfolio", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| **Total, before free tiers** | **116.96** | **116.96** |" in out


def test_compare_states_its_method_and_each_difference(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--portfolio", "--compare"]) == 0
    out = capsys.readouterr().out
    assert "same line formulas" in out
    assert "interface endpoints in 1 AZ" in out
    assert "-$30.66" in out


NO_FRANKFURT_TABLE = (
    "error: no price table for eu-central-1 (tools/cost/prices.json has ap-northeast-1, us-east-1)"
)


@pytest.mark.parametrize("mode", [[], ["--total-only"], ["--markdown"]])
def test_a_region_without_a_price_table_stops_with_one_line_instead_of_zero_dollars(
    mode: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # make cost, make plan's cost line and make cost-table in turn.
    graph_file = tmp_path / "graph.json"
    graph_file.write_text(json.dumps(portfolio_graph("eu-central-1")))
    assert main(["--stack", "frankfurt", "--graph", str(graph_file), *mode]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err.splitlines()) == ("", [NO_FRANKFURT_TABLE])


def test_change_prices_the_stack_with_the_changed_config(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--stack", "dev", "--change", "cpuArchitecture=X86_64"]) == 0
    out = capsys.readouterr().out
    assert "planned under mocks with CHANGE 'cpuArchitecture=X86_64'" in out
    assert "Fargate FARGATE_SPOT X86_64 vCPU-h" in out


def test_a_malformed_change_stops_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "dev", "--change", "cpuArchitecture"]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert (captured.out, line.startswith("error: invalid CHANGE item")) == ("", True)


def test_change_needs_exactly_one_stack(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--stack", "dev", "--stack", "prod", "--change", "cpuArchitecture=X86_64"])
    assert "--change need exactly one --stack" in capsys.readouterr().err


# docs/ipv6-egress.md section 5: dev in the mode hand-priced from list prices, the logs endpoint
# kept and its data billed as the 2 GB log stream; the target with that endpoint is $50.
HAND_PRICED_IPV6_EGRESS_ONLY_DEV = 49.95


@pytest.fixture(scope="module")
def ipv6_egress_only_dev_total() -> float:
    """What `make cost STACK=dev CHANGE='egress=ipv6-egress-only'` totals: the same config
    (changed_config merges the change into the stack's), rendered once per test process."""
    config = config_with("dev", {"egress": "ipv6-egress-only"})
    graph = Graph(rendered("dev", config))
    return estimate(graph, load_prices(graph.region), load_usage()).total_usd


def test_dev_in_the_ipv6_egress_only_mode_is_within_five_percent_of_its_hand_price(
    ipv6_egress_only_dev_total: float,
) -> None:
    assert ipv6_egress_only_dev_total == pytest.approx(HAND_PRICED_IPV6_EGRESS_ONLY_DEV, rel=0.05)


def test_dev_in_the_ipv6_egress_only_mode_costs_at_most_fifty_dollars(
    ipv6_egress_only_dev_total: float,
) -> None:
    assert round(ipv6_egress_only_dev_total, 2) <= 50.00
