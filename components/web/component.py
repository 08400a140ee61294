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
from components.web.scope import Scope
from components.web.security_groups import security_groups

# Target tracking: scale out before a 0.25 vCPU task saturates.
CPU_TARGET_PERCENT = 60.0
MEMORY_TARGET_PERCENT = 70.0
REQUESTS_PER_TARGET = 500.0
"""ALB requests per task per minute."""
# Requests from one IP per 5 minutes before WAF blocks it are config (wafRateLimit).
WAF_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)


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
        self._autoscaling()
        if svc.waf:
            self._waf()

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

    def _autoscaling(self) -> None:
        name, svc = self._name, self._service
        target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            # Names, not ARNs (pitfall: scaling-target-first).
            resource_id=pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name),
            min_capacity=svc.min_capacity,
            max_capacity=svc.max_capacity,
            opts=self._child(),
        )
        request_label = pulumi.Output.concat(
            self.load_balancer.arn_suffix, "/", self.target_group.arn_suffix
        )  # pitfall: alb-request-label
        targets: list[tuple[str, str, float, pulumi.Input[str] | None]] = [
            ("cpu", "ECSServiceAverageCPUUtilization", CPU_TARGET_PERCENT, None),
            ("memory", "ECSServiceAverageMemoryUtilization", MEMORY_TARGET_PERCENT, None),
        ]
        # A request-count label names one target group; under blue/green every other deploy
        # moves the traffic to the alternate group and the policy would track an empty one.
        if self.alternate_target_group is None:
            targets.append(
                ("requests", "ALBRequestCountPerTarget", REQUESTS_PER_TARGET, request_label)
            )
        for suffix, metric_type, value, label in targets:
            metric: aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgsDict = {
                "predefined_metric_type": metric_type
            }
            if label is not None:
                metric["resource_label"] = label
            tracking: aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgsDict = {
                "target_value": value,
                "predefined_metric_specification": metric,
                "scale_in_cooldown": 300,
                "scale_out_cooldown": 60,
            }
            # The Target's outputs, not literals: the policy waits for registration.
            aws.appautoscaling.Policy(
                f"{name}-scale-{suffix}",
                policy_type="TargetTrackingScaling",
                resource_id=target.resource_id,
                scalable_dimension=target.scalable_dimension,
                service_namespace=target.service_namespace,
                target_tracking_scaling_policy_configuration=tracking,
                opts=self._child(),
            )
        schedule = svc.night_schedule
        if schedule is None:
            return
        # While scaled to zero the ALB answers 503 (README: night schedule).
        night = aws.appautoscaling.ScheduledAction(
            f"{name}-night-scale-in",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            schedule=schedule.scale_in_cron,
            timezone=schedule.timezone,
            scalable_target_action={"min_capacity": 0, "max_capacity": 0},
            opts=self._child(),
        )
        aws.appautoscaling.ScheduledAction(
            f"{name}-morning-scale-out",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            schedule=schedule.scale_out_cron,
            timezone=schedule.timezone,
            scalable_target_action={
                "min_capacity": svc.min_capacity,
                "max_capacity": svc.max_capacity,
            },
            # Scheduled actions of one target are written one at a time (the API serialises
            # updates to a scalable target).
            opts=self._child(depends_on=[night]),
        )

    def _waf(self) -> None:
        name, svc = self._name, self._service

        def visibility(metric: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgsDict:
            return {
                "cloudwatch_metrics_enabled": True,
                "metric_name": metric,
                "sampled_requests_enabled": True,
            }

        rate_limit: aws.wafv2.WebAclRuleArgsDict = {
            "name": "rate-limit-per-ip",
            "priority": 0,
            "action": {"block": {}},
            "statement": {
                "rate_based_statement": {"limit": svc.waf_rate_limit, "aggregate_key_type": "IP"}
            },
            "visibility_config": visibility("rate-limit-per-ip"),
        }
        # Managed groups take override_action and no action (pitfall: waf-override-action).
        managed: list[aws.wafv2.WebAclRuleArgsDict] = [
            {
                "name": group,
                "priority": priority,
                "override_action": {"none": {}},
                "statement": {
                    "managed_rule_group_statement": {"vendor_name": "AWS", "name": group}
                },
                "visibility_config": visibility(group),
            }
            for priority, group in enumerate(WAF_MANAGED_RULE_GROUPS, start=1)
        ]
        acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            scope="REGIONAL",  # an ALB takes only regional ACLs (pitfall: waf-scope)
            description="Managed rules and a per-IP rate limit in front of the ALB",
            default_action={"allow": {}},
            rules=[rate_limit, *managed],
            visibility_config={
                "cloudwatch_metrics_enabled": True,
                "metric_name": f"{name}-waf",
                "sampled_requests_enabled": True,
            },
            opts=self._child(),
        )
        # Both inputs force replacement, and the provider's delete disassociates by ALB ARN alone
        # (terraform-provider-aws wafv2/web_acl_association.go@011a8eed): created first, a new
        # association (a new web ACL on the same ALB) would be removed by the old one's delete,
        # leaving the ALB unprotected. pulumi-aws sets no DeleteBeforeReplace for the type
        # (provider/resources.go@00ba5ea5), so the program does: the ALB goes without the ACL for
        # the seconds between the two calls (when the ALB itself is replaced, the old ALB serves
        # unprotected until the end of that up).
        aws.wafv2.WebAclAssociation(
            f"{name}-waf",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=acl.arn,
            opts=self._child(delete_before_replace=True),
        )
        # WAF accepts only destinations named aws-waf-logs-*; auto-naming would append to the
        # logical name and lose the prefix (pitfall: waf-log-prefix). A prefix, not a fixed
        # name: prod retains this group on destroy, and a fixed name would make the next stack
        # of that name fail with ResourceAlreadyExistsException.
        log_group = self._log(
            f"{name}-waf-logs",
            name_prefix=f"aws-waf-logs-{name}-",
            retention=self._general.log_retention_days,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-waf",
            resource_arn=acl.arn,
            log_destination_configs=[log_group.arn],
            opts=self._child(),
        )


# --------------------------------------------------------------------------------------------
# Policy documents (plain dicts: the tests and the policy pack read exactly these).
# --------------------------------------------------------------------------------------------
