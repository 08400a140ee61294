"""One row of the replace-forcing table: what a change does to one resource type (the
package docstring says where the facts come from), and the reader of the rows' TOML files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TF = "hashicorp/terraform-provider-aws internal/service/"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"


@dataclass(frozen=True, kw_only=True)
class TypeRow:
    """What a change does to one resource type."""

    type: str
    force_new: tuple[str, ...]
    """Inputs whose change replaces the resource (dotted = nested field)."""
    source: str
    """The provider source file (``hashicorp/terraform-provider-aws internal/service/...``)."""
    verified: str = ""
    """Commit of ``source`` this row was checked against; "" = from the registry docs."""
    docs: str = ""
    """The registry page of the resource."""
    autoname: str | None = "name"
    """The property Pulumi auto-names (an explicit value makes a replacement delete-first)."""
    kept_when_unset: tuple[str, ...] = ()
    """Optional and Computed inputs: left out of the program, the provider plans the state's value
    (no diff), so removing one changes nothing by itself."""
    unique_key: tuple[str, ...] = ()
    """Inputs that identify a resource that can exist only once."""
    provider_delete_before_replace: bool = False
    """pulumi-aws marks the type ``DeleteBeforeReplace`` (provider/resources.go): every replacement
    deletes first. Checked for the lifecycle policy (set) and the WAF association (not set, so the
    program sets deleteBeforeReplace); other unique-key rows are flagged."""
    interrupts_traffic: bool = False
    """Replacing it interrupts requests to the service (the traffic path)."""
    on_replace: str = ""
    """What a replacement does, beyond a new id."""
    deployment_props: tuple[str, ...] = ()
    """ECS service inputs whose in-place change starts a new deployment (rolls every task)."""
    create_minutes: float = 0.0
    """Rough time AWS takes to create one (0 = seconds); not measured, see docs/changes.md."""


def load_rows(group: str) -> tuple[TypeRow, ...]:
    """The rows of ``<group>.toml`` beside this module (its header says how a row is written)."""
    document = tomllib.loads((Path(__file__).parent / f"{group}.toml").read_text())
    return tuple(_row(entry) for entry in document["row"])


def _row(entry: dict[str, Any]) -> TypeRow:
    fields: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in entry.items()
    }
    if "autoname" in fields:
        fields["autoname"] = fields["autoname"] or None  # TOML has no null: "" says none
    return TypeRow(
        source=TF + fields.pop("provider_file"),
        docs=REGISTRY + fields.pop("registry_page"),
        **fields,
    )
