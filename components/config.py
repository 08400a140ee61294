"""Typed stack configuration, parsed and validated once before any resource is registered.

Every setting of the project namespace is a field of one of the frozen dataclasses below; the
field's default is the project default (``Pulumi.yaml`` declares the same value, a test keeps the
two equal). The config key of a field is its camelCase name
(``vpc_cidr`` -> ``ecs-fargate:vpcCidr``).
A bad value raises :class:`ConfigError` (a ``pulumi.RunError``: one line, no stack trace) naming the
key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from bootstrap.ci_permissions import MAIN_PROJECT
from components.slo import (
    ALARMS_BACK_AFTER_SCALE_OUT_MINUTES,
    RECHECK_AFTER_ALARMS_BACK_MINUTES,
    cron_minutes_later,
)
from components.task_definition import ECR_IMAGE_URI

PROJECT = "ecs-fargate"

# Stack names end up in every physical name; an ALB name is at most 32 characters and Pulumi
# appends 8 ("-" + 7 random), so "ecs-fargate-<stack>-alb" leaves 8 for the stack (pitfall:
# lb-name-length).
MAX_STACK_NAME_LENGTH = 8

ENVIRONMENTS = ("dev", "staging", "prod")
REQUIRED_DEFAULT_TAGS = ("Project", "Environment", "ManagedBy", "Owner")
# Interface endpoints every private Fargate task needs without NAT (pitfall: required-endpoints).
REQUIRED_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")
# The values CloudWatch Logs accepts for retentionInDays.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip
# Fargate task sizes: cpu units -> allowed memory MiB (pitfall: fargate-size).
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
BOUNDARY_ARN = r"arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+"
BOUNDARY_NAME = r"[\w+=,.@-]{1,128}"
# The bootstrap's permissions boundary lets an execution role pull only from
# repository/<MAIN_PROJECT>-* in the deploying account and the stack's region (bootstrap/
# iam_documents.py boundary_policy, statement ExecutionRolePullsImages; a test holds the two
# together).
PULLABLE_REPOSITORY_PREFIX = f"{MAIN_PROJECT}-"


# Names reserved for examples (RFC 2606 section 2 and 3): a domain under one is a placeholder.
PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org")
PLACEHOLDER_TLDS = ("example", "test", "invalid", "localhost")
# The docs' example zone id (Z0123456789EXAMPLE0AB) and its like; real ids are random.
PLACEHOLDER_ZONE_MARK = "EXAMPLE"


def is_placeholder_domain(name: str) -> bool:
    labels = name.lower().rstrip(".").split(".")
    return labels[-1] in PLACEHOLDER_TLDS or ".".join(labels[-2:]) in PLACEHOLDER_DOMAINS


def fargate_memories(memories: tuple[int, ...]) -> str:
    """``512, 1024, 2048`` or ``2048-8192 in steps of 1024``: the shortest true description."""
    steps = {b - a for a, b in zip(memories, memories[1:], strict=False)}
    if len(memories) <= 3 or len(steps) > 1:
        return ", ".join(map(str, memories))
    return f"{memories[0]}-{memories[-1]} in steps of {steps.pop()}"


class ConfigError(pulumi.RunError):
    """A stack setting is invalid; the message names the key, the value and what is allowed."""


def config_error(key: str, value: object, allowed: str) -> ConfigError:
    shown = value if isinstance(value, str) else json.dumps(value)
    return ConfigError(f"invalid config {key} = {shown!r}: {allowed}")


def config_key(name: str) -> str:
    return f"{PROJECT}:{name}"


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


# --------------------------------------------------------------------------------------------
# Sections. Field defaults are the project defaults.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CapacityProviderShare:
    """One entry of the service's capacity-provider strategy."""

    capacity_provider: str = "FARGATE"
    weight: int = 1
    base: int = 0


@dataclass(frozen=True, kw_only=True)
class NightSchedule:
    """Scale the service to zero at night (dev only). Cron expressions as Application Auto Scaling
    takes them, evaluated in ``timezone``."""

    scale_in_cron: str = "cron(0 21 ? * MON-FRI *)"
    scale_out_cron: str = "cron(0 8 ? * MON-FRI *)"
    timezone: str = "Asia/Tokyo"


@dataclass(frozen=True, kw_only=True)
class SloTargets:
    """Service level objectives the alarms guard."""

    availability_percent: float = 99.9
    latency_p99_seconds: float = 1.0
    window_days: int = 30


