"""What the alarms watch: plain values read off the WebService, so a test program can feed
literal stand-ins instead (tests/fixtures/observability_only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.config import ObservabilityConfig


class MonitoredService(Protocol):
    """What Observability reads off the WebService component."""

    @property
    def load_balancer(self) -> aws.lb.LoadBalancer: ...
    @property
    def target_group(self) -> aws.lb.TargetGroup: ...
    @property
    def alternate_target_group(self) -> aws.lb.TargetGroup | None: ...
    @property
    def cluster(self) -> aws.ecs.Cluster: ...
    @property
    def service(self) -> aws.ecs.Service: ...
    @property
    def log_group(self) -> aws.cloudwatch.LogGroup: ...
    @property
    def min_capacity(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class WatchedService:
    load_balancer_arn_suffix: pulumi.Input[str]
    """``LoadBalancer`` dimension: the arn_suffix ``app/<name>/<id>``, never the name or ARN
    (pitfall alarm-alb-dimensions)."""
    target_group_arn_suffixes: Sequence[pulumi.Input[str]]
    """``TargetGroup`` dimensions: the service's group, and under ECS native blue/green also the
    alternate group, since production traffic moves between the two on every deploy."""
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    log_group_name: pulumi.Input[str]
    """The app's log group: nginx JSON access lines and error lines."""
    min_healthy_hosts: int
    """The autoscaling minimum: fewer healthy targets than this for minutes is an incident."""

    @classmethod
    def of(cls, service: MonitoredService) -> WatchedService:
        return cls(
            load_balancer_arn_suffix=service.load_balancer.arn_suffix,
            target_group_arn_suffixes=[
                group.arn_suffix
                for group in (service.target_group, service.alternate_target_group)
                if group is not None
            ],
            cluster_name=service.cluster.name,
            service_name=service.service.name,
            log_group_name=service.log_group.name,
            min_healthy_hosts=service.min_capacity,
        )


@dataclass(frozen=True, kw_only=True)
class AlarmContext:
    """Everything an Observability alarm spec reads to become a MetricAlarm."""

    name: str
    """The component's name: every alarm is named ``<name>-<alarm id>``."""
    service: WatchedService
    observability: ObservabilityConfig
    metric_namespace: str
    """Namespace of the log-based metrics, one per stack (``EcsFargate/<stack>``)."""


@dataclass(frozen=True, kw_only=True)
class DeployGuardContext:
    """What a deploy-guard alarm spec reads; WebService has it before the ECS service exists."""

    load_balancer_arn_suffix: pulumi.Input[str]
    target_group_arn_suffixes: Sequence[pulumi.Input[str]]
    latency_p99_seconds: float
