"""WebService: the app image in ECR, an ECS Fargate service in private subnets behind an
internet-facing ALB, least-privilege IAM, deployment guards, autoscaling and an optional WAF.

The one ComponentResource of the package: each concern is a builder in a module of its own that
registers under it (scope.py), takes what it needs as arguments and returns what others need.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.web.access_logs import access_log_bucket
from components.web.container import RuntimeContract
from components.web.deploy_guards import deploy_guard_alarms
from components.web.ecs import app_task_definition, fargate_cluster, fargate_service
from components.web.iam import task_roles
from components.web.image import APP_DIR, app_image, app_repository
from components.web.load_balancer import (
    application_load_balancer,
    listener_ports,
    service_url,
    serving_listener,
    target_group,
)
from components.web.rollout import rollout_for
from components.web.scaling import autoscaling
from components.web.scope import Scope, log_group
from components.web.security_groups import security_groups
from components.web.waf import web_acl


class ServiceNetwork(Protocol):
    """What the WebService reads off the Network component."""

    @property
    def vpc(self) -> aws.ec2.Vpc:
        """The ALB is replaced whenever the VPC is (replace_with)."""
        ...

    @property
    def vpc_id(self) -> pulumi.Output[str]: ...
    @property
    def public_subnet_ids(self) -> pulumi.Output[list[str]]: ...
    @property
    def private_subnet_ids(self) -> pulumi.Output[list[str]]: ...
    @property
    def endpoint_security_group_id(self) -> pulumi.Output[str]:
        """The WebService adds the only ingress rule: 443 from its task security group."""
        ...

    @property
    def s3_prefix_list_id(self) -> pulumi.Output[str]: ...
    @property
    def internet_route(self) -> aws.ec2.Route:
        """An internet-facing ALB must wait for the public default route (pitfall:
        alb-igw-route)."""
        ...

    @property
    def ipv6_internet_route(self) -> aws.ec2.Route | None:
        """The public ``::/0`` route in the IPv6 egress-only mode (None otherwise): a
        dual-stack ALB waits for it as for ``internet_route``."""
        ...

    @property
    def interface_endpoints(self) -> Sequence[aws.ec2.VpcEndpoint]:
        """Tasks pull images and ship logs through these: the service waits for them."""
        ...

    @property
    def ipv6_egress_routes(self) -> Sequence[aws.ec2.Route]:
        """The task subnets' ``::/0`` routes to the egress-only gateway in the IPv6 egress-only
        mode (empty otherwise): image pulls go out through them, so the service waits for them."""
        ...


class WebService(pulumi.ComponentResource):
    """The app behind an ALB: ECR + image, cluster, task definition, service, listeners,
    security-group chain, deployment guards, autoscaling and WAF."""

    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    alternate_target_group: aws.lb.TargetGroup | None
    """Blue/green only: ECS moves production traffic between this group and ``target_group``,
    so either may be the one serving; None for rolling deploys."""
    cluster: aws.ecs.Cluster
    service: aws.ecs.Service
    log_group: aws.cloudwatch.LogGroup
    """The app's log group (awslogs)."""
    log_groups: list[aws.cloudwatch.LogGroup]
    """Every log group this component creates (app, WAF): make verify checks retention."""
    url: pulumi.Output[str]
    min_capacity: int
    max_capacity: int
    deployment_alarms: list[aws.cloudwatch.MetricAlarm]
    """Roll back deploys; they notify no one."""
    repository: aws.ecr.Repository
    image_uri: pulumi.Output[str]
    """The digest-pinned image the task runs."""
    task_definition_arn: pulumi.Output[str]
    """The revision this update deploys: the deploy workflow checks ECS still runs it."""
    task_security_group_id: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        *,
        network: ServiceNetwork,
        app_dir: Path = APP_DIR,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ecs-fargate:index:WebService", name, None, opts)
        service, general = cfg.service, cfg.general
        # Tasks in IPv6-only subnets: dual-stack ALB, IPv6 targets, the dual-stack image host
        # and HTTPS out over IPv6 (docs/ipv6-egress.md section 3).
        ipv6_egress_only = cfg.network.ipv6_egress_only
        scope = Scope.of(
            name,
            self,
            cfg,
            protect_stateful_resources=general.protect_stateful_resources,
        )
        contract = RuntimeContract.load(app_dir / "runtime-contract.json")
        self.min_capacity = service.min_capacity
        self.max_capacity = service.max_capacity

        # image -> repository; the task's roles may pull it and write its logs
        self.repository = app_repository(scope)
        image = app_image(
            scope,
            service,
            repository=self.repository,
            app_dir=app_dir,
            dual_stack=ipv6_egress_only,
        )
        self.image_uri = image.uri
        self.log_group = log_group(scope, "app", retention_days=general.log_retention_days)
        self.log_groups = [self.log_group]
        roles = task_roles(
            scope,
            pull_repository_arn=image.pull_repository_arn,
            log_group=self.log_group,
            execute_command=service.enable_execute_command,
        )

        # internet -> ALB -> tasks -> endpoints
        groups = security_groups(
            scope,
            vpc_id=network.vpc_id,
            container_port=service.container_port,
            listener_ports=listener_ports(service),
            client_cidrs=service.alb_ingress_cidrs,
            endpoint_security_group_id=network.endpoint_security_group_id,
            s3_prefix_list_id=network.s3_prefix_list_id,
            ipv6_egress_only=ipv6_egress_only,
        )
        self.alb_security_group_id = groups.alb.id
        self.task_security_group_id = groups.task.id
        self.load_balancer = application_load_balancer(
            scope,
            service,
            security_group=groups.alb,
            subnet_ids=network.public_subnet_ids,
            vpc=network.vpc,
            internet_route=network.internet_route,
            ipv6_internet_route=network.ipv6_internet_route,
            dual_stack=ipv6_egress_only,
            access_logs=(
                access_log_bucket(scope, retention_days=general.log_retention_days)
                if service.alb_access_logs
                else None
            ),
        )

        # rolling or blue/green: target groups, listener, deployment settings
        rollout = rollout_for(
            scope,
            service,
            new_target_group=lambda suffix: target_group(
                scope,
                suffix,
                port=service.container_port,
                vpc_id=network.vpc_id,
                health_path=contract.health_path,
                ipv6_targets=ipv6_egress_only,
            ),
        )
        self.target_group = rollout.target_group
        self.alternate_target_group = rollout.alternate_target_group
        listener = serving_listener(
            scope,
            service,
            load_balancer=self.load_balancer,
            default_action=rollout.listener_action(),
            dual_stack=ipv6_egress_only,
        )
        routing = rollout.route(listener, container_port=service.container_port)

        # cluster -> task definition -> service, rolled back by the deploy guards
        cluster = fargate_cluster(scope, service)
        self.cluster = cluster.cluster
        task_definition = app_task_definition(
            scope,
            service,
            contract=contract,
            image_uri=self.image_uri,
            log_group=self.log_group,
            roles=roles,
        )
        self.task_definition_arn = task_definition.arn
        self.deployment_alarms = deploy_guard_alarms(
            scope,
            load_balancer=self.load_balancer,
            target_groups=rollout.target_groups,
            latency_p99_seconds=cfg.observability.slo.latency_p99_seconds,
        )
        self.service = fargate_service(
            scope,
            service,
            cluster=cluster,
            task_definition=task_definition,
            routing=routing,
            subnet_ids=network.private_subnet_ids,
            security_group=groups.task,
            deploy_alarm_names=[alarm.name for alarm in self.deployment_alarms],
            log_group=self.log_group,
            role_policies=roles.policies,
            egress_paths=[*network.interface_endpoints, *network.ipv6_egress_routes],
        )
        autoscaling(
            scope,
            service,
            cluster=self.cluster,
            ecs_service=self.service,
            request_count_label=rollout.request_count_label(self.load_balancer),
        )

        if service.waf:
            waf_logs = web_acl(
                scope,
                load_balancer=self.load_balancer,
                rate_limit=service.waf_rate_limit,
                log_retention_days=general.log_retention_days,
            )
            self.log_groups.append(waf_logs)

        self.url = service_url(service, self.load_balancer)
        self.register_outputs(
            {
                "url": self.url,
                "clusterName": self.cluster.name,
                "serviceName": self.service.name,
                "albDnsName": self.load_balancer.dns_name,
                "repositoryUrl": self.repository.repository_url,
                "imageUri": self.image_uri,
                "taskDefinitionArn": self.task_definition_arn,
                "taskSecurityGroupId": self.task_security_group_id,
                "albSecurityGroupId": self.alb_security_group_id,
            }
        )
