"""VPCs, subnets, flow logs and network ACLs (policy_rules.md §1, VPC-01 to VPC-06)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, needs_referrer, resource_rule, stack_rule
from ._resources import PUBLIC_ANY, Stack, as_list, is_true

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
NACL = "aws:ec2/networkAcl:NetworkAcl"
NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
DEFAULT_NACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
NACL_ASSOCIATION = "aws:ec2/networkAclAssociation:NetworkAclAssociation"


def _default_vpc(args: ResourceValidationArgs) -> Iterator[str]:
    yield "the account's default VPC is adopted into the stack"


no_default_vpc = resource_rule(
    name="aws-ec2-no-default-vpc",
    rows=["VPC-01"],
    description="Workloads live in a dedicated VPC; the default VPC is never adopted.",
    types=["aws:ec2/defaultVpc:DefaultVpc", "aws:ec2/defaultSubnet:DefaultSubnet"],
    fix="create a dedicated aws.ec2.Vpc and place subnets, SGs and load balancers in it",
    severity="high",
    dev="M",
    sources="trivy AWS-0101 (tfsec aws-vpc-no-default-vpc); checkov CKV_AWS_148",
    check=_default_vpc,
)


def _public_ip_subnet(args: ResourceValidationArgs) -> Iterator[str]:
    if is_true(args.props.get("mapPublicIpOnLaunch")):
        yield "mapPublicIpOnLaunch is true, so every ENI in the subnet gets a public address"


no_public_ip_subnet = resource_rule(
    name="aws-ec2-no-public-ip-subnet",
    rows=["VPC-02"],
    description="Subnets do not hand out public IPs on launch.",
    types=[SUBNET],
    fix="omit map_public_ip_on_launch (ALB ENIs get addresses without it; Fargate uses the "
    "service's assign_public_ip, which stays false)",
    severity="high",
    dev="M",
    sources="trivy AWS-0164 (tfsec aws-subnet-no-public-ip); checkov CKV_AWS_130",
    check=_public_ip_subnet,
)


vpc_flow_logs = stack_rule(
    name="aws-ec2-require-vpc-flow-logs-for-all-vpcs",
    rows=["VPC-03"],
    description="Every VPC has a flow log.",
    subjects=[VPC],
    fix="enable the network's flow logs (FlowLog with vpc_id=vpc.id, traffic_type REJECT to S3 or "
    "a short-retention log group)",
    severity="medium",
    dev="A",
    sources="trivy AWS-0178; checkov CKV2_AWS_11",
    check=needs_referrer("vpcId", [FLOW_LOG], "no FlowLog points at this VPC"),
)


def _nacl_entries(args: ResourceValidationArgs) -> Iterator[tuple[bool, Mapping[str, Any]]]:
    """(is_ingress, normalised entry) for the inline and standalone NACL shapes."""
    props = args.props
    if args.resource_type == NACL_RULE:  # pragma: no mutate (>=: both other NACL types sort below)
        yield (
            not is_true(props.get("egress")),
            {
                "action": props.get("ruleAction"),
                "protocol": props.get("protocol"),
                "cidrs": [props.get("cidrBlock"), props.get("ipv6CidrBlock")],
                "from": props.get("fromPort"),
                "to": props.get("toPort"),
            },
        )
        return
    for direction in ("ingress", "egress"):
        for entry in as_list(props.get(direction)):
            yield (
                direction == "ingress",  # pragma: no mutate (>=: "egress" is below; is: interned)
                {
                    "action": entry.get("action"),
                    "protocol": entry.get("protocol"),
                    "cidrs": [entry.get("cidrBlock"), entry.get("ipv6CidrBlock")],
                    "from": entry.get("fromPort"),
                    "to": entry.get("toPort"),
                },
            )


def _all_protocols(protocol: Any) -> bool:
    return str(protocol).lower() in ("-1", "all")


def _covers(entry: Mapping[str, Any], port: int) -> bool:
    if _all_protocols(entry.get("protocol")):
        return True
    low, high = entry.get("from"), entry.get("to")
    if low is None or high is None:
        return False
    return int(low) <= port <= int(high)


def _nacl_all_protocols(args: ResourceValidationArgs) -> Iterator[str]:
    for ingress, entry in _nacl_entries(args):
        if (
            str(entry.get("action")).lower()
            == "allow"  # pragma: no mutate (<=: "deny", the only other action, sorts above)
            and _all_protocols(entry.get("protocol"))
        ):
            direction = "ingress" if ingress else "egress"
            yield f"an {direction} allow entry uses protocol -1 (all ports)"


nacl_excessive_port_access = resource_rule(
    name="aws-ec2-no-excessive-port-access",
    rows=["VPC-04"],
    description="NACL allow rules name a protocol and port range.",
    types=[NACL, NACL_RULE, DEFAULT_NACL],
    fix="use protocol tcp/udp with an explicit port range, or leave the default NACL unmanaged",
    severity="critical",
    dev="N/A",
    sources="trivy AWS-0102 (tfsec aws-vpc-no-excessive-port-access); checkov CKV_AWS_352",
    check=_nacl_all_protocols,
)


def _nacl_public_admin_ports(args: ResourceValidationArgs) -> Iterator[str]:
    for ingress, entry in _nacl_entries(args):
        if (
            not ingress
            or str(entry.get("action")).lower()
            != "allow"  # pragma: no mutate (>: "deny", the only other action, sorts above)
        ):
            continue
        if not any(c in PUBLIC_ANY for c in entry["cidrs"] if c):
            continue
        for port in (22, 3389):
            if _covers(entry, port):
                yield f"ingress from the internet is allowed to port {port}"
                break


nacl_public_ingress = resource_rule(
    name="aws-ec2-no-public-ingress-acl",
    rows=["VPC-05"],
    description="NACLs do not admit SSH or RDP from the internet.",
    types=[NACL, NACL_RULE, DEFAULT_NACL],
    fix="restrict the source to the VPC or an office CIDR, or drop the rule (use ECS Exec)",
    severity="medium",
    dev="N/A",
    sources="trivy AWS-0105 (tfsec aws-vpc-no-public-ingress-acl); checkov CKV_AWS_229-232",
    check=_nacl_public_admin_ports,
)


def _nacl_attached(stack: Stack, nacl: PolicyResource) -> Iterator[StackFinding]:
    if as_list(nacl.props.get("subnetIds")):
        return
    if stack.referencing(nacl, "networkAclId", NACL_ASSOCIATION):
        return
    yield StackFinding(nacl, "the network ACL is associated with no subnet")


nacl_attached = stack_rule(
    name="nacl-attached-to-subnet",
    rows=["VPC-06"],
    description="Every managed NACL is associated with at least one subnet.",
    subjects=[NACL],
    fix="set subnet_ids on the NACL (or add a NetworkAclAssociation), or delete it",
    severity="low",
    dev="A",
    sources="checkov CKV2_AWS_1",
    check=_nacl_attached,
)


POLICIES = [
    no_default_vpc,
    no_public_ip_subnet,
    vpc_flow_logs,
    nacl_excessive_port_access,
    nacl_public_ingress,
    nacl_attached,
]
