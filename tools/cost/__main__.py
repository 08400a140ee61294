"""`make cost`: itemised monthly cost of a stack, priced from its offline resource graph.

python -m tools.cost --stack dev                 itemised estimate (build/dev/graph.json)
python -m tools.cost --stack dev --total-only    one line, for `make plan`
python -m tools.cost --stack dev --total-only --budget   and the headroom to its budget
python -m tools.cost --stack dev --compare       the alternative designs of cost_model.md §4
python -m tools.cost --stack dev --change 'egress=ipv6-egress-only'   the stack with a config
                                                 change (make plan's CHANGE syntax), planned now
python -m tools.cost --stack dev --stack prod --portfolio --markdown   README cost table
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.cost.compare import compare
from tools.cost.portfolio import portfolio_graph
from tools.cost.pricing import Estimate, estimate
from tools.cost.report import (
    budget_line,
    headline,
    render_compare_text,
    render_markdown,
    render_markdown_summary,
    render_text,
)
from tools.cost.tables import USAGE_FILE, NoPriceTable, load_prices, load_usage
from tools.graph import Graph

REPO_ROOT = Path(__file__).resolve().parents[2]


def load_graph(stack: str, graph_file: Path | None) -> tuple[Graph, str]:
    """The stack's graph: --graph, else build/<stack>/graph.json, else planned now under mocks."""
    path = graph_file or REPO_ROOT / "build" / stack / "graph.json"
    if path.exists():
        import json

        return Graph(json.loads(path.read_text(encoding="utf-8"))), str(path)
    if graph_file is not None:
        raise SystemExit(f"error: {graph_file} does not exist")
    from tools.offline import plan_stack  # imports Pulumi; only when no graph file is at hand

    return Graph(plan_stack(stack)), f"planned under mocks (no {path})"


def changed_graph(stack: str, change_text: str) -> tuple[Graph, str]:
    """The stack planned under mocks with a config change, in ``make plan CHANGE=...``'s syntax
    (tools/day2/change.py parses it; a change of app/ content changes no price, so it is
    ignored)."""
    from tools.day2.change import changed_config, parse_change
    from tools.offline import read_stack_config, run_program

    change = parse_change(change_text)
    graph = run_program(
        stack,
        config=changed_config(stack, change),
        # the stack file's secure values stay secret in the changed graph too
        secrets=read_stack_config(stack).secrets,
    )
    return Graph(graph), f"planned under mocks with CHANGE '{change.describe()}'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.cost",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--stack", action="append", help="stack name (repeat for several)")
    parser.add_argument("--graph", type=Path, help="graph file (default build/<stack>/graph.json)")
    parser.add_argument("--region", help="price in this region instead of the graph's")
    parser.add_argument("--usage", type=Path, default=USAGE_FILE, help="usage assumptions file")
    parser.add_argument(
        "--portfolio", action="store_true", help="also price the portfolio's design"
    )
    parser.add_argument("--compare", action="store_true", help="price the alternative designs")
    parser.add_argument("--total-only", action="store_true", help="one line per stack")
    parser.add_argument(
        "--budget", action="store_true", help="with --total-only: the headroom to the budget"
    )
    parser.add_argument("--markdown", action="store_true", help="Markdown tables for the README")
    parser.add_argument(
        "--change",
        help="price the stack with this config change: key=value items separated by ';', "
        "as make plan CHANGE=... takes them",
    )
    args = parser.parse_args(argv)
    stacks: list[str] = args.stack or ([] if args.portfolio else ["dev"])
    if (args.graph or args.change) and len(stacks) != 1:
        parser.error("--graph and --change need exactly one --stack")
    if args.graph and args.change:
        parser.error("--change plans the stack anew: it takes no --graph")
    usage = load_usage(args.usage)

    if args.change:
        import pulumi

        try:
            graphs = [(*changed_graph(stacks[0], args.change), stacks[0])]
        except pulumi.RunError as error:  # a config error: one line, as make plan prints it
            print(f"error: {error}", file=sys.stderr)
            return 1
    else:
        graphs = [(*load_graph(stack, args.graph), stack) for stack in stacks]
    if args.portfolio:
        region = args.region or (graphs[0][0].region if graphs else "ap-northeast-1")
        graphs.append((Graph(portfolio_graph(region)), "tools/cost/portfolio.py", "portfolio"))

    try:
        # Every table before any report: a region without one prints nothing but its line.
        tables = [load_prices(args.region or graph.region) for graph, _, _ in graphs]
    except NoPriceTable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    estimates: list[Estimate] = []
    for (graph, label, _), prices in zip(graphs, tables, strict=True):
        if args.compare:
            comparison = compare(graph, prices, usage)
            print(render_compare_text(comparison))
            estimates.append(comparison.configured)
            continue
        result = estimate(graph, prices, usage)
        estimates.append(result)
        if args.total_only:
            print(headline(result))
            if args.budget:
                print(budget_line(result))
        elif args.markdown and len(graphs) == 1:
            print(render_markdown(result), end="")
        elif not args.markdown:
            print(render_text(result, usage, label))
    if args.markdown and len(graphs) > 1:
        print(render_markdown_summary(estimates), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
