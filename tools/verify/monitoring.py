"""What tells the team something broke: no alarm of the stack firing, the alarm e-mails
confirmed, and each log group keeping its logs as long as the stack says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.verify.aws import pages
from tools.verify.results import Result, Status

SUBSCRIPTIONS_CONFIRMED = "alarm e-mail subscriptions confirmed"


def alarms_check(prefix: str) -> str:
    return f"no alarm {prefix}* in ALARM"


def retention_check(name: str, days: int) -> str:
    return f"log group {name} keeps {days} days"


def alarms_not_in_alarm(cloudwatch: Any, prefix: str) -> Result:
    """The stack's alarms are those named with its prefix. Target tracking's alarms are named
    TargetTracking-... by Application Auto Scaling and sit in ALARM by design (AlarmLow at the
    minimum capacity), so the prefix leaves them out."""
    check = alarms_check(prefix)
    alarms: list[Mapping[str, Any]] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(
        AlarmNamePrefix=prefix, AlarmTypes=["CompositeAlarm", "MetricAlarm"]
    ):
        alarms += [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]
    if not alarms:
        return Result(check, Status.FAIL, "no alarm has the prefix: wrong region or account?")
    firing = sorted(a["AlarmName"] for a in alarms if a["StateValue"] == "ALARM")
    if firing:
        return Result(check, Status.FAIL, f"in ALARM: {', '.join(firing)}")
    no_data = sum(1 for a in alarms if a["StateValue"] == "INSUFFICIENT_DATA")
    return Result(
        check, Status.PASS, f"{len(alarms)} alarms, none in ALARM ({no_data} INSUFFICIENT_DATA)"
    )


def email_subscriptions(sns: Any, topic_arn: str) -> Result:
    check = SUBSCRIPTIONS_CONFIRMED
    subscriptions = list(
        pages(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn)
    )
    emails = [s for s in subscriptions if s.get("Protocol") in ("email", "email-json")]
    pending = sorted(s["Endpoint"] for s in emails if s["SubscriptionArn"] == "PendingConfirmation")
    if pending:
        return Result(
            check,
            Status.WARN,
            f"pending confirmation: {', '.join(pending)} (alarms reach them only after they "
            "click the link AWS sent)",
        )
    if not subscriptions:
        return Result(
            check, Status.WARN, "the alarm topic has no subscription: alarms reach nobody"
        )
    confirmed = ", ".join(sorted(s["Endpoint"] for s in emails)) or "none (other protocols only)"
    return Result(check, Status.PASS, f"confirmed: {confirmed}")


def log_retention(logs: Any, name: str, days: int) -> Result:
    check = retention_check(name, days)
    groups = [
        g
        for g in pages(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=name)
        if g["logGroupName"] == name
    ]
    if not groups:
        return Result(check, Status.FAIL, "no such log group")
    actual = groups[0].get("retentionInDays")  # absent: the group never expires
    evidence = f"retention {actual if actual is not None else 'never expire'}"
    return Result(check, Status.PASS if actual == days else Status.FAIL, evidence)
