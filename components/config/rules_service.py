"""Validation of the service section, alone and against what it depends on: the general
settings, the network (ECS Exec's endpoint), app/'s runtime contract and the deploying account."""

from __future__ import annotations

import json
import re
from pathlib import Path

from components.config.general import GeneralConfig
from components.config.limits import (
    CAPACITY_PROVIDERS,
    FARGATE_SIZES,
    PLACEHOLDER_ZONE_MARK,
    PULLABLE_REPOSITORY_PREFIX,
    fargate_memories,
    is_placeholder_domain,
)
from components.config.network import NetworkConfig
from components.config.parse import (
    ip_network,
    require_choice,
    require_match,
    require_positive,
    require_range,
    require_together,
)
from components.config.service import CapacityProviderShare, ServiceConfig
from components.config.settings import camel, config_error
from components.config.stack import config_key
from components.ecr_image import ECR_IMAGE_URI, image_region
from components.slo import (
    ALARMS_BACK_AFTER_SCALE_OUT_MINUTES,
    RECHECK_AFTER_ALARMS_BACK_MINUTES,
    cron_minutes_later,
)


def validate_service(svc: ServiceConfig, general: GeneralConfig, region: str) -> None:
    if not 1024 <= svc.container_port <= 65535:
        raise config_error(
            config_key("containerPort"),
            svc.container_port,
            "1024-65535: the container runs as non-root (pitfall: nonroot-port)",
        )
    if svc.cpu not in FARGATE_SIZES:
        raise config_error(
            config_key("cpu"),
            svc.cpu,
            f"Fargate cpu units: {', '.join(map(str, FARGATE_SIZES))}",
        )
    if svc.memory not in FARGATE_SIZES[svc.cpu]:
        memories = FARGATE_SIZES[svc.cpu]
        raise config_error(
            config_key("memory"),
            svc.memory,
            f"with cpu {svc.cpu} Fargate allows memory {fargate_memories(memories)} MiB "
            "(pitfall: fargate-size)",
        )
    require_choice(config_key("cpuArchitecture"), svc.cpu_architecture, ("ARM64", "X86_64"))
    require_positive(config_key("minCapacity"), svc.min_capacity)
    if svc.max_capacity < svc.min_capacity:
        raise config_error(
            config_key("maxCapacity"),
            svc.max_capacity,
            f"must be >= minCapacity ({svc.min_capacity})",
        )
    if not svc.min_capacity <= svc.desired_count <= svc.max_capacity:
        raise config_error(
            config_key("desiredCount"),
            svc.desired_count,
            "must lie within the autoscaling bounds minCapacity..maxCapacity "
            f"({svc.min_capacity}..{svc.max_capacity})",
        )
    validate_capacity_providers(svc.capacity_provider_strategy)
    require_choice(
        config_key("deploymentStrategy"),
        svc.deployment_strategy,
        ("rolling", "blue_green"),
    )
    require_range(
        config_key("healthCheckGracePeriodSeconds"),
        svc.health_check_grace_period_seconds,
        0,
        2147483647,
    )
    require_range(config_key("albIdleTimeoutSeconds"), svc.alb_idle_timeout_seconds, 1, 4000)
    require_range(config_key("wafRateLimit"), svc.waf_rate_limit, 10, 2_000_000_000)
    if svc.alb_deletion_protection and not general.protect_stateful_resources:
        # AWS refuses to delete a load balancer with deletion protection on, so a stack that
        # promises one `pulumi destroy` removes everything must not ask for it.
        raise config_error(
            config_key("albDeletionProtection"),
            True,
            "protectStatefulResources is false, so one `pulumi destroy` must remove the stack, "
            "and AWS refuses to delete an ALB with deletion protection: set "
            "albDeletionProtection false as well (or protectStatefulResources true)",
        )
    if not svc.alb_ingress_cidrs:
        raise config_error(config_key("albIngressCidrs"), [], "at least one CIDR may reach the ALB")
    for i, cidr in enumerate(svc.alb_ingress_cidrs):
        # The family is checked against the egress mode (rules_network.validate_egress).
        key = config_key(f"albIngressCidrs[{i}]")
        canonical = str(ip_network(cidr, key))
        # EC2 stores an IPv6 rule's CIDR in its compressed lower-case form (RFC 5952), and the
        # provider compares cidr_ipv6 as text: any other spelling is a diff on every `up`.
        if cidr != canonical:
            raise config_error(key, cidr, f"write it as AWS returns it: {canonical}")
    require_together(
        (config_key("domainName"), svc.domain_name),
        (config_key("hostedZoneId"), svc.hosted_zone_id),
        "domainName and hostedZoneId go together: set both or neither",
    )
    require_match(
        config_key("domainName"),
        svc.domain_name,
        r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
        "a lower-case DNS name such as app.example.com",
    )
    require_match(
        config_key("hostedZoneId"),
        svc.hosted_zone_id,
        r"Z[A-Z0-9]{4,31}",
        "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
    )
    # An example value would pass every check here and fail half-way through `up`, at the
    # certificate's validation record in a zone that is not the owner's.
    if svc.domain_name and is_placeholder_domain(svc.domain_name):
        raise config_error(
            config_key("domainName"),
            svc.domain_name,
            "a placeholder (RFC 2606 reserves example.com, example.net, example.org and the "
            ".example, .test, .invalid and .localhost names): set domainName to a name in a "
            "Route 53 hosted zone you own and hostedZoneId to that zone's id",
        )
    if PLACEHOLDER_ZONE_MARK in svc.hosted_zone_id:
        raise config_error(
            config_key("hostedZoneId"),
            svc.hosted_zone_id,
            f"the example hosted zone id of the docs: set the id of the Route 53 hosted zone "
            f"that holds {svc.domain_name} (Route 53 console, Hosted zones)",
        )
    if general.environment == "prod" and not svc.domain_name:
        raise config_error(
            config_key("domainName"),
            "",
            "prod serves HTTPS only: set domainName and hostedZoneId for the certificate",
        )
    if svc.image:
        validate_image(svc.image, region)
    if svc.night_schedule is not None:
        if general.environment == "prod":
            raise config_error(
                config_key("nightSchedule"),
                "set",
                "the scale-to-zero night schedule is for dev stacks only",
            )
        for name in ("scale_in_cron", "scale_out_cron"):
            value = getattr(svc.night_schedule, name)
            if not re.fullmatch(r"cron\((\S+ ){5}\S+\)", value):
                raise config_error(
                    config_key(f"nightSchedule.{camel(name)}"),
                    value,
                    "an Application Auto Scaling cron such as cron(0 21 ? * MON-FRI *)",
                )
        back = ALARMS_BACK_AFTER_SCALE_OUT_MINUTES + RECHECK_AFTER_ALARMS_BACK_MINUTES
        if cron_minutes_later(svc.night_schedule.scale_out_cron, back) is None:
            raise config_error(
                config_key("nightSchedule.scaleOutCron"),
                svc.night_schedule.scale_out_cron,
                "a plain minute and hour such as cron(0 8 ? * MON-FRI *), at least "
                f"{back} minutes before midnight: alarm actions return and are re-checked "
                f"{back} minutes after scale-out (docs/slo.md)",
            )
        if not re.fullmatch(r"[A-Za-z_]+(/[A-Za-z_+-]+)*|UTC", svc.night_schedule.timezone):
            raise config_error(
                config_key("nightSchedule.timezone"),
                svc.night_schedule.timezone,
                "an IANA time zone such as Asia/Tokyo",
            )


