"""Second `up` with no change: the diff the provider would show, predicted from the offline graph.

The mocks echo inputs, so the offline graph only ever shows a first create. A real second `up`
compares the program's inputs with the state the provider wrote after reading the resource back
from AWS, and AWS does not return exactly what it was sent. This module models that read-back for
the properties the provider compares by value, then applies the provider's own equivalence check,
so a value AWS rewrites shows up here as the diff (and, for a replace-forcing property, the
replacement) a real second `up` would plan. docs/offline-graph.md ("Second up with no change") lists
what is modelled, its sources and what is not.

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

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pulumi

from tools.offline import plan_stack

Effect = Literal["replace", "update"]

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
NO_DIFF = "second up with no change: no diff predicted"


@dataclass(frozen=True, kw_only=True)
class PredictedChange:
    """One property an unchanged second `up` would change."""

    urn: str
    type: str
    property: str
    why: str
    effect: Effect


# --- The SDK's ContainerDefinition, as Go's encoding/json sees it -------------------------------
# Shapes from the ECS API model (botocore data/ecs/2014-11-13/service-2.json, the same Smithy model
# aws-sdk-go-v2 service/ecs/types is generated from): `Boxed*` members and strings become pointers
# (absent = nil), `Integer` members with a default (cpu, ulimit limits, tmpfs size) and enums are
# values (absent = 0 or ""), lists are slices, maps are map[string]string, nested structures are
# pointers, and list elements are values.


@dataclass(frozen=True)
class Scalar:
    go: Literal["string", "int32", "bool"]
    pointer: bool

    @property
    def zero(self) -> Any:
        if self.pointer:
            return None
        return {"string": "", "int32": 0, "bool": False}[self.go]


@dataclass(frozen=True)
class Slice:
    element: Kind


@dataclass(frozen=True)
class StringMap:
    pass


@dataclass(frozen=True)
class Struct:
    name: str
    fields: Mapping[str, Kind]


Kind = Scalar | Slice | StringMap | Struct

STRING = Scalar("string", pointer=True)  # *string
INT = Scalar("int32", pointer=True)  # *int32 (BoxedInteger)
BOOL = Scalar("bool", pointer=True)  # *bool (BoxedBoolean)
INT_VALUE = Scalar("int32", pointer=False)  # int32 with default 0
ENUM = Scalar("string", pointer=False)  # a string enum type: "" when absent
STRINGS = Slice(Scalar("string", pointer=False))  # []string
MAP = StringMap()


def _struct(type_name: str, /, **fields: Kind) -> Struct:
    return Struct(type_name, fields)


_KEY_VALUE = _struct("KeyValuePair", name=STRING, value=STRING)
_SECRET = _struct("Secret", name=STRING, valueFrom=STRING)
CONTAINER_DEFINITION = _struct(
    "ContainerDefinition",
    name=STRING,
    image=STRING,
    repositoryCredentials=_struct("RepositoryCredentials", credentialsParameter=STRING),
    cpu=INT_VALUE,
    memory=INT,
    memoryReservation=INT,
    links=STRINGS,
    portMappings=Slice(
        _struct(
            "PortMapping",
            containerPort=INT,
            hostPort=INT,
            protocol=ENUM,
            name=STRING,
            appProtocol=ENUM,
            containerPortRange=STRING,
        )
    ),
    essential=BOOL,
    restartPolicy=_struct(
        "ContainerRestartPolicy",
        enabled=BOOL,
        ignoredExitCodes=Slice(INT_VALUE),
        restartAttemptPeriod=INT,
    ),
    entryPoint=STRINGS,
    command=STRINGS,
    environment=Slice(_KEY_VALUE),
    environmentFiles=Slice(_struct("EnvironmentFile", value=STRING, type=ENUM)),
    mountPoints=Slice(
        _struct("MountPoint", sourceVolume=STRING, containerPath=STRING, readOnly=BOOL)
    ),
    volumesFrom=Slice(_struct("VolumeFrom", sourceContainer=STRING, readOnly=BOOL)),
    linuxParameters=_struct(
        "LinuxParameters",
        capabilities=_struct("KernelCapabilities", add=STRINGS, drop=STRINGS),
        devices=Slice(
            _struct("Device", hostPath=STRING, containerPath=STRING, permissions=Slice(ENUM))
        ),
        initProcessEnabled=BOOL,
        sharedMemorySize=INT,
        tmpfs=Slice(_struct("Tmpfs", containerPath=STRING, size=INT_VALUE, mountOptions=STRINGS)),
        maxSwap=INT,
        swappiness=INT,
    ),
    secrets=Slice(_SECRET),
    dependsOn=Slice(_struct("ContainerDependency", containerName=STRING, condition=ENUM)),
    startTimeout=INT,
    stopTimeout=INT,
    versionConsistency=ENUM,
    hostname=STRING,
    user=STRING,
    workingDirectory=STRING,
    disableNetworking=BOOL,
    privileged=BOOL,
    readonlyRootFilesystem=BOOL,
    dnsServers=STRINGS,
    dnsSearchDomains=STRINGS,
    extraHosts=Slice(_struct("HostEntry", hostname=STRING, ipAddress=STRING)),
    dockerSecurityOptions=STRINGS,
    interactive=BOOL,
    pseudoTerminal=BOOL,
    dockerLabels=MAP,
    ulimits=Slice(_struct("Ulimit", name=ENUM, softLimit=INT_VALUE, hardLimit=INT_VALUE)),
    logConfiguration=_struct(
        "LogConfiguration", logDriver=ENUM, options=MAP, secretOptions=Slice(_SECRET)
    ),
    healthCheck=_struct(
        "HealthCheck",
        command=STRINGS,
        interval=INT,
        timeout=INT,
        retries=INT,
        startPeriod=INT,
    ),
    systemControls=Slice(_struct("SystemControl", namespace=STRING, value=STRING)),
    resourceRequirements=Slice(_struct("ResourceRequirement", value=STRING, type=ENUM)),
    firelensConfiguration=_struct("FirelensConfiguration", type=ENUM, options=MAP),
    credentialSpecs=STRINGS,
)
CONTAINER_DEFINITIONS = Slice(CONTAINER_DEFINITION)

_INT32 = range(-(2**31), 2**31)


class GoDecodeError(ValueError):
    """The JSON does not decode into the SDK type (the provider's check then says "different")."""


def go_decode(kind: Kind, value: Any, path: str = "$") -> Any:
    """``value`` (parsed JSON) as Go's encoding/json would leave ``kind`` after Unmarshal, in a
    canonical form: a struct is a dict with every field, nil is None, a value type is its zero."""
    if value is None:  # null leaves pointers, slices and maps nil and value types at their zero
        return _zero(kind)
    if isinstance(kind, Scalar):
        return _decode_scalar(kind, value, path)
    if isinstance(kind, Slice):
        if not isinstance(value, list):
            raise GoDecodeError(f"{path}: cannot unmarshal {type(value).__name__} into a slice")
        return [
            _decode_element(kind.element, item, f"{path}[{index}]")
            for index, item in enumerate(value)
        ]
    if isinstance(kind, StringMap):
        if not isinstance(value, dict):
            raise GoDecodeError(f"{path}: cannot unmarshal {type(value).__name__} into a map")
        return {key: _decode_scalar(ENUM, item, f"{path}.{key}") for key, item in value.items()}
    if not isinstance(value, dict):
        raise GoDecodeError(f"{path}: cannot unmarshal {type(value).__name__} into {kind.name}")
    decoded = {name: _zero(field) for name, field in kind.fields.items()}
    for key, item in value.items():
        name = _field_for(kind, key)
        if name is not None:  # unknown keys are ignored
            decoded[name] = go_decode(kind.fields[name], item, f"{path}.{name}")
    return decoded


def _decode_element(kind: Kind, value: Any, path: str) -> Any:
    # Slice elements are values, not pointers: a null element is the zero struct.
    if value is None and isinstance(kind, Struct):
        return {name: _zero(field) for name, field in kind.fields.items()}
    return go_decode(kind, value, path)


def _zero(kind: Kind) -> Any:
    return kind.zero if isinstance(kind, Scalar) else None


def _field_for(kind: Struct, key: str) -> str | None:
    """encoding/json prefers an exact field name, then a case-insensitive match."""
    if key in kind.fields:
        return key
    return next((name for name in kind.fields if name.lower() == key.lower()), None)


def _decode_scalar(kind: Scalar, value: Any, path: str) -> Any:
    if value is None:
        return kind.zero
    if kind.go == "bool":
        if isinstance(value, bool):
            return value
    elif kind.go == "string":
        if isinstance(value, str):
            return value
    elif isinstance(value, int) and not isinstance(value, bool) and value in _INT32:
        return value  # a JSON number with a fraction or exponent (Python float) is an error
    raise GoDecodeError(f"{path}: cannot unmarshal {value!r} into {kind.go}")


def _is_zero_element(kind: Kind, value: Any) -> bool:
    """A slice element equal to its type's zero value (what compactArray drops)."""
    if isinstance(kind, Struct):
        return all(_is_zero_field(kind.fields[name], item) for name, item in value.items())
    return value == _zero(kind)


def _is_zero_field(kind: Kind, value: Any) -> bool:
    # A non-nil pointer, slice or map is not zero, even when it points to or holds nothing.
    if isinstance(kind, Scalar) and not kind.pointer:
        return value == kind.zero
    return value is None


# --- The provider's equivalence check (containerDefinitionsAreEquivalent + reduce) --------------

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
_HEALTH_CHECK_DEFAULTS = {"interval": 30, "retries": 3, "timeout": 5}


def _by_name(item: Mapping[str, Any]) -> str:
    return item.get("name") or ""


def compact_arrays(definitions: list[dict[str, Any]]) -> None:
    """Drop zero-value elements from the object lists (what a sparse list decodes to)."""
    fields = CONTAINER_DEFINITION.fields
    for definition in definitions:
        for name in _COMPACTED:
            items = definition[name]
            kind = fields[name]
            if items and isinstance(kind, Slice):
                definition[name] = [
                    item for item in items if not _is_zero_element(kind.element, item)
                ]


def reduce_definitions(definitions: list[dict[str, Any]], *, is_awsvpc: bool) -> None:
    """The provider's `reduce`, in place, on decoded definitions."""
    definitions.sort(key=_by_name)
    for definition in definitions:
        for name in ("environment", "secrets"):
            if definition[name]:
                definition[name].sort(key=_by_name)
    compact_arrays(definitions)
    for definition in definitions:
        if definition["essential"] is None:
            definition["essential"] = True
        health_check = definition["healthCheck"]
        if health_check is not None:
            for key, default in _HEALTH_CHECK_DEFAULTS.items():
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


# --- What ECS returns: RegisterTaskDefinition, then DescribeTaskDefinition ----------------------
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
        for key, default in _HEALTH_CHECK_DEFAULTS.items():
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
    definitions.sort(key=_by_name)
    for definition in definitions:
        for name in ("environment", "secrets"):
            if definition.get(name):
                definition[name].sort(key=_by_name)
    return json.dumps(definitions)


def _container_definition_changes(resource: Mapping[str, Any]) -> list[PredictedChange]:
    document = resource["inputs"].get("containerDefinitions")
    if not isinstance(document, str):
        return []
    network_mode = resource["inputs"].get("networkMode")
    state = ecs_read_back(document, network_mode=network_mode)
    is_awsvpc = network_mode == "awsvpc"
    if container_definitions_are_equivalent(state, document, is_awsvpc=is_awsvpc):
        return []
    return [
        PredictedChange(
            urn=resource["urn"],
            type=resource["type"],
            property="containerDefinitions",
            why="ECS returns "
            + _first_difference(state, document, is_awsvpc=is_awsvpc)
            + "; containerDefinitions forces a new task definition revision, which rolls every "
            "task",
            effect="replace",
        )
    ]


def _first_difference(state: str, program: str, *, is_awsvpc: bool) -> str:
    """Where the reduced read-back and the reduced program first differ, for the report."""
    difference = _difference(
        reduced(state, is_awsvpc=is_awsvpc), reduced(program, is_awsvpc=is_awsvpc), "$"
    )
    return difference or "a definition the provider cannot decode"


def _difference(ours: Any, theirs: Any, path: str) -> str | None:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in ours:
            found = _difference(ours[key], theirs.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            found = _difference(mine, other, f"{path}[{index}]")
            if found:
                return found
        return None
    if ours == theirs:
        return None
    return f"{path} = {json.dumps(ours)} where the program has {json.dumps(theirs)}"


# --- Policy documents --------------------------------------------------------------------------
# Which check the provider applies per type (its schema DiffSuppressFunc), and whether the property
# forces a replacement. terraform-provider-aws, same commits as above.


@dataclass(frozen=True)
class PolicyProperty:
    property: str
    equivalent: Callable[[str, str], bool]
    effect: Effect
    source: str


def policies_are_equivalent(first: str, second: str) -> bool:
    """hashicorp/awspolicyequivalence PoliciesAreEquivalent (aws_policy_equivalence.go at
    3ec3a968, the version that compares boolean and number condition values as strings), as
    verify.SuppressEquivalentPolicyDiffs calls it: an error means "not equivalent"."""
    if first.strip() in ("", "{}") and second.strip() in ("", "{}"):
        return True
    try:
        ours, theirs = _policy_document(first), _policy_document(second)
    except (ValueError, TypeError):
        return False
    return ours == theirs or _documents_equal(ours, theirs)


def _policy_document(text: str) -> dict[str, Any]:
    text = text.strip()
    if text.startswith("["):  # a one-element list of documents (assume-role pseudo-JSON)
        text = text.removeprefix("[").removesuffix("]").strip() or "{}"
    document = json.loads(text)
    if not isinstance(document, dict):
        raise TypeError("a policy document is an object")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise TypeError("Statement is an object or a list of objects")
    return {
        "Version": document.get("Version") or "",
        "Id": document.get("Id") or "",
        "Statement": statements,
    }


def _documents_equal(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if ours["Version"] != theirs["Version"] or ours["Id"] != theirs["Id"]:
        return False
    mine, other = ours["Statement"], theirs["Statement"]
    return (
        len(mine) == len(other)
        and all(any(_statements_equal(a, b) for b in other) for a in mine)
        and all(any(_statements_equal(b, a) for a in mine) for b in other)
    )


def _string_set(members: Any) -> list[str] | None:
    """newStringSet: a string or list becomes a list of strings; booleans and numbers are
    formatted as Go does; anything else is "not a set" (None)."""
    if members is None:
        return []
    items = members if isinstance(members, list) else [members]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str):
            out.append(item)
        elif isinstance(item, int | float):
            out.append(_go_float(item))
        else:
            return None
    return out


def _go_float(number: float) -> str:
    """strconv.FormatFloat(v, 'f', -1, 64): shortest decimal, never an exponent."""
    text = repr(float(number))
    if "e" in text or "E" in text:
        text = f"{float(number):f}".rstrip("0").rstrip(".")
    return text.removesuffix(".0")


def _same_members(ours: list[str] | None, theirs: list[str] | None) -> bool:
    # stringSlicesEqualIgnoreOrder: equal after sorting; two non-sets (nil) are equal too.
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return sorted(ours) == sorted(theirs)


def _statements_equal(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if (ours.get("Sid") or "") != (theirs.get("Sid") or ""):
        return False
    if str(ours.get("Effect") or "").lower() != str(theirs.get("Effect") or "").lower():
        return False
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if not _same_members(_string_set(ours.get(key)), _string_set(theirs.get(key))):
            return False
    if not _conditions_equal(ours.get("Condition"), theirs.get("Condition")):
        return False
    for key in ("Principal", "NotPrincipal"):
        mine, other = ours.get(key), theirs.get(key)
        if (mine is not None or other is not None) and not (
            _string_principals_equal(mine, other) or _map_principals_equal(mine, other)
        ):
            return False
    return True


def _conditions_equal(ours: Any, theirs: Any) -> bool:
    if (ours is None) != (theirs is None):
        return False
    ours, theirs = ours or {}, theirs or {}
    if len(ours) != len(theirs) or set(ours) != set(theirs):
        return False
    for operator, block in ours.items():
        other = theirs[operator]
        if not isinstance(block, dict) or not isinstance(other, dict) or set(block) != set(other):
            return False
        for key, value in block.items():
            mine, their = _string_set(value), _string_set(other[key])
            # stringSet.equals: same length and the same members as sets.
            if mine is None or their is None or len(mine) != len(their):
                return False
            if set(mine) != set(their):
                return False
    return True


def _string_principals_equal(ours: Any, theirs: Any) -> bool:
    if not isinstance(ours, str) or not isinstance(theirs, str):
        return False
    if ours == theirs:
        return True
    # "Handle AWS converting account ID principal to root IAM user ARN".
    return _is_root_of(ours, theirs) or _is_root_of(theirs, ours)


def _is_root_of(account: str, principal: str) -> bool:
    parts = principal.split(":", 5)
    return (
        len(account) == 12
        and account.isdigit()
        and len(parts) == 6
        and parts[0] == "arn"
        and parts[2] == "iam"
        and parts[4] == account
        and parts[5] == "root"
    )


def _map_principals_equal(ours: Any, theirs: Any) -> bool:
    def normalised(principal: Any) -> dict[str, list[str]]:
        if not isinstance(principal, dict):
            return {}
        out: dict[str, list[str]] = {}
        for key, value in principal.items():
            members = _string_set(value)
            if members:
                out[key] = members
        return out

    mine, other = normalised(ours), normalised(theirs)
    if set(mine) != set(other):
        return False
    return all(
        len(mine[key]) == len(other[key])
        and all(any(_string_principals_equal(a, b) for b in other[key]) for a in mine[key])
        and all(any(_string_principals_equal(b, a) for a in mine[key]) for b in other[key])
        for key in mine
    )


def lifecycle_policies_are_equivalent(first: str, second: str) -> bool:
    """ECR `equivalentLifecyclePolicyJSON` (internal/service/ecr/lifecycle_policy.go): decode into
    the provider's own typed rule struct, sort rules by priority and tag lists, compare."""
    try:
        return _lifecycle(first) == _lifecycle(second)
    except (ValueError, TypeError, AttributeError):
        return False


def _lifecycle(text: str) -> list[dict[str, Any]]:
    document = json.loads(text if text.strip() else "{}")
    rules = [
        {
            "rulePriority": rule.get("rulePriority"),
            "description": rule.get("description"),
            "selection": _lifecycle_selection(rule.get("selection")),
            "action": (
                None
                if rule.get("action") is None
                else {
                    "type": rule["action"].get("type"),
                    "targetStorageClass": rule["action"].get("targetStorageClass"),
                }
            ),
        }
        for rule in document.get("rules") or []
    ]
    return sorted(rules, key=lambda rule: rule["rulePriority"] or 0)


def _lifecycle_selection(selection: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if selection is None:
        return None
    scalars = ("tagStatus", "storageClass", "countType", "countUnit", "countNumber")
    out: dict[str, Any] = {key: selection.get(key) for key in scalars}
    for key in ("tagPatternList", "tagPrefixList"):
        out[key] = sorted(selection.get(key) or []) or None
    return out


_IAM_DOCUMENT = "verify.SuppressEquivalentPolicyDiffs (awspolicyequivalence)"
POLICY_PROPERTIES: dict[str, PolicyProperty] = {
    "aws:iam/role:Role": PolicyProperty(
        "assumeRolePolicy", policies_are_equivalent, "update",
        f"internal/service/iam/role.go assume_role_policy: {_IAM_DOCUMENT}; Read URL-decodes "
        "the document and keeps the program's text when equivalent (verify.PolicyToSet)",
    ),
    "aws:iam/rolePolicy:RolePolicy": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        f"internal/service/iam/role_policy.go policy: {_IAM_DOCUMENT}; Read URL-decodes",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        "internal/service/s3/bucket_policy.go policy: sdkv2.IAMPolicyDocumentSchemaRequired "
        "(internal/sdkv2/schema.go: SuppressEquivalentIAMPolicyDocuments)",
    ),
    "aws:kms/key:Key": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        "internal/service/kms/key.go policy: sdkv2.IAMPolicyDocumentSchemaOptionalComputed",
    ),
    "aws:sns/topic:Topic": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        "internal/service/sns/topic.go policy: sdkv2.IAMPolicyDocumentSchemaOptionalComputed",
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": PolicyProperty(
        "policy", policies_are_equivalent, "update",
        f"internal/service/ec2/vpc_endpoint.go policy: {_IAM_DOCUMENT}",
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": PolicyProperty(
        "policy", lifecycle_policies_are_equivalent, "replace",
        "internal/service/ecr/lifecycle_policy.go policy: ForceNew, equivalentLifecyclePolicyJSON",
    ),
}  # fmt: skip


def policy_read_back(document: str) -> str:
    """The policy text AWS returns for ``document``.

    IAM returns documents URL-encoded (the provider URL-decodes them: iam/role.go Read);
    condition values come back as strings ("false", not false: crossplane-contrib/provider-aws
    #1771, ansible/ansible#61115); a bare account-id principal comes back as its root ARN
    (awspolicyequivalence: "Handle AWS converting account ID principal to root IAM user ARN").
    """
    # The URL-encoding round trip is lossless (RFC 3986 escapes), so it is not modelled.
    parsed = json.loads(document)
    if not isinstance(parsed, dict):
        return json.dumps(parsed)
    statements = parsed.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            continue
        for block in (statement.get("Condition") or {}).values():
            if isinstance(block, dict):
                for key, value in block.items():
                    block[key] = _condition_strings(value)
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key)
            if isinstance(principal, dict) and "AWS" in principal:
                principal["AWS"] = _root_arns(principal["AWS"])
    return json.dumps(parsed)


