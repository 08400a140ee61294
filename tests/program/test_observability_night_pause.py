"""The Observability component's night pause on its own (tests/fixtures/observability_only): the
availability alarms' actions off while the dev service is scaled to zero, back after scale-out,
and rechecked. Stack ``full`` has a night schedule, ``plain`` none."""

from __future__ import annotations

import json
import re

import pytest

from components.slo import cron_minutes_later
from tests.support.observability import (
    SCHEDULE,
    observability_only,
    schedules_by_action,
    solo_alarm,
)
from tools.graph import Graph, json_input

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


@pytest.fixture(scope="module")
def full() -> Graph:
    return observability_only("full")


@pytest.fixture(scope="module")
def plain() -> Graph:
    return observability_only("plain")


PAUSED = [
    "solo-availability-fast-burn",
    "solo-availability-slow-burn",
    "solo-healthy-hosts-low",
]


def test_night_schedule_disables_the_availability_alarm_actions_at_scale_in(full: Graph) -> None:
    (off,) = schedules_by_action(full)["disableAlarmActions"]
    assert off["scheduleExpression"] == "cron(0 21 ? * MON-FRI *)"
    assert json.loads(off["target"]["input"]) == {"AlarmNames": PAUSED}


def test_alarm_actions_return_once_the_30_minute_window_holds_only_daytime_traffic(
    full: Graph,
) -> None:
    # Scale-out at 08:00; the slow burn's 30-minute window plus 5 minutes for tasks to start.
    (on,) = schedules_by_action(full)["enableAlarmActions"]
    assert on["scheduleExpression"] == "cron(35 8 ? * MON-FRI *)"
    assert json.loads(on["target"]["input"]) == {"AlarmNames": PAUSED}


def test_alarms_still_in_alarm_after_scale_out_are_set_to_ok_once_so_they_page_again(
    full: Graph,
) -> None:
    # Re-enabled actions fire on the next state change only: without this, a service that did
    # not come back in the morning would never page.
    rechecks = schedules_by_action(full)["setAlarmState"]
    assert {s["scheduleExpression"] for s in rechecks} == {"cron(40 8 ? * MON-FRI *)"}
    requests = [json.loads(s["target"]["input"]) for s in rechecks]
    assert {r["StateValue"] for r in requests} == {"OK"}
    assert sorted(r["AlarmName"] for r in requests) == [
        "solo-availability-fast-burn-5m",
        "solo-availability-slow-burn-30m",
        "solo-healthy-hosts-low",
    ]


def test_each_paused_composite_has_its_short_window_rechecked(full: Graph) -> None:
    # A composite set to OK itself would wait for a child to change state.
    rechecked = {
        json.loads(s["target"]["input"])["AlarmName"]
        for s in schedules_by_action(full)["setAlarmState"]
    }
    for composite_id in ("availability-fast-burn", "availability-slow-burn"):
        children = re.findall(r'ALARM\("([^"]+)"\)', solo_alarm(full, composite_id)["alarmRule"])
        assert len(rechecked & set(children)) == 1, composite_id


def test_night_schedules_run_exactly_on_time_in_the_scaling_time_zone(full: Graph) -> None:
    for schedule in full.of_type(SCHEDULE):
        assert schedule["inputs"]["scheduleExpressionTimezone"] == "Asia/Tokyo"
        assert schedule["inputs"]["flexibleTimeWindow"] == {"mode": "OFF"}


def test_scheduler_role_may_only_toggle_and_recheck_the_night_schedule_alarms(
    full: Graph,
) -> None:
    (schedule, *_) = full.of_type(SCHEDULE)
    role = full.resolve(schedule["inputs"]["target"]["roleArn"])
    assert role is not None
    trust = json_input(role, "assumeRolePolicy")["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]
    assert role["inputs"]["permissionsBoundary"]
    (policy,) = [p for p in full.of_type(ROLE_POLICY) if p["inputs"]["role"] == role["id"]]
    toggle, recheck = json_input(policy, "policy")["Statement"]
    assert sorted(toggle["Action"]) == [
        "cloudwatch:DisableAlarmActions",
        "cloudwatch:EnableAlarmActions",
    ]
    assert sorted(toggle["Resource"]) == sorted(
        full.named(name)["outputs"]["arn"] for name in PAUSED
    )
    assert recheck["Action"] == "cloudwatch:SetAlarmState"
    rechecked = [
        json.loads(s["target"]["input"])["AlarmName"]
        for s in schedules_by_action(full)["setAlarmState"]
    ]
    assert sorted(recheck["Resource"]) == sorted(
        full.named(name)["outputs"]["arn"] for name in rechecked
    )


@pytest.mark.parametrize(
    ("cron", "minutes", "shifted"),
    [
        ("cron(0 8 ? * MON-FRI *)", 35, "cron(35 8 ? * MON-FRI *)"),
        ("cron(45 7 ? * MON-FRI *)", 40, "cron(25 8 ? * MON-FRI *)"),
        ("cron(25 0 ? * MON-FRI *)", 35, "cron(0 1 ? * MON-FRI *)"),
        ("cron(30 23 ? * MON-FRI *)", 35, None),
        # the last minute of the day is still the same day; midnight is the next one
        ("cron(24 23 ? * MON-FRI *)", 35, "cron(59 23 ? * MON-FRI *)"),
        ("cron(25 23 ? * MON-FRI *)", 35, None),
        ("cron(0/15 8 ? * MON-FRI *)", 35, None),
        ("cron(0 8,9 ? * MON-FRI *)", 35, None),
    ],
)
def test_cron_shift_stays_on_the_same_day_or_gives_up(
    cron: str, minutes: int, shifted: str | None
) -> None:
    assert cron_minutes_later(cron, minutes) == shifted


def test_no_schedules_without_a_night_schedule(plain: Graph) -> None:
    assert not plain.of_type(SCHEDULE)
