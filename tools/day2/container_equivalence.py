"""The provider's equivalence check for `containerDefinitions` (containerDefinitionsAreEquivalent,
reduce, compactArrays): two documents that differ only in what AWS fills in plan no diff.

Which provider code: pulumi-aws 7.51.1 bridges hashicorp/terraform-provider-aws v6 (its `upstream`
submodule; pulumi/pulumi-aws#6392 moved it to v6.46.0 on 2026-05-22, and 7.51.1 is later). The exact
submodule commit could not be read here (the repository snapshot is over the fetch limit), so the
port follows `internal/service/ecs/container_definitions.go` as stored at two commits that bracket
it, c67cc847 (HashiCorp header, the AWS SDK v2 era) and 108f85fd (2026 header): their
`containerDefinitionsAreEquivalent`, `reduce` and `compactArrays` are identical, so the tag in
between has the same rules. The ECS task definition schema (`internal/service/ecs/task_definition.go`
at the same commits) marks `container_definitions` ForceNew with that DiffSuppressFunc, and Read
stores DescribeTaskDefinition's answer, ordered but otherwise as AWS returned it.

The port is written from those facts, not translated line by line: the provider decodes each JSON
document into aws-sdk-go-v2's `types.ContainerDefinition` (unknown keys dropped, keys matched
case-insensitively, a type mismatch is an error and so "not equivalent"), reduces it and compares
the re-encoded structs, in which every field is present: an absent pointer or slice is `null`, an
empty slice `[]`, so `"add": []` and no `add` differ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tools.day2.container_schema import (
    CONTAINER_DEFINITION,
    CONTAINER_DEFINITIONS,
    GoDecodeError,
    Slice,
    go_decode,
    is_zero_element,
)

# compactArrays: the object lists whose zero-value elements are dropped.
_COMPACTED = (
    "dependsOn", "environment", "environmentFiles", "extraHosts", "mountPoints", "portMappings",
    "resourceRequirements", "secrets", "systemControls", "ulimits", "volumesFrom",
)  # fmt: skip
# reduce: the slices for which empty and absent are the same.
_EMPTY_IS_ABSENT = (
    "command", "credentialSpecs", "dependsOn", "dnsSearchDomains", "dnsServers",
    "dockerSecurityOptions", "entryPoint", "environment", "environmentFiles", "extraHosts",
    "links", "mountPoints", "portMappings", "resourceRequirements", "secrets", "systemControls",
    "ulimits", "volumesFrom",
)  # fmt: skip
# reduce: the API defaults it fills in when absent (API reference, ContainerDefinition/HealthCheck).
HEALTH_CHECK_DEFAULTS = {"interval": 30, "retries": 3, "timeout": 5}


def _by_name(item: Mapping[str, Any]) -> str:
    return item.get("name") or ""


def order_by_name(definitions: list[dict[str, Any]]) -> None:
    """Containers, and each one's environment and secrets, by name (as the provider's Read and
    its `reduce` both order them)."""
    definitions.sort(key=_by_name)
    for definition in definitions:
        for name in ("environment", "secrets"):
            if definition.get(name):
                definition[name].sort(key=_by_name)


def compact_arrays(definitions: list[dict[str, Any]]) -> None:
    """Drop zero-value elements from the object lists (what a sparse list decodes to)."""
    fields = CONTAINER_DEFINITION.fields
    for definition in definitions:
        for name in _COMPACTED:
            items = definition[name]
            kind = fields[name]
            if items and isinstance(kind, Slice):
                definition[name] = [
                    item for item in items if not is_zero_element(kind.element, item)
                ]


def reduce_definitions(definitions: list[dict[str, Any]], *, is_awsvpc: bool) -> None:
    """The provider's `reduce`, in place, on decoded definitions."""
    order_by_name(definitions)
    compact_arrays(definitions)
    for definition in definitions:
        if definition["essential"] is None:
            definition["essential"] = True
        health_check = definition["healthCheck"]
        if health_check is not None:
            for key, default in HEALTH_CHECK_DEFAULTS.items():
                if health_check[key] is None:
                    health_check[key] = default
        for mapping in definition["portMappings"] or []:
            if mapping["protocol"] == "tcp":
                mapping["protocol"] = ""
            if not mapping["hostPort"]:
                mapping["hostPort"] = None
            if is_awsvpc and mapping["hostPort"] is None:
                mapping["hostPort"] = mapping["containerPort"]
        for name in _EMPTY_IS_ABSENT:
            if not definition[name]:
                definition[name] = None


def reduced(document: str, *, is_awsvpc: bool) -> list[dict[str, Any]]:
    definitions = go_decode(CONTAINER_DEFINITIONS, json.loads(document)) or []
    reduce_definitions(definitions, is_awsvpc=is_awsvpc)
    return definitions


def container_definitions_are_equivalent(first: str, second: str, *, is_awsvpc: bool) -> bool:
    """The provider's DiffSuppressFunc for `containerDefinitions`: True means no diff."""
    try:
        return reduced(first, is_awsvpc=is_awsvpc) == reduced(second, is_awsvpc=is_awsvpc)
    except (GoDecodeError, json.JSONDecodeError):
        return False  # the provider ignores the error and reports a diff