@dataclass(frozen=True, kw_only=True)
class GeneralConfig:
    environment: str = "dev"
    """dev | staging | prod. prod turns on the production-only checks (a domain is required)."""
    protect_stateful_resources: bool = True
    """protect/retain the ECR repository and log groups; off in dev so one destroy removes all."""
    permissions_boundary_arn: str = ""
    """IAM policy ARN every role of the stack carries as its permissions boundary."""
    log_retention_days: int = 30


@dataclass(frozen=True, kw_only=True)
class NetworkConfig:
    vpc_cidr: str = "10.0.0.0/16"
    public_subnet_cidrs: tuple[str, ...] = ("10.0.1.0/24", "10.0.2.0/24")
    private_subnet_cidrs: tuple[str, ...] = ("10.0.101.0/24", "10.0.102.0/24")
    availability_zone_count: int = 2
    availability_zones: tuple[str, ...] = ()
    """Explicit AZ names; empty = the first ``availability_zone_count`` available in the account."""
    endpoint_placement: str = "every-az"
    """every-az (HA) or one-az (interface endpoints bill per AZ-hour)."""
    extra_endpoint_services: tuple[str, ...] = ()
    """More interface endpoints, as service suffixes (``ssm``, ``secretsmanager``, ...)."""
    flow_logs: bool = False
    flow_log_retention_days: int = 14


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    container_port: int = 8080
    cpu: int = 256
    memory: int = 512
    cpu_architecture: str = "ARM64"
    desired_count: int = 2
    min_capacity: int = 2
    max_capacity: int = 4
    capacity_provider_strategy: tuple[CapacityProviderShare, ...] = (CapacityProviderShare(),)
    container_insights: bool = True
    enable_execute_command: bool = False
    image: str = ""
    """An existing ECR image (same account and region, pinned by digest) instead of app/."""
    deployment_strategy: str = "rolling"
    health_check_grace_period_seconds: int = 30
    alb_ingress_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    alb_deletion_protection: bool = True
    alb_access_logs: bool = True
    alb_idle_timeout_seconds: int = 60
    domain_name: str = ""
    hosted_zone_id: str = ""
    waf: bool = True
    waf_rate_limit: int = 2000
    """Requests per 5 minutes from one IP before the rate-based rule blocks it."""
    night_schedule: NightSchedule | None = None


@dataclass(frozen=True, kw_only=True)
class ObservabilityConfig:
    slo: SloTargets = SloTargets()
    alarm_emails: tuple[str, ...] = ()
    alarm_topic_cmk: bool = True
    slack_workspace_id: str = ""
    slack_channel_id: str = ""
    burn_rate_min_requests: int = 50
    """Error-ratio alarms stay OK below this many requests in their window."""
    dashboard: bool = True
    running_tasks_alarm: bool = True
    """Alarm when fewer tasks run than desired; reads Container Insights metrics."""
    unhealthy_hosts_alarm: bool = True
    """Alarm when a target fails its health checks for 3 minutes ($0.10/month); without it
    healthy-hosts-low still pages below the autoscaling minimum."""
    error_log_terms: tuple[str, ...] = ("[error]", "[crit]", "[alert]", "[emerg]")


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    project: str
    stack: str
    region: str
    default_tags: Mapping[str, str]
    general: GeneralConfig
    network: NetworkConfig
    service: ServiceConfig
    observability: ObservabilityConfig

    @property
    def name_prefix(self) -> str:
        """Prefix of every logical (and so physical) name: ``ecs-fargate-dev``."""
        return f"{self.project}-{self.stack}"

    @property
    def is_production(self) -> bool:
        return self.general.environment == "prod"


SECTIONS: tuple[type, ...] = (
    GeneralConfig,
    NetworkConfig,
    ServiceConfig,
    ObservabilityConfig,
)


def declared_keys() -> dict[str, Any]:
    """Every project-namespace key the program reads, with its default."""
    keys: dict[str, Any] = {}
    for section in SECTIONS:
        for f in dataclasses.fields(section):
            keys[camel(f.name)] = f.default
    return keys


# --------------------------------------------------------------------------------------------
# Parsing raw config values (strings, as the CLI passes them) into typed values.
# --------------------------------------------------------------------------------------------


def _parse_bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise config_error(key, raw, "expected true or false")


