"""What a change of each input does, per resource type the stacks use: the replace-forcing
properties, how Pulumi orders a replacement, whether it interrupts traffic, and which in-place
changes of the ECS service start a new deployment.

One table, the single source for ``make plan CHANGE=...`` (tools/day2/impact.py), docs/changes.md
and tests/tools/test_day2_impact.py, kept in one TOML file per group of services (network.toml, ecs.toml, ...)
and assembled here (``ROWS``, ``TABLE``, ``row_for``).

Where the facts come from:

* Replace-forcing properties are the provider schema's ``ForceNew: true`` (or a plugin-framework
  ``RequiresReplace`` plan modifier) in hashicorp/terraform-provider-aws ``internal/service/*``,
  which pulumi-aws bridges: the bridge's Diff answers "replace" exactly for them. Pulumi's registry
  and Terraform's docs mark them "Forces new resource"/"Changing this forces a new resource",
  but not always. A row's ``source`` names the provider file; ``verified`` is the commit of that file
  this table was checked against (read through the search tool's file index, which holds one
  version per file), or "" where the row rests on the Terraform registry documentation of the
  resource. The index holds files from several releases, so a commit says which text was read,
  not which release the pinned pulumi-aws 7.51.1 bridges: re-check a row when a release note
  says its schema changed.
* Only the properties this program can set are listed (tags are updated in place everywhere).
  Property names are the Pulumi (camelCase) input names as the offline graph records them; a dotted
  name is a nested field (``deploymentController.type``).
* Replacement order: Pulumi creates the replacement first unless the resource has
  ``deleteBeforeReplace``, or the bridge asks for it: pulumi/pulumi-terraform-bridge
  ``pkg/tfbridge/schema.go`` ``nameRequiresDeleteBeforeReplace`` answers delete-before-create when
  an auto-named property (``autoname`` below) was given an explicit value, because two resources
  cannot hold the same name. ``unique_key`` lists the inputs that identify a resource that can
  exist only once (one policy per bucket, one association per subnet, one record per name and
  type): a create-before-delete replacement that keeps them either fails on "already exists" or,
  with a Put-style API, overwrites the live one and then deletes it.
"""

from __future__ import annotations

from tools.day2.replacements.examples import CHANGE_EXAMPLES, ChangeExample
from tools.day2.replacements.image import (
    IMAGE_BUILD_INPUTS,
    IMAGE_RETAINING_TRANSFORMS,
    IMAGE_ROW,
    IMAGE_TYPE,
)
from tools.day2.replacements.row import TypeRow, load_rows

__all__ = [
    "CHANGE_EXAMPLES",
    "IMAGE_BUILD_INPUTS",
    "IMAGE_RETAINING_TRANSFORMS",
    "IMAGE_TYPE",
    "OWN_COMPONENT_PREFIX",
    "ROWS",
    "SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT",
    "TABLE",
    "ChangeExample",
    "TypeRow",
    "row_for",
]

# One TOML file of rows per group of services, beside this module.
GROUPS = ("network", "load_balancing", "ecs", "iam", "monitoring", "scaling", "storage")
ROWS: tuple[TypeRow, ...] = tuple(row for group in GROUPS for row in load_rows(group))

# The ECS service inputs (of its row's deployment_props) that UpdateService accepts only with
# forceNewDeployment (terraform-provider-aws#43533 and the provider's plan-time check).
SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT = ("capacityProviderStrategies",)

TABLE: dict[str, TypeRow] = {row.type: row for row in (*ROWS, IMAGE_ROW)}

# This project's own components register no inputs of their own: nothing to compare.
OWN_COMPONENT_PREFIX = "ecs-fargate:index:"


def row_for(type_token: str) -> TypeRow | None:
    return TABLE.get(type_token)
