"""How a setting is declared: once, as a dataclass field whose metadata holds everything else
that needs to know about it.

A section is a frozen dataclass; each field is one setting of a Pulumi project's namespace,
declared with :func:`setting`: its default (the field default), its documentation (the
description Pulumi.yaml's config block is generated from, ``make config-block``), the (resource
type, input property path) pairs a change of it alters, and a valid non-default example that
the config reachability test renders (tests/program/test_config_reachability.py) to prove the
setting reaches exactly those pairs.

Property paths: the top-level input name (``cpu``, ``rules``); for the JSON text of a task
definition's ``containerDefinitions``, the container field inside it
(``containerDefinitions.image``); a resource option as ``options.<name>``
(``options.protect``); an explicit ``dependsOn`` as ``dependsOn``; a resource that appears or
disappears (its URN is new or gone) as ``*``.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar, Unpack

import pulumi

T = TypeVar("T")

# One affected place: a resource type token and a property path in it (module docstring).
Affected = tuple[str, str]
APPEARS = "*"
"""The property path of a resource that appears or disappears."""

_METADATA_KEY = "setting"


class ConfigError(pulumi.RunError):
    """A stack setting is invalid; the message names the key, the value and what is allowed."""


def config_error(key: str, value: object, allowed: str) -> ConfigError:
    shown = value if isinstance(value, str) else json.dumps(value)
    return ConfigError(f"invalid config {key} = {shown!r}: {allowed}")


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True, kw_only=True)
class Setting:
    """What a setting's field carries besides its name, type and default."""

    doc: str
    """What the setting does, for the person setting it (Pulumi.yaml's description)."""
    affects: tuple[Affected, ...]
    """The (resource type, property path) pairs a change of the setting alters; empty only for
    a setting that picks validation rules and reaches no resource (``environment``)."""
    example: Any
    """A valid value other than the default, as a stack file writes it (JSON-able)."""
    example_with: Mapping[str, Any] = field(default_factory=dict)
    """Other keys the example is only valid with (``domainName`` needs ``hostedZoneId``); the
    change then reaches this setting's pairs and theirs."""
    example_stack: str | None = None
    """The stack the example changes; None: the project's usual one (the main project's prod,
    where most features are on, so most pairs show)."""
    key: str | None = None
    """The config key when it is not the camelCase field name."""


class _Optional(TypedDict, total=False):
    """The declaration's optional parts (Setting's attributes of the same names)."""

    example_with: Mapping[str, Any]
    example_stack: str | None
    key: str | None


def setting(
    default: T,
    *,
    doc: str,
    affects: tuple[Affected, ...],
    example: Any,
    **optional: Unpack[_Optional],
) -> T:
    """A section field declaring one setting (module docstring)."""
    declared = Setting(doc=doc, affects=affects, example=example, **optional)
    metadata = {_METADATA_KEY: declared}
    if isinstance(default, dict):  # a mutable default: each instance gets its own copy
        copy = typing.cast(Callable[[], T], lambda: dict(typing.cast(dict[str, Any], default)))
        return field(default_factory=copy, metadata=metadata)
    return field(default=default, metadata=metadata)


def required_setting(
    *, doc: str, affects: tuple[Affected, ...], example: Any, **optional: Unpack[_Optional]
) -> Any:
    """A setting without a default: the stack file must set it."""
    declared = Setting(doc=doc, affects=affects, example=example, **optional)
    return field(metadata={_METADATA_KEY: declared})


def on(type_token: str, *paths: str) -> tuple[Affected, ...]:
    """``on(TASK_DEFINITION, "cpu", "memory")``: several paths of one resource type."""
    return tuple((type_token, path) for path in paths)


@dataclass(frozen=True)
class DeclaredSetting:
    """A setting as the tools read it: its key, field, declaration and parsed type."""

    key: str
    field: dataclasses.Field[Any]
    declaration: Setting
    annotation: Any

    @property
    def required(self) -> bool:
        return (
            self.field.default is dataclasses.MISSING
            and self.field.default_factory is dataclasses.MISSING
        )

    @property
    def default(self) -> Any:
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return self.field.default

    @property
    def structure(self) -> type | None:
        """The section class of a structured setting (an object, or a list of objects)."""
        return structure_of(self.annotation)


def structure_of(annotation: Any) -> type | None:
    """The dataclass inside ``X``, ``X | None`` or ``tuple[X, ...]``, if any."""
    if dataclasses.is_dataclass(annotation):
        return typing.cast(type, annotation)
    for argument in typing.get_args(annotation):
        found = structure_of(argument)
        if found is not None:
            return found
    return None


def setting_key(section_field: dataclasses.Field[Any]) -> str:
    declared = section_field.metadata.get(_METADATA_KEY)
    if isinstance(declared, Setting) and declared.key:
        return declared.key
    return camel(section_field.name)


def settings_of(section: type) -> Iterator[DeclaredSetting]:
    """The declared settings of a section class, in declaration order."""
    hints = typing.get_type_hints(section)
    for section_field in dataclasses.fields(section):
        declared = section_field.metadata.get(_METADATA_KEY)
        if isinstance(declared, Setting):
            yield DeclaredSetting(
                setting_key(section_field), section_field, declared, hints[section_field.name]
            )


def affects_of_fields(section: type) -> tuple[Affected, ...]:
    """Every pair a section's settings affect: what the section as a whole may change."""
    pairs: dict[Affected, None] = {}
    for declared in settings_of(section):
        pairs.update(dict.fromkeys(declared.declaration.affects))
    return tuple(pairs)


def config_value(value: Any) -> Any:
    """A typed value as a stack file writes it: objects by their keys, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            setting_key(f): config_value(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple):
        return [config_value(item) for item in value]
    return value
