"""A config change (``make plan CHANGE=...``): its parsing, the changed config and graph, and
what it does to the aws provider.

CHANGE syntax: ``key=value`` items separated by ``;`` (values may hold spaces, JSON does). A bare
key is in the project namespace (``vpcCidr``), a qualified one is taken as is (``aws:region``).
Values are what ``pulumi config set`` stores: plain text, JSON for structured keys
(``privateSubnetCidrs=["10.2.101.0/24", "10.2.102.0/24"]``). The item ``app/`` (no value) models a
change of the content under app/: it is no config key, it changes the image tag.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.config import PROJECT, ConfigError
from tools.day2.impact_model import (
    INTERRUPTS,
    NOTE,
    PROVIDER,
    Graph,
    Hazard,
    PropertyChange,
    ResourceImpact,
)
from tools.day2.replacements import IMAGE_TYPE
from tools.offline import REPO_ROOT, stack_config_map

CHANGE_SEPARATOR = ";"
APP_CONTENT = "app/"


@dataclass(frozen=True)
class ConfigChange:
    """A parsed CHANGE: config values as the CLI stores them, and whether app/ changed."""

    settings: Mapping[str, str]
    app_content: bool = False

    def describe(self) -> str:
        items = [
            f"{key.removeprefix(PROJECT + ':')}={value}" for key, value in self.settings.items()
        ]
        return f"{CHANGE_SEPARATOR} ".join(items + ([APP_CONTENT] if self.app_content else []))


def parse_change(text: str) -> ConfigChange:
    """``key=value; key2=value2`` (and ``app/``) into a ConfigChange; a malformed item is a
    ConfigError, one line like the stack files' errors."""
    settings: dict[str, str] = {}
    app_content = False
    for item in (part.strip() for part in re.split(rf"[{CHANGE_SEPARATOR}\n]", text)):
        if not item:
            continue
        if item.rstrip("/") == APP_CONTENT.rstrip("/"):
            app_content = True
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(
                f"invalid CHANGE item {item!r}: expected key=value, items separated by "
                f"'{CHANGE_SEPARATOR}', or {APP_CONTENT} for a change of the app/ content"
            )
        settings[key if ":" in key else f"{PROJECT}:{key}"] = value.strip()
    if not settings and not app_content:
        raise ConfigError("empty CHANGE: give key=value items separated by ';', or app/")
    return ConfigChange(settings, app_content)


def changed_config(
    stack: str, change: ConfigChange, project_dir: Path = REPO_ROOT
) -> dict[str, str]:
    return {**stack_config_map(stack, project_dir), **change.settings}


def with_new_app_content(graph: Graph) -> dict[str, Any]:
    """The graph as it would be after an edit under app/: the image tag hashes app/, so every
    image built from a context gets a new tag (and so a new build and digest)."""
    changed = copy.deepcopy(dict(graph))
    for resource in changed["resources"]:
        if resource["type"] == IMAGE_TYPE and resource["inputs"].get("context"):
            tag = str(resource["inputs"].get("imageTag", ""))
            fresh = hashlib.sha256(f"app/ changed: {tag}".encode()).hexdigest()
            match = re.search(r"[0-9a-f]{8,}$", tag)
            resource["inputs"]["imageTag"] = (
                tag[: match.start()] + fresh[: len(match.group())]
                if match
                else f"{tag}-{fresh[:12]}"
            )
    return changed


def provider_impact(change: ConfigChange, before: Mapping[str, str]) -> ResourceImpact | None:
    """The default aws provider is configured by ``aws:*`` keys; the graph does not record it.
    Pulumi diffs it like a resource: a new region replaces it and so every resource it manages;
    new default tags update the tags of every taggable resource in place."""
    keys = sorted(key for key in change.settings if key.startswith("aws:"))
    if not keys:
        return None
    region = "aws:region" in keys
    impact = ResourceImpact(
        "urn:pulumi:default_aws_provider",
        PROVIDER,
        "default",
        "replace" if region else "update",
        order="create-before-delete" if region else "",
        properties=[
            PropertyChange(
                key,
                replaces=key == "aws:region",
                cause="value",
                old=before.get(key),
                new=change.settings[key],
            )
            for key in keys
            if before.get(key) != change.settings[key]
        ],
    )
    if region:
        impact.hazards.append(
            Hazard(INTERRUPTS, "a new region replaces every resource of the stack")
        )
    if "aws:defaultTags" in keys:
        impact.hazards.append(
            Hazard(
                NOTE,
                "every taggable resource is updated in place "
                "(tags only; no replacement, no deployment)",
            )
        )
    return impact