APP_CONTRACT = Path(__file__).resolve().parents[2] / "app" / "runtime-contract.json"


def validate_against_app_contract(svc: ServiceConfig) -> None:
    """Settings that must agree with the image built from app/ (docs/app.md)."""
    contract = json.loads(APP_CONTRACT.read_text())
    # The task definition applies the contract (port mapping, health check, user, writable
    # paths) to every image, so a configured image must listen where app/'s does.
    if svc.container_port != contract["containerPort"]:
        raise config_error(
            config_key("containerPort"),
            svc.container_port,
            f"the task runs the app contract: port {contract['containerPort']} "
            "(app/runtime-contract.json), for the built image and for a configured one alike",
        )
    # The ALB must close idle connections before nginx does, or it reuses a connection nginx
    # just closed and answers 502.
    keepalive = contract["keepaliveTimeoutSeconds"]
    if svc.alb_idle_timeout_seconds >= keepalive:
        raise config_error(
            config_key("albIdleTimeoutSeconds"),
            svc.alb_idle_timeout_seconds,
            f"must be below nginx's keepalive_timeout ({keepalive} s, app/runtime-contract.json)",
        )


def validate_execute_command(svc: ServiceConfig, net: NetworkConfig) -> None:
    # Without NAT, ECS Exec's SSM channels reach AWS only through this endpoint; an explicit
    # entry keeps its per-AZ-hour cost visible in the stack file.
    if svc.enable_execute_command and "ssmmessages" not in net.extra_endpoint_services:
        raise config_error(
            config_key("enableExecuteCommand"),
            True,
            "ECS Exec needs the ssmmessages interface endpoint: add ssmmessages to "
            f"{config_key('extraEndpointServices')}",
        )


