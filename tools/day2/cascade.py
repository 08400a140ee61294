"""The difference of two rendered graphs of one stack, resource by resource: create, delete,
update in place or replace, and in which order. Replacements cascade (DESIGN.md decision 9): a
replaced resource gets a new id and ARN, so an input that refers to it (``propertyDependencies``)
changes too, and replaces its owner when that input is replace-forcing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tools.day2.container_equivalence import container_definitions_are_equivalent
from tools.day2.hazards import flag_hazards
from tools.day2.impact_model import (
    PROVIDER,
    REPLACE_WITH,
    TASK_DEFINITION,
    Graph,
    Impact,
    PropertyChange,
    Resource,
    ResourceImpact,
)
from tools.day2.policy_read_back import POLICY_PROPERTIES
from tools.day2.replacements import OWN_COMPONENT_PREFIX, TypeRow, row_for


def _nested(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]  # a MaxItems=1 block is a list in some shapes, an object in others
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _ignored(prop: str, ignore_changes: Iterable[str]) -> bool:
    return any(
        prop == path or path.startswith(prop + ".") or prop.startswith(path + ".")
        for path in ignore_changes
    )


def _forces_replacement(row: TypeRow | None, prop: str, old: Any, new: Any) -> bool:
    if row is None:
        return False
    if prop in row.force_new:
        return True
    prefix = prop + "."
    return any(
        _nested(old, path[len(prefix) :]) != _nested(new, path[len(prefix) :])
        for path in row.force_new
        if path.startswith(prefix)
    )


def _suppressed(resource: Resource, prop: str, old: Any, new: Any) -> bool:
    """The provider's DiffSuppressFunc, as tools/day2/*_equivalence.py port it: documents that differ
    in text but not in meaning (container definitions, IAM policies) plan no change."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return False
    if resource["type"] == TASK_DEFINITION and prop == "containerDefinitions":
        is_awsvpc = resource["inputs"].get("networkMode") == "awsvpc"
        return container_definitions_are_equivalent(old, new, is_awsvpc=is_awsvpc)
    spec = POLICY_PROPERTIES.get(resource["type"])
    return spec is not None and spec.property == prop and spec.equivalent(old, new)


def _value_changes(row: TypeRow | None, old: Resource, new: Resource) -> list[PropertyChange]:
    ignore = old["options"].get("ignoreChanges") or []
    before, after = old["inputs"], new["inputs"]
    changes = []
    for prop in sorted(set(before) | set(after)):
        if before.get(prop) == after.get(prop) or _ignored(prop, ignore):
            continue
        if after.get(prop) is None and row is not None and prop in row.kept_when_unset:
            continue
        if _suppressed(new, prop, before.get(prop), after.get(prop)):
            continue
        changes.append(
            PropertyChange(
                name=prop,
                replaces=_forces_replacement(row, prop, before.get(prop), after.get(prop)),
                cause="value",
                old=before.get(prop),
                new=after.get(prop),
            )
        )
    for option in ("protect", "retainOnDelete", "deleteBeforeReplace"):
        if old["options"].get(option) != new["options"].get(option):
            # Resource options change Pulumi's state only: no call to AWS.
            changes.append(
                PropertyChange(
                    name=f"options.{option}",
                    replaces=False,
                    cause="value",
                    old=old["options"].get(option),
                    new=new["options"].get(option),
                )
            )
    return changes


def _compared(resource: Resource) -> bool:
    return not resource["type"].startswith(OWN_COMPONENT_PREFIX) and resource["type"] != PROVIDER


def diff_graphs(base: Graph, changed: Graph, *, change: str = "", stack: str = "") -> Impact:
    """Classify every difference between two rendered graphs of one stack."""
    before = {r["urn"]: r for r in base["resources"] if _compared(r)}
    after = {r["urn"]: r for r in changed["resources"] if _compared(r)}
    impacts: dict[str, ResourceImpact] = {}
    for urn in sorted(after.keys() - before.keys()):
        impacts[urn] = ResourceImpact(urn, after[urn]["type"], after[urn]["name"], "create")
    for urn in sorted(before.keys() - after.keys()):
        impacts[urn] = ResourceImpact(urn, before[urn]["type"], before[urn]["name"], "delete")
    common = sorted(before.keys() & after.keys())
    changes: dict[str, list[PropertyChange]] = {
        urn: _value_changes(row_for(after[urn]["type"]), before[urn], after[urn]) for urn in common
    }
    ignored = [
        f"{after[urn]['type'].split(':')[-1]}.{prop}"
        for urn in common
        for prop in sorted(set(before[urn]["inputs"]) | set(after[urn]["inputs"]))
        if before[urn]["inputs"].get(prop) != after[urn]["inputs"].get(prop)
        and _ignored(prop, before[urn]["options"].get("ignoreChanges") or [])
    ]
    replaced = {urn for urn in common if any(c.replaces for c in changes[urn])}
    # The cascade: a replaced resource has a new id, ARN and (auto-)name; whatever refers to it
    # sees a changed input, even where the mock's deterministic ids look the same. A resource whose
    # replaceWith option lists a replaced one is replaced too, whatever its inputs (the engine's
    # step generator, pulumi/pulumi#20693).
    grew = True
    while grew:
        grew = False
        for urn in common:
            resource = after[urn]
            along = [d for d in resource["options"].get("replaceWith") or () if d in replaced]
            if along and urn not in replaced:
                cause = _label(before[along[0]])
                changes[urn].append(PropertyChange(REPLACE_WITH, replaces=True, cause=cause))
                replaced.add(urn)
                grew = True
            ignore = before[urn]["options"].get("ignoreChanges") or []
            row = row_for(resource["type"])
            known = {c.name for c in changes[urn]}
            for prop, dependencies in sorted(resource.get("propertyDependencies", {}).items()):
                hit = [d for d in dependencies if d in replaced and d != urn]
                if not hit or prop in known or _ignored(prop, ignore):
                    continue
                forced = row is not None and prop in row.force_new
                cause = _label(before[hit[0]])
                changes[urn].append(PropertyChange(prop, replaces=forced, cause=cause))
                if forced and urn not in replaced:
                    replaced.add(urn)
                    grew = True
    for urn in common:
        if not changes[urn]:
            continue
        new = after[urn]
        impact = ResourceImpact(
            urn,
            new["type"],
            new["name"],
            "replace" if urn in replaced else "update",
            properties=sorted(changes[urn], key=lambda c: c.name),
        )
        if impact.action == "replace":
            impact.order = _replacement_order(row_for(new["type"]), new)
        impacts[urn] = impact
    result = Impact(change, stack or str(changed.get("stack", "")), list(impacts.values()), ignored)
    flag_hazards(result, before, after)
    result.resources.sort(key=_report_order)
    return result


def _label(resource: Resource) -> str:
    return f"{resource['type'].split(':')[-1]} {resource['name']}"


def _replacement_order(row: TypeRow | None, resource: Resource) -> str:
    """Pulumi's order: delete first when the program or pulumi-aws asks for it, or when the
    bridge sees an explicit value in the auto-named property (pulumi-terraform-bridge
    nameRequiresDeleteBeforeReplace)."""
    if resource["options"].get("deleteBeforeReplace"):
        return "delete-before-create"
    if row is not None and row.provider_delete_before_replace:
        return "delete-before-create"
    if row is not None and row.autoname and row.autoname in resource["inputs"]:
        return "delete-before-create"
    return "create-before-delete"


def _report_order(impact: ResourceImpact) -> tuple[int, str, str]:
    rank = {"replace": 0, "update": 1, "create": 2, "delete": 3}[impact.action]
    return rank, impact.type, impact.name
