"""The mock engine's side of a registration: what ``Mocks.new_resource`` never sees (parents,
dependencies, resource options, which inputs are secret), kept per URN as the real engine would
receive it."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also keeps what ``Mocks.new_resource`` cannot see: parents,
    dependencies and resource options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            # Inputs the program sent as secrets (a secret config value): the graph keeps the
            # value and names the inputs, as the engine would encrypt them in the state.
            secret_inputs = sorted(k for k, v in inputs.items() if _holds_secret(v))
            self.requests[response.urn] = {
                "type": request.type,
                "name": request.name,
                "custom": bool(request.custom),
                "parent": request.parent or None,
                "inputs": json_safe(inputs),
                **({"secretInputs": secret_inputs} if secret_inputs else {}),
                "dependencies": list(request.dependencies),
                "propertyDependencies": {
                    prop: list(deps.urns) for prop, deps in request.propertyDependencies.items()
                },
                "options": {
                    "protect": bool(request.protect),
                    "ignoreChanges": list(request.ignoreChanges),
                    "retainOnDelete": bool(request.retainOnDelete),
                    "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                    # Mocks never run transforms; recording which ones a registration sends
                    # lets a test see that a remote component (awsx) carries them.
                    **(
                        {"transforms": [_qualified_name(t) for t in transforms]}
                        if (transforms := pulumi_mocks._resolve_callbacks(request.transforms))
                        else {}
                    ),
                    # URNs whose replacement replaces this one too (the engine's replaceWith).
                    **({"replaceWith": list(request.replace_with)} if request.replace_with else {}),
                },
            }
        return response


def _qualified_name(function: Any) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _holds_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_secret(v) for v in value)
    return False


def json_safe(value: Any) -> Any:
    """JSON-safe copy of deserialized values: unknowns and assets become strings, secrets their
    value, and whole numbers become ints again (the wire format carries every number as a
    double)."""
    if rpc.is_rpc_secret(value):
        return json_safe(value["value"])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
