"""Text and Markdown renderings of an Estimate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tools.cost.compare import METHOD, Comparison
from tools.cost.ledger import Estimate, Line, format_quantity
from tools.cost.tables import BUDGETS_USD, Usage

SECTION_ORDER = (
    "Load balancing",
    "Compute",
    "Network",
    "Observability",
    "Observability (implied)",
    "Security",
    "Storage",
    "DNS",
    "Messaging",
)


def usd(value: float) -> str:
    return f"-${-value:,.2f}" if value < -0.004 else f"${abs(value):,.2f}"


def unit_price(value: float) -> str:
    digits = f"{abs(value):.6f}".rstrip("0")
    whole, _, decimals = digits.partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}${int(whole):,}.{decimals.ljust(2, '0')}"


def _charges_by_section(estimate: Estimate) -> list[tuple[str, list[Line]]]:
    charges = estimate.of_kind("charge")
    sections = list(SECTION_ORDER) + sorted({line.section for line in charges} - set(SECTION_ORDER))
    grouped = [(s, [line for line in charges if line.section == s]) for s in sections]
    return [(section, lines) for section, lines in grouped if lines]


def headline(estimate: Estimate) -> str:
    return (
        f"cost {estimate.stack} ({estimate.region}): {usd(estimate.total_usd)}/month at list "
        f"price before free tiers ({usd(estimate.total_after_free_tiers_usd)} after always-free "
        f"tiers); {len(estimate.not_priced)} not priced"
    )


def budget_line(estimate: Estimate, budgets: Mapping[str, float] = BUDGETS_USD) -> str:
    """The estimate against the stack's declared ceiling (tables.BUDGETS_USD), both at list
    price before free tiers."""
    # Whole cents, as every figure shows it: the headroom is the difference of the two shown.
    total = round(estimate.total_usd, 2)
    budget = budgets.get(estimate.stack)
    if budget is None:
        return (
            f"monthly cost {usd(total)}; no budget declared for stack {estimate.stack} "
            "(tools/cost/tables.py BUDGETS_USD)"
        )
    headroom = round(budget - total, 2)
    margin = f"headroom {usd(headroom)}" if headroom >= 0 else f"over budget by {usd(-headroom)}"
    return f"monthly cost {usd(total)} of budget {usd(budget)} ({margin})"


def render_text(estimate: Estimate, usage: Usage, graph_label: str) -> str:
    out: list[str] = [
        f"Monthly cost estimate: stack {estimate.stack}, {estimate.region}, USD, "
        f"list prices seen {estimate.prices_seen}",
        f"Graph: {graph_label}; {usage['hours_per_month']:g} h/month; "
        "usage assumptions: tools/cost/usage.json",
        "",
    ]
    for section, lines in _charges_by_section(estimate):
        out.append(section)
        for line in lines:
            formula = f"{format_quantity(line.quantity)} {line.unit} x {unit_price(line.unit_usd)}"
            out.append(f"  {line.item:<78} {usd(line.monthly_usd):>10}")
            out.append(f"      {formula}; {', '.join(line.resources)}")
            out.append(f"      source: {line.source}" + (f"; {line.note}" if line.note else ""))
    out += ["", f"{'TOTAL (list price, before free tiers)':<80} {usd(estimate.total_usd):>10}", ""]
    free_tier = estimate.of_kind("free_tier")
    if free_tier:
        out.append("Always-free tiers (shown apart, never folded into prices)")
        for line in free_tier:
            out.append(f"  {line.item:<78} {usd(line.monthly_usd):>10}")
        out.append(f"      source: {free_tier[0].source}")
        out.append(
            f"{'Total after always-free tiers':<80} {usd(estimate.total_after_free_tiers_usd):>10}"
        )
        out.append("")
    out += _not_priced_text(estimate.not_priced)
    free = estimate.of_kind("free")
    if free:
        out.append("No charge of their own (prices.json free_types):")
        out.append("  " + ", ".join(f"{line.item} x{len(line.resources)}" for line in free))
        out += [f"  {line.item}: {line.note}" for line in free if line.note]
        out.append("")
    out.append("Usage assumptions (tools/cost/usage.json):")
    for key, basis in usage.basis.items():
        out.append(f"  {key} = {usage[key]:g}: {basis}")
    for note in estimate.notes:
        out.append(f"Note: {note}")
    return "\n".join(out) + "\n"


def _not_priced_text(lines: Sequence[Line]) -> list[str]:
    if not lines:
        return ["Not priced: nothing (every resource is priced or classified free)", ""]
    out = [f"NOT PRICED ({len(lines)}): these are missing from the total, not zero"]
    for line in lines:
        out.append(f"  {line.section}: {line.item}: {', '.join(line.resources)} ({line.note})")
    return [*out, ""]


def render_compare_text(comparison: Comparison) -> str:
    base = comparison.configured
    out = [
        f"Design alternatives for stack {base.stack} ({base.region}), list price before free tiers",
        METHOD,
        "",
        f"  {'as configured':<64} {usd(base.total_usd):>10}",
    ]
    for alternative in comparison.alternatives:
        difference = alternative.total_usd - base.total_usd
        sign = "+" if difference >= 0.005 else ("-" if difference <= -0.005 else "±")
        out.append(
            f"  {alternative.design.label:<64} {usd(alternative.total_usd):>10}"
            f"   {sign}{usd(abs(difference))}"
        )
    return "\n".join(out) + "\n"


def render_markdown(estimate: Estimate) -> str:
    out = [
        f"Stack `{estimate.stack}`, {estimate.region}, USD/month at list prices seen "
        f"{estimate.prices_seen} (`make cost STACK={estimate.stack}`).",
        "",
        "| Item | Quantity | Unit price | USD/month |",
        "| --- | ---: | ---: | ---: |",
    ]
    for section, lines in _charges_by_section(estimate):
        out.append(f"| **{section}** | | | |")
        for line in lines:
            out.append(
                f"| {line.item} | {format_quantity(line.quantity)} {line.unit} | "
                f"{unit_price(line.unit_usd)} | {line.monthly_usd:,.2f} |"
            )
    out.append(f"| **Total, before free tiers** | | | **{estimate.total_usd:,.2f}** |")
    out.append(f"| Always-free tiers (CloudWatch, SNS) | | | {estimate.free_tier_usd:,.2f} |")
    out.append(
        f"| Total after always-free tiers | | | {estimate.total_after_free_tiers_usd:,.2f} |"
    )
    for line in estimate.not_priced:
        out.append(f"| NOT PRICED: {line.item} ({line.note}) | | | n/a |")
    return "\n".join(out) + "\n"


def render_markdown_summary(estimates: Sequence[Estimate]) -> str:
    """One column per stack: the README's cost table."""
    seen = sorted({e.prices_seen for e in estimates})
    header = " | ".join(f"{e.stack} ({e.region})" for e in estimates)
    out = [
        f"USD/month at list prices seen {', '.join(seen)}; generated by `make cost-table`.",
        "",
        f"| Line | {header} |",
        "| --- |" + " ---: |" * len(estimates),
    ]
    sections = [s for s in SECTION_ORDER if any(_section_total(e, s) for e in estimates)]
    for section in sections:
        cells = " | ".join(f"{_section_total(e, section):,.2f}" for e in estimates)
        out.append(f"| {section} | {cells} |")
    totals = " | ".join(f"**{e.total_usd:,.2f}**" for e in estimates)
    out.append(f"| **Total, before free tiers** | {totals} |")
    after = " | ".join(f"{e.total_after_free_tiers_usd:,.2f}" for e in estimates)
    out.append(f"| Total after always-free tiers | {after} |")
    missing = " | ".join(str(len(e.not_priced)) for e in estimates)
    out.append(f"| Lines not priced | {missing} |")
    return "\n".join(out) + "\n"


def _section_total(estimate: Estimate, section: str) -> float:
    return sum(line.monthly_usd for line in estimate.of_kind("charge") if line.section == section)
