"""Fargate compute: task-hours per capacity provider from each service's desired count, its
capacity provider strategy and its scheduled scaling, priced per vCPU-hour and GB-hour."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tools.cost.ledger import Ledger, as_int, format_quantity, inputs_of, name_of, physical_names
from tools.cost.resource_types import (
    T_CLUSTER_PROVIDERS,
    T_SCALING_TARGET,
    T_SCHEDULED_ACTION,
)
from tools.cost.schedule import (
    ScalingEvent,
    UnsupportedSchedule,
    WeekPeriod,
    fixed_nightly_periods,
    parse_cron,
    week_periods,
)
from tools.cost.tables import UnitPrice
from tools.graph import Resource

ON_DEMAND = "FARGATE"
SPOT = "FARGATE_SPOT"
X86 = "X86_64"
ARM = "ARM64"
# Fargate includes this much ephemeral storage in the task price; only more is billed.
INCLUDED_EPHEMERAL_GB = 20

Strategy = list[tuple[str, int, int]]  # (capacity provider, base, weight)


def fargate_size(cpu: object, memory: object) -> tuple[float, float]:
    """(vCPU, GB) from task-definition strings: cpu 256 = 0.25 vCPU, memory 512 MiB = 0.5 GB."""
    return _parse_size(cpu, "vcpu", 1024), _parse_size(memory, "gb", 1024)


def _parse_size(value: object, word: str, units_per_whole: int) -> float:
    text = str(value).strip().lower()
    if re.fullmatch(r"\d+", text):
        return int(text) / units_per_whole
    match = re.fullmatch(rf"(\d+(?:\.\d+)?)\s*{word}", text)
    if match is None:
        raise ValueError(f"cannot read {value!r} as a Fargate size")
    return float(match[1])


def split_tasks(count: int, strategy: Sequence[tuple[str, int, int]]) -> dict[str, int]:
    """Tasks per capacity provider as ECS places them: `base` first, the rest by weight.

    The weighted remainder is split by largest remainder (ties to the earlier provider), the
    integer placement ECS converges to.
    """
    placed = {provider: 0 for provider, _, _ in strategy}
    remaining = count
    for provider, base, _ in strategy:
        given = min(base, remaining)
        placed[provider] += given
        remaining -= given
    total_weight = sum(weight for _, _, weight in strategy)
    if remaining <= 0:
        return placed
    if total_weight <= 0:
        placed[strategy[0][0]] += remaining
        return placed
    shares = [(provider, remaining * weight / total_weight) for provider, _, weight in strategy]
    floors = {provider: math.floor(share) for provider, share in shares}
    leftover = remaining - sum(floors.values())
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i][1] - floors[shares[i][0]]), i))
    for index in order[:leftover]:
        floors[shares[index][0]] += 1
    for provider, extra in floors.items():
        placed[provider] += extra
    return placed


def services(ledger: Ledger, ecs_services: list[Resource]) -> None:
    for service in ecs_services:
        price_service(ledger, service)


def price_service(ledger: Ledger, service: Resource) -> None:
    inputs = inputs_of(service)
    name = name_of(service)
    task_definition = ledger.graph.resolve(inputs.get("taskDefinition"))
    if task_definition is None:
        ledger.not_priced("Compute", "Fargate tasks", [name], "task definition not in the graph")
        return
    td = inputs_of(task_definition)
    platform = td.get("runtimePlatform") or {}
    if (platform.get("operatingSystemFamily") or "LINUX") != "LINUX":
        ledger.not_priced("Compute", "Fargate tasks", [name], "only Linux Fargate is in the table")
        return
    try:
        vcpu, memory_gb = fargate_size(td.get("cpu"), td.get("memory"))
    except ValueError as error:
        ledger.not_priced("Compute", "Fargate tasks", [name], str(error))
        return
    architecture = ledger.design.cpu_architecture or platform.get("cpuArchitecture") or X86
    strategy = capacity_strategy(ledger, service)
    if strategy is None:
        ledger.not_priced("Compute", "ECS tasks", [name], "launch type is not Fargate")
        return
    unknown = [p for p, _, _ in strategy if p not in (ON_DEMAND, SPOT)]
    if unknown:
        ledger.not_priced("Compute", "ECS tasks", [name], f"capacity provider {unknown[0]}")
        return
    desired = as_int(inputs.get("desiredCount"))
    target = scalable_target(ledger, service)
    if desired is None and target is not None:
        desired = as_int(inputs_of(target).get("minCapacity"))
    if desired is None:
        ledger.not_priced("Compute", "Fargate tasks", [name], "no desiredCount")
        return
    periods, schedule_text = scheduled_periods(ledger, service, desired, target)
    task_hours: dict[str, float] = {provider: 0.0 for provider, _, _ in strategy}
    for period in periods:
        for provider, tasks in split_tasks(period.tasks, strategy).items():
            task_hours[provider] += tasks * period.fraction_of_week * ledger.hours
    ledger.task_hours_by_service[name] = sum(task_hours.values())
    resources = (name, name_of(task_definition))
    size = f"{vcpu:g} vCPU / {memory_gb:g} GB"
    extra_storage = (
        as_int((td.get("ephemeralStorage") or {}).get("sizeInGib")) or INCLUDED_EPHEMERAL_GB
    ) - INCLUDED_EPHEMERAL_GB
    for provider, hours in task_hours.items():
        if hours == 0:
            continue
        task_note = f"{format_quantity(hours)} task-h x {size}, {schedule_text}"
        for dimension, per_task in (("vcpu", vcpu), ("gb", memory_gb)):
            price = fargate_price(ledger, architecture, provider, dimension)
            item = f"Fargate {provider} {architecture} {'vCPU' if dimension == 'vcpu' else 'GB'}-h"
            if price is None:
                ledger.not_priced("Compute", item, resources, "no price")
                continue
            ledger.charge(
                "Compute",
                f"{item}, {format_quantity(hours)} task-h",
                resources,
                hours * per_task,
                "",
                task_note,
                unit_price=price,
            )
        if extra_storage > 0:
            ledger.charge(
                "Compute",
                f"Fargate ephemeral storage above {INCLUDED_EPHEMERAL_GB} GB, {extra_storage} GB x "
                f"{format_quantity(hours)} task-h",
                resources,
                extra_storage * hours,
                "fargate_ephemeral_gb_hour",
            )


# pragmas on annotations (here and below): annotations are never evaluated, so their mutants
# change nothing.
def fargate_price(
    ledger: Ledger, architecture: str, provider: str, dimension: str
) -> UnitPrice | None:  # pragma: no mutate
    arch_key = "arm" if architecture == ARM else "x86"
    on_demand = ledger.prices.get(f"fargate_{arch_key}_{dimension}_hour")
    if on_demand is None or provider == ON_DEMAND:
        return on_demand
    observed = ledger.prices.get("fargate_spot_x86_vcpu_hour")
    x86_vcpu = ledger.prices.get("fargate_x86_vcpu_hour")
    if observed is None or x86_vcpu is None:
        return None
    if arch_key == "x86" and dimension == "vcpu":
        return observed
    discount = 1 - observed.usd / x86_vcpu.usd
    return UnitPrice(
        usd=on_demand.usd * (1 - discount),
        unit=on_demand.unit,
        source=(
            f"assumption: on-demand price less the observed x86 vCPU Spot discount "
            f"({discount:.1%}); {observed.source}"
        ),
        as_of=observed.as_of,
    )


def capacity_strategy(ledger: Ledger, service: Resource) -> Strategy | None:  # pragma: no mutate
    """The service's providers, else its cluster's default; None when it is not on Fargate."""
    # pragmas below: a lone provider takes every task whatever its base and weight.
    if ledger.design.capacity_provider:
        return [(ledger.design.capacity_provider, 0, 1)]  # pragma: no mutate
    inputs = inputs_of(service)
    entries = inputs.get("capacityProviderStrategies") or []
    if not entries:
        launch_type = inputs.get("launchType")
        if launch_type:
            return [(ON_DEMAND, 0, 1)] if launch_type == "FARGATE" else None
        entries = cluster_default_strategy(ledger, inputs.get("cluster"))
    if not entries:
        return [(ON_DEMAND, 0, 1)]  # pragma: no mutate
    return [
        (
            str(e.get("capacityProvider")),
            as_int(e.get("base")) or 0,
            as_int(e.get("weight")) or 0,
        )
        for e in entries
    ]


def cluster_default_strategy(ledger: Ledger, cluster_reference: object) -> list[Mapping[str, Any]]:
    cluster = ledger.graph.resolve(cluster_reference)
    names = physical_names(cluster) if cluster else {str(cluster_reference)}
    for providers in ledger.graph.of_type(T_CLUSTER_PROVIDERS):
        if inputs_of(providers).get("clusterName") in names:
            return list(inputs_of(providers).get("defaultCapacityProviderStrategies") or [])
    return []


def scales_service(resource: Resource, service: Resource) -> bool:
    """Whether an Application Auto Scaling target or action names this ECS service."""
    resource_id = str(inputs_of(resource).get("resourceId") or "")
    return resource_id.startswith("service/") and (
        resource_id.rsplit("/", 1)[-1] in physical_names(service)
    )


def scalable_target(ledger: Ledger, service: Resource) -> Resource | None:  # pragma: no mutate
    for target in ledger.graph.of_type(T_SCALING_TARGET):
        if scales_service(target, service):
            return target
    return None


def scheduled_periods(
    ledger: Ledger,
    service: Resource,
    desired: int,
    target: Resource | None,  # pragma: no mutate
) -> tuple[list[WeekPeriod], str]:
    """The week split into periods of constant task count, and how the report describes it."""
    if ledger.design.schedule == "always_on":
        return [WeekPeriod(1.0, desired)], "always on"
    if ledger.design.schedule == "nightly":
        off = ledger.usage["default_night_off_hours_per_day"]
        return fixed_nightly_periods(desired, off), f"0 tasks {off:g} h/day"
    actions = [a for a in ledger.graph.of_type(T_SCHEDULED_ACTION) if scales_service(a, service)]
    if not actions:
        return [WeekPeriod(1.0, desired)], "always on"
    events: list[ScalingEvent] = []
    for action in actions:
        inputs = inputs_of(action)
        bounds = inputs.get("scalableTargetAction") or {}
        try:
            times = parse_cron(str(inputs.get("schedule", "")))
        except UnsupportedSchedule as error:
            ledger.notes.append(
                f"{name_of(action)}: schedule not understood ({error}); "
                f"{name_of(service)} priced always on"
            )
            return [WeekPeriod(1.0, desired)], "always on: schedule not understood"
        events.append(
            ScalingEvent(
                times=times,
                min_capacity=as_int(bounds.get("minCapacity")),
                max_capacity=as_int(bounds.get("maxCapacity")),
                name=name_of(action),
            )
        )
    target_inputs = inputs_of(target) if target else {}
    periods = week_periods(
        desired,
        events,
        initial_min=as_int(target_inputs.get("minCapacity")) or 0,
        initial_max=as_int(target_inputs.get("maxCapacity")),
    )
    reduced = sum(p.fraction_of_week for p in periods if p.tasks < desired) * 168
    return periods, f"scheduled: fewer tasks {reduced:g} h/week"
