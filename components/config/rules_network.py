"""Validation of the general and network sections: each function raises ConfigError on the first
bad value, naming the key, the value and what is allowed."""

from __future__ import annotations

import ipaddress
import re

from components.config.general import GeneralConfig
from components.config.limits import (
    BOUNDARY_ARN,
    BOUNDARY_NAME,
    ENVIRONMENTS,
    LOG_RETENTION_DAYS,
    REQUIRED_INTERFACE_ENDPOINTS,
)
from components.config.network import NetworkConfig
from components.config.parse import ipv4_network, require_choice, require_positive
from components.config.settings import config_error
from components.config.stack import config_key


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
    for list_key, cidrs in (
        ("publicSubnetCidrs", net.public_subnet_cidrs),
        ("privateSubnetCidrs", net.private_subnet_cidrs),
    ):
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
