"""A stack's policy config (policy/config/<stack>.json): loaded, reconciled with the pack's
defaults as the Pulumi CLI reconciles it, validated against each policy's schema, and checked
against the waiver rules (reasons, prod's list in policy/waivers.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict
from pulumi.runtime.proto import analyzer_pb2

from policy.waivers import PROD_WAIVABLE
from tools.policy_client import LEVEL_NAMES, LEVELS, REPO

STRICT_STACKS = ("prod",)


class PolicyConfigMissing(Exception):
    """The stack has no policy config file: `make plan` and `make policy` print this one line."""


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def load_policy_config(path: Path) -> dict[str, Any]:
    """The stack's policy config; a missing file says which file to create from which example
    (a new stack's waivers are a review decision, so no default is assumed)."""
    if not path.exists():
        stack = path.stem
        examples = [_shown(p) for p in sorted(path.parent.glob("*.json")) if p != path]
        source = (
            f"copy {' or '.join(examples)} and review each waiver"
            if examples
            else "{} for the pack's defaults"
        )
        raise PolicyConfigMissing(
            f"no policy config for stack {stack}: create {_shown(path)} ({source})"
        )
    return json.loads(path.read_text()) if path.read_text().strip() else {}


def _normalise(entry: Any) -> tuple[str | None, dict[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping):
        properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        return entry.get("enforcementLevel"), properties
    raise ValueError(f"{entry!r} is not a level or an object")


def reconcile(
    info: analyzer_pb2.AnalyzerInfo, config: Mapping[str, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each policy's (level, properties): pack defaults, schema defaults, "all", then per policy."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    all_level, _ = _normalise(config.get("all", {}))
    for policy in info.policies:
        schema = MessageToDict(policy.configSchema.properties)
        defaults = {
            k: v["default"] for k, v in schema.items() if isinstance(v, dict) and "default" in v
        }
        level = LEVEL_NAMES[policy.enforcementLevel]
        if all_level:
            level = all_level
        own_level, properties = _normalise(config.get(policy.name, {}))
        result[policy.name] = (own_level or level, {**defaults, **properties})
    return result


def schema_errors(
    info: analyzer_pb2.AnalyzerInfo, levels: Mapping[str, tuple[str, Mapping[str, Any]]]
) -> list[str]:
    """Each policy's reconciled properties checked against its config schema, as the CLI does
    before a preview: ReconcilePolicyPackConfig ends in ValidatePolicyPackConfig, which validates
    {"type": "object", "properties": <schema>} with gojsonschema (pulumi/pulumi
    sdk/go/common/resource/plugin/analyzer_plugin.go). jsonschema comes with check-jsonschema."""
    from jsonschema import Draft7Validator

    errors: list[str] = []
    for policy in info.policies:
        properties = MessageToDict(policy.configSchema.properties)
        schema = {"type": "object", "properties": properties}
        values = levels.get(policy.name, ("", {}))[1]
        for error in Draft7Validator(schema).iter_errors(dict(values)):
            where = ".".join(str(p) for p in error.absolute_path) or "properties"
            errors.append(f"{policy.name}: {where}: {error.message}")
    return errors


def check_policy_config(config: Mapping[str, Any], known: Sequence[str], stack: str) -> list[str]:
    """Waivers carry reasons; names are real policies; prod waives only what policy/waivers.py
    allows, no lower than it allows."""
    errors: list[str] = []
    strict = stack in STRICT_STACKS
    for name, entry in config.items():
        if name == "all":
            all_level, _ = _normalise(entry)
            if strict and all_level not in (None, "mandatory"):
                errors.append(f'all: {all_level} in {stack}; prod keeps "all": "mandatory"')
            continue
        if name not in known:
            errors.append(f"{name}: no such policy in the pack")
            continue
        try:
            level, properties = _normalise(entry)
        except ValueError as error:
            errors.append(f"{name}: {error}")
            continue
        if level is not None and level not in LEVELS:
            errors.append(f"{name}: {level!r} is not an enforcement level")
        reason = str(properties.get("reason") or "").strip()
        if level == "disabled" and not reason:
            errors.append(f'{name}: disabled without a reason (add "reason": "...")')
        if strict and level not in (None, "mandatory") and not reason:
            errors.append(f"{name}: {level} in {stack} without a reason")
        if strict and level in ("advisory", "disabled"):
            waiver = PROD_WAIVABLE.get(name)
            if waiver is None:
                errors.append(
                    f"{name}: {level} in {stack}, but {stack} may waive only the policies "
                    "listed in policy/waivers.py; keep it mandatory (a reason is not enough)"
                )
            elif level == "disabled" and waiver.lowest == "advisory":
                errors.append(
                    f"{name}: disabled in {stack}, but policy/waivers.py allows it no lower "
                    f"than advisory ({waiver.why})"
                )
    return errors
