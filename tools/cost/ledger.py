"""The cost report's lines and the ledger the per-service formulas write them to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tools.cost.tables import PriceTable, UnitPrice, Usage
from tools.graph import Graph, Resource

LineKind = Literal["charge", "free_tier", "not_priced", "free"]


def inputs_of(resource: Resource) -> Mapping[str, Any]:
    return resource.get("inputs") or {}


def name_of(resource: Resource) -> str:
    return str(resource.get("name", "?"))


def physical_names(resource: Resource) -> set[str]:
    """Names AWS may know the resource by: the auto-named physical name, an explicit one, logical."""
    names = {name_of(resource)}
    for source in (resource.get("outputs") or {}, inputs_of(resource)):
        if isinstance(source.get("name"), str):
            names.add(source["name"])
    return names


# pragma below: only the return annotation can be mutated here, and annotations are never evaluated.
def as_int(value: object) -> int | None:  # pragma: no mutate
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def dated(as_of: str) -> str:
    return as_of if as_of.startswith("seen") else f"as of {as_of}"


def format_quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


# pragma below (and on Design and Estimate): frozen states intent; nothing assigns to or hashes
# one, so the report is the same either way.
@dataclass(frozen=True)  # pragma: no mutate
class Line:
    section: str
    item: str
    resources: tuple[str, ...]
    quantity: float
    unit: str
    unit_usd: float
    source: str
    kind: LineKind = "charge"
    note: str = ""

    @property
    def monthly_usd(self) -> float:
        return self.quantity * self.unit_usd


@dataclass(frozen=True)  # pragma: no mutate
class Design:
    """Substitutions --compare applies to the stack as configured (None = as configured)."""

    label: str = "as configured"
    endpoint_azs: int | None = None
    nat_gateways_instead_of_endpoints: int | None = None
    cpu_architecture: str | None = None
    capacity_provider: str | None = None
    # "configured": the graph's scheduled actions; "always_on": ignore them; "nightly": the
    # usage file's default off-hours every day.
    schedule: Literal["configured", "always_on", "nightly"] = "configured"


AS_CONFIGURED = Design()


@dataclass(frozen=True)  # pragma: no mutate
class Estimate:
    stack: str
    region: str
    prices_seen: str
    design: Design
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = field(default=())

    def of_kind(self, kind: LineKind) -> list[Line]:
        # pragma below: kinds are literal strings, which CPython interns, so `is` agrees with ==.
        return [line for line in self.lines if line.kind == kind]  # pragma: no mutate

    @property
    def total_usd(self) -> float:
        """The headline: list price before free tiers."""
        return sum(line.monthly_usd for line in self.of_kind("charge"))

    @property
    def free_tier_usd(self) -> float:
        return sum(line.monthly_usd for line in self.of_kind("free_tier"))

    @property
    def total_after_free_tiers_usd(self) -> float:
        return self.total_usd + self.free_tier_usd

    @property
    def not_priced(self) -> list[Line]:
        return self.of_kind("not_priced")


class Ledger:
    """One pricing run: what it prices from, the lines written so far, and the quantity charged
    per price item, which the free-tier lines deduct from."""

    def __init__(self, graph: Graph, prices: PriceTable, usage: Usage, design: Design) -> None:
        self.graph = graph
        self.prices = prices
        self.usage = usage
        self.design = design
        self.hours = usage["hours_per_month"]
        self.lines: list[Line] = []
        self.notes: list[str] = []
        # Counted whether or not the region prices the item: free tiers that share one allowance
        # (CloudWatch Logs) split it by what was used.
        self._charged: dict[str, float] = {}
        # Container Insights bills per task-month, so it reads what the Fargate lines counted.
        self.task_hours_by_service: dict[str, float] = {}

    def charge(
        self,
        section: str,
        item: str,
        resources: Iterable[str],
        quantity: float,
        price_item: str,
        note: str = "",
        # pragmas below: every caller passes unit_price by keyword and the others by position, so
        # `/` for `*` changes nothing, and the annotation is never evaluated.
        *,  # pragma: no mutate
        unit_price: UnitPrice | None = None,  # pragma: no mutate
    ) -> None:
        self._charged[price_item] = self.charged(price_item) + quantity
        price = unit_price or self.prices.get(price_item)
        names = tuple(resources)
        if price is None:
            self.not_priced(
                section, item, names, f"no '{price_item}' price for {self.prices.region}"
            )
            return
        self.lines.append(
            Line(
                section=section,
                item=item,
                resources=names,
                quantity=quantity,
                unit=price.unit,
                unit_usd=price.usd,
                source=f"{price.source} ({dated(price.as_of)})",
                note=note,
            )
        )

    def charged(self, price_item: str) -> float:
        """The quantity of a price item charged so far, across every service."""
        return self._charged.get(price_item, 0.0)

    def charge_all(
        self,
        section: str,
        item: str,
        resources: Sequence[Resource],
        price_item: str,
        per_resource: float = 1,
        note: str = "",
    ) -> None:
        """One line for every resource of a kind, each billed the same; none when there is none."""
        if resources:
            self.charge(
                section,
                item,
                [name_of(r) for r in resources],
                per_resource * len(resources),
                price_item,
                note,
            )

    def not_priced(self, section: str, item: str, resources: Iterable[str], why: str) -> None:
        # pragmas below: nothing reads a not-priced line's quantity or unit price (the totals sum
        # charge and free-tier lines; the reports print its item and note), so other numbers
        # there change no output.
        self.lines.append(
            Line(
                section,
                item,
                tuple(resources),
                0,  # pragma: no mutate
                "",
                0.0,  # pragma: no mutate
                "",
                kind="not_priced",
                note=why,
            )
        )

    def estimate(self) -> Estimate:
        return Estimate(
            stack=str(self.graph.data.get("stack", "")),
            region=self.prices.region,
            prices_seen=self.prices.prices_seen,
            design=self.design,
            lines=tuple(self.lines),
            notes=tuple(self.notes),
        )
