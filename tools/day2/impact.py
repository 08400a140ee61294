"""Change impact: what a config change does on the next `pulumi up`, computed offline.

``make plan STACK=dev CHANGE='cpuArchitecture=X86_64'`` renders the stack twice under mocks (as it
is, and with the change), diffs the two graphs by URN and input, and classifies each difference
with the table of tools/day2/replacements.py: create, delete, update in place, or replace
(create-before-delete or delete-before-create), and for the ECS service whether the update starts
a new deployment. Replacements cascade (DESIGN.md decision 9): a replaced resource gets a new id and
ARN, so an input that refers to it (``propertyDependencies``) changes too, and replaces its owner
when that input is replace-forcing. The report flags the hazards a real `up` runs into.

CHANGE syntax: ``key=value`` items separated by ``;`` (values may hold spaces, JSON does). A bare
key is in the project namespace (``vpcCidr``), a qualified one is taken as is (``aws:region``).
Values are what ``pulumi config set`` stores: plain text, JSON for structured keys
(``privateSubnetCidrs=["10.2.101.0/24", "10.2.102.0/24"]``). The item ``app/`` (no value) models a
change of the content under app/: it is no config key, it changes the image tag.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from components.config import PROJECT, ConfigError  # noqa: E402
from tools.day2.readback import (  # noqa: E402
    POLICY_PROPERTIES,
    container_definitions_are_equivalent,
)
from tools.day2.replacements import (  # noqa: E402
    CHANGE_EXAMPLES,
    IMAGE_BUILD_INPUTS,
    IMAGE_RETAINING_TRANSFORMS,
    IMAGE_TYPE,
    OWN_COMPONENT_PREFIX,
    SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT,
    ChangeExample,
    TypeRow,
    row_for,
)
from tools.offline import (  # noqa: E402
    REPO_ROOT,
    read_stack_config,
    run_program,
    stack_config_map,
)

Graph = Mapping[str, Any]
Resource = Mapping[str, Any]

CHANGE_SEPARATOR = ";"
APP_CONTENT = "app/"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
VPC = "aws:ec2/vpc:Vpc"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LOAD_BALANCER_TYPES = (LOAD_BALANCER, "aws:lb/listener:Listener")
REPOSITORY = "aws:ecr/repository:Repository"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
PROVIDER = "pulumi:providers:aws"
REPLACE_WITH = "options.replaceWith"

# docs/deploy-timing.md: a rolling deploy of a healthy image, then the deployment alarms' bake.
DEPLOY_MINUTES = "~2 min, then 3-4 min of bake before the rollout completes"

# Hazard kinds, in the order the report lists them.
IMMUTABLE_TAG = "immutable tag reused"
NEEDS_FORCE_NEW_DEPLOYMENT = "accepted only with a new deployment"
ROLLBACK_USES = "replaces what a rollback uses"
INTERRUPTS = "interrupts traffic"
ALB_VPC = "load balancer cannot change VPC"
CANNOT_COEXIST = "replacement cannot coexist"
PROTECTED = "protected"
NEW_DEPLOYMENT = "new ECS deployment"
RECONFIRM = "e-mail subscription to confirm"
RETAINED = "old one retained"
NOTE = "note"
NOTES = (RETAINED, NOTE)


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


@dataclass(frozen=True)
class PropertyChange:
    name: str
    replaces: bool
    cause: str
    """``value`` (the input differs) or the name of the replaced resource it refers to."""
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Hazard:
    kind: str
    text: str


@dataclass
class ResourceImpact:
    urn: str
    type: str
    name: str
    action: str
    """create | delete | update | replace"""
    order: str = ""
    """for a replace: create-before-delete or delete-before-create"""
    properties: list[PropertyChange] = field(default_factory=list)
    deployment: bool = False
    hazards: list[Hazard] = field(default_factory=list)


@dataclass
class Impact:
    change: str
    stack: str
    resources: list[ResourceImpact]
    ignored: list[str] = field(default_factory=list)
    """``Type.property`` inputs that changed but are in the resource's ignoreChanges."""

    def of(self, action: str) -> list[ResourceImpact]:
        return [r for r in self.resources if r.action == action]

    def named(self, name: str) -> ResourceImpact:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)

    @property
    def hazards(self) -> list[tuple[ResourceImpact, Hazard]]:
        return [(r, h) for r in self.resources for h in r.hazards]

    @property
    def deploys(self) -> bool:
        return any(r.deployment for r in self.resources)


# --------------------------------------------------------------------------------------------
# CHANGE parsing and the changed graph
# --------------------------------------------------------------------------------------------


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


