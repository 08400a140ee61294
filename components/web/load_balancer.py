"""The internet-facing ALB: its listeners (HTTPS on a validated certificate when a domain is set),
target groups and DNS alias."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.config import ServiceConfig
from components.web.access_logs import ACCESS_LOG_PREFIX, AccessLogBucket
from components.web.scope import Scope

HTTP, HTTPS = 80, 443
# TLS 1.3 with TLS 1.2 fallback, the newest policy every current client supports (ALB-04).
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Target group health check: 2 passes 10 s apart make a new task healthy in ~20 s, and 15 s of
# draining replaces the default 300 s (pitfall: dereg-delay; docs/deploy-timing.md).
HEALTH_CHECK_INTERVAL = 10
HEALTH_CHECK_TIMEOUT = 5
HEALTHY_THRESHOLD = 2
UNHEALTHY_THRESHOLD = 3
DEREGISTRATION_DELAY = 15


def serves_https(service: ServiceConfig) -> bool:
    """A domain (config requires its hosted zone with it) puts HTTPS in front of the service."""
    return bool(service.domain_name and service.hosted_zone_id)


def listener_ports(service: ServiceConfig) -> tuple[int, ...]:
    """The ports clients reach: with HTTPS, port 80 only redirects to 443."""
    return (HTTP, HTTPS) if serves_https(service) else (HTTP,)


def application_load_balancer(
    scope: Scope,
    service: ServiceConfig,
    *,
    security_group: aws.ec2.SecurityGroup,
    subnet_ids: pulumi.Input[list[str]],
    vpc: aws.ec2.Vpc,
    internet_route: aws.ec2.Route,
    ipv6_internet_route: aws.ec2.Route | None,
    dual_stack: bool,
    access_logs: AccessLogBucket | None,
) -> aws.lb.LoadBalancer:
    """Internet-facing, in the public subnets; replaced with its VPC (see below).

    ``dual_stack``: IPv6-only tasks can sit only behind a dual-stack load balancer (ECS
    developer guide, IPv6-only considerations; docs/ipv6-egress.md E2); "dualstack" keeps the
    IPv4 clients too (A2). The address type changes in place (no ForceNew in the provider).
    """
    depends_on: list[pulumi.Resource] = [internet_route]  # pitfall: alb-igw-route
    if ipv6_internet_route is not None:
        # The same pitfall over IPv6: a dual-stack ALB needs its subnets' IPv6 route (A1).
        depends_on.append(ipv6_internet_route)
    access_log_settings: aws.lb.LoadBalancerAccessLogsArgsDict | None = None
    if access_logs is not None:
        access_log_settings = {
            "bucket": access_logs.bucket.bucket,
            "prefix": ACCESS_LOG_PREFIX,
            "enabled": True,
        }
        depends_on.append(access_logs.policy)  # pitfall: alb-access-logs
    # ELB keeps a load balancer in the VPC it was created in: SetSubnets/SetSecurityGroups
    # with a new VPC's subnets and groups, and a listener forwarding to its target group, fail
    # with InvalidConfigurationRequest ("Target group ... is in a different VPC than load
    # balancer", kubernetes-sigs/aws-load-balancer-controller#1045; AWS ELB API reference,
    # SetSubnets). The provider plans a change of an ALB's `subnets` in place (no ForceNew in
    # terraform-provider-aws elbv2/load_balancer.go@00edc94b customizeDiffLoadBalancerALB),
    # so the up would fail half-way through a VPC change. replace_with (engine support since
    # CLI 3.207.0, pulumi/pulumi#20693; the SDK refuses to run on a CLI without it, and the
    # pin is 3.272.0) replaces the ALB with its VPC instead: a new ALB and DNS name, created
    # before the old one goes (auto-named), its listeners, alias record, WAF association and
    # alarm dimensions following. A full outage: docs/changes.md.
    # Logical name + 8 auto-naming characters stays within 32 (pitfall: lb-name-length).
    return aws.lb.LoadBalancer(
        scope.named("alb"),
        load_balancer_type="application",
        internal=False,
        subnets=subnet_ids,
        security_groups=[security_group.id],
        ip_address_type="dualstack" if dual_stack else None,
        drop_invalid_header_fields=True,
        enable_deletion_protection=service.alb_deletion_protection,
        idle_timeout=service.alb_idle_timeout_seconds,
        access_logs=access_log_settings,
        opts=scope.child(depends_on=depends_on, replace_with=[vpc]),
    )


def target_group(
    scope: Scope,
    suffix: str,
    *,
    port: int,
    vpc_id: pulumi.Input[str],
    health_path: str,
    ipv6_targets: bool,
) -> aws.lb.TargetGroup:
    """``ipv6_targets``: the tasks have IPv6 addresses only, and the ALB reaches targets over
    the group's address type (docs/ipv6-egress.md E2, A3). The type forces a new group."""
    health_check: aws.lb.TargetGroupHealthCheckArgsDict = {
        "enabled": True,
        "path": health_path,  # pitfall: healthcheck-path
        "port": "traffic-port",
        "protocol": "HTTP",
        "matcher": "200",
        "interval": HEALTH_CHECK_INTERVAL,
        "timeout": HEALTH_CHECK_TIMEOUT,
        "healthy_threshold": HEALTHY_THRESHOLD,
        "unhealthy_threshold": UNHEALTHY_THRESHOLD,
    }
    # No fixed name: a replacement would collide with the group in use (pitfall:
    # tg-replace-in-use). Type ip for awsvpc tasks (pitfall: tg-target-type-ip).
    return aws.lb.TargetGroup(
        scope.named(suffix),
        target_type="ip",
        ip_address_type="ipv6" if ipv6_targets else None,
        port=port,
        protocol="HTTP",
        vpc_id=vpc_id,
        health_check=health_check,
        deregistration_delay=DEREGISTRATION_DELAY,  # pitfall: dereg-delay
        opts=scope.child(),
    )


