"""The availability alarms' actions paused while the dev service is scaled to zero at night.

At night the ALB answers 503 (no targets) and HealthyHostCount is 0, which is intended.
EventBridge Scheduler disables the actions on the scale-in cron and time zone, and re-enables them
ALARMS_BACK_AFTER_SCALE_OUT_MINUTES after scale-out. Alarm actions run on state changes only: an
alarm still in ALARM from the night when its actions return would stay silent however long the
service stays down. So RECHECK_AFTER_ALARMS_BACK_MINUTES later each rechecked alarm is set to OK
once; if the service is still down it goes back to ALARM within minutes and pages (after an OK
that says why), and if it is up nothing happens.

A composite actions_suppressor was the alternative, but it needs a suppressor alarm that is in
ALARM exactly at night (no metric says "scaled to zero on purpose" without Container Insights) and
it cannot silence the metric alarm on healthy hosts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import NightSchedule
from components.iam import policy_document
from components.scope import ComponentScope
from components.slo import (
    ALARMS_BACK_AFTER_SCALE_OUT_MINUTES,
    RECHECK_AFTER_ALARMS_BACK_MINUTES,
    cron_minutes_later,
)

# EventBridge Scheduler universal targets: the scheduler calls the CloudWatch API itself.
DISABLE_ALARM_ACTIONS = "arn:aws:scheduler:::aws-sdk:cloudwatch:disableAlarmActions"
ENABLE_ALARM_ACTIONS = "arn:aws:scheduler:::aws-sdk:cloudwatch:enableAlarmActions"
SET_ALARM_STATE = "arn:aws:scheduler:::aws-sdk:cloudwatch:setAlarmState"

Alarm = aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm


def pause_at_night(
    scope: ComponentScope,
    night: NightSchedule,
    *,
    paused: Sequence[Alarm],
    rechecked: Mapping[str, aws.cloudwatch.MetricAlarm],
) -> None:
    """Schedules that switch ``paused`` alarms' actions off at scale-in and back on after
    scale-out, then set each ``rechecked`` alarm (by alarm id) to OK once."""
    name = scope.name
    alarms_back_cron = cron_minutes_later(night.scale_out_cron, ALARMS_BACK_AFTER_SCALE_OUT_MINUTES)
    recheck_cron = cron_minutes_later(
        night.scale_out_cron,
        ALARMS_BACK_AFTER_SCALE_OUT_MINUTES + RECHECK_AFTER_ALARMS_BACK_MINUTES,
    )
    # components/config rejects a scale-out cron these shifts cannot move.
    assert alarms_back_cron is not None and recheck_cron is not None
    role = scope.service_role(
        "alarm-schedule",
        service="scheduler.amazonaws.com",
        description="Pauses the availability alarms' actions during the night schedule",
        acts_for_account=True,
    )
    schedule_policy = aws.iam.RolePolicy(
        f"{name}-alarm-schedule",
        role=role.id,
        policy=pulumi.Output.all(
            paused=pulumi.Output.all(*(alarm.arn for alarm in paused)),
            rechecked=pulumi.Output.all(*(alarm.arn for alarm in rechecked.values())),
        ).apply(lambda arns: json.dumps(alarm_schedule_policy(**arns))),
        opts=scope.child(),
    )
    request = pulumi.Output.all(*(_alarm_name(alarm) for alarm in paused)).apply(
        lambda names: json.dumps({"AlarmNames": list(names)})
    )
    schedules: list[tuple[str, str, str, pulumi.Input[str]]] = [
        ("alarms-off-at-night", night.scale_in_cron, DISABLE_ALARM_ACTIONS, request),
        ("alarms-on-in-the-morning", alarms_back_cron, ENABLE_ALARM_ACTIONS, request),
    ]
    for alarm_id, alarm in rechecked.items():
        set_ok = alarm.name.apply(
            lambda alarm_name: json.dumps(
                {
                    "AlarmName": alarm_name,
                    "StateValue": "OK",
                    "StateReason": "Dev night schedule: set to OK once after scale-out so "
                    "that an alarm still breaching alarms again (docs/slo.md).",
                }
            )
        )
        schedules.append((f"recheck-{alarm_id}", recheck_cron, SET_ALARM_STATE, set_ok))
    for suffix, cron, target_arn, target_input in schedules:
        aws.scheduler.Schedule(
            f"{name}-{suffix}",
            description=f"{suffix.replace('-', ' ')}: the dev night schedule of {name}",
            schedule_expression=cron,
            schedule_expression_timezone=night.timezone,
            # Exactly on time: a late "off" would let the scale-in 503s page someone.
            flexible_time_window={"mode": "OFF"},
            target={"arn": target_arn, "role_arn": role.arn, "input": target_input},
            # The schedule's first run must find the role's policy in place (pitfall
            # iam-propagation; tests/program/test_role_propagation.py).
            opts=scope.child(depends_on=[schedule_policy]),
        )


def _alarm_name(alarm: Alarm) -> pulumi.Output[str]:
    if isinstance(alarm, aws.cloudwatch.CompositeAlarm):
        return alarm.alarm_name
    return alarm.name


def alarm_schedule_policy(paused: Sequence[str], rechecked: Sequence[str]) -> dict[str, Any]:
    statements = [
        {
            "Effect": "Allow",
            "Action": ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions"],
            "Resource": sorted(paused),
        }
    ]
    if rechecked:
        statements.append(
            {"Effect": "Allow", "Action": "cloudwatch:SetAlarmState", "Resource": sorted(rechecked)}
        )
    return policy_document(*statements)
