"""Read-side helpers over an offline resource graph (docs/offline-graph.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Resource = dict[str, Any]


@dataclass(frozen=True)
class Graph:
    data: Mapping[str, Any]

    @property
    def resources(self) -> list[Resource]:
        return list(self.data["resources"])

    @property
    def region(self) -> str:
        return str(self.data["region"])

    def of_type(self, type_token: str) -> list[Resource]:
        return [r for r in self.resources if r["type"] == type_token]

    def one(self, type_token: str) -> Resource:
        found = self.of_type(type_token)
        if len(found) != 1:
            raise AssertionError(f"expected one {type_token}, found {len(found)}")
        return found[0]

    def by_urn(self, urn: str) -> Resource:
        for resource in self.resources:
            if resource["urn"] == urn:
                return resource
        raise KeyError(urn)

    def named(self, name: str) -> Resource:
        for resource in self.resources:
            if resource["name"] == name:
                return resource
        raise KeyError(name)

    def children(self, parent_urn: str | None) -> list[Resource]:
        return [r for r in self.resources if r["parent"] == parent_urn]

    def resolve(self, reference: Any) -> Resource | None:
        """The resource whose id, ARN or physical name ``reference`` is (mock values are unique)."""
        if not isinstance(reference, str) or not reference:
            return None
        for resource in self.resources:
            outputs = resource.get("outputs") or {}
            if reference in (resource.get("id"), outputs.get("arn"), outputs.get("name")):
                return resource
        return None

    def walk(self) -> Iterator[tuple[int, Resource]]:
        """Resources depth-first with their depth; top-level resources in dependency order
        (what the others build on first, as in the architecture), the rest by URN."""
        urns = {r["urn"] for r in self.resources}
        top = [r for r in self.resources if r["parent"] not in urns]
        owner = {r["urn"]: r["urn"] for r in top}
        pending = [r for r in self.resources if r["urn"] not in owner]
        while pending:  # each resource belongs to the top-level ancestor it descends from
            rest = [r for r in pending if r["parent"] not in owner]
            for resource in pending:
                if resource["parent"] in owner:
                    owner[resource["urn"]] = owner[resource["parent"]]
            if len(rest) == len(pending):
                break
            pending = rest
        needs: dict[str, set[str]] = {r["urn"]: set() for r in top}
        for resource in self.resources:
            mine = owner.get(resource["urn"])
            for dependency in resource.get("dependencies", []):
                theirs = owner.get(dependency)
                if mine and theirs and theirs != mine:
                    needs[mine].add(theirs)
        ordered: list[Resource] = []
        while len(ordered) < len(top):
            placed = {r["urn"] for r in ordered}
            ready = [r for r in top if r["urn"] not in placed and needs[r["urn"]] <= placed]
            ordered.append(min(ready or [r for r in top if r["urn"] not in placed], key=_urn))

        def visit(parent: str, depth: int) -> Iterator[tuple[int, Resource]]:
            for resource in sorted(self.children(parent), key=_urn):
                yield depth, resource
                yield from visit(resource["urn"], depth + 1)

        for resource in ordered:
            yield 0, resource
            yield from visit(resource["urn"], 1)


def _urn(resource: Resource) -> str:
    return resource["urn"]


def json_input(resource: Resource, key: str) -> Any:
    """An input that holds a JSON document (IAM policies, container definitions)."""
    value = resource["inputs"].get(key)
    return json.loads(value) if isinstance(value, str) else value
