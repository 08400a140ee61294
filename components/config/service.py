"""Settings of the web service: the task, its image and scaling, the load balancer in front of
it, TLS, WAF and the dev-only night pause."""

from __future__ import annotations

from dataclasses import dataclass

from components.config.resource_types import (
    ACM_CERTIFICATE,
    ACM_CERTIFICATE_VALIDATION,
    AUTOSCALING_POLICY,
    AUTOSCALING_SCHEDULED_ACTION,
    AUTOSCALING_TARGET,
    DASHBOARD,
    ECR_IMAGE,
    ECS_CLUSTER,
    ECS_SERVICE,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    LOG_GROUP,
    METRIC_ALARM,
    ROUTE53_RECORD,
    S3_BUCKET,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_VERSIONING,
    SCHEDULER_SCHEDULE,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    TARGET_GROUP,
    TASK_DEFINITION,
    WEB_ACL,
    WEB_ACL_ASSOCIATION,
    WEB_ACL_LOGGING,
)
from components.config.settings import APPEARS, on, setting

# Both schedules (the scale action and the alarm-actions switch) follow each cron.
_NIGHT_CRON = (
    *on(AUTOSCALING_SCHEDULED_ACTION, "schedule"),
    *on(SCHEDULER_SCHEDULE, "scheduleExpression"),
)


@dataclass(frozen=True, kw_only=True)
class CapacityProviderShare:
    """One entry of the service's capacity-provider strategy."""

    capacity_provider: str = setting(
        "FARGATE",
        doc="FARGATE or FARGATE_SPOT",
        affects=on(ECS_SERVICE, "capacityProviderStrategies"),
        example="FARGATE_SPOT",
    )
    weight: int = setting(
        1,
        doc="relative share of tasks",
        affects=on(ECS_SERVICE, "capacityProviderStrategies"),
        example=2,
    )
    base: int = setting(
        0,
        doc="tasks placed on this provider first",
        affects=on(ECS_SERVICE, "capacityProviderStrategies"),
        example=1,
    )


