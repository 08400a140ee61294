"""Reading resources: the stack index rules follow links with, and the input-value shapes
(nested v7 blocks, JSON strings, booleans as strings, CIDRs, ARNs) every rule meets."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource


class Stack:
    """Read-only index over `StackValidationArgs.resources`.

    Links go through `property_dependencies` first (known even when ids are not), then fall
    back to comparing a property's value with the target's id/arn/name outputs.
    """

    def __init__(self, resources: Sequence[PolicyResource], config: Mapping[str, Any]) -> None:
        self.resources = list(resources)
        self.config = config

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [r for r in self.resources if r.resource_type in types]

    def refers_to(self, source: PolicyResource, prop: str, target: PolicyResource) -> bool:
        deps = source.property_dependencies.get(prop, [])
        if any(dep.urn == target.urn for dep in deps):
            return True
        value = source.props.get(prop)
        identities = identities_of(target)
        return bool(identities) and any(v in identities for v in strings_in(value))

    def referencing(self, target: PolicyResource, prop: str, *types: str) -> list[PolicyResource]:
        """Resources of `types` whose `prop` points at `target`."""
        return [r for r in self.of_type(*types) if self.refers_to(r, prop, target)]

    def referenced(self, source: PolicyResource, prop: str, *types: str) -> list[PolicyResource]:
        """Resources of `types` that `source.prop` points at."""
        return [r for r in self.of_type(*types) if self.refers_to(source, prop, r)]


def identities_of(resource: PolicyResource) -> set[str]:
    """The values by which another resource can name this one (id, ARN, physical name)."""
    found: set[str] = set()
    for key in ("id", "arn", "name", "bucket"):
        value = resource.props.get(key)
        if isinstance(value, str) and value:
            found.add(value)
    return found


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a nested input value (lists, dicts, scalars)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, Sequence):
        for item in value:
            yield from strings_in(item)


def as_list(value: Any) -> list[Any]:
    """A list of the value's items; a scalar (a JSON boolean or number in an IAM condition such
    as `"Bool": {"aws:SecureTransport": false}`) or a mapping is one item."""
    if value is None:
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def load_json(value: Any) -> Any:
    """IAM documents and container definitions travel as JSON strings (policy_rules.md §14.2)."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def nested(props: Mapping[str, Any], *path: str) -> Any:
    """props[a][b]...; a single-element list on the way is unwrapped (v7 nested blocks)."""
    current: Any = props
    for key in path:
        if isinstance(current, Sequence) and not isinstance(current, str):
            current = current[0] if len(current) > 0 else None
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


PUBLIC_ANY = ("0.0.0.0/0", "::/0")


def is_private_cidr(cidr: str) -> bool:
    """RFC 1918, CGNAT, link-local and IPv6 ULA ranges count as non-public sources."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    if network.version == 4:
        private = [
            ipaddress.ip_network("10.0.0.0/8"),
            ipaddress.ip_network("172.16.0.0/12"),
            ipaddress.ip_network("192.168.0.0/16"),
            ipaddress.ip_network("100.64.0.0/10"),
        ]
    else:
        private = [ipaddress.ip_network("fc00::/7")]
    return any(network.subnet_of(p) for p in private)  # type: ignore[arg-type]


def account_of_arn(arn: str) -> str | None:  # pragma: no mutate (annotation, never evaluated)
    parts = arn.split(":")
    if len(parts) >= 5 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None
