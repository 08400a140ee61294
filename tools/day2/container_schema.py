"""The SDK's ContainerDefinition, as Go's encoding/json sees it: its shape and a decoder.

The shape is declared in container_definition.toml beside this module, as Go declares it (from the
ECS API model): `Boxed*` members and strings become pointers (absent = nil), `Integer` members with
a default (cpu, ulimit limits, tmpfs size) and enums are values (absent = 0 or ""), lists are
slices, maps are map[string]string, nested structures are pointers, and list elements are values.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

GoScalar = Literal["string", "int32", "bool"]
_SCALARS: tuple[GoScalar, ...] = ("string", "int32", "bool")


@dataclass(frozen=True)
class Scalar:
    go: GoScalar
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

ENUM = Scalar("string", pointer=False)  # a string enum type: "" when absent
MAP = StringMap()


def _kind(go_type: str, structs: Mapping[str, Mapping[str, str]]) -> Kind:
    """The Kind of a Go type as container_definition.toml writes it ("*string", "[]PortMapping")."""
    if go_type.startswith("[]"):
        return Slice(_kind(go_type.removeprefix("[]"), structs))
    if go_type == "map[string]string":
        return MAP
    name = go_type.removeprefix("*")
    for scalar in _SCALARS:
        if name == scalar:
            return Scalar(scalar, pointer=go_type.startswith("*"))
    # A nested structure is a pointer, a slice element a value: _decode_element tells them apart.
    fields = {field: _kind(type_, structs) for field, type_ in structs[name].items()}
    return Struct(name, fields)


CONTAINER_DEFINITION = cast(
    Struct,
    _kind(
        "ContainerDefinition",
        tomllib.loads((Path(__file__).parent / "container_definition.toml").read_text()),
    ),
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


def is_zero_element(kind: Kind, value: Any) -> bool:
    """A slice element equal to its type's zero value (what compactArray drops)."""
    if isinstance(kind, Struct):
        return all(_is_zero_field(kind.fields[name], item) for name, item in value.items())
    return value == _zero(kind)


def _is_zero_field(kind: Kind, value: Any) -> bool:
    # A non-nil pointer, slice or map is not zero, even when it points to or holds nothing.
    if isinstance(kind, Scalar) and not kind.pointer:
        return value == kind.zero
    return value is None
