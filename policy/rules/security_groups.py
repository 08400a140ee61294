"""Security groups in all three rule shapes (policy_rules.md §2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import PUBLIC_ANY, Stack, as_list, is_private_cidr, is_true

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RULE_CARRIERS = (SECURITY_GROUP, SG_RULE, SG_INGRESS, SG_EGRESS)
STANDALONE_RULES = (SG_RULE, SG_INGRESS, SG_EGRESS)
VPC = "aws:ec2/vpc:Vpc"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
ECS_SERVICE = "aws:ecs/service:Service"

DEFAULT_DESCRIPTIONS = {"", "managed by pulumi", "managed by terraform"}


# pragma below: frozen only documents intent; nothing assigns to or hashes an SgRule.
@dataclass(frozen=True)  # pragma: no mutate
class SgRule:
    """One rule, whatever shape declared it."""

    label: str
    ingress: bool
    protocol: str
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...]
    description: str

    @property
    def all_ports(self) -> bool:
        return self.protocol in ("-1", "all")

    def covers(self, port: int) -> bool:
        if self.all_ports:
            return True
        if self.protocol not in ("tcp", "6", "udp", "17"):
            return False
        if self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= port <= self.to_port

    @property
    def open_to_world(self) -> bool:
        return any(c in PUBLIC_ANY for c in self.cidrs)

    @property
    def public_cidrs(self) -> list[str]:
        return [c for c in self.cidrs if not is_private_cidr(c)]


# pragma below: only the annotation can be mutated here, and annotations are never evaluated.
def _port(value: Any) -> int | None:  # pragma: no mutate
    return None if value is None else int(value)


def _entry(label: str, ingress: bool, raw: Mapping[str, Any], protocol_key: str) -> SgRule:
    cidrs = [
        *as_list(raw.get("cidrBlocks")),
        *as_list(raw.get("ipv6CidrBlocks")),
        *[c for c in (raw.get("cidrIpv4"), raw.get("cidrIpv6")) if c],
    ]
    return SgRule(
        label=label,
        ingress=ingress,
        protocol=str(raw.get(protocol_key, "")).lower(),
        from_port=_port(raw.get("fromPort")),
        to_port=_port(raw.get("toPort")),
        cidrs=tuple(str(c) for c in cidrs),
        description=str(raw.get("description") or ""),
    )


def sg_rules(type_token: str, props: Mapping[str, Any]) -> list[SgRule]:
    if type_token in (SECURITY_GROUP, DEFAULT_SG):
        return [
            _entry(f"inline {direction}[{i}]", direction == "ingress", raw, "protocol")
            for direction in ("ingress", "egress")
            for i, raw in enumerate(as_list(props.get(direction)))
        ]
    if type_token == SG_RULE:
        return [_entry("rule", props.get("type") == "ingress", props, "protocol")]
    # The other RULE_CARRIERS: aws.vpc.SecurityGroupIngressRule / EgressRule.
    return [_entry("rule", type_token == SG_INGRESS, props, "ipProtocol")]


def _rules_of(args: ResourceValidationArgs) -> list[SgRule]:
    return sg_rules(args.resource_type, args.props)


def _where(rule: SgRule) -> str:
    return "" if rule.label == "rule" else f" ({rule.label})"


def _public_admin_ports(args: ResourceValidationArgs) -> Iterator[str]:
    for rule in _rules_of(args):
        if not rule.ingress or not rule.open_to_world:
            continue
        if rule.all_ports:
            yield f"ingress from the internet on all protocols{_where(rule)}"
        else:
            for port in (22, 3389):
                if rule.covers(port):
                    yield f"ingress from the internet covers port {port}{_where(rule)}"


no_public_ingress_sgr = resource_rule(
    name="aws-ec2-no-public-ingress-sgr",
    rows=["SG-01"],
    description="No SSH, RDP or all-protocol ingress from 0.0.0.0/0 or ::/0.",
    types=RULE_CARRIERS,
    fix="drop the rule (Fargate needs no SSH; use ECS Exec) or narrow the source to a security "
    "group",
    severity="high",
    dev="M",
    sources="trivy AWS-0107 (tfsec aws-vpc-no-public-ingress-sgr); checkov CKV_AWS_24, CKV_AWS_25",
    check=_public_admin_ports,
)


def _public_all_ports(args: ResourceValidationArgs) -> Iterator[str]:
    for rule in _rules_of(args):
        if rule.ingress and rule.open_to_world and rule.all_ports:
            yield f"ingress from the internet on every port (protocol -1){_where(rule)}"


no_public_all_ports = resource_rule(
    name="sg-no-public-ingress-all-ports",
    rows=["SG-02"],
    description="No all-ports ingress from the internet.",
    types=RULE_CARRIERS,
    fix="name a tcp port and take the source from a security group",
    severity="critical",
    dev="M",
    sources="checkov CKV_AWS_277",
    check=_public_all_ports,
)


# --- role of a security group in the stack ------------------------------------------------------


def target_group_of(stack: Stack, rule: PolicyResource) -> list[PolicyResource]:
    return stack.referenced(rule, "securityGroupId", SECURITY_GROUP)


def public_alb_security_groups(stack: Stack) -> set[str]:
    """URNs of SGs attached only to internet-facing load balancers."""
    public_lbs = [
        lb for lb in stack.of_type(*LOAD_BALANCERS) if not is_true(lb.props.get("internal"))
    ]
    result: set[str] = set()
    for sg in stack.of_type(SECURITY_GROUP):
        users = [
            lb for lb in stack.of_type(*LOAD_BALANCERS) if stack.refers_to(lb, "securityGroups", sg)
        ]
        other_users = [
            r
            for r in stack.of_type(ECS_SERVICE, "aws:ec2/vpcEndpoint:VpcEndpoint")
            if stack.refers_to(r, "networkConfiguration", sg)
            or stack.refers_to(r, "securityGroupIds", sg)
        ]
        if users and all(lb in public_lbs for lb in users) and not other_users:
            result.add(sg.urn)
    return result


def task_security_groups(stack: Stack) -> set[str]:
    return {
        sg.urn
        for sg in stack.of_type(SECURITY_GROUP)
        if any(stack.refers_to(s, "networkConfiguration", sg) for s in stack.of_type(ECS_SERVICE))
    }


def rules_for_group(
    stack: Stack, subject: PolicyResource
) -> list[tuple[PolicyResource, SgRule, list[PolicyResource]]]:
    """(declaring resource, rule, the SGs it belongs to) for a subject rule carrier."""
    groups = (
        [subject] if subject.resource_type == SECURITY_GROUP else target_group_of(stack, subject)
    )
    return [(subject, rule, groups) for rule in sg_rules(subject.resource_type, subject.props)]


ALB_PUBLIC_PORTS = (80, 443)


def _public_ingress_only_on_alb(stack: Stack, subject: PolicyResource) -> Iterator[StackFinding]:
    alb_groups = public_alb_security_groups(stack)
    for declaring, rule, groups in rules_for_group(stack, subject):
        if not rule.ingress or not rule.public_cidrs:
            continue
        on_alb = bool(groups) and all(g.urn in alb_groups for g in groups)
        sources = ", ".join(rule.public_cidrs)
        if not on_alb:
            names = ", ".join(g.name for g in groups) or "an unknown group"
            yield StackFinding(
                declaring,
                f"public-CIDR ingress ({sources}) on {names}, which is not the internet-facing "
                f"ALB's security group{_where(rule)}",
            )
        elif (
            rule.protocol not in ("tcp", "6")
            or rule.from_port != rule.to_port
            or (rule.from_port not in ALB_PUBLIC_PORTS)
        ):
            yield StackFinding(
                declaring,
                f"the ALB security group admits {sources} on something other than tcp 443 or "
                f"80{_where(rule)}",
            )


public_ingress_only_on_alb = stack_rule(
    name="sg-public-ingress-only-on-alb",
    rows=["SG-03"],
    description="Only the internet-facing ALB's SG accepts public CIDRs, on tcp 443 (and 80).",
    subjects=RULE_CARRIERS,
    fix="take task and endpoint ingress from the ALB/task security group "
    "(referenced_security_group_id) and keep public CIDRs on the ALB SG for tcp 443/80 only",
    severity="critical",
    dev="M",
    sources="defsec v0.84.1 AVD-AWS-0107 (tfsec semantics); CR aws-ec2-securitygroup-disallow-"
    "public-internet-ingress",
    check=_public_ingress_only_on_alb,
)


def _no_public_http(stack: Stack, subject: PolicyResource) -> Iterator[StackFinding]:
    alb_groups = public_alb_security_groups(stack)
    for declaring, rule, groups in rules_for_group(stack, subject):
        if not (rule.ingress and rule.open_to_world and rule.covers(80)):
            continue
        if groups and all(g.urn in alb_groups for g in groups):
            continue  # the ALB SG feeds the HTTP listener (redirect, or ALB-03's dev waiver)
        yield StackFinding(declaring, f"tcp 80 open to the internet{_where(rule)}")


no_public_http = stack_rule(
    name="sg-no-public-http-80",
    rows=["SG-04"],
    description="No 0.0.0.0/0 ingress on tcp 80 except on the ALB SG.",
    subjects=RULE_CARRIERS,
    fix="serve port 80 only on the ALB security group, behind the HTTP->HTTPS redirect listener",
    severity="medium",
    dev="M",
    sources="checkov CKV_AWS_260; CR aws-ec2-securitygroup-disallow-inbound-http-traffic",
    check=_no_public_http,
)


def _public_egress(
    stack: Stack, subject: PolicyResource, want_tasks: bool
) -> Iterator[StackFinding]:
    tasks = task_security_groups(stack)
    for declaring, rule, groups in rules_for_group(stack, subject):
        if rule.ingress or not rule.open_to_world:
            continue
        is_task = bool(groups) and all(g.urn in tasks for g in groups)
        if is_task == want_tasks:
            yield StackFinding(declaring, f"egress to the whole internet{_where(rule)}")


no_public_egress = stack_rule(
    name="aws-ec2-no-public-egress-sgr",
    rows=["SG-05"],
    description="ALB and endpoint SGs send traffic only to named destinations.",
    subjects=RULE_CARRIERS,
    fix="send ALB egress to the task SG on the container port and endpoint egress nowhere",
    severity="critical",
    dev="M",
    sources="trivy AWS-0104 (tfsec aws-vpc-no-public-egress-sgr); checkov CKV_AWS_382",
    check=lambda stack, subject: _public_egress(stack, subject, want_tasks=False),
)

no_public_egress_tasks = stack_rule(
    name="aws-ec2-no-public-egress-sgr-tasks",
    rows=["SG-05"],
    description="Task SGs send traffic to the endpoints and the S3 prefix list, not 0.0.0.0/0.",
    subjects=RULE_CARRIERS,
    fix="allow tcp 443 to the endpoint SG and the S3 prefix list (prefix_list_id) instead of "
    "0.0.0.0/0",
    severity="critical",
    dev="A",
    sources="trivy AWS-0104; checkov CKV_AWS_382 (task SG part of SG-05)",
    check=lambda stack, subject: _public_egress(stack, subject, want_tasks=True),
)


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
    for rule in _rules_of(args):
        if rule.description.strip().lower() in DEFAULT_DESCRIPTIONS:
            yield f"a security group rule has no description{_where(rule)}"


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
    no_public_ingress_sgr,
    no_public_all_ports,
    public_ingress_only_on_alb,
    no_public_http,
    no_public_egress,
    no_public_egress_tasks,
    sg_description,
    sg_rule_description,
    default_sg_restricted,
    rule_conflicts,
    sg_attached,
]
