"""Target-tracking autoscaling of the service's task count, and the dev night schedule that
scales it to zero."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config import NightSchedule, ServiceConfig
from components.web.scope import Scope

SCALE_IN_COOLDOWN_SECONDS = 300
SCALE_OUT_COOLDOWN_SECONDS = 60


@dataclass(frozen=True)
class TrackedMetric:
    suffix: str
    predefined_metric_type: str
    target_value: float


# Target tracking: scale out before a 0.25 vCPU task saturates.
CPU = TrackedMetric("cpu", "ECSServiceAverageCPUUtilization", 60.0)
MEMORY = TrackedMetric("memory", "ECSServiceAverageMemoryUtilization", 70.0)
REQUESTS = TrackedMetric("requests", "ALBRequestCountPerTarget", 500.0)
"""ALB requests per task per minute."""


def autoscaling(
    scope: Scope,
    service: ServiceConfig,
    *,
    cluster: aws.ecs.Cluster,
    ecs_service: aws.ecs.Service,
    request_count_label: pulumi.Input[str] | None,
) -> None:
    """Track CPU, memory and, given a label, ALB requests per task."""
    target = aws.appautoscaling.Target(
        scope.named("scaling"),
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        # Names, not ARNs (pitfall: scaling-target-first).
        resource_id=pulumi.Output.concat("service/", cluster.name, "/", ecs_service.name),
        min_capacity=service.min_capacity,
        max_capacity=service.max_capacity,
        opts=scope.child(),
    )
    tracked: list[tuple[TrackedMetric, pulumi.Input[str] | None]] = [(CPU, None), (MEMORY, None)]
    if request_count_label is not None:
        tracked.append((REQUESTS, request_count_label))
    for metric, label in tracked:
        specification: aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgsDict = {
            "predefined_metric_type": metric.predefined_metric_type
        }
        if label is not None:
            specification["resource_label"] = label
        # The Target's outputs, not literals: the policy waits for registration.
        aws.appautoscaling.Policy(
            scope.named(f"scale-{metric.suffix}"),
            policy_type="TargetTrackingScaling",
            resource_id=target.resource_id,
            scalable_dimension=target.scalable_dimension,
            service_namespace=target.service_namespace,
            target_tracking_scaling_policy_configuration={
                "target_value": metric.target_value,
                "predefined_metric_specification": specification,
                "scale_in_cooldown": SCALE_IN_COOLDOWN_SECONDS,
                "scale_out_cooldown": SCALE_OUT_COOLDOWN_SECONDS,
            },
            opts=scope.child(),
        )
    if service.night_schedule is not None:
        night_schedule(scope, service.night_schedule, target=target, service=service)


def night_schedule(
    scope: Scope,
    schedule: NightSchedule,
    *,
    target: aws.appautoscaling.Target,
    service: ServiceConfig,
) -> None:
    def capacity_at(
        suffix: str, cron: str, capacity: tuple[int, int], opts: pulumi.ResourceOptions
    ) -> aws.appautoscaling.ScheduledAction:
        return aws.appautoscaling.ScheduledAction(
            scope.named(suffix),
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            schedule=cron,
            timezone=schedule.timezone,
            scalable_target_action={"min_capacity": capacity[0], "max_capacity": capacity[1]},
            opts=opts,
        )

    # While scaled to zero the ALB answers 503 (README: night schedule).
    night = capacity_at("night-scale-in", schedule.scale_in_cron, (0, 0), scope.child())
    capacity_at(
        "morning-scale-out",
        schedule.scale_out_cron,
        (service.min_capacity, service.max_capacity),
        # Scheduled actions of one target are written one at a time (the API serialises
        # updates to a scalable target).
        scope.child(depends_on=[night]),
    )
