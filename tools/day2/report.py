"""The change impact as `make plan CHANGE=...` prints it: per resource, the action, each
changed property (the field that changed inside a JSON document) and the hazards."""

from __future__ import annotations

import json
from typing import Any

from tools.day2.impact_model import NOTES, Impact, PropertyChange


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf values by path; JSON documents held in strings (container definitions, policies)
    are opened, so a diff names the field that changed."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            pass
    if isinstance(value, dict) and value:
        return {
            k: v for key, item in value.items() for k, v in _leaves(item, f"{path}.{key}").items()
        }
    if isinstance(value, list) and value:
        return {
            k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}[{i}]").items()
        }
    return {path: value}


def _value_diff(old: Any, new: Any, limit: int = 3) -> str:
    before, after = _leaves(old), _leaves(new)
    paths = [p for p in sorted(before.keys() | after.keys()) if before.get(p) != after.get(p)]
    if not paths or (len(paths) == 1 and paths[0] == ""):
        return f"{_short(old)} -> {_short(new)}"
    shown = [
        f"{p.lstrip('.')}: {_short(before.get(p), 40)} -> {_short(after.get(p), 40)}"
        for p in paths[:limit]
    ]
    more = f" (+{len(paths) - limit} more)" if len(paths) > limit else ""
    return "; ".join(shown) + more


def describe_property(change: PropertyChange) -> str:
    effect = "replace" if change.replaces else "in place"
    if change.cause == "value":
        return f"{change.name}: {effect}  {_value_diff(change.old, change.new)}"
    return f"{change.name}: {effect}  (refers to replaced {change.cause})"


def render(impact: Impact) -> list[str]:
    lines = [f"change {impact.stack}: {impact.change}"]
    if impact.ignored:
        lines.append(f"  unchanged by ignoreChanges: {', '.join(impact.ignored)}")
    if not impact.resources:
        return [*lines, "  no resource changes"]
    for resource in impact.resources:
        label = resource.action + (f" ({resource.order})" if resource.order else "")
        deploy = "  [new ECS deployment]" if resource.deployment else ""
        lines.append(f"  {label:<32} {resource.type}  {resource.name}{deploy}")
        lines.extend(f"      {describe_property(change)}" for change in resource.properties)
        lines.extend(
            f"      {'-' if h.kind in NOTES else '!'} {h.kind}: {h.text}" for h in resource.hazards
        )
    counts = ", ".join(
        f"{len(impact.of(action))} {action}"
        for action in ("replace", "update", "create", "delete")
        if impact.of(action)
    )
    hazards = sorted({h.kind for _, h in impact.hazards if h.kind not in NOTES})
    lines.append(f"summary: {counts}; hazards: {', '.join(hazards) or 'none'}")
    return lines
