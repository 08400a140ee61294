"""Scheduled scaling: which hours of the month tasks run, from the cron subset the report reads."""

from __future__ import annotations

import pytest

from tests.support.cost import scheduled_target
from tools.cost.portfolio import hand_graph, hand_resource
from tools.cost.pricing import estimate
from tools.cost.schedule import (
    ScalingEvent,
    UnsupportedSchedule,
    parse_cron,
    week_periods,
)
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph

MON_TO_FRI = frozenset(range(5))


def test_weekday_range_by_name_and_by_aws_number_agree() -> None:
    assert parse_cron("cron(0 21 ? * MON-FRI *)").days == MON_TO_FRI
    assert parse_cron("cron(0 21 ? * 2-6 *)").days == MON_TO_FRI


def test_every_day_form_covers_the_week() -> None:
    times = parse_cron("cron(30 8 * * ? *)")
    assert (times.minute, times.hour, times.days) == (30, 8, frozenset(range(7)))


def test_day_list_wrapping_past_sunday() -> None:
    assert parse_cron("cron(0 0 ? * SAT-MON *)").days == frozenset({5, 6, 0})


@pytest.mark.parametrize("expression", ["rate(1 hour)", "cron(0 8 1 * ? *)", "cron(0/5 8 * * ? *)"])
def test_expressions_outside_the_subset_are_refused(expression: str) -> None:
    with pytest.raises(UnsupportedSchedule):
        parse_cron(expression)


def test_weeknight_schedule_also_keeps_tasks_off_over_the_weekend() -> None:
    # The stack's default: down 21:00 and up 08:00 Monday to Friday, so tasks run 13 h x 5 = 65 h
    # of 168; Friday's scale-in holds until Monday morning.
    events = [
        ScalingEvent(parse_cron("cron(0 8 ? * MON-FRI *)"), 1, 4, "up"),
        ScalingEvent(parse_cron("cron(0 21 ? * MON-FRI *)"), 0, 0, "down"),
    ]
    periods = {p.tasks: p.fraction_of_week for p in week_periods(2, events)}
    assert periods[2] == pytest.approx(65 / 168)
    assert periods[0] == pytest.approx(103 / 168)


def scheduled_service(down: str, up: str, aws_name: str = "web") -> list[dict[str, object]]:
    """The service "web", named `aws_name` in AWS (as Pulumi's auto-naming does), with a target
    and a scale-in and a scale-out action naming it so."""
    task = hand_resource("aws:ecs/taskDefinition:TaskDefinition", "task", cpu="256", memory="512")
    service = hand_resource(
        "aws:ecs/service:Service",
        "web",
        taskDefinition=task["outputs"]["arn"],
        desiredCount=2,
        launchType="FARGATE",
    )
    service["outputs"]["name"] = aws_name
    scaling = scheduled_target(
        f"service/cluster-1234567/{aws_name}",
        [
            ("night", down, {"minCapacity": 0, "maxCapacity": 0}),
            ("morning", up, {"minCapacity": 2, "maxCapacity": 4}),
        ],
    )
    return [task, service, *scaling]


def fargate_usd(resources: list[dict[str, object]]) -> float:
    result = estimate(Graph(hand_graph(resources)), load_prices("ap-northeast-1"), load_usage())
    return sum(line.monthly_usd for line in result.of_kind("charge") if line.section == "Compute")


def test_twelve_hours_off_every_night_halves_the_fargate_lines() -> None:
    always_on = 2 * 730 * (0.25 * 0.05056 + 0.5 * 0.00553)
    scheduled = fargate_usd(scheduled_service("cron(0 20 * * ? *)", "cron(0 8 * * ? *)"))
    assert scheduled == pytest.approx(always_on / 2)


def test_a_schedule_finds_its_service_by_the_name_aws_gave_it() -> None:
    always_on = 2 * 730 * (0.25 * 0.05056 + 0.5 * 0.00553)
    resources = scheduled_service("cron(0 20 * * ? *)", "cron(0 8 * * ? *)", aws_name="web-5d1f0e2")
    assert fargate_usd(resources) == pytest.approx(always_on / 2)


def test_a_schedule_outside_the_subset_is_priced_always_on_with_a_note() -> None:
    resources = scheduled_service("rate(12 hours)", "cron(0 8 * * ? *)")
    result = estimate(Graph(hand_graph(resources)), load_prices("ap-northeast-1"), load_usage())
    compute = sum(
        line.monthly_usd for line in result.of_kind("charge") if line.section == "Compute"
    )
    assert compute == pytest.approx(2 * 730 * (0.25 * 0.05056 + 0.5 * 0.00553))
    assert any("not understood" in note for note in result.notes)
