"""Security-group hygiene: descriptions, the default group, one rule mechanism per direction, no
unused groups (policy_rules.md §2, SG-06 to SG-10)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import Stack, as_list
from ._security_groups import (
    DEFAULT_SG,
    RULE_CARRIERS,
    SECURITY_GROUP,
    SG_INGRESS,
    SG_RULE,
    STANDALONE_RULES,
    rules_of,
    where,
)

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_DESCRIPTIONS = {"", "managed by pulumi", "managed by terraform"}


def _sg_description(args: ResourceValidationArgs) -> Iterator[str]:
    if str(args.props.get("description") or "").strip().lower() in DEFAULT_DESCRIPTIONS:
        yield "the security group has no description of its own (omitted or a provider default)"


sg_description = resource_rule(
    name="aws-ec2-add-description-to-security-group",
    rows=["SG-06"],
    description="Security groups say what they are for.",
    types=[SECURITY_GROUP],
    fix='set description (e.g. "ALB: HTTPS from internet") from day one; changing it later '
    "replaces the group",
    severity="low",
    dev="M",
    sources="trivy AWS-0099; checkov CKV_AWS_23; CR aws-ec2-securitygroup-missing-description",
    check=_sg_description,
)


def _rule_description(args: ResourceValidationArgs) -> Iterator[str]:
    for rule in rules_of(args):
        if rule.description.strip().lower() in DEFAULT_DESCRIPTIONS:
            yield f"a security group rule has no description{where(rule)}"


sg_rule_description = resource_rule(
    name="aws-ec2-add-description-to-security-group-rule",
    rows=["SG-07"],
    description="Every security group rule says what it is for.",
    types=RULE_CARRIERS,
    fix='set description on the rule (e.g. "tasks -> ecr.dkr endpoint")',
    severity="low",
    dev="M",
    sources="trivy AWS-0124; checkov CKV_AWS_23; CR ...-missing-ingress/egress-rule-description",
    check=_rule_description,
)


def _default_sg_restricted(stack: Stack, vpc: PolicyResource) -> Iterator[StackFinding]:
    adopted = stack.referencing(vpc, "vpcId", DEFAULT_SG)
    if not adopted:
        yield StackFinding(
            vpc, "the VPC's default SG is not adopted, so it keeps allow-from-self and all egress"
        )
    for default_sg in adopted:
        if as_list(default_sg.props.get("ingress")) or as_list(default_sg.props.get("egress")):
            yield StackFinding(default_sg, "the adopted default SG still has rules")


default_sg_restricted = stack_rule(
    name="aws-ec2-restrict-all-in-default-sg",
    rows=["SG-08"],
    description="Each VPC's default security group is adopted with no rules.",
    subjects=[VPC],
    fix="add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress or egress",
    severity="low",
    dev="M",
    sources="trivy AWS-0173; checkov CKV2_AWS_12",
    check=_default_sg_restricted,
)


def _rule_conflicts(stack: Stack, sg: PolicyResource) -> Iterator[StackFinding]:
    for direction in ("ingress", "egress"):
        if not as_list(sg.props.get(direction)):
            continue
        for rule in stack.referencing(sg, "securityGroupId", *STANDALONE_RULES):
            rule_direction = (
                rule.props.get("type")
                if rule.resource_type == SG_RULE
                else ("ingress" if rule.resource_type == SG_INGRESS else "egress")
            )
            if rule_direction == direction:
                yield StackFinding(
                    sg,
                    f"inline {direction} rules and the standalone rule {rule.name} fight over the "
                    "same group; each apply undoes the other",
                )


rule_conflicts = stack_rule(
    name="security-group-no-rule-management-conflicts",
    rows=["SG-09"],
    description="A security group's rules come from one mechanism per direction.",
    subjects=[SECURITY_GROUP],
    fix="move the inline rules to standalone aws.vpc.SecurityGroupIngressRule/EgressRule resources",
    severity="medium",
    dev="M",
    sources="AWSGuard security-group-no-rule-management-conflicts",
    check=_rule_conflicts,
)

_ATTACH_KEYS = (
    "securityGroups",
    "networkConfiguration",
    "securityGroupIds",
    "vpcSecurityGroupIds",
    "referencedSecurityGroupId",
    "sourceSecurityGroupId",
    "ingress",
    "egress",
)


def _sg_attached(stack: Stack, sg: PolicyResource) -> Iterator[StackFinding]:
    for other in stack.resources:
        if other.urn == sg.urn:
            continue
        if any(stack.refers_to(other, key, sg) for key in _ATTACH_KEYS if key in other.props):
            return
        if any(
            dep.urn == sg.urn
            for key in _ATTACH_KEYS
            for dep in other.property_dependencies.get(key, [])
        ):
            return
    yield StackFinding(sg, "no load balancer, service, endpoint or rule uses this security group")


sg_attached = stack_rule(
    name="sg-attached",
    rows=["SG-10"],
    description="Every security group is used by something.",
    subjects=[SECURITY_GROUP],
    fix="attach it to the resource it was made for, or delete it",
    severity="low",
    dev="A",
    sources="checkov CKV2_AWS_5",
    check=_sg_attached,
)

POLICIES = [
    sg_description,
    sg_rule_description,
    default_sg_restricted,
    rule_conflicts,
    sg_attached,
]