@dataclass(frozen=True, kw_only=True)
class NightSchedule:
    """Scale the service to zero at night (dev only). Cron expressions as Application Auto Scaling
    takes them, evaluated in ``timezone``."""

    scale_in_cron: str = setting(
        "cron(0 21 ? * MON-FRI *)",
        doc="when the service scales to zero",
        affects=_NIGHT_CRON,
        example="cron(0 22 ? * MON-FRI *)",
    )
    scale_out_cron: str = setting(
        "cron(0 8 ? * MON-FRI *)",
        doc="when it scales back to minCapacity",
        affects=_NIGHT_CRON,
        example="cron(0 7 ? * MON-FRI *)",
    )
    timezone: str = setting(
        "Asia/Tokyo",
        doc="IANA time zone of both crons",
        affects=(
            *on(AUTOSCALING_SCHEDULED_ACTION, "timezone"),
            *on(SCHEDULER_SCHEDULE, "scheduleExpressionTimezone"),
        ),
        example="UTC",
    )


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    container_port: int = setting(
        8080,
        doc="port nginx listens on in the container (non-root: 1024 or above)",
        affects=(
            *on(SECURITY_GROUP_INGRESS_RULE, "fromPort", "toPort", "description"),
            *on(SECURITY_GROUP_EGRESS_RULE, "fromPort", "toPort", "description"),
            *on(TARGET_GROUP, "port"),
            *on(ECS_SERVICE, "loadBalancers"),
        ),
        # Valid only with an app/runtime-contract.json that listens there (the reachability
        # test renders it with such a contract).
        example=8081,
        example_stack="dev",
    )
    cpu: int = setting(
        256,
        doc="task CPU units (256 = 0.25 vCPU); a Fargate size",
        affects=on(TASK_DEFINITION, "cpu"),
        example=512,
        example_with={"memory": 1024},
    )
    memory: int = setting(
        512,
        doc="task memory in MiB; must pair with cpu in the Fargate table",
        affects=on(TASK_DEFINITION, "memory"),
        example=1024,
    )
    cpu_architecture: str = setting(
        "ARM64",
        doc="ARM64 (about 20 % cheaper) or X86_64; the image is built for it",
        # The image tag names the platform, so the task definition points at another image.
        affects=(
            *on(TASK_DEFINITION, "runtimePlatform", "containerDefinitions.image"),
            *on(ECR_IMAGE, "platform", "imageTag"),
        ),
        example="X86_64",
    )
    desired_count: int = setting(
        2,
        doc="tasks at deploy time; within minCapacity..maxCapacity",
        affects=on(ECS_SERVICE, "desiredCount"),
        example=3,
    )
    min_capacity: int = setting(
        2,
        doc="autoscaling lower bound",
        # healthy-hosts-low pages below this many healthy targets.
        affects=(
            *on(AUTOSCALING_TARGET, "minCapacity"),
            *on(METRIC_ALARM, "threshold", "alarmDescription"),
        ),
        example=1,
    )
    max_capacity: int = setting(
        4,
        doc="autoscaling upper bound",
        affects=on(AUTOSCALING_TARGET, "maxCapacity"),
        example=6,
    )
    capacity_provider_strategy: tuple[CapacityProviderShare, ...] = setting(
        (CapacityProviderShare(),),
        doc="list of {capacityProvider: FARGATE|FARGATE_SPOT, weight, base}",
        affects=on(ECS_SERVICE, "capacityProviderStrategies"),
        example=[
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
        ],
    )
    container_insights: bool = setting(
        True,
        doc="ECS Container Insights on the cluster (billed as custom metrics)",
        affects=on(ECS_CLUSTER, "settings"),
        example=False,
        example_with={"runningTasksAlarm": False},
    )
    enable_execute_command: bool = setting(
        False,
        doc="ECS Exec into tasks (adds the ssmmessages endpoint and task-role permissions)",
        affects=(
            *on(ECS_CLUSTER, "configuration"),
            *on(ECS_SERVICE, "enableExecuteCommand"),
            # The task definition waits for the task role's ECS Exec permissions.
            *on(
                TASK_DEFINITION,
                "containerDefinitions.linuxParameters",
                "containerDefinitions.readonlyRootFilesystem",
                "dependsOn",
            ),
            *on(IAM_ROLE_POLICY, APPEARS),
        ),
        example=True,
        example_with={"extraEndpointServices": ["ssmmessages"]},
    )
    image: str = setting(
        "",
        doc="use this ECR image (stack region, @sha256 digest) instead of building app/; with "
        "permissionsBoundaryArn set, only from this account's ecs-fargate-* repositories (all the "
        "boundary lets tasks pull)",
        # No image is built; the execution role may pull from the image's repository instead.
        affects=(
            *on(TASK_DEFINITION, "containerDefinitions.image"),
            *on(IAM_ROLE_POLICY, "policy"),
            *on(ECR_IMAGE, APPEARS),
        ),
        example="123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-prod-app@sha256:"
        + "0123456789abcdef" * 4,
    )
    deployment_strategy: str = setting(
        "rolling",
        doc="rolling (circuit breaker + alarms) or blue_green (ECS native, experimental)",
        affects=(
            *on(
                ECS_SERVICE,
                "deploymentConfiguration",
                "deploymentMaximumPercent",
                "deploymentMinimumHealthyPercent",
                "loadBalancers",
                "dependsOn",
            ),
            *on(TARGET_GROUP, APPEARS),
            *on(LISTENER, "defaultActions"),
            *on(LISTENER_RULE, APPEARS),
            *on(IAM_ROLE, APPEARS),
            *on(IAM_ROLE_POLICY_ATTACHMENT, APPEARS),
            *on(AUTOSCALING_POLICY, APPEARS),
            *on(
                METRIC_ALARM,
                "dimensions",
                "metricName",
                "metricQueries",
                "namespace",
                "period",
                "statistic",
            ),
            *on(DASHBOARD, "dashboardBody"),
        ),
        example="blue_green",
    )
    health_check_grace_period_seconds: int = setting(
        30,
        doc="seconds ECS ignores ALB health checks after a task starts",
        affects=on(ECS_SERVICE, "healthCheckGracePeriodSeconds"),
        example=60,
    )
    alb_ingress_cidrs: tuple[str, ...] = setting(
        ("0.0.0.0/0",),
        doc="CIDRs allowed to reach the ALB on 80/443; IPv6 ones only with egress "
        "ipv6-egress-only, where the default (everyone) takes in ::/0 too",
        affects=on(SECURITY_GROUP_INGRESS_RULE, "cidrIpv4"),
        example=["203.0.113.0/24"],
    )
    alb_deletion_protection: bool = setting(
        True,
        doc="ALB deletion protection; must be false when protectStatefulResources is false (AWS "
        "refuses to delete a protected ALB, so one destroy could not remove the stack)",
        affects=on(LOAD_BALANCER, "enableDeletionProtection"),
        example=False,
    )
    alb_access_logs: bool = setting(
        True,
        doc="ALB access logs to an SSE-S3 bucket",
        # The ALB waits for the bucket policy that lets it write.
        affects=(
            *on(LOAD_BALANCER, "accessLogs", "dependsOn"),
            *on(S3_BUCKET, APPEARS),
            *on(S3_BUCKET_ENCRYPTION, APPEARS),
            *on(S3_BUCKET_LIFECYCLE, APPEARS),
            *on(S3_BUCKET_OWNERSHIP, APPEARS),
            *on(S3_BUCKET_POLICY, APPEARS),
            *on(S3_BUCKET_PUBLIC_ACCESS_BLOCK, APPEARS),
            *on(S3_BUCKET_VERSIONING, APPEARS),
        ),
        example=False,
    )
    alb_idle_timeout_seconds: int = setting(
        60,
        doc="ALB idle timeout",
        affects=on(LOAD_BALANCER, "idleTimeout"),
        example=30,
    )
    domain_name: str = setting(
        "",
        doc="serve HTTPS on this name (ACM certificate, DNS validation, alias record); needs "
        "hostedZoneId; required in prod; example names (example.com, .test, ... RFC 2606) are "
        "rejected",
        # prod has a domain already (tools/offline OWNER_VALUES): this is another name.
        affects=(
            *on(ACM_CERTIFICATE, "domainName"),
            *on(ACM_CERTIFICATE_VALIDATION, "validationRecordFqdns"),
            *on(ROUTE53_RECORD, "name"),
        ),
        example="www.ecs-fargate-offline.net",
    )
    hosted_zone_id: str = setting(
        "",
        doc="Route 53 hosted zone of domainName",
        affects=on(ROUTE53_RECORD, "zoneId"),
        example="Z9876543210ABCDEFGHIJ",
    )
    waf: bool = setting(
        True,
        doc="AWS WAF web ACL (managed rules + rate limit) on the ALB",
        affects=(
            *on(WEB_ACL, APPEARS),
            *on(WEB_ACL_ASSOCIATION, APPEARS),
            *on(WEB_ACL_LOGGING, APPEARS),
            *on(LOG_GROUP, APPEARS),
        ),
        example=False,
    )
    waf_rate_limit: int = setting(
        2000,
        doc="requests per 5 minutes from one IP before WAF blocks it",
        affects=on(WEB_ACL, "rules"),
        example=1000,
    )
    night_schedule: NightSchedule | None = setting(
        None,
        doc="{scaleInCron, scaleOutCron, timezone}; dev only; unset = always on",
        affects=(
            *on(AUTOSCALING_SCHEDULED_ACTION, APPEARS),
            *on(SCHEDULER_SCHEDULE, APPEARS),
            *on(IAM_ROLE, APPEARS),
            *on(IAM_ROLE_POLICY, APPEARS),
        ),
        example={
            "scaleInCron": "cron(0 21 ? * MON-FRI *)",
            "scaleOutCron": "cron(0 8 ? * MON-FRI *)",
            "timezone": "Asia/Tokyo",
        },
        example_stack="dev",
    )