def validate_capacity_providers(strategy: tuple[CapacityProviderShare, ...]) -> None:
    key = config_key("capacityProviderStrategy")
    if not strategy:
        raise config_error(key, [], "at least one capacity provider")
    names = [share.capacity_provider for share in strategy]
    if len(set(names)) != len(names):
        raise config_error(key, names, "each capacity provider at most once")
    for i, share in enumerate(strategy):
        require_choice(f"{key}[{i}].capacityProvider", share.capacity_provider, CAPACITY_PROVIDERS)
        require_range(f"{key}[{i}].weight", share.weight, 0, 1000)
        require_range(f"{key}[{i}].base", share.base, 0, 100000)
    if sum(share.weight for share in strategy) == 0:
        raise config_error(key, names, "at least one provider needs a weight above 0")
    if sum(1 for share in strategy if share.base > 0) > 1:
        raise config_error(key, names, "only one provider may have a base above 0")


def validate_image(image: str, region: str) -> None:
    # No NAT: tasks can only pull from this region's ECR, through the endpoints or over IPv6
    # (which registry host the egress mode reaches: rules_network.validate_egress).
    match = ECR_IMAGE_URI.fullmatch(image)
    if not match:
        raise config_error(
            config_key("image"),
            image,
            "an ECR image pinned by digest: "
            "<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<64 hex> (or, with egress "
            "ipv6-egress-only, <account>.dkr-ecr.<region>.on.aws/<repo>@sha256:<64 hex>)",
        )
    if image_region(match) != region:
        raise config_error(
            config_key("image"),
            image,
            f"must be in the stack region {region}: private tasks reach no other registry",
        )


def validate_image_pull(
    image: str,
    *,  # pragma: no mutate (every caller passes account_id by keyword: `/` changes nothing)
    account_id: str,
) -> None:
    """Under the bootstrap's permissions boundary the execution role pulls only from this
    account's ``ecs-fargate-*`` repositories: any other image would pass the format checks and
    then fail every task with CannotPullContainerError (AccessDenied)."""
    match = ECR_IMAGE_URI.fullmatch(image)
    if (
        match is None
        or match["account"] != account_id
        or not match["repository"].startswith(PULLABLE_REPOSITORY_PREFIX)
    ):
        raise config_error(
            config_key("image"),
            image,
            f"with permissionsBoundaryArn set, the execution role may pull only from this "
            f"account's ({account_id}) {PULLABLE_REPOSITORY_PREFIX}* repositories in the stack "
            "region (the bootstrap's permissions boundary, bootstrap/iam_documents/boundary.py): push the "
            "image to such a repository, or leave image empty to build app/",
        )
