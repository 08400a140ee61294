"""A resource graph (tools.offline's JSON) turned into the Analyzer messages the Pulumi CLI
sends: an AnalyzeRequest per resource with its inputs, an AnalyzerResource per resource with its
outputs, parent and dependencies for AnalyzeStack, each with its provider."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pulumi.runtime.proto import analyzer_pb2

from tools.policy_client import to_struct


def _options(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    options = resource.get("options") or {}
    delete_before_replace = options.get("deleteBeforeReplace")
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(options.get("protect", False)),
        ignoreChanges=list(options.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(delete_before_replace),
        deleteBeforeReplaceDefined=delete_before_replace is not None,
        aliases=list(options.get("aliases") or []),
        parent=str(resource.get("parent") or ""),
    )


def _default_provider(graph: Mapping[str, Any]) -> analyzer_pb2.AnalyzerProviderResource:
    """The default aws provider the engine would build from the stack's aws:* config."""
    properties: dict[str, Any] = {}
    for key, value in (graph.get("config") or {}).items():
        if key.startswith("aws:"):
            properties[key.split(":", 1)[1]] = value
    urn = f"urn:pulumi:{graph.get('stack', '')}::{graph.get('project', '')}::pulumi:providers:aws::default"
    return analyzer_pb2.AnalyzerProviderResource(
        type="pulumi:providers:aws", urn=urn, name="default", properties=to_struct(properties)
    )


def _provider_for(
    resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]], default: Any
) -> analyzer_pb2.AnalyzerProviderResource | None:
    reference = str(resource.get("provider") or "").split("::")
    urn = "::".join(reference[:-1]) if len(reference) > 1 else ""
    if urn in by_urn:
        provider = by_urn[urn]
        return analyzer_pb2.AnalyzerProviderResource(
            type=str(provider["type"]),
            urn=urn,
            name=str(provider["name"]),
            properties=to_struct(provider.get("inputs") or {}),
        )
    if str(resource.get("type", "")).startswith("aws:"):
        return default
    return None


Message = TypeVar("Message", analyzer_pb2.AnalyzeRequest, analyzer_pb2.AnalyzerResource)


def _with_providers(
    graph: Mapping[str, Any], build: Callable[[Mapping[str, Any]], Message]
) -> list[Message]:
    """One message per resource of the graph, each with the provider the engine would send."""
    resources = graph.get("resources", [])
    by_urn = {r["urn"]: r for r in resources}
    default = _default_provider(graph)
    messages: list[Message] = []
    for resource in resources:
        message = build(resource)
        provider = _provider_for(resource, by_urn, default)
        if provider is not None:
            message.provider.CopyFrom(provider)
        messages.append(message)
    return messages


def _analyze_request(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(
        type=resource["type"],
        urn=resource["urn"],
        name=resource["name"],
        properties=to_struct(resource.get("inputs") or {}),
        options=_options(resource),
    )


def _stack_resource(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResource:
    message = analyzer_pb2.AnalyzerResource(
        type=resource["type"],
        urn=resource["urn"],
        name=resource["name"],
        properties=to_struct(resource.get("outputs") or resource.get("inputs") or {}),
        options=_options(resource),
        parent=str(resource.get("parent") or ""),
        dependencies=list(resource.get("dependencies") or []),
    )
    for key, urns in (resource.get("propertyDependencies") or {}).items():
        if urns:
            message.propertyDependencies[key].urns.extend(urns)
    return message


def analyze_requests(graph: Mapping[str, Any]) -> list[analyzer_pb2.AnalyzeRequest]:
    return _with_providers(graph, _analyze_request)


def stack_resources(graph: Mapping[str, Any]) -> list[analyzer_pb2.AnalyzerResource]:
    return _with_providers(graph, _stack_resource)
