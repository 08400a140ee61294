"""What the security-group rules modules share: the types, and every rule read into one shape
(`SgRule`) whether an inline entry, a SecurityGroupRule or a vpc.SecurityGroupIngress/EgressRule
declared it (policy_rules.md §2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import ResourceValidationArgs

from ._resources import PUBLIC_ANY, as_list, is_private_cidr

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RULE_CARRIERS = (SECURITY_GROUP, SG_RULE, SG_INGRESS, SG_EGRESS)
STANDALONE_RULES = (SG_RULE, SG_INGRESS, SG_EGRESS)


# pragma below: frozen only documents intent; nothing assigns to or hashes an SgRule.
@dataclass(frozen=True)  # pragma: no mutate
class SgRule:
    """One rule, whatever shape declared it."""

    label: str
    ingress: bool
    protocol: str
    from_port: int | None  # pragma: no mutate (annotation, never evaluated)
    to_port: int | None  # pragma: no mutate (annotation, never evaluated)
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


def rules_of(args: ResourceValidationArgs) -> list[SgRule]:
    return sg_rules(args.resource_type, args.props)


def where(rule: SgRule) -> str:
    return "" if rule.label == "rule" else f" ({rule.label})"