def serving_listener(
    scope: Scope,
    service: ServiceConfig,
    *,
    load_balancer: aws.lb.LoadBalancer,
    default_action: aws.lb.ListenerDefaultActionArgsDict,
    dual_stack: bool,
) -> aws.lb.Listener:
    """The listener whose traffic reaches the service.

    Without a domain: HTTP. With one: HTTPS on the validated certificate, HTTP redirecting to
    it, and the domain's alias record (pitfalls: https-cert, redirect-listener-tg), an AAAA one
    as well for a ``dual_stack`` load balancer.
    """
    if not serves_https(service):
        return aws.lb.Listener(
            scope.named("http"),
            load_balancer_arn=load_balancer.arn,
            port=HTTP,
            protocol="HTTP",
            default_actions=[default_action],
            opts=scope.child(),
        )
    serving = aws.lb.Listener(
        scope.named("https"),
        load_balancer_arn=load_balancer.arn,
        port=HTTPS,
        protocol="HTTPS",
        ssl_policy=TLS_POLICY,
        certificate_arn=validated_certificate_arn(scope, service),
        default_actions=[default_action],
        opts=scope.child(),
    )
    aws.lb.Listener(
        scope.named("http"),
        load_balancer_arn=load_balancer.arn,
        port=HTTP,
        protocol="HTTP",
        default_actions=[
            {
                "type": "redirect",
                "redirect": {"protocol": "HTTPS", "port": str(HTTPS), "status_code": "HTTP_301"},
            }
        ],
        opts=scope.child(),
    )
    # IPv6 clients look the domain up as AAAA; Route 53 aliases to an ELB load balancer take
    # either type (Route 53 developer guide, "Values specific for simple alias records").
    alias_records = [("alias", "A"), ("alias-ipv6", "AAAA")] if dual_stack else [("alias", "A")]
    for suffix, record_type in alias_records:
        aws.route53.Record(
            scope.named(suffix),
            zone_id=service.hosted_zone_id,
            name=service.domain_name,
            type=record_type,
            aliases=[
                {
                    "name": load_balancer.dns_name,
                    "zone_id": load_balancer.zone_id,
                    "evaluate_target_health": True,
                }
            ],
            opts=scope.child(),
        )
    return serving


def validated_certificate_arn(scope: Scope, service: ServiceConfig) -> pulumi.Output[str]:
    """The ARN of an issued certificate: only CertificateValidation waits for ISSUED."""
    certificate = aws.acm.Certificate(
        scope.named("cert"),
        domain_name=service.domain_name,
        validation_method="DNS",
        opts=scope.child(),
    )
    option = certificate.domain_validation_options[0]
    record = aws.route53.Record(
        scope.named("cert-validation"),
        zone_id=service.hosted_zone_id,
        name=option.resource_record_name,
        type=option.resource_record_type,
        records=[option.resource_record_value],
        ttl=60,
        # A previous stack or a re-created certificate may have left the same record.
        allow_overwrite=True,
        opts=scope.child(),
    )
    validation = aws.acm.CertificateValidation(
        scope.named("cert"),
        certificate_arn=certificate.arn,
        validation_record_fqdns=[record.fqdn],
        opts=scope.child(),
    )
    return validation.certificate_arn


def service_url(service: ServiceConfig, load_balancer: aws.lb.LoadBalancer) -> pulumi.Output[str]:
    if serves_https(service):
        return pulumi.Output.from_input(f"https://{service.domain_name}")
    return pulumi.Output.concat("http://", load_balancer.dns_name)
