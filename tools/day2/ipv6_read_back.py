"""IPv6 CIDRs as EC2 returns them, for the IPv6 egress-only mode's second `up`.

EC2 stores and returns an IPv6 CIDR in RFC 5952's canonical text: lower-case hex, no leading
zeros in a group, the longest run of zero groups written ``::`` (terraform-provider-aws PR #25588,
"AWS reports IPv6 CIDRs in security groups using lower-case hexadecimal"; for subnets,
aws-cloudformation/cloudformation-coverage-roadmap#938 and #2337: a subnet declared
``2406:da1c:a1e:1234:0:0:0:0/64`` reads back as ``2406:da1c:a1e:1234::/64``). Python's
``ipaddress`` writes the same text. Where the provider compares such a property as plain text, a
program value in any other spelling differs from the state on every `up`:

- ``aws:ec2/subnet:Subnet`` ``ipv6CidrBlock`` (ec2/vpc_subnet.go@00cda125: no DiffSuppressFunc):
  updated in place, or replaced when the subnet assigns IPv6 addresses on creation (its
  CustomizeDiff ForceNewIf).
- ``aws:vpc/securityGroup{Ingress,Egress}Rule:...`` ``cidrIpv6`` (vpc_security_group_ingress_rule.go
  @00a32209: a plain string): a ModifySecurityGroupRules update.

Not listed because the provider compares them as networks: a route's ``destinationIpv6CidrBlock``
(vpc_route.go@0128541e, suppressEqualCIDRBlockDiffs). Not listed because the program does not set
them: the VPC's ``ipv6CidrBlock`` (Amazon-provided, assignGeneratedIpv6CidrBlock) and an IPv6-only
subnet's ``cidrBlock``, which reads back empty and is Optional and Computed (no diff).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tools.day2.policy_read_back import Effect


@dataclass(frozen=True)
class Ipv6CidrProperty:
    property: str
    effect: Callable[[Mapping[str, Any]], Effect]
    """The effect of a difference, from the resource's inputs (the state a second `up` compares)."""
    source: str


def _subnet_effect(inputs: Mapping[str, Any]) -> Effect:
    return "replace" if inputs.get("assignIpv6AddressOnCreation") else "update"


def _update(_: Mapping[str, Any]) -> Effect:
    return "update"


_RULE_SOURCE = "vpc_security_group_ingress_rule.go@00a32209: cidr_ipv6 is a plain string"
IPV6_CIDR_PROPERTIES: dict[str, Ipv6CidrProperty] = {
    "aws:ec2/subnet:Subnet": Ipv6CidrProperty(
        "ipv6CidrBlock",
        _subnet_effect,
        "vpc_subnet.go@00cda125: no DiffSuppressFunc; ForceNewIf when the subnet assigns IPv6 "
        "addresses on creation",
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": Ipv6CidrProperty(
        "cidrIpv6", _update, _RULE_SOURCE
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": Ipv6CidrProperty(
        "cidrIpv6", _update, _RULE_SOURCE
    ),
}


def ipv6_read_back(cidr: str) -> str:
    """The text EC2 returns for ``cidr``; a value EC2 would reject (not an IPv6 network, host
    bits set) is returned as given: the first `up` fails on it instead."""
    try:
        return str(ipaddress.IPv6Network(cidr))
    except ValueError:
        return cidr
