"""Network and load-balancing charges: load balancers with their public IPv4 addresses, VPC
endpoints and their traffic, NAT gateways (configured or as a --compare design), Elastic IPs and
Route 53 hosted zones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.cost.ledger import Ledger, Line, format_quantity, inputs_of, name_of
from tools.cost.resource_types import T_ENDPOINT, T_NAT
from tools.graph import Resource

# What a --compare design that swaps the endpoints for NAT gateways bills its lines to.
DESIGN_ALTERNATIVE = "(design alternative)"


def endpoint_service(service_name: str) -> str:
    """'com.amazonaws.ap-northeast-1.ecr.api' -> 'ecr.api'."""
    parts = service_name.split(".", 3)
    return parts[3] if len(parts) == 4 and parts[0] == "com" else service_name


def public_ipv4_count(inputs: Mapping[str, Any]) -> int:
    if inputs.get("internal") or inputs.get("ipAddressType") == "dualstack-without-public-ipv4":
        return 0
    mappings = inputs.get("subnetMappings") or []
    # Mappings with an allocationId use an Elastic IP, which is priced as its own resource.
    mapped = sum(1 for m in mappings if not m.get("allocationId"))
    return mapped or len(inputs.get("subnets") or [])


def load_balancers(ledger: Ledger, balancers: list[Resource]) -> None:
    lcu = ledger.usage["alb_lcu_average"]
    for lb in balancers:
        inputs = inputs_of(lb)
        name = name_of(lb)
        kind = inputs.get("loadBalancerType") or "application"
        if kind not in ("application", "network"):
            ledger.not_priced(
                "Load balancing", f"{kind} load balancer", [name], "type not in table"
            )
            continue
        prefix, hour_item, capacity_item = (
            ("ALB", "alb_hour", "alb_lcu_hour")
            if kind == "application"
            else ("NLB", "nlb_hour", "nlb_nlcu_hour")
        )
        ledger.charge("Load balancing", f"{prefix} hours", [name], ledger.hours, hour_item)
        ledger.charge(
            "Load balancing",
            f"{prefix} capacity units ({format_quantity(lcu)} average, usage.json)",
            [name],
            lcu * ledger.hours,
            capacity_item,
        )
        addresses = public_ipv4_count(inputs)
        if addresses:
            ledger.charge(
                "Load balancing",
                f"{prefix} public IPv4, {addresses} (one per AZ, internet-facing)",
                [name],
                addresses * ledger.hours,
                "public_ipv4_hour",
                "minimum; a scaled-out ALB can hold more",
            )


def interface_endpoints(ledger: Ledger) -> list[Resource]:
    if ledger.design.nat_gateways_instead_of_endpoints is not None:
        return []
    return [
        e
        for e in ledger.graph.of_type(T_ENDPOINT)
        if inputs_of(e).get("vpcEndpointType") == "Interface"
    ]


def endpoints(ledger: Ledger, vpc_endpoints: list[Resource]) -> None:
    interface = interface_endpoints(ledger)
    for endpoint in vpc_endpoints:
        inputs = inputs_of(endpoint)
        name = name_of(endpoint)
        service = endpoint_service(str(inputs.get("serviceName", "?")))
        # The AWS API defaults vpcEndpointType to Gateway.
        kind = inputs.get("vpcEndpointType") or "Gateway"
        if kind == "Gateway":
            ledger.lines.append(
                Line(
                    "Network",
                    f"Gateway endpoint {service}: free",
                    (name,),
                    1,
                    "endpoint",
                    0.0,
                    "cost_model.md §1 (gateway endpoints are free)",
                )
            )
        elif kind == "Interface":
            if endpoint not in interface:
                continue
            azs = ledger.design.endpoint_azs or len(inputs.get("subnetIds") or []) or 1
            ledger.charge(
                "Network",
                f"Interface endpoint {service} x {azs} AZ",
                [name],
                azs * ledger.hours,
                "interface_endpoint_az_hour",
                "billed per AZ; partial hour = full hour",
            )
        else:
            ledger.not_priced("Network", f"{kind} endpoint {service}", [name], "type not in table")


# The only interface endpoint the IPv6 egress-only mode keeps (docs/ipv6-egress.md section 1).
LOGS_ENDPOINT = "logs"


def endpoint_traffic(ledger: Ledger) -> None:
    """The AWS API traffic of the tasks, through the interface endpoints or else a NAT gateway.

    usage.json's aws_api_egress_gb_per_month is the tasks' whole AWS-API traffic (ECR API,
    registry, logs). It crosses the endpoints when the stack has the ECR ones. When logs is the
    only interface endpoint (ecs-fargate:egress=ipv6-egress-only), ECR traffic leaves through the
    egress-only internet gateway instead, and only the log stream crosses an endpoint: the basis
    is then the ingested log volume (log_ingest_gb_per_month), as docs/ipv6-egress.md section 5
    proposes."""
    interface = interface_endpoints(ledger)
    nat_count = len(ledger.graph.of_type(T_NAT)) + (
        ledger.design.nat_gateways_instead_of_endpoints or 0
    )
    if interface:
        services = {endpoint_service(str(inputs_of(e).get("serviceName", ""))) for e in interface}
        logs_only = services == {LOGS_ENDPOINT}
        basis = "log_ingest_gb_per_month" if logs_only else "aws_api_egress_gb_per_month"
        gb = ledger.usage[basis]
        ledger.charge(
            "Network",
            f"Interface endpoint data, {format_quantity(gb)} GB (usage.json)",
            [name_of(e) for e in interface],
            gb,
            "interface_endpoint_gb",
            f"{basis}: only the log stream crosses the logs endpoint, ECR traffic leaves "
            "through the egress-only internet gateway"
            if logs_only
            else "",
        )
        return
    gb = ledger.usage["aws_api_egress_gb_per_month"]
    if nat_count:
        nats = [name_of(n) for n in ledger.graph.of_type(T_NAT)] or [DESIGN_ALTERNATIVE]
        ledger.charge(
            "Network",
            f"NAT gateway data, {format_quantity(gb)} GB (usage.json)",
            nats,
            gb,
            "nat_gateway_gb",
        )


def nat_gateways(ledger: Ledger, gateways: list[Resource]) -> None:
    for gateway in gateways:
        ledger.charge(
            "Network", "NAT gateway hours", [name_of(gateway)], ledger.hours, "nat_gateway_hour"
        )


def design_nat_gateways(ledger: Ledger) -> None:
    count = ledger.design.nat_gateways_instead_of_endpoints
    if not count:
        return
    label = [DESIGN_ALTERNATIVE]
    ledger.charge(
        "Network", f"NAT gateway hours x {count}", label, count * ledger.hours, "nat_gateway_hour"
    )
    ledger.charge(
        "Network",
        f"NAT gateway Elastic IP public IPv4 x {count}",
        label,
        count * ledger.hours,
        "public_ipv4_hour",
    )


def elastic_ips(ledger: Ledger, addresses: list[Resource]) -> None:
    ledger.charge_all(
        "Network",
        f"Elastic IP public IPv4 x {len(addresses)}",
        addresses,
        "public_ipv4_hour",
        per_resource=ledger.hours,
        note="billed in use or idle",
    )


def zones(ledger: Ledger, hosted_zones: list[Resource]) -> None:
    ledger.charge_all(
        "DNS",
        f"Route 53 hosted zones x {len(hosted_zones)}",
        hosted_zones,
        "route53_hosted_zone_month",
    )
