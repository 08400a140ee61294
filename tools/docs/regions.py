"""The text of each README.md region, written from the facts (the prose around the figures
lives here: edit it here, then run `make docs`)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from tools.cost.compare import availability_zones
from tools.cost.pricing import Estimate
from tools.cost.report import budget_line, render_markdown_summary, usd
from tools.cost.schedule import parse_cron
from tools.cost.tables import BUDGETS_USD, load_prices, load_usage
from tools.docs.facts import (
    COMPOSITE_ALARM,
    METRIC_ALARM,
    OUTAGE_METRIC,
    SCHEDULE,
    Facts,
    NightFigures,
    endpoint_hours,
    night_schedule,
    outage_metric_alarms,
)

# README.md's prose wraps at 100 columns, as the code does.
WIDTH = 100
# A wrapped line starting like this would open a list, a heading or a quote in Markdown.
BLOCK_START = re.compile(r"\s*([-+*>#]|\d+[.)])(\s|$)")


def paragraph(text: str, *, list_item: bool = False) -> str:
    """``text`` wrapped as README.md's prose is; a bullet's lines continue under its text."""
    indent = "  " if list_item else ""
    for width in range(WIDTH, WIDTH // 2, -1):
        lines = textwrap.wrap(
            text, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
        if not any(BLOCK_START.match(line) for line in lines[1:]):
            return "\n".join(lines) + "\n"
    raise ValueError(f"no wrapping of {text[:40]!r}... keeps it one paragraph")


def whole_dollars(value: float) -> str:
    return f"${value:,.0f}"


def stacks_table(facts: Facts) -> str:
    out = [
        "| stack | AWS resources | components | CloudWatch alarms | policy gate | "
        "`make plan`'s last line |",
        "| --- | ---: | ---: | --- | --- | --- |",
    ]
    for stack in facts.stacks:
        resources = stack.graph.resources
        custom = sum(1 for r in resources if r["custom"])
        alarms = (
            f"{len(stack.graph.of_type(METRIC_ALARM))} metric, "
            f"{len(stack.graph.of_type(COMPOSITE_ALARM))} composite"
        )
        gate = stack.gate
        verdict = (
            f"{'PASS' if gate.passed else 'FAIL'}: {len(gate.mandatory)} mandatory, "
            f"{len(gate.advisory)} advisory, {len(gate.policy_levels)} policies"
        )
        out.append(
            f"| {stack.name} | {custom} | {len(resources) - custom} | {alarms} | {verdict} | "
            f"{budget_line(stack.estimate)} |"
        )
    return "\n".join(out) + "\n"


def endpoint_placement(facts: Facts) -> str:
    dev = facts.stack("dev")
    hourly = endpoint_hours(dev.estimate)
    hours = load_usage()["hours_per_month"]
    one_az = sum(price for _, price in hourly) * hours
    zones = availability_zones(dev.graph)
    prices = sorted({price for _, price in hourly})
    return paragraph(
        f"Interface endpoints bill per AZ-hour ({' / '.join(f'${p:g}' for p in prices)} in "
        f"{dev.graph.region}). {len(hourly)} endpoints in {zones} AZs cost "
        f"{whole_dollars(one_az * zones)} a month; in one AZ, {whole_dollars(one_az)}. Dev places "
        "them in one AZ (`endpointPlacement: one-az`) and prod in every AZ. The trade-off: with "
        "one AZ, tasks in the other AZ reach the endpoints across AZs, which adds a small per-GB "
        "charge. If that AZ fails, no task can pull an image or ship logs until it returns. "
        "Running tasks keep serving, because the `awslogs` driver is non-blocking, but new tasks "
        "cannot start. That is acceptable for dev, not for prod."
    )


def clock(cron: str) -> str:
    times = parse_cron(cron)
    return f"{times.hour:02d}:{times.minute:02d}"


def days_down(night: NightFigures) -> str:
    weekdays = frozenset(range(5))
    if parse_cron(night.scale_in).days == parse_cron(night.scale_out).days == weekdays:
        return "on weekdays and all weekend"
    return f"per `{night.scale_in}` and `{night.scale_out}`"


def zone_time(timezone: str) -> str:
    return f"{timezone.rsplit('/', 1)[-1].replace('_', ' ')} time"


def night_schedule_cost(facts: Facts) -> str:
    night = night_schedule(facts.dev_night_graph)
    unpriced_schedules = sum(
        len(line.resources) for line in facts.dev_night.not_priced if line.item == SCHEDULE
    )
    unpriced = (
        f" The {unpriced_schedules} EventBridge Scheduler schedules that pause and re-check the "
        'alarms at night show as "not priced": the price list this report uses has no rate for '
        "them."
        if unpriced_schedules
        else ""
    )
    return paragraph(
        f"With the night schedule on (`nightSchedule: {{}}`: down from {clock(night.scale_in)} to "
        f"{clock(night.scale_out)} {days_down(night)}, {zone_time(night.timezone)}, so up "
        f"{night.up_hours_per_week:g} of 168 hours), dev costs **{usd(facts.dev_night.total_usd)}** "
        "a month. The saving is small because Spot tasks are the cheap part; the ALB and the "
        f"endpoints bill by the hour whether tasks run or not.{unpriced}"
    )


def night_schedule_deploys(facts: Facts) -> str:
    night = night_schedule(facts.dev_night_graph)
    noticed = night.alarms_back_minutes + night.recheck_minutes
    return paragraph(
        "- **Night schedule (dev only).** `nightSchedule` scales the service to zero at night. "
        "While it is down, the ALB answers 503, so the availability and host alarms' actions are "
        f"paused from scale-in until {night.alarms_back_minutes} minutes after scale-out; "
        f"{night.recheck_minutes} minutes later they are re-checked, so a service that did not "
        "come back pages then. A deploy made at night finishes at once, but the new image first "
        "runs at the morning scale-out, and nothing rolls that back automatically: a bad night "
        f"deploy is first noticed about {noticed} minutes after the morning scale-out.",
        list_item=True,
    )


def budget(facts: Facts) -> str:
    dev = facts.stack("dev")
    ceiling = BUDGETS_USD["dev"]
    total = dev.estimate.total_usd
    saving = (1 - total / facts.portfolio.total_usd) * 100
    outage_alarms = outage_metric_alarms(dev.graph)
    alarm_metric = load_prices(dev.graph.region).prices["cw_alarm_metric"].usd
    configured = facts.dev_alternatives.configured.total_usd

    def added(matches: Callable[[Estimate], bool]) -> str:
        [found] = [a for a in facts.dev_alternatives.alternatives if matches(a)]
        return whole_dollars(found.total_usd - configured)

    zones = availability_zones(dev.graph)
    every_az = added(lambda a: a.design.endpoint_azs == zones)
    one_nat = added(lambda a: a.design.nat_gateways_instead_of_endpoints == 1)
    return paragraph(
        f"Dev {'meets' if round(total, 2) <= ceiling else 'misses'} the target of {usd(ceiling)} "
        f"a month at list price, before free tiers, always on: {saving:.1f} % less than the "
        "portfolio's design priced the same way (`make plan` ends with the headroom: "
        f"`{budget_line(dev.estimate)}`; the budget is `BUDGETS_USD` in "
        "[tools/cost/tables.py](tools/cost/tables.py)). It gets there with ARM, Fargate Spot, "
        "endpoints in one AZ and no dashboard, while keeping tasks private with no internet "
        f"egress. The error-ratio alarms read `{OUTAGE_METRIC}` too (so a full outage pages: "
        f"[docs/slo.md](docs/slo.md)), {outage_alarms} alarm metrics, "
        f"{usd(outage_alarms * alarm_metric)} a month; dev pays for it by leaving out the "
        "`unhealthy-hosts` alarm (`unhealthyHostsAlarm: false`), since `healthy-hosts-low` still "
        "pages when it has fewer healthy targets than its minimum. `make compare` shows what each "
        f"design choice costs. For example, endpoints in every AZ add about {every_az} a month, "
        f"and one NAT gateway instead of endpoints adds about {one_nat}."
    )


def estimate_scope(_: Facts) -> str:
    usage = load_usage()
    return paragraph(
        "What the estimate leaves out: data transfer out to the internet, traffic beyond the "
        f"stated assumptions ({usage['alb_lcu_average']:g} LCU, "
        f"{usage['log_ingest_gb_per_month']:g} GB of logs a month), Spot prices (which float), "
        "tax, and anything that is not a resource in the graph. [docs/cost.md](docs/cost.md) has "
        "the method, every line's formula, the assumptions and their sources."
    )


def cost_table(facts: Facts) -> str:
    estimates = [stack.estimate for stack in facts.stacks]
    return render_markdown_summary([*estimates, facts.portfolio])


REGIONS: dict[str, Callable[[Facts], str]] = {
    "stacks": stacks_table,
    "endpoint-placement": endpoint_placement,
    "night-schedule-deploys": night_schedule_deploys,
    "cost-table": cost_table,
    "night-schedule-cost": night_schedule_cost,
    "budget": budget,
    "estimate-scope": estimate_scope,
}


# --- README.md ------------------------------------------------------------------------------------


def render(facts: Facts) -> dict[str, str]:
    return {name: write(facts) for name, write in REGIONS.items()}