def _condition_strings(value: Any) -> Any:
    if isinstance(value, list):
        return [_condition_strings(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _go_float(value)
    return value


def _root_arns(value: Any) -> Any:
    if isinstance(value, list):
        return [_root_arns(item) for item in value]
    if isinstance(value, str) and len(value) == 12 and value.isdigit():
        return f"arn:aws:iam::{value}:root"
    return value


def _policy_changes(resource: Mapping[str, Any]) -> list[PredictedChange]:
    spec = POLICY_PROPERTIES.get(resource["type"])
    document = resource["inputs"].get(spec.property) if spec else None
    if spec is None or not isinstance(document, str) or not document.strip():
        return []
    read_back = policy_read_back(document)
    if spec.equivalent(read_back, document):
        return []
    return [
        PredictedChange(
            urn=resource["urn"],
            type=resource["type"],
            property=spec.property,
            why=f"AWS returns a document the provider's check does not match ({spec.source})",
            effect=spec.effect,
        )
    ]


# --- The whole graph ---------------------------------------------------------------------------


def predict_second_up(graph: Mapping[str, Any]) -> list[PredictedChange]:
    """The diff an unchanged second `up` of ``graph`` (build/<stack>/graph.json) would show."""
    changes: list[PredictedChange] = []
    for resource in graph["resources"]:
        if not resource.get("custom"):
            continue
        if resource["type"] == TASK_DEFINITION:
            changes.extend(_container_definition_changes(resource))
        changes.extend(_policy_changes(resource))
    return changes


def format_changes(changes: Sequence[PredictedChange]) -> str:
    if not changes:
        return NO_DIFF
    lines = [f"second up with no change: {len(changes)} change(s) predicted"]
    for change in changes:
        lines.append(f"  {change.effect:7} {change.type} {change.property}\n    {change.urn}")
        lines.append(f"    why: {change.why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Predict the diff of an unchanged second `up`.")
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--graph", type=Path, help="a graph.json to read instead of planning")
    args = parser.parse_args(argv)
    if args.graph:
        graph = json.loads(args.graph.read_text())
    else:
        try:
            graph = plan_stack(args.stack)
        except pulumi.RunError as error:  # a config error: one line, as `make plan` prints it
            print(f"error: {error}", file=sys.stderr)
            return 1
    changes = predict_second_up(graph)
    print(format_changes(changes))
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
