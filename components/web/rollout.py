"""Everything a rolling deploy and an ECS native blue/green deploy do differently, in one place:
which target groups exist, what the serving listener does by default, the production listener
rule and the role ECS shifts it with, the service's deployment settings, and which target groups
the deploy alarms and request scaling may watch. ``rollout_for()`` is the only branch on
deploymentStrategy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.config import ServiceConfig
from components.web.container import CONTAINER_NAME
from components.web.scope import Scope

BLUE_GREEN_BAKE_MINUTES = 5


@dataclass(frozen=True, kw_only=True)
class ServiceRouting:
    """What the ECS service takes from the rollout."""

    load_balancer: aws.ecs.ServiceLoadBalancerArgsDict
    deployment: aws.ecs.ServiceDeploymentConfigurationArgsDict
    minimum_healthy_percent: int | None
    maximum_percent: int | None
    dependencies: list[pulumi.Resource]
    """The service is created once these exist (pitfall: service-needs-listener)."""


class Rollout(Protocol):
    @property
    def target_group(self) -> aws.lb.TargetGroup: ...

    @property
    def alternate_target_group(self) -> aws.lb.TargetGroup | None:
        """Blue/green only: ECS moves production traffic between this group and
        ``target_group``, so either may be the one serving."""
        ...

    @property
    def target_groups(self) -> list[aws.lb.TargetGroup]:
        """Every group the service's tasks may serve from (the deploy guards' p99 reads one
        group's, or with two the whole ALB's)."""
        ...

    def listener_action(self) -> aws.lb.ListenerDefaultActionArgsDict:
        """The serving listener's default action."""
        ...

    def route(self, listener: aws.lb.Listener, *, container_port: int) -> ServiceRouting:
        """Connect the service to ``listener``, creating what the strategy needs on it."""
        ...

    def request_count_label(self, load_balancer: aws.lb.LoadBalancer) -> pulumi.Output[str] | None:
        """The ALBRequestCountPerTarget label request scaling tracks, if one group always
        serves."""
        ...


def rollout_for(
    scope: Scope,
    service: ServiceConfig,
    *,
    new_target_group: Callable[[str], aws.lb.TargetGroup],
) -> Rollout:
    """``new_target_group(suffix)`` creates one target group for the service's tasks."""
    target_group = new_target_group("tg")
    if service.deployment_strategy == "blue_green":
        return BlueGreen(
            scope=scope,
            target_group=target_group,
            # The name stays within 24 characters so auto-naming keeps it under 32 (pitfall:
            # lb-name-length).
            alternate_target_group=new_target_group("alt"),
        )
    return Rolling(target_group=target_group)


def _service_load_balancer(
    target_group: aws.lb.TargetGroup, container_port: int
) -> aws.ecs.ServiceLoadBalancerArgsDict:
    return {
        "target_group_arn": target_group.arn,
        "container_name": CONTAINER_NAME,
        "container_port": container_port,
    }


@dataclass(frozen=True, kw_only=True)
class Rolling:
    target_group: aws.lb.TargetGroup
    alternate_target_group: None = None

    def listener_action(self) -> aws.lb.ListenerDefaultActionArgsDict:
        return {"type": "forward", "target_group_arn": self.target_group.arn}

    def route(self, listener: aws.lb.Listener, *, container_port: int) -> ServiceRouting:
        # Never below the desired count, up to double while a deploy runs.
        return ServiceRouting(
            load_balancer=_service_load_balancer(self.target_group, container_port),
            deployment={"strategy": "ROLLING"},
            minimum_healthy_percent=100,
            maximum_percent=200,
            dependencies=[listener],
        )

    @property
    def target_groups(self) -> list[aws.lb.TargetGroup]:
        return [self.target_group]

    def request_count_label(self, load_balancer: aws.lb.LoadBalancer) -> pulumi.Output[str] | None:
        # pitfall: alb-request-label
        return pulumi.Output.concat(load_balancer.arn_suffix, "/", self.target_group.arn_suffix)


@dataclass(frozen=True, kw_only=True)
class BlueGreen:
    scope: Scope
    target_group: aws.lb.TargetGroup
    alternate_target_group: aws.lb.TargetGroup

    def listener_action(self) -> aws.lb.ListenerDefaultActionArgsDict:
        # Traffic goes through the production rule that ECS rewrites.
        return {
            "type": "fixed-response",
            "fixed_response": {
                "content_type": "application/json",
                "message_body": '{"status":"no_route"}',
                "status_code": "404",
            },
        }

    def route(self, listener: aws.lb.Listener, *, container_port: int) -> ServiceRouting:
        scope = self.scope
        # ECS shifts traffic by rewriting this rule's weights: ignore them (pitfall:
        # ecs-native-bg). Both groups must be on the rule from the start.
        production_rule = aws.lb.ListenerRule(
            scope.named("production"),
            listener_arn=listener.arn,
            priority=1,
            conditions=[{"path_pattern": {"values": ["/*"]}}],
            actions=[
                {
                    "type": "forward",
                    "forward": {
                        "target_groups": [
                            {"arn": self.target_group.arn, "weight": 100},
                            {"arn": self.alternate_target_group.arn, "weight": 0},
                        ]
                    },
                }
            ],
            opts=scope.child(ignore_changes=["actions"]),
        )
        role = scope.service_role(
            "ecs-lb",
            service="ecs.amazonaws.com",
            description="ECS blue/green: shift ALB listener-rule traffic between target groups",
        )
        role_attachment = aws.iam.RolePolicyAttachment(
            scope.named("ecs-lb"),
            role=role.name,
            policy_arn=(
                f"arn:{scope.partition}:iam::aws:policy/"
                "AmazonECSInfrastructureRolePolicyForLoadBalancers"
            ),
            opts=scope.child(),
        )
        load_balancer = _service_load_balancer(self.target_group, container_port)
        load_balancer["advanced_configuration"] = {
            "alternate_target_group_arn": self.alternate_target_group.arn,
            "production_listener_rule": production_rule.arn,
            "role_arn": role.arn,
        }
        return ServiceRouting(
            load_balancer=load_balancer,
            # The deployment alarms judge the production traffic during the bake time.
            deployment={
                "strategy": "BLUE_GREEN",
                "bake_time_in_minutes": str(BLUE_GREEN_BAKE_MINUTES),
            },
            minimum_healthy_percent=None,
            maximum_percent=None,
            dependencies=[listener, production_rule, role_attachment],
        )

    @property
    def target_groups(self) -> list[aws.lb.TargetGroup]:
        return [self.target_group, self.alternate_target_group]

    def request_count_label(self, load_balancer: aws.lb.LoadBalancer) -> pulumi.Output[str] | None:
        # A label names one target group; every other deploy moves the traffic to the other
        # group, and the policy would track an empty one.
        return None
