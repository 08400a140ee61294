"""The main project's whole configuration: its sections, and the keys they declare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.config.general import GeneralConfig
from components.config.network import NetworkConfig
from components.config.observability import ObservabilityConfig
from components.config.service import ServiceConfig
from components.config.settings import Affected, DeclaredSetting, settings_of

PROJECT = "ecs-fargate"


def config_key(name: str) -> str:
    return f"{PROJECT}:{name}"


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    project: str
    stack: str
    region: str
    default_tags: Mapping[str, str]
    general: GeneralConfig
    network: NetworkConfig
    service: ServiceConfig
    observability: ObservabilityConfig

    @property
    def name_prefix(self) -> str:
        """Prefix of every logical (and so physical) name: ``ecs-fargate-dev``."""
        return f"{self.project}-{self.stack}"

    @property
    def is_production(self) -> bool:
        return self.general.environment == "prod"


SECTIONS: tuple[type, ...] = (
    GeneralConfig,
    NetworkConfig,
    ServiceConfig,
    ObservabilityConfig,
)


def declared_settings() -> list[DeclaredSetting]:
    """Every project-namespace setting the program reads, section by section."""
    return [declared for section in SECTIONS for declared in settings_of(section)]


def declared_keys() -> dict[str, Any]:
    """Every project-namespace key the program reads, with its default."""
    return {declared.key: declared.default for declared in declared_settings()}


def setting_affects(key: str) -> tuple[Affected, ...]:
    """The (resource type, property path) pairs a change of ``key`` affects, as declared:
    ``cpu``, or a field of a structured setting such as ``slo.latencyP99Seconds``."""
    name, _, field_key = key.partition(".")
    for declared in declared_settings():
        if declared.key != name:
            continue
        if not field_key:
            return declared.declaration.affects
        if declared.structure is not None:
            for inner in settings_of(declared.structure):
                if inner.key == field_key:
                    return inner.declaration.affects
    raise KeyError(f"no setting {key!r} in {PROJECT}")
