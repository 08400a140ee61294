"""What a config change does to a rendered graph, as (resource type, property path) pairs, and
the cases the config reachability test renders: one per declared setting, nested fields of
structured settings included (components/config/settings.py says how pairs are written)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.config.settings import (
    APPEARS,
    Affected,
    DeclaredSetting,
    config_value,
    settings_of,
)

# Inputs that hold a JSON list of objects whose fields are told apart (one container per entry).
_JSON_OBJECT_LISTS = ("containerDefinitions",)


def _json_list_changes(name: str, before: Any, after: Any) -> set[str]:
    old, new = json.loads(before), json.loads(after)
    if len(old) != len(new):
        return {name}
    changed = set()
    for old_entry, new_entry in zip(old, new, strict=True):
        for key in set(old_entry) | set(new_entry):
            if old_entry.get(key) != new_entry.get(key):
                changed.add(f"{name}.{key}")
    return changed


def _changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    paths: set[str] = set()
    old_inputs, new_inputs = before["inputs"], after["inputs"]
    for name in set(old_inputs) | set(new_inputs):
        old, new = old_inputs.get(name), new_inputs.get(name)
        if old == new:
            continue
        if name in _JSON_OBJECT_LISTS and isinstance(old, str) and isinstance(new, str):
            paths |= _json_list_changes(name, old, new)
        else:
            paths.add(name)
    old_options, new_options = before.get("options") or {}, after.get("options") or {}
    for name in set(old_options) | set(new_options):
        if old_options.get(name) != new_options.get(name):
            paths.add(f"options.{name}")
    if sorted(before.get("dependsOn") or []) != sorted(after.get("dependsOn") or []):
        paths.add("dependsOn")
    return paths


def changed_pairs(base: Mapping[str, Any], variant: Mapping[str, Any]) -> set[Affected]:
    """The (type, path) pairs in which ``variant``'s graph differs from ``base``'s: resources
    matched by URN, a URN only one graph has as (type, ``*``)."""
    old = {r["urn"]: r for r in base["resources"]}
    new = {r["urn"]: r for r in variant["resources"]}
    pairs = {(({**old, **new})[urn]["type"], APPEARS) for urn in old.keys() ^ new.keys()}
    for urn in old.keys() & new.keys():
        pairs |= {(old[urn]["type"], path) for path in _changed_paths(old[urn], new[urn])}
    return pairs


@dataclass(frozen=True)
class ReachabilityCase:
    """One setting's example: render ``stack`` with ``given`` (the baseline) and with ``given``
    and ``change``; the graphs must differ in all of ``own`` and nothing outside ``allowed``."""

    key: str
    stack: str
    change: Mapping[str, Any] = field(hash=False)
    own: frozenset[Affected]
    allowed: frozenset[Affected]
    given: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def baseline_id(self) -> str:
        return json.dumps([self.stack, self.given], sort_keys=True)


def _nested_cases(
    parent: DeclaredSetting,
    structure: type,
    stack: str,
    stack_config: Mapping[str, Any],
    namespace: str,
) -> Iterator[ReachabilityCase]:
    declaration = parent.declaration
    if parent.default is None:
        # An optional object: its fields change on top of the parent's own example.
        base_object = dict(declaration.example)
        given = {parent.key: declaration.example}
    else:
        default = parent.default[0] if isinstance(parent.default, tuple) else parent.default
        base_object = config_value(default)
        is_set = f"{namespace}:{parent.key}" in stack_config
        given = {parent.key: config_value(parent.default)} if is_set else {}
    for inner in settings_of(structure):
        changed = {**base_object, inner.key: inner.declaration.example}
        value = [changed] if isinstance(parent.default, tuple) else changed
        pairs = frozenset(inner.declaration.affects)
        yield ReachabilityCase(
            key=f"{parent.key}.{inner.key}",
            stack=stack,
            change=_full_keys(namespace, {parent.key: value}),
            own=pairs,
            allowed=pairs,
            given=_full_keys(namespace, given),
        )


def _full_keys(namespace: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Short keys in ``namespace``; a key with a namespace of its own (aws:...) as it is."""
    return {(k if ":" in k else f"{namespace}:{k}"): v for k, v in overrides.items()}


def reachability_cases(
    sections: Iterable[type],
    namespace: str,
    stack_config: Mapping[str, Mapping[str, Any]],
    default_stack: str,
) -> list[ReachabilityCase]:
    """Every setting of ``sections`` and every field of a structured one, as a case;
    ``stack_config`` is each example stack's merged config (to see what a stack sets), and an
    example names no stack of its own changes ``default_stack``."""
    declared = [d for section in sections for d in settings_of(section)]
    affects = {d.key: frozenset(d.declaration.affects) for d in declared}
    cases: list[ReachabilityCase] = []
    for setting in declared:
        declaration = setting.declaration
        stack = declaration.example_stack or default_stack
        own = affects[setting.key]
        companions = {pair for key in declaration.example_with for pair in affects.get(key, ())}
        cases.append(
            ReachabilityCase(
                key=setting.key,
                stack=stack,
                change=_full_keys(
                    namespace, {setting.key: declaration.example, **declaration.example_with}
                ),
                own=own,
                allowed=own | companions,
            )
        )
        if setting.structure is not None:
            cases += _nested_cases(
                setting, setting.structure, stack, stack_config[stack], namespace
            )
    return cases


def example_differs_from_default(setting: DeclaredSetting) -> bool:
    if setting.required:
        return True
    return setting.declaration.example != config_value(setting.default)
