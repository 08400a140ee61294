"""Security groups: what their rules let in from and out to the internet, by the role each group
plays (ALB, tasks, endpoints) (policy_rules.md §2, SG-01 to SG-05)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import Stack, is_true
from ._security_groups import RULE_CARRIERS, SECURITY_GROUP, SgRule, rules_of, sg_rules, where

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
ECS_SERVICE = "aws:ecs/service:Service"


def _public_admin_ports(args: ResourceValidationArgs) -> Iterator[str]:
    for rule in rules_of(args):
        if not rule.ingress or not rule.open_to_world:
            continue
        if rule.all_ports:
            yield f"ingress from the internet on all protocols{where(rule)}"
        else:
            for port in (22, 3389):
                if rule.covers(port):
                    yield f"ingress from the internet covers port {port}{where(rule)}"


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
    for rule in rules_of(args):
        if rule.ingress and rule.open_to_world and rule.all_ports:
            yield f"ingress from the internet on every port (protocol -1){where(rule)}"


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
                f"ALB's security group{where(rule)}",
            )
        elif (
            rule.protocol not in ("tcp", "6")
            or rule.from_port != rule.to_port
            or (rule.from_port not in ALB_PUBLIC_PORTS)
        ):
            yield StackFinding(
                declaring,
                f"the ALB security group admits {sources} on something other than tcp 443 or "
                f"80{where(rule)}",
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
        yield StackFinding(declaring, f"tcp 80 open to the internet{where(rule)}")


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
            yield StackFinding(declaring, f"egress to the whole internet{where(rule)}")


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


POLICIES = [
    no_public_ingress_sgr,
    no_public_all_ports,
    public_ingress_only_on_alb,
    no_public_http,
    no_public_egress,
    no_public_egress_tasks,
]