def plan_change(
    stack: str,
    change: ConfigChange,
    *,
    project_dir: Path = REPO_ROOT,
    base: Graph | None = None,
) -> Impact:
    """Render ``stack`` as configured and with ``change``; the impact of the difference.
    A config error in the change propagates as the program raised it (a ConfigError)."""
    base = base if base is not None else run_program(stack, project_dir=project_dir)
    changed: Graph = (
        run_program(
            stack,
            project_dir=project_dir,
            config=changed_config(stack, change, project_dir),
            # the stack file's secure values stay secret in the changed graph too
            secrets=read_stack_config(stack, project_dir).secrets,
        )
        if change.settings
        else base
    )
    if change.app_content:
        changed = with_new_app_content(changed)
    impact = diff_graphs(base, changed, change=change.describe(), stack=stack)
    provider = _provider_impact(change, base.get("config") or {})
    if provider is not None:
        impact.resources.insert(0, provider)
    return impact


def _provider_impact(change: ConfigChange, before: Mapping[str, str]) -> ResourceImpact | None:
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


# --------------------------------------------------------------------------------------------
# The diff
# --------------------------------------------------------------------------------------------


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
    """The provider's DiffSuppressFunc, as tools/day2/readback.py ports it: documents that differ
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
    _flag_hazards(result, before, after)
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


# --------------------------------------------------------------------------------------------
# Hazards
# --------------------------------------------------------------------------------------------


# What ECS restores on a rollback: the last successful service revision, which records the task
# definition and the service's load balancers, network configuration and capacity providers
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-revision.html).
ROLLBACK_SERVICE_PROPS = ("loadBalancers", "networkConfiguration", "capacityProviderStrategies")


def _rollback_closure(graph: Mapping[str, Resource]) -> set[str]:
    """What a rollback to the previous revision runs with, directly or through what that refers
    to: the task definition's inputs and the service's revision settings. Pulumi deletes a replaced
    one at the end of the up, while the deployment alarms may still roll back (the bake)."""
    pending = [
        dep
        for r in graph.values()
        for prop, deps in r.get("propertyDependencies", {}).items()
        if r["type"] == TASK_DEFINITION or (r["type"] == SERVICE and prop in ROLLBACK_SERVICE_PROPS)
        for dep in deps
    ]
    seen: set[str] = set()
    while pending:
        urn = pending.pop()
        if urn in seen or urn not in graph:
            continue
        seen.add(urn)
        pending.extend(
            d for deps in graph[urn].get("propertyDependencies", {}).values() for d in deps
        )
    return {urn for urn in seen if graph[urn]["type"] != TASK_DEFINITION}


def _flag_hazards(
    impact: Impact, before: Mapping[str, Resource], after: Mapping[str, Resource]
) -> None:
    rollback_uses = _rollback_closure(before)
    vpc_replaced = any(r.type == VPC and r.action == "replace" for r in impact.resources)
    for resource in impact.resources:
        old, new = before.get(resource.urn), after.get(resource.urn)
        row = row_for(resource.type)
        changed = {c.name for c in resource.properties}
        if resource.type == IMAGE_TYPE and old is not None and new is not None:
            hazard = _immutable_tag_reused(old, new, after)
            resource.hazards.extend([hazard] if hazard else [])
        if resource.type == SERVICE and resource.action == "update" and new is not None:
            _service_hazards(resource, row, new, changed)
        if resource.action in ("replace", "delete") and old is not None:
            _removal_hazards(resource, old, resource.urn in rollback_uses)
        if resource.action == "replace" and row is not None:
            _replacement_hazards(resource, row, new, changed)
        if resource.action == "create" and _email_subscription(resource, new):
            resource.hazards.append(
                Hazard(RECONFIRM, "pending (no alarm reaches it) until the recipient confirms")
            )
        if resource.action == "update" and resource.type == INTERNET_GATEWAY and "vpcId" in changed:
            resource.hazards.append(
                Hazard(INTERRUPTS, "detached and attached again: the ALB is unreachable between")
            )
        if (
            vpc_replaced
            and resource.action == "update"
            and resource.type in LOAD_BALANCER_TYPES
            and changed & {"subnets", "securityGroups", "defaultActions"}
        ):
            resource.hazards.append(
                Hazard(
                    ALB_VPC,
                    "the plan updates it in place, but a load balancer stays in the VPC it was "
                    "created in: ELB rejects subnets, security groups and target groups of the "
                    "new VPC (InvalidConfigurationRequest), so the up fails here; replace the "
                    "ALB with the VPC (a new name)",
                )
            )


def _service_hazards(
    resource: ResourceImpact, row: TypeRow | None, new: Resource, changed: set[str]
) -> None:
    forced = bool(new["inputs"].get("forceNewDeployment"))
    triggers = sorted(changed & set(row.deployment_props if row else ()))
    if triggers or forced:
        resource.deployment = True
        why = ", ".join(triggers) if triggers else "forceNewDeployment rolls tasks on any update"
        resource.hazards.append(
            Hazard(NEW_DEPLOYMENT, f"rolls every task ({why}): {DEPLOY_MINUTES}")
        )
    missing = sorted(changed & set(SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT))
    if missing and not forced:
        resource.hazards.append(
            Hazard(
                NEEDS_FORCE_NEW_DEPLOYMENT,
                f"{', '.join(missing)} changes only with forceNewDeployment: the provider's "
                "plan check fails preview and up (terraform-provider-aws#43533)",
            )
        )


def _removal_hazards(resource: ResourceImpact, old: Resource, rollback_uses: bool) -> None:
    """The old resource goes at the end of the up: what still needs it breaks."""
    if rollback_uses and resource.type != TASK_DEFINITION:
        if _retained(old):
            text = "it outlives its replacement, so a rollback still finds it"
            resource.hazards.append(Hazard(RETAINED, text))
        else:
            kind = resource.type.split(":")[-1]
            text = (
                f"a rollback restores the previous service revision, whose task definition or "
                f"network and load balancer settings refer to the old {kind}; Pulumi deletes it "
                "at the end of the up, so a rollback during the bake or later fails"
            )
            resource.hazards.append(Hazard(ROLLBACK_USES, text))
    if old["options"].get("protect"):
        text = "the up stops before deleting it; lift protection first (protectStatefulResources)"
        resource.hazards.append(Hazard(PROTECTED, text))
    if resource.type == LOAD_BALANCER and old["inputs"].get("enableDeletionProtection"):
        # DeleteLoadBalancer answers OperationNotPermitted while the attribute is on (AWS ELB
        # guide, "Deletion protection"); the provider's delete calls it without turning the
        # attribute off (terraform-provider-aws elbv2/load_balancer.go@00edc94b
        # resourceLoadBalancerDelete).
        text = (
            "deletion protection is on: ELB refuses to delete the old ALB, so the up fails at "
            "the end; run an up with albDeletionProtection=false first"
        )
        resource.hazards.append(Hazard(PROTECTED, text))


def _replacement_hazards(
    resource: ResourceImpact, row: TypeRow, new: Resource | None, changed: set[str]
) -> None:
    if row.interrupts_traffic:
        first = resource.order == "delete-before-create"
        text = (row.on_replace or "in the request path") + (
            " (deleted before its replacement exists)" if first else ""
        )
        resource.hazards.append(Hazard(INTERRUPTS, text))
    if (
        resource.order == "create-before-delete"
        and row.unique_key
        and not changed & set(row.unique_key)
    ):
        text = (
            f"the replacement keeps {', '.join(row.unique_key)}: created first, it fails as a "
            "duplicate or overwrites the live one, which the old one's delete then removes; it "
            "needs deleteBeforeReplace (unless pulumi-aws sets it for the type: not checked)"
        )
        resource.hazards.append(Hazard(CANNOT_COEXIST, text))
    if _email_subscription(resource, new):
        resource.hazards.append(Hazard(RECONFIRM, row.on_replace))


def _email_subscription(resource: ResourceImpact, new: Resource | None) -> bool:
    return (
        resource.type == SUBSCRIPTION and (new or {}).get("inputs", {}).get("protocol") == "email"
    )


def _retained(resource: Resource) -> bool:
    """The old one outlives its replacement: retained on delete, or (awsx's image) a transform
    retains the pushed image of its build child."""
    options = resource["options"]
    transforms = set(options.get("transforms") or ())
    return bool(options.get("retainOnDelete")) or bool(transforms & set(IMAGE_RETAINING_TRANSFORMS))


def _immutable_tag_reused(
    old: Resource, new: Resource, graph: Mapping[str, Resource]
) -> Hazard | None:
    if old["inputs"].get("imageTag") != new["inputs"].get("imageTag"):
        return None
    rebuilt = [k for k in IMAGE_BUILD_INPUTS if old["inputs"].get(k) != new["inputs"].get(k)]
    if not rebuilt:
        return None
    url = new["inputs"].get("repositoryUrl")
    repositories = [
        r
        for r in graph.values()
        if r["type"] == REPOSITORY and (r.get("outputs") or {}).get("repositoryUrl") == url
    ]
    immutable = any(r["inputs"].get("imageTagMutability") == "IMMUTABLE" for r in repositories)
    consequence = (
        "the IMMUTABLE repository rejects the push (ImageTagAlreadyExistsException) and the up fails"
        if immutable
        else "the push moves the tag: a rollback to it gets the new build"
    )
    return Hazard(
        IMMUTABLE_TAG,
        f"imageTag {new['inputs'].get('imageTag')} is unchanged while {', '.join(rebuilt)} "
        f"changed: {consequence}",
    )


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf values by path; JSON documents held in strings (container definitions, policies)
    are opened, so a diff names the field that changed."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            pass
    if isinstance(value, dict) and value:
        return {
            k: v for key, item in value.items() for k, v in _leaves(item, f"{path}.{key}").items()
        }
    if isinstance(value, list) and value:
        return {
            k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}[{i}]").items()
        }
    return {path: value}


def _value_diff(old: Any, new: Any, limit: int = 3) -> str:
    before, after = _leaves(old), _leaves(new)
    paths = [p for p in sorted(before.keys() | after.keys()) if before.get(p) != after.get(p)]
    if not paths or (len(paths) == 1 and paths[0] == ""):
        return f"{_short(old)} -> {_short(new)}"
    shown = [
        f"{p.lstrip('.')}: {_short(before.get(p), 40)} -> {_short(after.get(p), 40)}"
        for p in paths[:limit]
    ]
    more = f" (+{len(paths) - limit} more)" if len(paths) > limit else ""
    return "; ".join(shown) + more


def describe_property(change: PropertyChange) -> str:
    effect = "replace" if change.replaces else "in place"
    if change.cause == "value":
        return f"{change.name}: {effect}  {_value_diff(change.old, change.new)}"
    return f"{change.name}: {effect}  (refers to replaced {change.cause})"


def render(impact: Impact) -> list[str]:
    lines = [f"change {impact.stack}: {impact.change}"]
    if impact.ignored:
        lines.append(f"  unchanged by ignoreChanges: {', '.join(impact.ignored)}")
    if not impact.resources:
        return [*lines, "  no resource changes"]
    for resource in impact.resources:
        label = resource.action + (f" ({resource.order})" if resource.order else "")
        deploy = "  [new ECS deployment]" if resource.deployment else ""
        lines.append(f"  {label:<32} {resource.type}  {resource.name}{deploy}")
        lines.extend(f"      {describe_property(change)}" for change in resource.properties)
        lines.extend(
            f"      {'-' if h.kind in NOTES else '!'} {h.kind}: {h.text}" for h in resource.hazards
        )
    counts = ", ".join(
        f"{len(impact.of(action))} {action}"
        for action in ("replace", "update", "create", "delete")
        if impact.of(action)
    )
    hazards = sorted({h.kind for _, h in impact.hazards if h.kind not in NOTES})
    lines.append(f"summary: {counts}; hazards: {', '.join(hazards) or 'none'}")
    return lines


# --------------------------------------------------------------------------------------------
# docs/changes.md
# --------------------------------------------------------------------------------------------

DOC_HEADER = """# What a config change does on the next `up`

Generated by `make changes-doc` from the replace-forcing table (`tools/day2/replacements.py`) and
one representative change per setting (`CHANGE_EXAMPLES`, next to the table);
`tests/test_day2_impact.py` keeps this file current. Nothing here ran on AWS: each row renders the
stack under mocks with and without the change and classifies the difference
(`make plan STACK=<stack> CHANGE='<change>'` prints the same analysis per resource and property).

- **Replaces / updates / creates / deletes**: resource types (count) on the next `up`. A replaced
  resource gets a new id, so what refers to it changes too (the cascade).
- **Traffic**: whether requests fail while the `up` runs. A rolling deploy (minimum healthy 100 %)
  does not interrupt; replacing something in the request path (ALB, listener, target group,
  service, subnets, security groups, endpoints, VPC) does.
- **Time**: a rough estimate, not a measurement: the slowest creation among the changed types
  (`create_minutes` in the table: ALB ~3 min, interface endpoint ~2 min, DNS-validated certificate
  ~5 min), plus one rolling deploy when the service deploys (~2 min, then 3-4 min of bake,
  docs/deploy-timing.md). "seconds" is API calls only.
- **Hazards**: what a real `up` runs into (details in the `make plan` output).

`CHANGE` takes `key=value` items separated by `;` (a value may hold spaces). A bare key is a
setting of this project (`vpcCidr`), a qualified one is taken as is (`aws:defaultTags`). Values are
what `pulumi config set` stores: plain text, JSON for lists and objects. `app/` stands for an edit
under app/. A change the program rejects stops with the same one-line error as the stack file would
give, and exit status 1.
"""


def _types(resources: list[ResourceImpact]) -> str:
    counts: dict[str, int] = {}
    for resource in resources:
        kind = "the aws provider" if resource.type == PROVIDER else resource.type.split(":")[-1]
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in sorted(counts.items()))


def estimate(impact: Impact) -> str:
    """Rough duration of the next `up` (see DOC_HEADER)."""
    built = [r for r in impact.resources if r.action in ("create", "replace")]
    minutes = max((row.create_minutes for r in built if (row := row_for(r.type))), default=0.0)
    deploys = impact.deploys or any(r.type == SERVICE for r in built)
    if deploys:
        lead = f"~{minutes:g} min, then " if minutes else ""
        return f"{lead}a rolling deploy: ~2 min + 3-4 min bake"
    if minutes:
        return f"~{minutes:g} min"
    return "seconds" if impact.resources else "nothing to do"


def traffic(impact: Impact) -> str:
    kinds = {h.kind for _, h in impact.hazards}
    if ALB_VPC in kinds:
        return "**yes**; the up fails part-way"
    if INTERRUPTS in kinds:
        return "**yes**"
    return "no (rolling deploy)" if impact.deploys else "no"


def doc_row(example: ChangeExample, impact: Impact | None, error: str = "") -> str:
    change = f"`{example.change}`" + (f" ({example.note})" if example.note else "")
    if impact is None:
        return f"| `{example.key}` | {example.stack} | {change} | rejected at config time: {error} | – | – | – |"
    parts = [
        f"{action}s {_types(impact.of(action))}"
        for action in ("replace", "update", "create", "delete")
        if impact.of(action)
    ]
    deploy = next((r.name for r in impact.resources if r.deployment), "")
    if deploy:
        parts.append("new ECS deployment")
    if impact.ignored:
        parts.append(f"nothing for {', '.join(impact.ignored)} (ignoreChanges)")
    parts.extend(h.text for _, h in impact.hazards if h.kind == NOTE)
    does = "; ".join(parts) or "nothing (no resource input changes)"
    hazards = sorted(
        {h.kind for _, h in impact.hazards if h.kind not in (NOTES + (NEW_DEPLOYMENT,))}
    )
    return (
        f"| `{example.key}` | {example.stack} | {change} | {does} | {traffic(impact)} | "
        f"{estimate(impact)} | {', '.join(hazards) or '–'} |"
    )


@dataclass(frozen=True)
class ExampleResult:
    example: ChangeExample
    impact: Impact | None
    error: str = ""
    """The one-line config error when the program rejects the change."""


def render_examples(examples: Iterable[ChangeExample] = CHANGE_EXAMPLES) -> list[ExampleResult]:
    """Each example change planned against its stack (each stack rendered once as the base)."""
    bases: dict[str, Graph] = {}
    results = []
    for example in examples:
        try:
            if example.stack not in bases:
                bases[example.stack] = run_program(example.stack)
            change = parse_change(example.change)
            impact = plan_change(example.stack, change, base=bases[example.stack])
        except pulumi.RunError as error:
            results.append(ExampleResult(example, None, str(error)))
            continue
        results.append(ExampleResult(example, impact))
    return results


def changes_doc(results: Iterable[ExampleResult] | None = None) -> str:
    """docs/changes.md from the rendered examples."""
    rows = [
        doc_row(r.example, r.impact, r.error.replace("|", "\\|"))
        for r in (render_examples() if results is None else results)
    ]
    table = [
        "| setting | stack | change | the next `up` | traffic interrupted | time | hazards |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
    ]
    return DOC_HEADER + "\n" + "\n".join(table) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--change")
    parser.add_argument("--doc", action="store_true", help="print docs/changes.md")
    parser.add_argument("--project-dir", type=Path, default=REPO_ROOT)
    args = parser.parse_args(argv)
    if args.doc:
        print(changes_doc(), end="")
        return 0
    if not args.change:
        parser.error("--change or --doc")
    try:
        impact = plan_change(args.stack, parse_change(args.change), project_dir=args.project_dir)
    except pulumi.RunError as error:  # a config error: one line, as the stack files give it
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(render(impact)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
