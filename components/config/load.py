"""The running stack's config: the raw map the engine hands the program, parsed into sections,
checked by every rule before any resource is registered."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from components.config.general import GeneralConfig
from components.config.limits import MAX_STACK_NAME_LENGTH, REQUIRED_DEFAULT_TAGS
from components.config.network import NetworkConfig
from components.config.observability import ObservabilityConfig
from components.config.parse import decode_json, parse_region, parse_section, reject_undeclared
from components.config.rules_network import validate_egress, validate_general, validate_network
from components.config.rules_observability import validate_observability
from components.config.rules_service import (
    validate_against_app_contract,
    validate_execute_command,
    validate_image_pull,
    validate_service,
)
from components.config.service import ServiceConfig
from components.config.settings import ConfigError, config_error
from components.config.stack import PROJECT, SECTIONS, StackConfig, config_key, declared_keys


def _validate_stack_name(stack: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9]*", stack) or len(stack) > MAX_STACK_NAME_LENGTH:
        raise ConfigError(
            f"invalid stack name {stack!r}: lower-case letters and digits, "
            f"at most {MAX_STACK_NAME_LENGTH} "
            "characters (it is part of every resource name; an ALB name is at most 32 characters)"
        )


def _validate_default_tags(raw_config: Mapping[str, Any], environment: str) -> dict[str, str]:
    raw = decode_json("aws:defaultTags", raw_config.get("aws:defaultTags", "{}"))
    tags = raw.get("tags") if isinstance(raw, dict) else None
    if not isinstance(tags, dict):
        raise config_error(
            "aws:defaultTags",
            raw,
            f"a tags object with {', '.join(REQUIRED_DEFAULT_TAGS)}",
        )
    for tag in REQUIRED_DEFAULT_TAGS:
        if not isinstance(tags.get(tag), str) or not tags[tag]:
            raise config_error(
                f"aws:defaultTags.tags.{tag}",
                tags.get(tag, ""),
                "a non-empty tag value (every resource carries it)",
            )
    if tags["Environment"] != environment:
        raise config_error(
            "aws:defaultTags.tags.Environment",
            tags["Environment"],
            f"must equal {config_key('environment')} ({environment})",
        )
    return {str(k): str(v) for k, v in tags.items()}


def _ipv6_egress_defaults(
    network: NetworkConfig, service: ServiceConfig
) -> tuple[NetworkConfig, ServiceConfig]:
    """What the defaults mean in the IPv6 egress-only mode: the task subnets have no IPv4 range,
    and the default clients of the ALB, "everyone" (0.0.0.0/0), take in IPv6 (::/0) too."""
    network = dataclasses.replace(network, private_subnet_cidrs=())
    if service.alb_ingress_cidrs == tuple(declared_keys()["albIngressCidrs"]):
        service = dataclasses.replace(
            service, alb_ingress_cidrs=(*service.alb_ingress_cidrs, "::/0")
        )
    return network, service


def parse_stack_config(
    raw_config: Mapping[str, Any],
    *,  # pragma: no mutate (no caller passes raw_config by keyword: `/` changes nothing)
    stack: str,
) -> StackConfig:
    """Turn the raw config map (``namespace:key`` -> string) into a validated StackConfig."""
    _validate_stack_name(stack)
    reject_undeclared(raw_config, PROJECT, SECTIONS)
    region = parse_region(raw_config)
    general = parse_section(GeneralConfig, raw_config, PROJECT)
    network = parse_section(NetworkConfig, raw_config, PROJECT)
    service = parse_section(ServiceConfig, raw_config, PROJECT)
    observability = parse_section(ObservabilityConfig, raw_config, PROJECT)
    validate_general(general)
    validate_network(network)
    validate_service(service, general, region)
    validate_egress(network, general, service)
    if network.ipv6_egress_only:
        network, service = _ipv6_egress_defaults(network, service)
    validate_execute_command(service, network)
    validate_against_app_contract(service)
    validate_observability(observability, service)
    default_tags = _validate_default_tags(raw_config, general.environment)
    return StackConfig(
        project=PROJECT,
        stack=stack,
        region=region,
        default_tags=default_tags,
        general=general,
        network=network,
        service=service,
        observability=observability,
    )


def secret_input(name: str, value: str) -> pulumi.Input[str]:
    """``value`` of the project key ``name`` as a resource input: a secret when the stack keeps
    the key secret (`pulumi config set --secret`), so the engine encrypts it in the state as
    Config.get_secret would make it (the CLI lists such keys in PULUMI_CONFIG_SECRET_KEYS; the
    offline plan in set_all_config)."""
    key = config_key(name)
    secret = runtime_config.is_config_secret(key) or key in (
        runtime_config.get_config_secret_keys_env()
    )
    return pulumi.Output.secret(value) if secret else value


def raw_stack_config() -> dict[str, Any]:
    """The config map the engine handed to this program (the CLI's env var, or the mocks')."""
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def load_stack_config(
    raw: Mapping[str, Any] | None = None,  # pragma: no mutate (an annotation is only text)
    *,  # pragma: no mutate (no caller passes raw by keyword: `/` changes nothing)
    stack: str | None = None,  # pragma: no mutate (an annotation is only text)
) -> StackConfig:
    """Parse and validate the running stack's config; a boundary given by policy name becomes
    that policy's ARN in this account (stack files stay account-independent). The checks that
    need the deploying account run here, still before any resource."""
    cfg = parse_stack_config(
        raw if raw is not None else raw_stack_config(), stack=stack or pulumi.get_stack()
    )
    boundary = cfg.general.permissions_boundary_arn
    if not boundary:
        return cfg
    account_id = aws.get_caller_identity().account_id
    if cfg.service.image:
        validate_image_pull(cfg.service.image, account_id=account_id)
    if boundary.startswith("arn:"):
        return cfg
    partition = aws.get_partition().partition
    arn = f"arn:{partition}:iam::{account_id}:policy/{boundary}"
    general = dataclasses.replace(cfg.general, permissions_boundary_arn=arn)
    return dataclasses.replace(cfg, general=general)