def _parse_int(key: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise config_error(key, raw, "expected a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"-?\d+", raw.strip()):
        return int(raw)
    raise config_error(key, raw, "expected a whole number")


def _parse_float(key: str, raw: Any) -> float:
    if isinstance(raw, bool):
        raise config_error(key, raw, "expected a number")
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise config_error(key, raw, "expected a number") from None


def _parse_str(key: str, raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    raise config_error(key, raw, "expected a string")


def _decode_json(key: str, raw: Any) -> Any:
    """Structured values reach the program as JSON text; under mocks they may already be decoded."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise config_error(key, raw, "expected a YAML list or object (structured config)") from None


def _parse_value(key: str, annotation: Any, raw: Any) -> Any:
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return _parse_bool(key, raw)
    if annotation is int:
        return _parse_int(key, raw)
    if annotation is float:
        return _parse_float(key, raw)
    if annotation is str:
        return _parse_str(key, raw)
    if origin is tuple:
        item_type = typing.get_args(annotation)[0]
        items = _decode_json(key, raw)
        if not isinstance(items, list):
            raise config_error(key, raw, "expected a list")
        return tuple(_parse_value(f"{key}[{i}]", item_type, item) for i, item in enumerate(items))
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _parse_value(key, inner, raw)
    if dataclasses.is_dataclass(annotation):
        return _parse_object(key, typing.cast(type, annotation), _decode_json(key, raw))
    raise TypeError(f"no parser for {annotation!r} ({key})")  # a programming error, not config


def _parse_object(key: str, cls: type, raw: Any) -> Any:
    """A structured value: every key must be a field of ``cls`` (a typo must not be ignored)."""
    if not isinstance(raw, dict):
        raise config_error(key, raw, f"expected an object with keys {_field_keys(cls)}")
    hints = typing.get_type_hints(cls)
    fields_by_key = {camel(f.name): f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields_by_key))
    if unknown:
        raise config_error(
            f"{key}.{unknown[0]}",
            raw[unknown[0]],
            f"unknown key; allowed keys: {_field_keys(cls)}",
        )
    values = {
        f.name: _parse_value(f"{key}.{name}", hints[f.name], raw[name])
        for name, f in fields_by_key.items()
        if name in raw
    }
    return cls(**values)


def _field_keys(cls: type) -> str:
    return ", ".join(camel(f.name) for f in dataclasses.fields(cls))


def _parse_section(cls: type, raw_config: Mapping[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        key = config_key(camel(f.name))
        if key in raw_config:
            values[f.name] = _parse_value(key, hints[f.name], raw_config[key])
    return cls(**values)


# --------------------------------------------------------------------------------------------
# Validation: one function per rule family; each raises ConfigError on the first bad value.
# --------------------------------------------------------------------------------------------


def _require_choice(key: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise config_error(key, value, f"allowed values: {', '.join(allowed)}")


def _require_positive(key: str, value: int) -> None:
    if value <= 0:
        raise config_error(key, value, "must be a positive whole number")


def _require_range(key: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise config_error(key, value, f"must be between {low} and {high}")


def _network(cidr: str, key: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise config_error(
            key, cidr, "expected an IPv4 network in CIDR form, such as 10.0.0.0/16"
        ) from None


def _validate_network(net: NetworkConfig) -> None:
    vpc = _network(net.vpc_cidr, config_key("vpcCidr"))
    if not 16 <= vpc.prefixlen <= 28:
        raise config_error(
            config_key("vpcCidr"),
            net.vpc_cidr,
            "a VPC CIDR must be between /16 and /28",
        )
    _require_positive(config_key("availabilityZoneCount"), net.availability_zone_count)
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
            subnet = _network(cidr, key)
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
    _require_choice(config_key("endpointPlacement"), net.endpoint_placement, ("every-az", "one-az"))
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
    _require_choice(
        config_key("flowLogRetentionDays"),
        str(net.flow_log_retention_days),
        tuple(map(str, LOG_RETENTION_DAYS)),
    )


def _validate_general(general: GeneralConfig) -> None:
    _require_choice(config_key("environment"), general.environment, ENVIRONMENTS)
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
    _require_choice(
        config_key("logRetentionDays"),
        str(general.log_retention_days),
        tuple(map(str, LOG_RETENTION_DAYS)),
    )


def _validate_service(svc: ServiceConfig, general: GeneralConfig, region: str) -> None:
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
    _require_choice(config_key("cpuArchitecture"), svc.cpu_architecture, ("ARM64", "X86_64"))
    _require_positive(config_key("minCapacity"), svc.min_capacity)
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
    _validate_capacity_providers(svc.capacity_provider_strategy)
    _require_choice(
        config_key("deploymentStrategy"),
        svc.deployment_strategy,
        ("rolling", "blue_green"),
    )
    _require_range(
        config_key("healthCheckGracePeriodSeconds"),
        svc.health_check_grace_period_seconds,
        0,
        2147483647,
    )
    _require_range(config_key("albIdleTimeoutSeconds"), svc.alb_idle_timeout_seconds, 1, 4000)
    _require_range(config_key("wafRateLimit"), svc.waf_rate_limit, 10, 2_000_000_000)
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
        _network(cidr, config_key(f"albIngressCidrs[{i}]"))
    if bool(svc.domain_name) != bool(svc.hosted_zone_id):
        key = "hostedZoneId" if svc.domain_name else "domainName"
        raise config_error(
            config_key(key),
            "",
            "domainName and hostedZoneId go together: set both or neither",
        )
    if svc.domain_name and not re.fullmatch(
        r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
        svc.domain_name,
    ):
        raise config_error(
            config_key("domainName"),
            svc.domain_name,
            "a lower-case DNS name such as app.example.com",
        )
    if svc.hosted_zone_id and not re.fullmatch(r"Z[A-Z0-9]{4,31}", svc.hosted_zone_id):
        raise config_error(
            config_key("hostedZoneId"),
            svc.hosted_zone_id,
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
        _validate_image(svc.image, region)
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


APP_CONTRACT = Path(__file__).resolve().parent.parent / "app" / "runtime-contract.json"


def _validate_against_app_contract(svc: ServiceConfig) -> None:
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


def _validate_execute_command(svc: ServiceConfig, net: NetworkConfig) -> None:
    # Without NAT, ECS Exec's SSM channels reach AWS only through this endpoint; an explicit
    # entry keeps its per-AZ-hour cost visible in the stack file.
    if svc.enable_execute_command and "ssmmessages" not in net.extra_endpoint_services:
        raise config_error(
            config_key("enableExecuteCommand"),
            True,
            "ECS Exec needs the ssmmessages interface endpoint: add ssmmessages to "
            f"{config_key('extraEndpointServices')}",
        )


def _validate_capacity_providers(strategy: tuple[CapacityProviderShare, ...]) -> None:
    key = config_key("capacityProviderStrategy")
    if not strategy:
        raise config_error(key, [], "at least one capacity provider")
    names = [share.capacity_provider for share in strategy]
    if len(set(names)) != len(names):
        raise config_error(key, names, "each capacity provider at most once")
    for i, share in enumerate(strategy):
        _require_choice(f"{key}[{i}].capacityProvider", share.capacity_provider, CAPACITY_PROVIDERS)
        _require_range(f"{key}[{i}].weight", share.weight, 0, 1000)
        _require_range(f"{key}[{i}].base", share.base, 0, 100000)
    if sum(share.weight for share in strategy) == 0:
        raise config_error(key, names, "at least one provider needs a weight above 0")
    if sum(1 for share in strategy if share.base > 0) > 1:
        raise config_error(key, names, "only one provider may have a base above 0")


def _validate_image(image: str, region: str) -> None:
    # No NAT: tasks can only pull from this region's ECR through the endpoints.
    match = ECR_IMAGE_URI.fullmatch(image)
    if not match:
        raise config_error(
            config_key("image"),
            image,
            "an ECR image pinned by digest: "
            "<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<64 hex>",
        )
    if match["region"] != region:
        raise config_error(
            config_key("image"),
            image,
            f"must be in the stack region {region}: private tasks reach no other registry",
        )


def validate_image_pull(image: str, *, account_id: str) -> None:
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
            "region (the bootstrap's permissions boundary, bootstrap/iam_documents.py): push the "
            "image to such a repository, or leave image empty to build app/",
        )


def _validate_observability(obs: ObservabilityConfig, svc: ServiceConfig) -> None:
    slo = obs.slo
    if not 0 < slo.availability_percent < 100:
        raise config_error(
            config_key("slo.availabilityPercent"),
            slo.availability_percent,
            "must lie strictly between 0 and 100",
        )
    if slo.latency_p99_seconds <= 0:
        raise config_error(
            config_key("slo.latencyP99Seconds"),
            slo.latency_p99_seconds,
            "must be above 0 seconds",
        )
    _require_range(config_key("slo.windowDays"), slo.window_days, 1, 90)
    for i, email in enumerate(obs.alarm_emails):
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", email):
            raise config_error(
                config_key(f"alarmEmails[{i}]"),
                email,
                "an e-mail address such as oncall@example.com",
            )
    seen_emails: dict[str, int] = {}
    for i, email in enumerate(obs.alarm_emails):
        # Each address names its subscription resource with the punctuation folded away.
        slug = re.sub(r"[^a-z0-9]+", "-", email.lower())
        if slug in seen_emails:
            raise config_error(
                config_key(f"alarmEmails[{i}]"),
                email,
                f"differs from alarmEmails[{seen_emails[slug]}] only in case or punctuation; "
                "list each address once",
            )
        seen_emails[slug] = i
    if bool(obs.slack_workspace_id) != bool(obs.slack_channel_id):
        missing = "slackChannelId" if obs.slack_workspace_id else "slackWorkspaceId"
        raise config_error(
            config_key(missing),
            "",
            "Slack needs both slackWorkspaceId and slackChannelId",
        )
    if obs.slack_workspace_id and not re.fullmatch(r"T[A-Z0-9]{6,}", obs.slack_workspace_id):
        raise config_error(
            config_key("slackWorkspaceId"),
            obs.slack_workspace_id,
            "a Slack workspace id such as T012ABCDEF",
        )
    if obs.slack_channel_id and not re.fullmatch(r"[CG][A-Z0-9]{6,}", obs.slack_channel_id):
        raise config_error(
            config_key("slackChannelId"),
            obs.slack_channel_id,
            "a Slack channel id such as C012ABCDEF",
        )
    _require_positive(config_key("burnRateMinRequests"), obs.burn_rate_min_requests)
    if not obs.error_log_terms or any(not term.strip() for term in obs.error_log_terms):
        raise config_error(
            config_key("errorLogTerms"),
            list(obs.error_log_terms),
            "one or more non-empty terms",
        )
    for i, term in enumerate(obs.error_log_terms):
        # Each term is quoted inside a CloudWatch filter pattern, which has no escape for these.
        if '"' in term or "\\" in term:
            raise config_error(
                config_key(f"errorLogTerms[{i}]"),
                term,
                "a plain term without double quotes or backslashes, such as [error]",
            )
    if obs.running_tasks_alarm and not svc.container_insights:
        raise config_error(
            config_key("runningTasksAlarm"),
            True,
            "the running-tasks alarm reads Container Insights metrics: set containerInsights true "
            "or runningTasksAlarm false",
        )


def _validate_stack_name(stack: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9]*", stack) or len(stack) > MAX_STACK_NAME_LENGTH:
        raise ConfigError(
            f"invalid stack name {stack!r}: lower-case letters and digits, "
            f"at most {MAX_STACK_NAME_LENGTH} "
            "characters (it is part of every resource name; an ALB name is at most 32 characters)"
        )


def _validate_region(raw_config: Mapping[str, Any]) -> str:
    region = raw_config.get("aws:region")
    if not isinstance(region, str) or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        raise config_error(
            "aws:region",
            region or "",
            "an AWS region such as ap-northeast-1 (set it in Pulumi.<stack>.yaml)",
        )
    return region


def _validate_default_tags(raw_config: Mapping[str, Any], environment: str) -> dict[str, str]:
    raw = _decode_json("aws:defaultTags", raw_config.get("aws:defaultTags", "{}"))
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


def _reject_undeclared_keys(raw_config: Mapping[str, Any]) -> None:
    declared = set(declared_keys())
    for full_key in sorted(raw_config):
        namespace, _, name = full_key.partition(":")
        if namespace == PROJECT and name not in declared:
            close = difflib.get_close_matches(name, sorted(declared), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise config_error(
                full_key,
                raw_config[full_key],
                f"unknown setting{hint}; see the config block of Pulumi.yaml",
            )


def parse_stack_config(raw_config: Mapping[str, Any], *, stack: str) -> StackConfig:
    """Turn the raw config map (``namespace:key`` -> string) into a validated StackConfig."""
    _validate_stack_name(stack)
    _reject_undeclared_keys(raw_config)
    region = _validate_region(raw_config)
    general = _parse_section(GeneralConfig, raw_config)
    network = _parse_section(NetworkConfig, raw_config)
    service = _parse_section(ServiceConfig, raw_config)
    observability = _parse_section(ObservabilityConfig, raw_config)
    _validate_general(general)
    _validate_network(network)
    _validate_service(service, general, region)
    _validate_execute_command(service, network)
    _validate_against_app_contract(service)
    _validate_observability(observability, service)
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
    raw: Mapping[str, Any] | None = None, *, stack: str | None = None
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
