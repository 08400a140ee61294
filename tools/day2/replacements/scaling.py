"""Service auto scaling and the night schedule."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

SCALING_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:appautoscaling/target:Target", "appautoscaling/target.go", "appautoscaling_target",
        "resourceId", "scalableDimension", "serviceNamespace",
        verified="0105d2191ae7e43ba37ba011b916843eddf361ed",
        autoname=None,
        unique_key=("resourceId", "scalableDimension", "serviceNamespace"),
    ),
    type_row(
        "aws:appautoscaling/policy:Policy", "appautoscaling/policy.go", "appautoscaling_policy",
        "name", "resourceId", "scalableDimension", "serviceNamespace",
    ),
    type_row(
        "aws:appautoscaling/scheduledAction:ScheduledAction", "appautoscaling/scheduled_action.go",
        "appautoscaling_scheduled_action",
        "name", "resourceId", "scalableDimension", "serviceNamespace",
    ),
    type_row(
        "aws:scheduler/schedule:Schedule", "scheduler/schedule.go", "scheduler_schedule",
        "name", "namePrefix", "groupName",
    ),
)  # fmt: skip
