"""What ECS returns for a task definition's container definitions: RegisterTaskDefinition, then
DescribeTaskDefinition, as the provider stores them after Create."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tools.day2.container_equivalence import (
    HEALTH_CHECK_DEFAULTS,
    compact_arrays,
    order_by_name,
)
from tools.day2.container_schema import (
    CONTAINER_DEFINITION,
    CONTAINER_DEFINITIONS,
    ENUM,
    Kind,
    Slice,
    Struct,
    go_decode,
)

# Each rule fills one field ECS adds to what it was sent; each cites where the returned value is
# recorded. "Provider tests" is terraform-provider-aws internal/service/ecs/
# container_definitions_test.go, whose apiRepresentation strings are DescribeTaskDefinition output.


def _fill_cpu(definition: dict[str, Any], _: bool) -> None:
    # Provider tests (TestContainerDefinitionsAreEquivalent_arrays: "cpu": 0 for containers that
    # set none); hashicorp/terraform-aws-consul-ecs#318 ("cpu = 0 -> null" in a perpetual diff).
    definition.setdefault("cpu", 0)


def _fill_essential(definition: dict[str, Any], _: bool) -> None:
    # API reference ContainerDefinition.essential: "assumed to be true" when omitted; provider
    # tests return "essential": true for containers that did not set it.
    definition.setdefault("essential", True)


def _fill_empty_lists(definition: dict[str, Any], _: bool) -> None:
    # Provider tests (_basic, _arrays, _healthCheck: "environment": [], "mountPoints": [],
    # "volumesFrom": [], "portMappings": [], "systemControls": []); terraform-aws-consul-ecs#318
    # ("portMappings = [] -> null", "systemControls = [] -> null"); terraform-aws-modules/
    # terraform-aws-ecs#176 (systemControls = [] "to quiet the diff").
    for name in ("environment", "mountPoints", "volumesFrom", "portMappings", "systemControls"):
        definition.setdefault(name, [])


def _fill_port_mapping_defaults(definition: dict[str, Any], is_awsvpc: bool) -> None:
    # API reference PortMapping: protocol defaults to tcp; with awsvpc the hostPort "can either be
    # left blank or set to the same value as the containerPort" and is returned equal to it;
    # provider tests return "protocol": "tcp" and, without awsvpc, "hostPort": 0.
    for mapping in definition.get("portMappings") or []:
        mapping.setdefault("protocol", "tcp")
        if "containerPort" in mapping:
            mapping.setdefault("hostPort", mapping["containerPort"] if is_awsvpc else 0)


def _fill_health_check_defaults(definition: dict[str, Any], _: bool) -> None:
    # API reference HealthCheck defaults; provider test _healthCheck returns interval 30,
    # retries 3, timeout 5 for a health check that set only the command (startPeriod stays off).
    health_check = definition.get("healthCheck")
    if isinstance(health_check, dict):
        for key, default in HEALTH_CHECK_DEFAULTS.items():
            health_check.setdefault(key, default)


def _normalise_capabilities(definition: dict[str, Any], _: bool) -> None:
    # ECS stores capabilities with both lists: {"add": [], "drop": ["ALL"]}
    # (terraform-aws-modules/terraform-aws-ecs#176 adds `add = []` "just to quiet the diff";
    # braintrustdata/terraform-aws-braintrust-data-plane#335: "AWS persists
    # linuxParameters.capabilities as {add=[], drop=["ALL"]}"), and drops an empty
    # `capabilities: {}` on read-back (TerraConstructs/base#158).
    linux = definition.get("linuxParameters")
    if not isinstance(linux, dict) or not isinstance(linux.get("capabilities"), dict):
        return
    capabilities = linux["capabilities"]
    if not capabilities:
        del linux["capabilities"]
    elif "drop" in capabilities:
        capabilities.setdefault("add", [])


ECS_READ_BACK_RULES: tuple[Callable[[dict[str, Any], bool], None], ...] = (
    _fill_cpu,
    _fill_essential,
    _fill_empty_lists,
    _fill_port_mapping_defaults,
    _fill_health_check_defaults,
    _normalise_capabilities,
)


def registered(document: str) -> list[dict[str, Any]]:
    """What the provider sends to RegisterTaskDefinition: the program's JSON decoded into the SDK
    type (unknown keys gone), compacted, and serialised without nil or zero-value fields."""
    definitions = go_decode(CONTAINER_DEFINITIONS, json.loads(document)) or []
    compact_arrays(definitions)
    return [_serialised(CONTAINER_DEFINITION, definition) for definition in definitions]


def _serialised(kind: Kind, value: Any) -> Any:
    # The SDK's serializer writes no nil field, no empty enum and no zero cpu (the one optional
    # value-typed int32); required value fields (ulimit limits, tmpfs size) are always written.
    if isinstance(kind, Struct):
        return {
            name: _serialised(kind.fields[name], item)
            for name, item in value.items()
            if item is not None
            and not (kind.fields[name] == ENUM and item == "")
            and not (name == "cpu" and item == 0)
        }
    if isinstance(kind, Slice):
        return [_serialised(kind.element, item) for item in value]
    return value


def ecs_read_back(document: str, *, network_mode: str | None) -> str:
    """The container definitions DescribeTaskDefinition returns for ``document``, as the
    provider stores them after Create (Read orders containers, environment and secrets)."""
    definitions = registered(document)
    is_awsvpc = network_mode == "awsvpc"
    for definition in definitions:
        for rule in ECS_READ_BACK_RULES:
            rule(definition, is_awsvpc)
    order_by_name(definitions)
    return json.dumps(definitions)
