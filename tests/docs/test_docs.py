"""`make docs` (tools/docs/): README.md's figures are what the tools compute, region by region."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from tests.support.paths import REPO_ROOT
from tests.support.renders import rendered
from tools.docs.facts import METRIC_ALARM, Facts, collect, night_config, night_schedule
from tools.docs.markers import RegionError, rewrite, stale
from tools.docs.regions import render, stacks_table
from tools.graph import Graph
from tools.policy_gate import PolicyPackClient

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dev_night() -> Graph:
    return Graph(rendered("dev", night_config("dev")))


@pytest.fixture(scope="module")
def facts(dev_graph: Graph, prod_graph: Graph, dev_night: Graph, pack: PolicyPackClient) -> Facts:
    return collect({"dev": dev_graph, "prod": prod_graph}, dev_night, pack)


def test_every_readme_region_is_what_make_docs_writes(facts: Facts) -> None:
    assert stale(README, render(facts)) == [], "README.md is stale: run `make docs`"


def test_rewrite_replaces_a_regions_body_and_keeps_the_prose_around_it() -> None:
    text = "Before.\n\n<!-- make docs: total -->\nold figure\n<!-- /make docs -->\n\nAfter.\n"
    assert rewrite(text, {"total": "new figure\n"}) == (
        "Before.\n\n<!-- make docs: total -->\nnew figure\n<!-- /make docs -->\n\nAfter.\n"
    )


def test_stale_names_only_the_regions_that_differ() -> None:
    text = (
        "<!-- make docs: a -->\nsame\n<!-- /make docs -->\n"
        "<!-- make docs: b -->\nold\n<!-- /make docs -->\n"
    )
    assert stale(text, {"a": "same\n", "b": "new\n"}) == ["b"]


def test_a_marker_that_names_no_region_stops_the_rewrite() -> None:
    text = "<!-- make docs: typo -->\nx\n<!-- /make docs -->\n"
    with pytest.raises(RegionError, match=r"unknown \['typo'\], missing \['total'\]"):
        rewrite(text, {"total": "1\n"})


def test_an_opening_marker_without_its_closing_one_stops_the_rewrite() -> None:
    with pytest.raises(RegionError, match="unclosed marker"):
        rewrite("<!-- make docs: total -->\n1\n", {"total": "1\n"})


def test_a_region_written_twice_stops_the_rewrite() -> None:
    region = "<!-- make docs: total -->\n1\n<!-- /make docs -->\n"
    with pytest.raises(RegionError, match=r"repeated \['total'\]"):
        rewrite(region + region, {"total": "1\n"})


def test_an_added_alarm_changes_the_stacks_table(facts: Facts) -> None:
    dev = facts.stack("dev")
    before = len(dev.graph.of_type(METRIC_ALARM))
    data = copy.deepcopy(dict(dev.graph.data))
    data["resources"].append({**dev.graph.of_type(METRIC_ALARM)[0], "urn": "urn:added-alarm"})
    added = replace(facts, stacks=(replace(dev, graph=Graph(data)),))
    assert f"| {before} metric," in stacks_table(facts)
    assert f"| {before + 1} metric," in stacks_table(added)


def test_night_hours_follow_the_scale_in_cron(dev_night: Graph) -> None:
    config = night_config("dev")
    earlier = '{"scaleInCron": "cron(0 20 ? * MON-FRI *)"}'
    shifted = Graph(rendered("dev", {**config, "ecs-fargate:nightSchedule": earlier}))
    # One hour earlier on each of the five weekdays.
    assert night_schedule(shifted).up_hours_per_week == (
        night_schedule(dev_night).up_hours_per_week - 5
    )
