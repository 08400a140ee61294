"""The ECS side: the cluster with its Fargate capacity providers, the app's task definition and
the service that runs it behind the ALB."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config import ServiceConfig
from components.web.container import RuntimeContract, container_definitions, task_volumes
from components.web.iam import TaskRoles
from components.web.rollout import ServiceRouting
from components.web.scope import Scope


@dataclass(frozen=True, kw_only=True)
class FargateCluster:
    cluster: aws.ecs.Cluster
    capacity_providers: aws.ecs.ClusterCapacityProviders
    """A capacity-provider strategy may name only providers the cluster already has."""


def fargate_cluster(scope: Scope, service: ServiceConfig) -> FargateCluster:
    cluster = aws.ecs.Cluster(
        scope.named("cluster"),
        settings=[
            {
                "name": "containerInsights",
                "value": "enabled" if service.container_insights else "disabled",
            }
        ],
        configuration=(
            # ECS Exec sessions are logged through the task's awslogs settings (ECS-12).
            {"execute_command_configuration": {"logging": "DEFAULT"}}
            if service.enable_execute_command
            else None
        ),
        opts=scope.child(),
    )
    capacity_providers = aws.ecs.ClusterCapacityProviders(
        scope.named("capacity-providers"),
        cluster_name=cluster.name,
        capacity_providers=["FARGATE", "FARGATE_SPOT"],
        opts=scope.child(),
    )
    return FargateCluster(cluster=cluster, capacity_providers=capacity_providers)


def app_task_definition(
    scope: Scope,
    service: ServiceConfig,
    *,
    contract: RuntimeContract,
    image_uri: pulumi.Input[str],
    log_group: aws.cloudwatch.LogGroup,
    roles: TaskRoles,
) -> aws.ecs.TaskDefinition:
    runtime_platform: aws.ecs.TaskDefinitionRuntimePlatformArgsDict = {
        "cpu_architecture": service.cpu_architecture,  # pitfall: cpu-arch
        "operating_system_family": "LINUX",
    }
    definitions = pulumi.Output.all(image_uri, log_group.name).apply(
        lambda values: json.dumps(
            container_definitions(
                contract=contract,
                image=values[0],
                log_group_name=values[1],
                region=scope.region,
                execute_command=service.enable_execute_command,
            )
        )
    )
    return aws.ecs.TaskDefinition(
        scope.named("app"),
        family=scope.named("app"),
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",  # pitfall: fargate-size
        cpu=str(service.cpu),
        memory=str(service.memory),
        runtime_platform=runtime_platform,
        execution_role_arn=roles.execution_role.arn,
        task_role_arn=roles.task_role.arn,
        container_definitions=definitions,  # pitfall: containerdefs-json
        volumes=[{"name": volume["name"]} for volume in task_volumes(contract)],
        # Every image change replaces this resource, and a replaced revision would be
        # deregistered. ECS refuses to point a service at an INACTIVE revision, which is
        # what the runbook's stop-gap rollback (Update service to the previous revision)
        # does; kept revisions cost nothing.
        skip_destroy=True,
        # Both roles are passed here: wait for their policies too, as for every role this
        # stack hands to AWS (pitfall iam-propagation; tests/program/test_role_propagation.py).
        opts=scope.child(depends_on=roles.policies),
    )


def fargate_service(
    scope: Scope,
    service: ServiceConfig,
    *,
    cluster: FargateCluster,
    task_definition: aws.ecs.TaskDefinition,
    routing: ServiceRouting,
    subnet_ids: pulumi.Input[Sequence[str]],
    security_group: aws.ec2.SecurityGroup,
    deploy_alarm_names: Sequence[pulumi.Input[str]],
    log_group: aws.cloudwatch.LogGroup,
    role_policies: Sequence[aws.iam.RolePolicy],
    egress_paths: Sequence[pulumi.Resource],
) -> aws.ecs.Service:
    """The service, created once everything its first tasks need exists."""
    dependencies: list[pulumi.Resource] = [
        *routing.dependencies,  # pitfall: service-needs-listener
        cluster.capacity_providers,
        log_group,  # pitfall: awslogs-config
        *role_policies,  # pitfall: iam-propagation
        # Image pulls and logs go through them: the interface endpoints and, in the IPv6
        # egress-only mode, the task subnets' routes to the egress-only gateway.
        *egress_paths,
    ]
    # The circuit breaker rolls back tasks that never get healthy; it works with the ECS
    # controller's rolling and native blue/green strategies alike (not with CODE_DEPLOY,
    # pitfall: circuit-breaker). Without it a blue/green image that never gets healthy
    # relaunches forever: no production traffic reaches it, so no deployment alarm fires.
    circuit_breaker: aws.ecs.ServiceDeploymentCircuitBreakerArgsDict = {
        "enable": True,
        "rollback": True,
    }
    capacity_strategy: list[aws.ecs.ServiceCapacityProviderStrategyArgsDict] = [
        {"capacity_provider": share.capacity_provider, "weight": share.weight, "base": share.base}
        for share in service.capacity_provider_strategy
    ]
    task_network: aws.ecs.ServiceNetworkConfigurationArgsDict = {
        "subnets": subnet_ids,
        "security_groups": [security_group.id],
        "assign_public_ip": False,
    }
    alarms: aws.ecs.ServiceAlarmsArgsDict = {
        "alarm_names": list(deploy_alarm_names),
        "enable": True,
        "rollback": True,
    }
    return aws.ecs.Service(
        scope.named("service"),
        cluster=cluster.cluster.arn,
        task_definition=task_definition.arn,
        desired_count=service.desired_count,
        # No launch_type: it excludes a capacity-provider strategy (pitfall:
        # launchtype-vs-cps). No platform_version: Fargate LATEST (ECS-11).
        capacity_provider_strategies=capacity_strategy,
        network_configuration=task_network,
        load_balancers=[routing.load_balancer],
        health_check_grace_period_seconds=service.health_check_grace_period_seconds,
        deployment_controller={"type": "ECS"},
        alarms=alarms,
        availability_zone_rebalancing="ENABLED",
        enable_execute_command=service.enable_execute_command,
        enable_ecs_managed_tags=True,
        propagate_tags="SERVICE",
        # `pulumi up` returns only once the new tasks are healthy, or fails.
        wait_for_steady_state=True,
        # Set for good, never per change: the provider's plan rejects a changed
        # capacity_provider_strategy unless this is true (capacityProviderStrategyCustomizeDiff,
        # terraform-provider-aws#43533), and turning it off in the same update as a strategy
        # change fails as well. It costs nothing on an unchanged `up`: resourceServiceUpdate
        # calls UpdateService (with ForceNewDeployment from this flag) only when some other
        # argument changed (d.HasChangesExcept(force_delete, tags, tags_all);
        # internal/service/ecs/service.go). Side effects (docs/runbook.md): the `up` that
        # first adds it rolls every task once, and every later in-place service change
        # (desired count aside, which is ignored) rolls them too.
        force_new_deployment=True,
        deployment_configuration=routing.deployment,
        deployment_circuit_breaker=circuit_breaker,
        deployment_minimum_healthy_percent=routing.minimum_healthy_percent,
        deployment_maximum_percent=routing.maximum_percent,
        opts=scope.child(
            depends_on=dependencies,
            # Autoscaling owns the running count (pitfall: desired-count-drift).
            ignore_changes=["desiredCount"],
        ),
    )
