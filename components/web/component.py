"""WebService: the app image in ECR, an ECS Fargate service in private subnets behind an
internet-facing ALB, least-privilege IAM, deployment alarms, autoscaling and an optional WAF."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.task_definition import (
    RuntimeContract,
)
from components.web.access_logs import access_log_bucket
from components.web.deploy_guards import deploy_guard_alarms
from components.web.ecs import app_task_definition, fargate_cluster, fargate_service
from components.web.iam import task_roles
from components.web.image import APP_DIR, app_image, app_repository
from components.web.load_balancer import (
    application_load_balancer,
    listener_ports,
    serves_https,
    serving_listener,
    target_group,
)
from components.web.rollout import rollout_for
from components.web.scaling import autoscaling
from components.web.scope import Scope
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
    def interface_endpoints(self) -> Sequence[aws.ec2.VpcEndpoint]:
        """Tasks pull images and ship logs through these: the service waits for them."""
        ...


class WebService(pulumi.ComponentResource):
    """The app behind an ALB: ECR + image, cluster, task definition, service, listeners,
    security-group chain, deployment alarms, autoscaling and WAF."""

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
    """Every log group this component creates (app, WAF): tools/verify.py checks retention."""
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
        self._name = name
        self._service = svc = cfg.service
        self._general = cfg.general
        self._region = cfg.region
        self._network = network
        self._contract = RuntimeContract.load(app_dir / "runtime-contract.json")
        self._scope = Scope(
            name=name,
            component=self,
            protect_stateful_resources=cfg.general.protect_stateful_resources,
        )
        self.min_capacity = svc.min_capacity
        self.max_capacity = svc.max_capacity
        account_id = aws.get_caller_identity().account_id
        # GovCloud and China ARNs start arn:aws-us-gov: and arn:aws-cn:, not arn:aws:.
        self._partition = aws.get_partition().partition

        self.log_groups = []
        self.repository = app_repository(self._scope)
        image = app_image(
            self._scope,
            svc,
            repository=self.repository,
            partition=self._partition,
            app_dir=app_dir,
        )
        self.image_uri = image.uri
        self.log_group = self._log(f"{name}-app", retention=self._general.log_retention_days)
        roles = task_roles(
            self._scope,
            pull_repository_arn=image.pull_repository_arn,
            log_group=self.log_group,
            execute_command=svc.enable_execute_command,
            permissions_boundary_arn=cfg.general.permissions_boundary_arn,
            partition=self._partition,
            region=cfg.region,
            account_id=account_id,
        )

        groups = security_groups(
            self._scope,
            vpc_id=network.vpc_id,
            container_port=svc.container_port,
            listener_ports=listener_ports(svc),
            client_cidrs=svc.alb_ingress_cidrs,
            endpoint_security_group_id=network.endpoint_security_group_id,
            s3_prefix_list_id=network.s3_prefix_list_id,
        )
        alb_sg, task_sg = groups.alb, groups.task
        self.alb_security_group_id = alb_sg.id
        self.task_security_group_id = task_sg.id

        access_logs = (
            access_log_bucket(
                self._scope,
                retention_days=cfg.general.log_retention_days,
                region=cfg.region,
                account_id=account_id,
            )
            if svc.alb_access_logs
            else None
        )
        self.load_balancer = application_load_balancer(
            self._scope,
            svc,
            security_group=alb_sg,
            subnet_ids=network.public_subnet_ids,
            vpc=network.vpc,
            internet_route=network.internet_route,
            access_logs=access_logs,
        )
        rollout = rollout_for(
            self._scope,
            svc,
            new_target_group=lambda suffix: target_group(
                self._scope,
                suffix,
                port=svc.container_port,
                vpc_id=network.vpc_id,
                health_path=self._contract.health_path,
            ),
            permissions_boundary_arn=cfg.general.permissions_boundary_arn,
            partition=self._partition,
        )
        self._rollout = rollout
        self.target_group = rollout.target_group
        self.alternate_target_group = rollout.alternate_target_group
        routing = rollout.route(
            serving_listener(
                self._scope,
                svc,
                load_balancer=self.load_balancer,
                default_action=rollout.listener_action(),
            ),
            container_port=svc.container_port,
        )

        cluster = fargate_cluster(self._scope, svc)
        self.cluster = cluster.cluster
        task_definition = app_task_definition(
            self._scope,
            svc,
            contract=self._contract,
            image_uri=self.image_uri,
            log_group=self.log_group,
            roles=roles,
            region=cfg.region,
        )
        self.task_definition_arn = task_definition.arn
        self.deployment_alarms = deploy_guard_alarms(
            self._scope,
            load_balancer=self.load_balancer,
            target_groups=rollout.target_groups,
            latency_p99_seconds=cfg.observability.slo.latency_p99_seconds,
        )
        self.service = fargate_service(
            self._scope,
            svc,
            cluster=cluster,
            task_definition=task_definition,
            routing=routing,
            subnet_ids=network.private_subnet_ids,
            security_group=task_sg,
            deploy_alarm_names=[alarm.name for alarm in self.deployment_alarms],
            log_group=self.log_group,
            role_policies=roles.policies,
            interface_endpoints=network.interface_endpoints,
        )
        autoscaling(
            self._scope,
            svc,
            cluster=self.cluster,
            ecs_service=self.service,
            request_count_label=rollout.request_count_label(self.load_balancer),
        )
        if svc.waf:
            self.log_groups.append(
                web_acl(
                    self._scope,
                    load_balancer=self.load_balancer,
                    rate_limit=svc.waf_rate_limit,
                    log_retention_days=cfg.general.log_retention_days,
                )
            )

        self.url = (
            pulumi.Output.from_input(f"https://{svc.domain_name}")
            if serves_https(svc)
            else pulumi.Output.concat("http://", self.load_balancer.dns_name)
        )
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

    # ----------------------------------------------------------------------------------------

    def _child(self, **options: Any) -> pulumi.ResourceOptions:
        return self._scope.child(**options)

    def _log(
        self, logical_name: str, *, retention: int, name_prefix: str | None = None
    ) -> aws.cloudwatch.LogGroup:
        log_group = aws.cloudwatch.LogGroup(
            logical_name,
            name_prefix=name_prefix,
            retention_in_days=retention,
            opts=self._scope.stateful(),
        )
        self.log_groups.append(log_group)
        return log_group


# --------------------------------------------------------------------------------------------
# Policy documents (plain dicts: the tests and the policy pack read exactly these).
# --------------------------------------------------------------------------------------------
