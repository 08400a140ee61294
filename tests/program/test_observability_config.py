"""Observability settings that stop the program: the message names the key, the value and what is
allowed, and nothing is registered."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphs import PlanVariant

# overrides, the key the message must name, the rejected value as shown, the allowed-values text
OBSERVABILITY_ERRORS: list[tuple[dict[str, Any], str, str, str]] = [
    (
        {"alarmEmails": ["a.b@example.com", "a-b@example.com"]},
        "ecs-fargate:alarmEmails[1]",
        "a-b@example.com",
        "differs from alarmEmails[0] only in case or punctuation",
    ),
    (
        {"nightSchedule": {"scaleOutCron": "cron(30 23 ? * MON-FRI *)"}},
        "ecs-fargate:nightSchedule.scaleOutCron",
        "cron(30 23 ? * MON-FRI *)",
        "at least 40 minutes before midnight",
    ),
    (
        {"nightSchedule": {"scaleOutCron": "cron(0/30 8 ? * MON-FRI *)"}},
        "ecs-fargate:nightSchedule.scaleOutCron",
        "cron(0/30 8 ? * MON-FRI *)",
        "a plain minute and hour",
    ),
    (
        {"errorLogTerms": ['say "hi"']},
        "ecs-fargate:errorLogTerms[0]",
        'say "hi"',
        "without double quotes",
    ),
    (
        {"slo": {"availabilityPercent": 100}},
        "ecs-fargate:slo.availabilityPercent",
        "100.0",
        "strictly between 0 and 100",
    ),
    (
        {"slo": {"availabilityPercent": 0}},
        "ecs-fargate:slo.availabilityPercent",
        "0.0",
        "strictly between 0 and 100",
    ),
    (
        {"slo": {"availabilityPercent": 120.5}},
        "ecs-fargate:slo.availabilityPercent",
        "120.5",
        "strictly between 0 and 100",
    ),
    (
        {"alarmEmails": ["oncall@example.com", "oncall-at-example.com"]},
        "ecs-fargate:alarmEmails[1]",
        "oncall-at-example.com",
        "an e-mail address",
    ),
    (
        {"slackWorkspaceId": "T0123ABCDEF"},
        "ecs-fargate:slackChannelId",
        "",
        "needs both slackWorkspaceId and slackChannelId",
    ),
    (
        {"slackChannelId": "C0123ABCDEF"},
        "ecs-fargate:slackWorkspaceId",
        "",
        "needs both slackWorkspaceId and slackChannelId",
    ),
    (
        {"runningTasksAlarm": True, "containerInsights": False},
        "ecs-fargate:runningTasksAlarm",
        "true",
        "reads Container Insights metrics",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "key", "value", "allowed"),
    OBSERVABILITY_ERRORS,
    ids=[case[1].split(":")[1] + "-" + str(i) for i, case in enumerate(OBSERVABILITY_ERRORS)],
)
def test_bad_observability_setting_stops_before_any_resource(
    plan_variant: PlanVariant, overrides: dict[str, Any], key: str, value: str, allowed: str
) -> None:
    graph = plan_variant("dev", raise_errors=False, **overrides)
    error = graph.data["error"]
    assert error is not None
    assert f"invalid config {key} = {value!r}" in error
    assert allowed in error
    assert graph.resources == []
