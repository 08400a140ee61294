"""Typed stack configuration, parsed and validated once before any resource is registered.

Every setting of the project namespace is declared once, as a field of one of the frozen section
dataclasses (general, network, service, observability), through ``settings.setting``: its
default, its documentation, the (resource type, property path) pairs it affects and a valid
example. Pulumi.yaml's config block is generated from those declarations (``make config-block``),
and the config reachability test renders each example to prove the pairs. The config key of a
field is its camelCase name (``vpc_cidr`` -> ``ecs-fargate:vpcCidr``).

A bad value raises :class:`ConfigError` (a ``pulumi.RunError``: one line, no stack trace) naming the
key, the value and what is allowed.

The modules: ``settings`` (how a setting is declared), ``general``, ``network``, ``service`` and
``observability`` (the declarations), ``stack`` (StackConfig and the key list), ``parse`` (raw
values into typed ones), ``limits`` and the ``rules_*`` modules (validation), ``load`` (the
running stack's config). Every name callers use is importable from ``components.config``.
"""

from __future__ import annotations

from components.config.general import GeneralConfig
from components.config.limits import (
    BOUNDARY_ARN,
    BOUNDARY_NAME,
    CAPACITY_PROVIDERS,
    EGRESS_ENDPOINTS,
    EGRESS_IPV6_ONLY,
    EGRESS_MODES,
    ENVIRONMENTS,
    FARGATE_SIZES,
    LOG_RETENTION_DAYS,
    MAX_STACK_NAME_LENGTH,
    PLACEHOLDER_DOMAINS,
    PLACEHOLDER_TLDS,
    PLACEHOLDER_ZONE_MARK,
    PULLABLE_REPOSITORY_PREFIX,
    REQUIRED_DEFAULT_TAGS,
    REQUIRED_INTERFACE_ENDPOINTS,
    fargate_memories,
    is_placeholder_domain,
)
from components.config.load import (
    load_stack_config,
    parse_stack_config,
    raw_stack_config,
    secret_input,
)
from components.config.network import NetworkConfig
from components.config.observability import ObservabilityConfig, SloTargets
from components.config.rules_service import APP_CONTRACT, validate_image_pull
from components.config.service import CapacityProviderShare, NightSchedule, ServiceConfig
from components.config.settings import (
    ConfigError,
    DeclaredSetting,
    Setting,
    camel,
    config_error,
    settings_of,
)
from components.config.stack import (
    PROJECT,
    SECTIONS,
    StackConfig,
    config_key,
    declared_keys,
    declared_settings,
    setting_affects,
)

__all__ = [
    "APP_CONTRACT",
    "BOUNDARY_ARN",
    "BOUNDARY_NAME",
    "CAPACITY_PROVIDERS",
    "EGRESS_ENDPOINTS",
    "EGRESS_IPV6_ONLY",
    "EGRESS_MODES",
    "ENVIRONMENTS",
    "FARGATE_SIZES",
    "LOG_RETENTION_DAYS",
    "MAX_STACK_NAME_LENGTH",
    "PLACEHOLDER_DOMAINS",
    "PLACEHOLDER_TLDS",
    "PLACEHOLDER_ZONE_MARK",
    "PROJECT",
    "PULLABLE_REPOSITORY_PREFIX",
    "REQUIRED_DEFAULT_TAGS",
    "REQUIRED_INTERFACE_ENDPOINTS",
    "SECTIONS",
    "CapacityProviderShare",
    "ConfigError",
    "DeclaredSetting",
    "GeneralConfig",
    "NetworkConfig",
    "NightSchedule",
    "ObservabilityConfig",
    "ServiceConfig",
    "Setting",
    "SloTargets",
    "StackConfig",
    "camel",
    "config_error",
    "config_key",
    "declared_keys",
    "declared_settings",
    "fargate_memories",
    "is_placeholder_domain",
    "load_stack_config",
    "parse_stack_config",
    "raw_stack_config",
    "secret_input",
    "setting_affects",
    "settings_of",
    "validate_image_pull",
]
