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
        """Resources depth-first from the top level, with their depth."""
        top = {r["urn"] for r in self.resources}

        def visit(parent: str | None, depth: int) -> Iterator[tuple[int, Resource]]:
            for resource in self.resources:
                if resource["parent"] == parent or (
                    parent is None and resource["parent"] not in top
                ):
                    yield depth, resource
                    yield from visit(resource["urn"], depth + 1)

        yield from visit(None, 0)


def json_input(resource: Resource, key: str) -> Any:
    """An input that holds a JSON document (IAM policies, container definitions)."""
    value = resource["inputs"].get(key)
    return json.loads(value) if isinstance(value, str) else value
