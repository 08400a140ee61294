"""Validation of the general and network sections: each function raises ConfigError on the first
bad value, naming the key, the value and what is allowed."""

from __future__ import annotations

import ipaddress
import re

from components.config.general import GeneralConfig
from components.config.limits import (
    BOUNDARY_ARN,
    BOUNDARY_NAME,
    EGRESS_MODES,
    ENVIRONMENTS,
    LOG_RETENTION_DAYS,
    REQUIRED_INTERFACE_ENDPOINTS,
)
from components.config.network import NetworkConfig
from components.config.parse import ipv4_network, require_choice, require_positive
from components.config.service import ServiceConfig
from components.config.settings import config_error
from components.config.stack import config_key, declared_keys
from components.ecr_image import ECR_IMAGE_URI, is_dual_stack


def validate_network(net: NetworkConfig) -> None:
    vpc = ipv4_network(net.vpc_cidr, config_key("vpcCidr"))
    if not 16 <= vpc.prefixlen <= 28:
        raise config_error(
            config_key("vpcCidr"),
            net.vpc_cidr,
            "a VPC CIDR must be between /16 and /28",
        )
    require_positive(config_key("availabilityZoneCount"), net.availability_zone_count)
    az_count = len(net.availability_zones) or net.availability_zone_count
    if az_count < 2:
        raise config_error(
            config_key("availabilityZoneCount"),
            az_count,
            "at least 2 AZs (an ALB needs two; pitfall: alb-two-azs)",
        )
    if net.availability_zones and len(set(net.availability_zones)) != len(net.availability_zones):
        raise config_error(
            config_key("availabilityZones"),
            list(net.availability_zones),
            "each AZ at most once",
        )
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    subnet_lists = [("publicSubnetCidrs", net.public_subnet_cidrs)]
    # IPv6-only task subnets have no IPv4 range (load_stack_config leaves the list empty).
    if not net.ipv6_egress_only:
        subnet_lists.append(("privateSubnetCidrs", net.private_subnet_cidrs))
    for list_key, cidrs in subnet_lists:
        if len(cidrs) != az_count:
            raise config_error(
                config_key(list_key),
                list(cidrs),
                f"one subnet per AZ: exactly {az_count} CIDRs for {az_count} AZs",
            )
        for i, cidr in enumerate(cidrs):
            key = config_key(f"{list_key}[{i}]")
            subnet = ipv4_network(cidr, key)
            if not subnet.subnet_of(vpc):
                raise config_error(key, cidr, f"must lie inside the VPC CIDR {net.vpc_cidr}")
            if subnet.prefixlen > 28:
                raise config_error(key, cidr, "a subnet must be /28 or larger")
            for other_key, other in seen:
                if subnet.overlaps(other):
                    raise config_error(
                        key,
                        cidr,
                        f"overlaps {other_key} ({other}); subnets must not overlap",
                    )
            seen.append((key, subnet))
    require_choice(config_key("egress"), net.egress, EGRESS_MODES)
    require_choice(config_key("endpointPlacement"), net.endpoint_placement, ("every-az", "one-az"))
    for i, service in enumerate(net.extra_endpoint_services):
        key = config_key(f"extraEndpointServices[{i}]")
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", service):
            raise config_error(key, service, "a service suffix such as ssm or secretsmanager")
        if service in REQUIRED_INTERFACE_ENDPOINTS or service == "s3":
            raise config_error(
                key,
                service,
                "already created (ecr.api, ecr.dkr, logs and the s3 gateway)",
            )
    if len(set(net.extra_endpoint_services)) != len(net.extra_endpoint_services):
        raise config_error(
            config_key("extraEndpointServices"),
            list(net.extra_endpoint_services),
            "no duplicates",
        )
    require_choice(
        config_key("flowLogRetentionDays"),
        str(net.flow_log_retention_days),
        tuple(map(str, LOG_RETENTION_DAYS)),
    )


def validate_egress(net: NetworkConfig, general: GeneralConfig, svc: ServiceConfig) -> None:
    """What each egress mode can carry (docs/ipv6-egress.md)."""
    key = config_key("egress")
    image = ECR_IMAGE_URI.fullmatch(svc.image)
    ipv6_clients = [c for c in svc.alb_ingress_cidrs if ipaddress.ip_network(c).version == 6]
    if not net.ipv6_egress_only:
        if image is not None and is_dual_stack(image):
            raise config_error(
                config_key("image"),
                svc.image,
                "the dual-stack registry host dkr-ecr.<region>.on.aws is not served through "
                "the interface endpoints (PrivateLink carries only "
                "<account>.dkr.ecr.<region>.amazonaws.com), so private tasks could not pull it; "
                f"use the dkr.ecr host, or set {key} ipv6-egress-only",
            )
        if ipv6_clients:
            raise config_error(
                config_key("albIngressCidrs"),
                list(svc.alb_ingress_cidrs),
                f"IPv4 CIDRs only: the ALB is IPv4-only with {key} endpoints "
                f"(ipv6-egress-only makes it dual-stack)",
            )
        return
    mode = f"with {key} ipv6-egress-only"
    if general.environment == "prod":
        raise config_error(
            key,
            net.egress,
            "endpoints for prod: the IPv6 egress-only mode rests on AWS behaviour not yet "
            "confirmed on a live account (docs/ipv6-egress.md, open questions)",
        )
    # Pulumi.yaml's defaults reach the program like stack values, so "not set" is "the default".
    if net.private_subnet_cidrs != tuple(declared_keys()["privateSubnetCidrs"]):
        raise config_error(
            config_key("privateSubnetCidrs"),
            list(net.private_subnet_cidrs),
            f"left at its default {mode}: the task subnets are IPv6-only, each a /64 of the "
            "VPC's Amazon-provided IPv6 block; remove the key from the stack file",
        )
    if net.extra_endpoint_services:
        raise config_error(
            config_key("extraEndpointServices"),
            list(net.extra_endpoint_services),
            f"empty {mode}: only the logs endpoint is created there, and no other service's "
            "IPv6 path from Fargate is documented",
        )
    if svc.enable_execute_command:
        raise config_error(
            config_key("enableExecuteCommand"),
            True,
            f"false {mode}: ECS Exec from IPv6-only Fargate tasks is not documented by AWS",
        )
    if image is not None and not is_dual_stack(image):
        raise config_error(
            config_key("image"),
            svc.image,
            f"the ECR dual-stack host {mode} (IPv6-only tasks must pull through it): "
            "<account>.dkr-ecr.<region>.on.aws/<repo>@sha256:<64 hex>",
        )


def validate_general(general: GeneralConfig) -> None:
    require_choice(config_key("environment"), general.environment, ENVIRONMENTS)
    boundary = general.permissions_boundary_arn
    if boundary and not (
        re.fullmatch(BOUNDARY_ARN, boundary) or re.fullmatch(BOUNDARY_NAME, boundary)
    ):
        raise config_error(
            config_key("permissionsBoundaryArn"),
            boundary,
            "an IAM managed policy ARN (arn:aws:iam::<account>:policy/<name>), a policy name "
            "in this account (ecs-fargate-permissions-boundary), or empty",
        )
    require_choice(
        config_key("logRetentionDays"),
        str(general.log_retention_days),
        tuple(map(str, LOG_RETENTION_DAYS)),
    )
