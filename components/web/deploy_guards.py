"""The deploy guards: short-window alarms the ECS service rolls a deploy back on. Declared with
every other alarm in components/observability/alarms.py; rendered here, because the service
needs their names before Observability exists."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi_aws as aws

from components.observability.alarms import DEPLOY_GUARD_ALARMS
from components.observability.watched import DeployGuardContext
from components.web.scope import Scope


def deploy_guard_alarms(
    scope: Scope,
    *,
    load_balancer: aws.lb.LoadBalancer,
    target_groups: Sequence[aws.lb.TargetGroup],
    latency_p99_seconds: float,
) -> list[aws.cloudwatch.MetricAlarm]:
    """They notify no one: rolling back is their action."""
    context = DeployGuardContext(
        load_balancer_arn_suffix=load_balancer.arn_suffix,
        target_group_arn_suffixes=[group.arn_suffix for group in target_groups],
        latency_p99_seconds=latency_p99_seconds,
    )
    return [
        aws.cloudwatch.MetricAlarm(
            scope.named(spec.alarm_id),
            alarm_description=spec.summary(context),
            opts=scope.child(),
            **spec.settings(context),
        )
        for spec in DEPLOY_GUARD_ALARMS
    ]
