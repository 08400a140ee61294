"""Fargate lines: which tasks are priced, on which capacity provider, at which size and rate."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.support.cost import charged, price, scheduled_target, service_with_task
from tools.cost.compute import ON_DEMAND, SPOT, split_tasks
from tools.cost.ledger import Design, Estimate, Line
from tools.cost.portfolio import hand_graph, hand_resource
from tools.cost.pricing import estimate
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph

HOURS = 730
X86_VCPU, X86_GB = 0.05056, 0.00553
EPHEMERAL_GB_HOUR = 0.000133


def fargate_lines(result: Estimate) -> list[Line]:
    return [line for line in result.of_kind("charge") if line.section == "Compute"]


@pytest.mark.parametrize(
    ("weights", "placed"),
    [
        # Shares 2/3 and 4/3: the floors place one task, the larger remainder (2/3) the other.
        ((1, 2), {ON_DEMAND: 1, SPOT: 1}),
        ((2, 1), {ON_DEMAND: 1, SPOT: 1}),
        # Shares 2.5 and 2.5: a tie goes to the earlier provider.
        ((1, 1), {ON_DEMAND: 3, SPOT: 2}),
    ],
)
def test_the_weighted_remainder_goes_to_the_largest_fractional_share(
    weights: tuple[int, int], placed: dict[str, int]
) -> None:
    count = sum(placed.values())
    strategy = [(ON_DEMAND, 0, weights[0]), (SPOT, 0, weights[1])]
    assert split_tasks(count, strategy) == placed


def test_one_task_over_two_equal_weights_goes_to_the_first_provider() -> None:
    assert split_tasks(1, [(ON_DEMAND, 0, 1), (SPOT, 0, 1)]) == {ON_DEMAND: 1, SPOT: 0}


def test_a_provider_of_weight_zero_gets_no_task_beyond_its_base() -> None:
    assert split_tasks(2, [(ON_DEMAND, 0, 0), (SPOT, 0, 1)]) == {ON_DEMAND: 0, SPOT: 2}


def test_with_every_weight_zero_the_tasks_beyond_the_bases_go_to_the_first_provider() -> None:
    assert split_tasks(3, [(ON_DEMAND, 0, 0), (SPOT, 0, 0)]) == {ON_DEMAND: 3, SPOT: 0}


def test_a_strategy_entry_without_base_places_no_base_task() -> None:
    strategy = [
        {"capacityProvider": ON_DEMAND, "weight": 0},
        {"capacityProvider": SPOT, "weight": 1},
    ]
    result = price(service_with_task(count=2, launchType=None, capacityProviderStrategies=strategy))
    items = [line.item for line in fargate_lines(result)]
    assert items == [
        "Fargate FARGATE_SPOT X86_64 vCPU-h, 1,460 task-h",
        "Fargate FARGATE_SPOT X86_64 GB-h, 1,460 task-h",
    ]


def test_a_windows_task_is_reported_not_priced() -> None:
    task = hand_resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        cpu="1024",
        memory="2048",
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
    )
    service = hand_resource(
        "aws:ecs/service:Service",
        "web",
        taskDefinition=task["outputs"]["arn"],
        desiredCount=1,
        launchType="FARGATE",
    )
    result = price([task, service])
    assert [line.note for line in result.not_priced] == ["only Linux Fargate is in the table"]
    assert fargate_lines(result) == []


def test_an_ec2_launch_type_is_reported_not_priced() -> None:
    result = price(service_with_task(launchType="EC2"))
    assert [line.note for line in result.not_priced] == ["launch type is not Fargate"]


def test_ephemeral_storage_above_the_included_20_gb_is_billed_per_gb_hour() -> None:
    task = hand_resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        cpu="256",
        memory="512",
        ephemeralStorage={"sizeInGib": 40},
    )
    service = hand_resource(
        "aws:ecs/service:Service",
        "web",
        taskDefinition=task["outputs"]["arn"],
        desiredCount=1,
        launchType="FARGATE",
    )
    result = price([task, service])
    assert charged(result, "Fargate ephemeral storage above 20 GB, 20 GB") == pytest.approx(
        20 * HOURS * EPHEMERAL_GB_HOUR
    )


def test_the_vcpu_and_gb_lines_are_named_for_their_dimension() -> None:
    lines = fargate_lines(price(service_with_task()))
    assert [(line.item, line.quantity) for line in lines] == [
        ("Fargate FARGATE X86_64 vCPU-h, 730 task-h", 0.25 * HOURS),
        ("Fargate FARGATE X86_64 GB-h, 730 task-h", 0.5 * HOURS),
    ]


def scaled_service(resource_id: str, **target_inputs: Any) -> list[dict[str, Any]]:
    """The service "web" without desiredCount and a scalable target on `resource_id`."""
    [task, service] = service_with_task(count=0)
    del service["inputs"]["desiredCount"]
    target = hand_resource(
        "aws:appautoscaling/target:Target", "target", resourceId=resource_id, **target_inputs
    )
    return [task, service, target]


def test_a_service_without_desired_count_runs_its_scalable_targets_minimum() -> None:
    result = price(scaled_service("service/cluster/web", minCapacity=3, maxCapacity=6))
    assert charged(result, "Fargate") == pytest.approx(3 * HOURS * (0.25 * X86_VCPU + 0.5 * X86_GB))


def test_a_target_on_a_table_named_like_the_service_does_not_scale_it() -> None:
    # A DynamoDB table called "web" has the resource id table/web.
    result = price(scaled_service("table/web", minCapacity=3, maxCapacity=6))
    assert [line.note for line in result.not_priced] == ["no desiredCount"]


def test_the_schedule_note_states_the_hours_a_week_with_fewer_tasks() -> None:
    [task, service] = service_with_task(count=2)
    scaling = scheduled_target(
        "service/cluster/web",
        [
            ("night", "cron(0 20 * * ? *)", {"minCapacity": 0, "maxCapacity": 0}),
            ("morning", "cron(0 8 * * ? *)", {"minCapacity": 2, "maxCapacity": 2}),
        ],
    )
    [vcpu, _] = fargate_lines(price([task, service, *scaling]))
    assert vcpu.note == "730 task-h x 0.25 vCPU / 0.5 GB, scheduled: fewer tasks 84 h/week"


def test_the_x86_spot_vcpu_line_cites_the_observed_spot_price_not_an_assumption() -> None:
    spot = [{"capacityProvider": SPOT, "weight": 1}]
    result = price(service_with_task(launchType=None, capacityProviderStrategies=spot))
    [vcpu, gb] = fargate_lines(result)
    assert vcpu.source == "theuves/fgcalc observed Spot snapshot (Spot floats) (seen 2026-11-28)"
    assert gb.source.startswith("assumption: on-demand price less the observed x86 vCPU Spot")


def test_the_always_on_design_prices_each_hour_of_the_month_once() -> None:
    [task, service] = service_with_task(count=2)
    night = hand_resource(
        "aws:appautoscaling/scheduledAction:ScheduledAction",
        "night",
        resourceId="service/cluster/web",
        schedule="cron(0 20 * * ? *)",
        scalableTargetAction={"minCapacity": 0, "maxCapacity": 0},
    )
    result = price([task, service, night], design=Design("always on", schedule="always_on"))
    assert charged(result, "Fargate") == pytest.approx(2 * HOURS * (0.25 * X86_VCPU + 0.5 * X86_GB))


def test_a_task_size_that_cannot_be_read_is_reported_not_priced() -> None:
    result = price(service_with_task(cpu="a quarter"))
    assert [line.note for line in result.not_priced] == [
        "cannot read 'a quarter' as a Fargate size"
    ]


def test_a_capacity_provider_other_than_fargate_is_reported_not_priced_by_name() -> None:
    autoscaling_groups = [
        {"capacityProvider": "asg-a", "weight": 1},
        {"capacityProvider": "asg-b", "weight": 1},
    ]
    result = price(
        service_with_task(launchType=None, capacityProviderStrategies=autoscaling_groups)
    )
    assert [line.note for line in result.not_priced] == ["capacity provider asg-a"]


def test_one_gb_of_ephemeral_storage_above_the_included_20_is_billed() -> None:
    [task, service] = service_with_task()
    task["inputs"]["ephemeralStorage"] = {"sizeInGib": 21}
    result = price([task, service])
    assert charged(result, "Fargate ephemeral storage") == pytest.approx(HOURS * EPHEMERAL_GB_HOUR)


def test_a_strategy_naming_fargate_is_billed_at_the_on_demand_rates() -> None:
    on_demand = [{"capacityProvider": "FARGATE", "weight": 1}]
    result = price(service_with_task(launchType=None, capacityProviderStrategies=on_demand))
    assert charged(result, "Fargate FARGATE X86_64") == pytest.approx(
        HOURS * (0.25 * X86_VCPU + 0.5 * X86_GB)
    )


def test_spot_tasks_are_not_priced_where_the_table_has_no_observed_spot_price() -> None:
    table = load_prices("ap-northeast-1")
    prices = dataclasses.replace(
        table,
        prices={k: v for k, v in table.prices.items() if k != "fargate_spot_x86_vcpu_hour"},
    )
    spot = [{"capacityProvider": SPOT, "weight": 1}]
    graph = Graph(hand_graph(service_with_task(launchType=None, capacityProviderStrategies=spot)))
    result = estimate(graph, prices, load_usage())
    assert [line.item for line in result.not_priced] == [
        "Fargate FARGATE_SPOT X86_64 vCPU-h",
        "Fargate FARGATE_SPOT X86_64 GB-h",
    ]


def test_the_scalable_targets_minimum_holds_a_lower_desired_count_up() -> None:
    # desiredCount 1 under a minimum of 2: Application Auto Scaling runs 2; the schedule only
    # moves the maximum.
    [task, service] = service_with_task(count=1)
    scaling = scheduled_target(
        "service/cluster/web",
        [
            ("night", "cron(0 20 * * ? *)", {"maxCapacity": 2}),
            ("morning", "cron(0 8 * * ? *)", {"maxCapacity": 4}),
        ],
    )
    result = price([task, service, *scaling])
    assert charged(result, "Fargate") == pytest.approx(2 * HOURS * (0.25 * X86_VCPU + 0.5 * X86_GB))


def test_hours_scaled_above_the_desired_count_are_not_counted_as_fewer_tasks() -> None:
    [task, service] = service_with_task(count=2)
    resource_id = "service/cluster/web"
    actions = [
        hand_resource(
            "aws:appautoscaling/scheduledAction:ScheduledAction",
            name,
            resourceId=resource_id,
            schedule=schedule,
            scalableTargetAction={"minCapacity": tasks, "maxCapacity": tasks},
        )
        for name, schedule, tasks in (
            ("day", "cron(0 8 * * ? *)", 4),
            ("evening", "cron(0 20 * * ? *)", 2),
        )
    ]
    [vcpu, _] = fargate_lines(price([task, service, *actions]))
    assert vcpu.note.endswith("scheduled: fewer tasks 0 h/week")
