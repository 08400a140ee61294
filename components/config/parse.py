"""Raw config values (strings, as the CLI passes them; already decoded under mocks) into the
typed values a section declares, and the checks every project's rules share. Namespace-free:
the main project and the bootstrap parse with the same functions."""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import json
import re
import types
import typing
from collections import abc
from collections.abc import Iterable, Mapping
from typing import Any

from components.config.settings import config_error, setting_key, settings_of


def _parse_bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"  # pragma: no mutate (only "true" or "false" gets here)
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


def decode_json(key: str, raw: Any) -> Any:
    """Structured values reach the program as JSON text; under mocks they may already be decoded."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise config_error(key, raw, "expected a YAML list or object (structured config)") from None


def parse_value(key: str, annotation: Any, raw: Any) -> Any:
    origin = typing.get_origin(annotation)
    if annotation is bool:  # pragma: no mutate (a class equals only itself)
        return _parse_bool(key, raw)
    if annotation is int:  # pragma: no mutate (a class equals only itself)
        return _parse_int(key, raw)
    if annotation is float:  # pragma: no mutate (a class equals only itself)
        return _parse_float(key, raw)
    if annotation is str:  # pragma: no mutate (a class equals only itself)
        return _parse_str(key, raw)
    if origin is tuple:  # pragma: no mutate (a class equals only itself)
        item_type = typing.get_args(annotation)[0]
        items = decode_json(key, raw)
        if not isinstance(items, list):
            raise config_error(key, raw, "expected a list")
        return tuple(parse_value(f"{key}[{i}]", item_type, item) for i, item in enumerate(items))
    if origin in (dict, Mapping, abc.Mapping):
        value_type = typing.get_args(annotation)[1]
        entries = decode_json(key, raw)
        if not isinstance(entries, dict):
            raise config_error(key, raw, "expected an object")
        return {
            str(name): parse_value(f"{key}.{name}", value_type, entry)
            for name, entry in entries.items()
        }
    if origin in (typing.Union, types.UnionType):
        (inner,) = [
            arg
            for arg in typing.get_args(annotation)
            if arg is not type(None)  # pragma: no mutate (NoneType equals only itself)
        ]
        return parse_value(key, inner, raw)
    if dataclasses.is_dataclass(annotation):
        return parse_object(key, typing.cast(type, annotation), decode_json(key, raw))
    raise TypeError(f"no parser for {annotation!r} ({key})")  # a programming error, not config


def parse_object(key: str, cls: type, raw: Any) -> Any:
    """A structured value: every key must be a field of ``cls`` (a typo must not be ignored)."""
    if not isinstance(raw, dict):
        raise config_error(key, raw, f"expected an object with keys {_field_keys(cls)}")
    hints = typing.get_type_hints(cls)
    fields_by_key = {setting_key(f): f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields_by_key))
    if unknown:
        raise config_error(
            f"{key}.{unknown[0]}",
            raw[unknown[0]],
            f"unknown key; allowed keys: {_field_keys(cls)}",
        )
    values = {
        f.name: parse_value(f"{key}.{name}", hints[f.name], raw[name])
        for name, f in fields_by_key.items()
        if name in raw
    }
    return cls(**values)


def _field_keys(cls: type) -> str:
    return ", ".join(setting_key(f) for f in dataclasses.fields(cls))


def parse_settings(cls: type, raw_config: Mapping[str, Any], namespace: str) -> dict[str, Any]:
    """The settings ``cls`` declares, by field name, from the ``namespace:key`` entries of the raw
    config map; a key the map lacks is left out (it keeps its default), unless it has none."""
    values: dict[str, Any] = {}
    for declared in settings_of(cls):
        key = f"{namespace}:{declared.key}"
        if declared.required and raw_config.get(key) in (None, ""):
            raise config_error(key, "", f"required: {declared.declaration.doc}")
        if key in raw_config:
            values[declared.field.name] = parse_value(key, declared.annotation, raw_config[key])
    return values


def parse_section(cls: type, raw_config: Mapping[str, Any], namespace: str) -> Any:
    """The section ``cls`` (every field a setting) from the raw config map."""
    return cls(**parse_settings(cls, raw_config, namespace))


def reject_undeclared(
    raw_config: Mapping[str, Any], namespace: str, sections: Iterable[type]
) -> None:
    """A key of ``namespace`` that no section declares is a typo or a stale setting: it must not
    be ignored."""
    declared = sorted(d.key for section in sections for d in settings_of(section))
    for full_key in sorted(raw_config):
        key_namespace, _, name = full_key.partition(":")
        if key_namespace == namespace and name not in declared:
            # Not mutated: n=2 keeps the same best match first; with n=1, close[-1] is close[0].
            close = difflib.get_close_matches(name, declared, n=1)  # pragma: no mutate
            hint = f" (did you mean {close[0]}?)" if close else ""  # pragma: no mutate
            raise config_error(
                full_key,
                raw_config[full_key],
                f"unknown setting{hint}; see the config block of Pulumi.yaml",
            )


def parse_region(raw_config: Mapping[str, Any]) -> str:
    region = raw_config.get("aws:region")
    if not isinstance(region, str) or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        raise config_error(
            "aws:region",
            region or "",
            "an AWS region such as ap-northeast-1 (set it in Pulumi.<stack>.yaml)",
        )
    return region


def require_choice(key: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise config_error(key, value, f"allowed values: {', '.join(allowed)}")


def require_match(
    key: str,
    value: str,
    pattern: str | re.Pattern[str],  # pragma: no mutate (an annotation is only text here)
    allowed: str,
) -> None:
    """An optional text setting: empty, or all of it matching ``pattern``."""
    if value and not re.fullmatch(pattern, value):
        raise config_error(key, value, allowed)


def require_together(first: tuple[str, str], second: tuple[str, str], allowed: str) -> None:
    """Two (key, value) settings that are set both or neither; the error names the empty one."""
    (first_key, first_value), (second_key, second_value) = first, second
    if bool(first_value) != bool(second_value):  # pragma: no mutate (bools are singletons)
        raise config_error(second_key if first_value else first_key, "", allowed)


def require_positive(key: str, value: int) -> None:
    if value <= 0:
        raise config_error(key, value, "must be a positive whole number")


def require_range(key: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise config_error(key, value, f"must be between {low} and {high}")


def ip_network(
    cidr: str, key: str
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:  # pragma: no mutate (annotations are text)
    try:
        return ipaddress.ip_network(cidr, strict=True)
    except ValueError:
        raise config_error(
            key, cidr, "expected an IPv4 or IPv6 network in CIDR form, such as 203.0.113.0/24"
        ) from None


def ipv4_network(cidr: str, key: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise config_error(
            key, cidr, "expected an IPv4 network in CIDR form, such as 10.0.0.0/16"
        ) from None
