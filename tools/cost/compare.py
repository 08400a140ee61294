"""--compare: the stack re-priced under the alternative designs of cost_model.md §4."""

from __future__ import annotations

from dataclasses import dataclass

from tools.cost.compute import ARM, ON_DEMAND, SPOT, X86
from tools.cost.ledger import AS_CONFIGURED, Design, Estimate, inputs_of
from tools.cost.pricing import estimate
from tools.cost.resource_types import T_ALB, T_ENDPOINT, T_SCHEDULED_ACTION, T_SUBNET
from tools.cost.tables import PriceTable, Usage
from tools.graph import Graph

METHOD = (
    "Each alternative re-prices the same graph with the same line formulas, substituting only "
    "the varied quantity (endpoint AZ count, NAT gateway lines for interface endpoints, CPU "
    "architecture, capacity provider, scheduled hours); every other line is unchanged."
)


@dataclass(frozen=True)
class Comparison:
    configured: Estimate
    alternatives: tuple[Estimate, ...]


def availability_zones(graph: Graph) -> int:
    zones = {inputs_of(s).get("availabilityZone") for s in graph.of_type(T_SUBNET)}
    zones.discard(None)
    if zones:
        return len(zones)
    counts = [len(inputs_of(e).get("subnetIds") or []) for e in graph.of_type(T_ENDPOINT)]
    counts += [len(inputs_of(lb).get("subnets") or []) for lb in graph.of_type(T_ALB)]
    # cost_model.md §2 assumes 2 AZs when the graph says nothing.
    return max(counts, default=0) or 2


def alternative_designs(graph: Graph, usage: Usage) -> list[Design]:
    zones = availability_zones(graph)
    designs = [
        Design("interface endpoints in 1 AZ", endpoint_azs=1),
        Design(f"interface endpoints in every AZ ({zones})", endpoint_azs=zones),
        Design("1 NAT gateway instead of interface endpoints", nat_gateways_instead_of_endpoints=1),
        Design(
            f"1 NAT gateway per AZ ({zones}) instead of interface endpoints",
            nat_gateways_instead_of_endpoints=zones,
        ),
        Design("all tasks x86_64", cpu_architecture=X86),
        Design("all tasks ARM64", cpu_architecture=ARM),
        Design("all tasks on-demand (FARGATE)", capacity_provider=ON_DEMAND),
        Design("all tasks Spot (FARGATE_SPOT, base 0)", capacity_provider=SPOT),
        Design("no night schedule (always on)", schedule="always_on"),
    ]
    if not graph.of_type(T_SCHEDULED_ACTION):
        off = usage["default_night_off_hours_per_day"]
        designs.append(Design(f"night schedule: 0 tasks {off:g} h every day", schedule="nightly"))
    return designs


def compare(graph: Graph, prices: PriceTable, usage: Usage) -> Comparison:
    return Comparison(
        configured=estimate(graph, prices, usage, AS_CONFIGURED),
        alternatives=tuple(
            estimate(graph, prices, usage, design) for design in alternative_designs(graph, usage)
        ),
    )
