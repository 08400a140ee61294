"""What a real `up` of a change runs into, flagged per resource: a rollback that loses what it
needs, a replacement that interrupts traffic or cannot coexist with the old one, protection,
a new ECS deployment, an image tag pushed twice, an e-mail subscription to confirm again, an IPv6
block given up while something still uses it."""

from __future__ import annotations

from collections.abc import Mapping

from tools.day2.impact_model import (
    ALB_VPC,
    CANNOT_COEXIST,
    IMMUTABLE_TAG,
    INTERNET_GATEWAY,
    INTERRUPTS,
    IPV6_BLOCK_IN_USE,
    LOAD_BALANCER,
    LOAD_BALANCER_TYPES,
    NEEDS_FORCE_NEW_DEPLOYMENT,
    NEW_DEPLOYMENT,
    PROTECTED,
    RECONFIRM,
    REPOSITORY,
    RETAINED,
    ROLLBACK_USES,
    SERVICE,
    SUBNET,
    SUBSCRIPTION,
    TASK_DEFINITION,
    VPC,
    Hazard,
    Impact,
    Resource,
    ResourceImpact,
)
from tools.day2.replacements import (
    IMAGE_BUILD_INPUTS,
    IMAGE_RETAINING_TRANSFORMS,
    IMAGE_TYPE,
    SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT,
    TypeRow,
    row_for,
)

# docs/deploy-timing.md: a rolling deploy of a healthy image, then the deployment alarms' bake.
DEPLOY_MINUTES = "~2 min, then 3-4 min of bake before the rollout completes"

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


def flag_hazards(
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
        if resource.action == "update" and old is not None and new is not None:
            _ipv6_block_hazard(resource, old, new)
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


# The input that holds a VPC's or subnet's IPv6 block (the IPv6 egress-only mode).
_IPV6_BLOCK_INPUTS = {VPC: "assignGeneratedIpv6CidrBlock", SUBNET: "ipv6CidrBlock"}


def _ipv6_block_hazard(resource: ResourceImpact, old: Resource, new: Resource) -> None:
    """Leaving the IPv6 egress-only mode. EC2 disassociates a VPC's or subnet's IPv6 block only
    once no gateway or resource uses it (EC2 API reference, DisassociateVpcCidrBlock and
    DisassociateSubnetCidrBlock), and Pulumi updates a resource before what depends on it: the
    VPC before its subnets and the egress-only gateway (deleted at the end of the up), a subnet
    before the dual-stack ALB whose nodes hold addresses in it."""
    block = _IPV6_BLOCK_INPUTS.get(resource.type)
    if block is None or not old["inputs"].get(block) or new["inputs"].get(block):
        return
    kind = resource.type.split(":")[-1]
    text = (
        f"the {kind} gives up its IPv6 block ({block}) before what still uses it is updated or "
        "deleted (subnets, the egress-only gateway, the dual-stack ALB's addresses): EC2 refuses "
        "the disassociation, so the up fails here; leave the mode by replacing the stack "
        "(destroy and up), not in place"
    )
    resource.hazards.append(Hazard(IPV6_BLOCK_IN_USE, text))


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
