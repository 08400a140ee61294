"""`make plan`: the resource tree it prints and how it fails on a config error."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.paths import REPO_ROOT
from tools import plan
from tools.cost.pricing import estimate
from tools.cost.report import budget_line, usd
from tools.cost.tables import BUDGETS_USD, load_prices, load_usage
from tools.graph import Graph
from tools.policy_gate import PolicyPackClient, policy_pack


def test_tree_lists_the_components_in_architecture_order(dev_graph: Graph) -> None:
    top = [r["type"] for depth, r in dev_graph.walk() if depth == 0]
    assert top == [
        "ecs-fargate:index:Network",
        "ecs-fargate:index:WebService",
        "ecs-fargate:index:Observability",
    ]


def test_tree_shows_every_resource_once_under_its_parent(dev_graph: Graph) -> None:
    walked = list(dev_graph.walk())
    assert sorted(r["urn"] for _, r in walked) == sorted(r["urn"] for r in dev_graph.resources)
    depth_of = {r["urn"]: depth for depth, r in walked}
    for depth, resource in walked:
        if depth:
            assert depth_of[resource["parent"]] == depth - 1


def test_a_config_error_prints_one_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        REPO_ROOT,
        project,
        ignore=shutil.ignore_patterns("venv", "build", ".git", "tests", "policy", "bootstrap"),
    )
    stack_file = project / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("10.0.0.0/16", "10.0.0.0/33", 1))
    assert plan.main(["--stack", "dev", "--project-dir", str(project)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: invalid config ecs-fargate:vpcCidr = '10.0.0.0/33': expected an IPv4 network in CIDR form, such as 10.0.0.0/16"
    ]


@pytest.fixture
def planned_dev(monkeypatch: pytest.MonkeyPatch, dev_graph: Graph) -> None:
    """`plan.main` gets the session's dev graph instead of running the program again."""
    monkeypatch.setattr(plan, "plan_stack", lambda *_: copy.deepcopy(dict(dev_graph.data)))


@pytest.mark.usefixtures("planned_dev")
def test_plan_ends_with_the_policy_verdict_the_cost_total_and_the_headroom_to_the_budget(
    dev_graph: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan.main(["--stack", "dev"]) == 0
    lines = capsys.readouterr().out.splitlines()
    verdict = next(i for i, line in enumerate(lines) if line.startswith("policy gate PASS"))
    cost = next(
        i for i, line in enumerate(lines) if line.startswith("cost dev (ap-northeast-1): $")
    )
    assert lines[verdict].startswith("policy gate PASS for stack dev: 0 mandatory, ")
    assert verdict < cost == len(lines) - 2
    priced = estimate(dev_graph, load_prices(dev_graph.region), load_usage())
    assert lines[-1] == budget_line(priced, BUDGETS_USD)
    assert f" of budget {usd(BUDGETS_USD['dev'])} (headroom $" in lines[-1]


@pytest.mark.usefixtures("planned_dev")
def test_a_mandatory_violation_fails_the_plan_before_the_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without its waivers, what dev's policy config lowers is mandatory again.
    strict = tmp_path / "dev.json"
    strict.write_text('{"all": "mandatory"}')
    assert plan.main(["--stack", "dev", "--policy-config", str(strict)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^policy gate FAIL for stack dev: [1-9]\d* mandatory", out, re.MULTILINE)
    assert "cost dev" not in out


def test_the_bench_floor_imports_exactly_the_pulumi_aws_classes_of_the_dev_graph(
    dev_graph: Graph,
) -> None:
    from pulumi.type_token import get_type_token

    from tools.plan_bench import floor_source

    declared = {r["type"] for r in dev_graph.resources}
    imported: dict[str, object] = {}
    exec(floor_source(declared), imported)  # the import lines the bench runs
    tokens = {get_type_token(value) for value in imported.values() if isinstance(value, type)}
    assert tokens == {token for token in declared if token.startswith("aws:")}


def test_an_error_in_the_program_stops_the_policy_pack_before_it_propagates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[subprocess.Popen[bytes]] = []

    @contextmanager
    def recorded_pack() -> Iterator[PolicyPackClient]:
        with policy_pack() as client:
            started.append(client.process)
            yield client

    def broken_program(*_: object) -> NoReturn:
        raise RuntimeError("a bug in the program")

    monkeypatch.setattr(plan, "policy_pack", recorded_pack)
    monkeypatch.setattr(plan, "plan_stack", broken_program)
    try:
        plan.main(["--stack", "dev"])
    except RuntimeError:
        # While the error is handled its traceback keeps main's frame, and with it the pack's
        # context, alive: only an explicit stop has ended the pack process by now.
        assert [process.poll() is not None for process in started] == [True]
    else:
        pytest.fail("the program's error did not propagate")


def test_plan_in_a_region_without_a_price_table_fails_on_the_cost_line(
    monkeypatch: pytest.MonkeyPatch, dev_graph: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    frankfurt = {**copy.deepcopy(dict(dev_graph.data)), "region": "eu-central-1"}
    monkeypatch.setattr(plan, "plan_stack", lambda *_: frankfurt)
    assert plan.main(["--stack", "dev"]) == 1
    captured = capsys.readouterr()
    assert "policy gate PASS for stack dev" in captured.out
    assert captured.err.splitlines() == [
        "error: no price table for eu-central-1 "
        "(tools/cost/prices.json has ap-northeast-1, us-east-1)"
    ]


def test_prod_names_the_settings_the_offline_plan_lends_it() -> None:
    # Pulumi.prod.yaml leaves the domain to its owner; the plan may not pass the stand-in off
    # as the stack's own setting.
    assert set(plan.lent_values("prod", REPO_ROOT)) == {
        "ecs-fargate:domainName",
        "ecs-fargate:hostedZoneId",
    }
    assert plan.lent_values("dev", REPO_ROOT) == {}
