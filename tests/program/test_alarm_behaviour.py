"""Every alarm of the dev and prod stacks, replayed minute by minute on synthetic traffic.

The structural tests read an alarm's settings; these judge what the settings do. Each rendered
alarm (metric math or a plain metric, and the composites over their children) goes through
tests/support/metric_math.py's model of CloudWatch: its period, statistic (Sum, Minimum, Maximum,
Average, p99 over per-request latencies), sliding window of evaluationPeriods, datapointsToAlarm
and treatMissingData. A scenario names how many minutes of an incident an alarm needs before it
reads ALARM, and a near miss it must sit out, so a changed threshold, period, M-of-N or a broken
expression (a dropped ``100 *``) changes an answer. Which alarms exist is read off the graphs;
the expected minutes come from docs/slo.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pytest

from tests.support.graphs import config_with
from tests.support.metric_math import (
    COMPOSITE_ALARM,
    METRIC_ALARM,
    Minute,
    Traffic,
    alarm_name,
    alarm_states,
    composite_state,
    minutes_to_alarm,
)
from tests.support.renders import rendered
from tools.graph import Graph, Resource

SCHEDULE = "aws:scheduler/schedule:Schedule"
REQUESTS_PER_MINUTE = 2000
# Enough history for the longest window (6 h) to hold only the incident's run-up.
HISTORY_MINUTES = 360
FAST = 0.1
SLOW = 1.5  # seconds: above the 1 s latency SLO


def serving(
    *,
    error_share: float = 0.0,
    slow_share: float = 0.0,
    requests: int = REQUESTS_PER_MINUTE,
) -> Minute:
    """A minute of traffic through registered targets: ``error_share`` of requests get a target
    5xx, ``slow_share`` take SLOW seconds (the others FAST)."""
    slow = round(requests * slow_share)
    return Minute(
        traffic=Traffic(requests=requests, target_5xx=requests * error_share),
        response_times=(SLOW,) * slow + (FAST,) * (requests - slow),
    )


HEALTHY = serving()
NO_REGISTERED_TARGET = Minute(
    traffic=Traffic(elb_503=600, registered_targets=False),
    cpu_percent=None,
    memory_percent=None,
    desired_tasks=2,
    running_tasks=0,
    app_log=None,
)


def logged(metric_name: str, per_minute: float) -> Minute:
    return replace(HEALTHY, app_log={metric_name: per_minute})


@dataclass(frozen=True)
class Scenario:
    """An incident the alarm must catch after exactly ``minutes`` minutes, and a near miss it
    must never catch (each preceded by HISTORY_MINUTES of healthy traffic)."""

    incident: Callable[[int], Minute]
    minutes: int
    near_miss: Callable[[int], Minute]
    length: int = 60


def steady(minute: Minute) -> Callable[[int], Minute]:
    return lambda _: minute


def for_minutes(count: int, minute: Minute) -> Callable[[int], Minute]:
    return lambda index: minute if index < count else HEALTHY


def in_each_5(count: int, minute: Minute) -> Callable[[int], Minute]:
    """``minute`` in the first ``count`` minutes of every five."""
    return lambda index: minute if index % 5 < count else HEALTHY


# Expected minutes to ALARM (docs/slo.md). Burn-rate windows: the error share that keeps the
# window's ratio above its threshold after k minutes of a 2 % (fast) or 0.7 % (slow) incident:
# 0.02 k / 60 > 0.0144 from k = 44; 0.02 k / 5 > 0.0144 from 4; 0.007 k / 360 > 0.006 from 309;
# 0.007 k / 30 > 0.006 from 26. The near misses stay under the thresholds (1.3 %, 0.55 %).
FAST_BURN = steady(serving(error_share=0.02))
UNDER_FAST_BURN = steady(serving(error_share=0.013))
SLOW_BURN = steady(serving(error_share=0.007))
UNDER_SLOW_BURN = steady(serving(error_share=0.0055))
SLOW_P99 = serving(slow_share=0.02)
SCENARIOS: dict[str, Scenario] = {
    "deploy-5xx": Scenario(
        steady(serving(error_share=0.055)), 3, steady(serving(error_share=0.045))
    ),
    "deploy-p99": Scenario(steady(SLOW_P99), 3, in_each_5(2, SLOW_P99)),
    "latency-p99": Scenario(steady(SLOW_P99), 3, in_each_5(2, SLOW_P99)),
    "availability-fast-burn-1h": Scenario(FAST_BURN, 44, UNDER_FAST_BURN, length=90),
    "availability-fast-burn-5m": Scenario(FAST_BURN, 4, UNDER_FAST_BURN),
    "availability-fast-burn": Scenario(FAST_BURN, 44, UNDER_FAST_BURN, length=90),
    "availability-slow-burn-6h": Scenario(SLOW_BURN, 309, UNDER_SLOW_BURN, length=400),
    "availability-slow-burn-30m": Scenario(SLOW_BURN, 26, UNDER_SLOW_BURN),
    "availability-slow-burn": Scenario(SLOW_BURN, 309, UNDER_SLOW_BURN, length=400),
    "healthy-hosts-low": Scenario(
        steady(replace(HEALTHY, healthy_targets=1)),
        5,
        for_minutes(4, replace(HEALTHY, healthy_targets=1)),
    ),
    "unhealthy-hosts": Scenario(
        steady(replace(HEALTHY, unhealthy_targets=1)),
        3,
        in_each_5(2, replace(HEALTHY, unhealthy_targets=1)),
    ),
    "running-tasks-low": Scenario(
        steady(replace(HEALTHY, running_tasks=1)),
        5,
        for_minutes(4, replace(HEALTHY, running_tasks=1)),
    ),
    "ecs-cpu-high": Scenario(
        steady(replace(HEALTHY, cpu_percent=80.0)), 5, steady(replace(HEALTHY, cpu_percent=79.0))
    ),
    "ecs-memory-high": Scenario(
        steady(replace(HEALTHY, memory_percent=80.0)),
        5,
        steady(replace(HEALTHY, memory_percent=79.0)),
    ),
    # Log alarms: at least N events in a sliding 5 minutes.
    "app-5xx-responses": Scenario(
        steady(logged("Http5xxResponses", 2)), 5, for_minutes(4, logged("Http5xxResponses", 2))
    ),
    "app-slow-requests": Scenario(
        steady(logged("SlowRequests", 2)), 5, for_minutes(4, logged("SlowRequests", 2))
    ),
    "app-error-log": Scenario(
        steady(logged("ErrorLogLines", 1)), 5, for_minutes(4, logged("ErrorLogLines", 1))
    ),
}


def alarms(graph: Graph) -> list[Resource]:
    return graph.of_type(METRIC_ALARM) + graph.of_type(COMPOSITE_ALARM)


def stack_prefix(graph: Graph) -> str:
    return f"{graph.data['project']}-{graph.data['stack']}-"


def alarm_id(graph: Graph, alarm: Resource) -> str:
    """The alarm's id: its logical name without the stack prefix (the deploy alarms' physical
    names carry a random suffix)."""
    return str(alarm["name"]).removeprefix(stack_prefix(graph))


def alarm_ids(graph: Graph) -> list[str]:
    return sorted(alarm_id(graph, a) for a in alarms(graph))


def replay(
    graph: Graph,
    incident: Callable[[int], Minute],
    length: int,
    *ids: str,
    history: Minute = HEALTHY,
) -> dict[str, list[bool]]:
    """States of the alarms ``ids`` (every alarm if none), by id, after each of ``length``
    incident minutes; index 0 is the evaluation just before the incident starts."""
    minutes = [history] * HISTORY_MINUTES + [incident(i) for i in range(length)]
    chosen = [a for a in alarms(graph) if not ids or alarm_id(graph, a) in ids]
    states = alarm_states(graph, minutes, HISTORY_MINUTES, [alarm_name(a) for a in chosen])
    return {alarm_id(graph, a): states[alarm_name(a)] for a in chosen}


@pytest.fixture(scope="module")
def graphs(dev_graph: Graph, prod_graph: Graph) -> tuple[Graph, Graph]:
    return dev_graph, prod_graph


def rendering(graphs: Sequence[Graph], alarm_id: str) -> list[Graph]:
    """The stacks that render ``alarm_id`` (dev leaves unhealthy-hosts and running-tasks-low
    off by config); at least one must."""
    found = [g for g in graphs if alarm_id in alarm_ids(g)]
    assert found, f"no stack renders {alarm_id}"
    return found


def test_every_alarm_of_every_stack_has_a_behaviour_scenario(stack_graph: Graph) -> None:
    assert set(alarm_ids(stack_graph)) <= set(SCENARIOS)


@pytest.mark.parametrize("alarm_id", sorted(SCENARIOS))
def test_alarm_reads_alarm_after_exactly_its_minutes_of_incident(
    graphs: tuple[Graph, Graph], alarm_id: str
) -> None:
    scenario = SCENARIOS[alarm_id]
    for graph in rendering(graphs, alarm_id):
        states = replay(graph, scenario.incident, scenario.length, alarm_id)[alarm_id]
        assert not states[0], f"{graph.data['stack']}: in ALARM before the incident"
        assert minutes_to_alarm(states) == scenario.minutes, graph.data["stack"]


@pytest.mark.parametrize("alarm_id", sorted(SCENARIOS))
def test_alarm_sits_out_its_near_miss(graphs: tuple[Graph, Graph], alarm_id: str) -> None:
    scenario = SCENARIOS[alarm_id]
    for graph in rendering(graphs, alarm_id):
        states = replay(graph, scenario.near_miss, scenario.length, alarm_id)[alarm_id]
        assert minutes_to_alarm(states) is None, graph.data["stack"]


# --- the model refuses what it does not model ---------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        'NOT ALARM("a")',
        'ALARM("a") AND OK("b")',
        'ALARM("a") AND TRUE',
        'INSUFFICIENT_DATA("a")',
        'ALARM("a") AND ALARM("unknown")',
        'ALARM("a") AND',
        '(ALARM("a")',
    ],
)
def test_composite_rules_outside_the_modelled_subset_raise(rule: str) -> None:
    with pytest.raises(ValueError):
        composite_state(rule, {"a": True, "b": False})


def test_composite_rules_combine_children_with_and_before_or() -> None:
    children = {"a": True, "b": False, "c": True}
    assert composite_state('ALARM("a") AND ALARM("b") OR ALARM("c")', children)
    assert not composite_state('ALARM("a") AND (ALARM("b") OR ALARM("c")) AND ALARM("b")', children)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("treatMissingData", "ignore"),
        ("treatMissingData", "missing"),
        ("comparisonOperator", "LessThanLowerOrGreaterThanUpperThreshold"),
        ("evaluateLowSampleCountPercentiles", "sometimes"),
        ("statistic", "SampleCount"),
        ("namespace", "AWS/RDS"),
    ],
)
def test_alarm_settings_outside_the_model_raise(dev_graph: Graph, setting: str, value: str) -> None:
    (cpu,) = [
        a for a in dev_graph.of_type(METRIC_ALARM) if alarm_id(dev_graph, a) == "ecs-cpu-high"
    ]
    changed = replace_input(cpu, setting, value)
    with pytest.raises(ValueError):
        alarm_states(changed_graph(dev_graph, changed), [HEALTHY] * 10, 5, [alarm_name(cpu)])


def replace_input(alarm: Resource, key: str, value: str) -> Resource:
    return {**alarm, "inputs": {**alarm["inputs"], key: value}}


def changed_graph(graph: Graph, alarm: Resource) -> Graph:
    resources = [alarm if r["urn"] == alarm["urn"] else r for r in graph.resources]
    return Graph({**graph.data, "resources": resources})


def test_a_dimension_that_is_not_this_stacks_arn_suffix_publishes_nothing(dev_graph: Graph) -> None:
    # An alarm on the ALB's name instead of its arn_suffix never fires (pitfall
    # alarm-alb-dimensions); the model must not pretend otherwise.
    (latency,) = [
        a for a in dev_graph.of_type(METRIC_ALARM) if alarm_id(dev_graph, a) == "latency-p99"
    ]
    dimensions = {**latency["inputs"]["dimensions"], "LoadBalancer": "ecs-fargate-dev-alb"}
    renamed = {**latency, "inputs": {**latency["inputs"], "dimensions": dimensions}}
    minutes = [HEALTHY] * 10 + [serving(slow_share=0.02)] * 10
    states = alarm_states(changed_graph(dev_graph, renamed), minutes, 10, [alarm_name(latency)])
    assert not any(states[alarm_name(latency)])


# --- the scenarios issue 12 names ----------------------------------------------------------


def test_a_deploy_serving_100_percent_errors_breaches_within_its_periods(
    stack_graph: Graph,
) -> None:
    (deploy,) = [a for a in alarms(stack_graph) if alarm_id(stack_graph, a) == "deploy-5xx"]
    inputs = deploy["inputs"]
    periods = max(q["metric"]["period"] for q in inputs["metricQueries"] if "metric" in q)
    states = replay(stack_graph, steady(serving(error_share=1.0)), 10, "deploy-5xx")["deploy-5xx"]
    minutes = minutes_to_alarm(states)
    assert minutes is not None
    assert minutes * 60 <= inputs["evaluationPeriods"] * periods


def test_a_deploy_serving_0_05_percent_errors_never_breaches(stack_graph: Graph) -> None:
    states = replay(stack_graph, steady(serving(error_share=0.0005)), 30, "deploy-5xx")[
        "deploy-5xx"
    ]
    assert minutes_to_alarm(states) is None


def test_a_full_outage_trips_the_fast_burn_page_within_its_long_window(
    stack_graph: Graph,
) -> None:
    (composite,) = [a for a in stack_graph.of_type(COMPOSITE_ALARM) if "fast-burn" in alarm_name(a)]
    children = re.findall(r'ALARM\("([^"]+)"\)', composite["inputs"]["alarmRule"])
    long_window = max(
        q["metric"]["period"]
        for child in stack_graph.of_type(METRIC_ALARM)
        if alarm_name(child) in children
        for q in child["inputs"]["metricQueries"]
        if "metric" in q
    )
    states = replay(
        stack_graph, steady(NO_REGISTERED_TARGET), long_window // 60, "availability-fast-burn"
    )
    page = states["availability-fast-burn"]
    minutes = minutes_to_alarm(page)
    assert minutes is not None and minutes * 60 <= long_window
    # And it stays in ALARM while the outage lasts: an OK would tell on-call it is over.
    assert all(page[minutes:])
    assert composite["inputs"]["alarmActions"], "the fast burn must page"


def test_a_slow_burn_at_6_5x_trips_the_slow_burn_page_but_never_the_fast_one(
    stack_graph: Graph,
) -> None:
    # 6.5x a 0.1 % budget: above the slow burn's 6x, below the fast burn's 14.4x.
    states = replay(
        stack_graph,
        steady(serving(error_share=0.0065)),
        420,
        "availability-slow-burn",
        "availability-fast-burn",
    )
    assert minutes_to_alarm(states["availability-slow-burn"]) is not None
    assert minutes_to_alarm(states["availability-fast-burn"]) is None


def test_p99_above_the_slo_trips_the_latency_alarm_but_a_quiet_minute_does_not(
    stack_graph: Graph,
) -> None:
    slow = replay(stack_graph, steady(serving(slow_share=0.02)), 10, "latency-p99")
    assert minutes_to_alarm(slow["latency-p99"]) == 3
    # 100 requests a minute, all slow: too few samples for a p99 (1000), so it is ignored.
    quiet = replay(stack_graph, steady(serving(slow_share=1.0, requests=100)), 10, "latency-p99")
    assert minutes_to_alarm(quiet["latency-p99"]) is None


def test_p99_below_the_slo_with_a_slow_tail_trips_no_latency_alarm(stack_graph: Graph) -> None:
    # 0.5 % of requests slow: the p99 is still fast.
    states = replay(stack_graph, steady(serving(slow_share=0.005)), 10, "latency-p99", "deploy-p99")
    assert minutes_to_alarm(states["latency-p99"]) is None
    assert minutes_to_alarm(states["deploy-p99"]) is None


# --- the night pause ------------------------------------------------------------------------

NIGHT = {
    "scaleInCron": "cron(0 20 ? * MON-FRI *)",
    "scaleOutCron": "cron(0 7 ? * MON-FRI *)",
    "timezone": "Asia/Tokyo",
}


# Dev as shipped, and dev with the Container Insights running-tasks alarm that prod has: the
# pause must fit both (an alarm the night never sets off must stay live).
NIGHT_VARIANTS = {
    "dev": {"nightSchedule": NIGHT},
    "dev+runningTasksAlarm": {
        "nightSchedule": NIGHT,
        "containerInsights": True,
        "runningTasksAlarm": True,
    },
}


@pytest.fixture(scope="module", params=sorted(NIGHT_VARIANTS))
def night_graph(request: pytest.FixtureRequest) -> Graph:
    # The dev stack as it runs with its night schedule on (module scope: planned once each).
    return Graph(rendered("dev", config_with("dev", NIGHT_VARIANTS[request.param])))


def scheduled_alarm_names(graph: Graph, action: str) -> list[str]:
    (schedule,) = [
        s for s in graph.of_type(SCHEDULE) if s["inputs"]["target"]["arn"].endswith(f":{action}")
    ]
    return list(json.loads(schedule["inputs"]["target"]["input"])["AlarmNames"])


def night(requests_per_minute: int) -> Minute:
    """Scaled to zero on purpose: no task, no target, the ALB answers 503."""
    return Minute(
        traffic=Traffic(elb_503=requests_per_minute, registered_targets=False),
        cpu_percent=None,
        memory_percent=None,
        desired_tasks=0,
        running_tasks=0,
        app_log=None,
    )


def alarming_at_night(graph: Graph) -> set[str]:
    """Notifying alarms that go to ALARM at some point of an 8-hour night, whatever the
    night's traffic (none, a trickle, a busy crawler)."""
    notifying = {alarm_name(a) for a in alarms(graph) if a["inputs"].get("alarmActions")}
    found: set[str] = set()
    for per_minute in (0, 5, 600):
        states = alarm_states(
            graph, [HEALTHY] * HISTORY_MINUTES + [night(per_minute)] * 480, HISTORY_MINUTES
        )
        found |= {name for name in notifying if any(states[name])}
    return found


def test_the_night_pause_silences_exactly_the_alarms_the_night_sets_off(
    night_graph: Graph,
) -> None:
    paused = scheduled_alarm_names(night_graph, "disableAlarmActions")
    assert sorted(paused) == sorted(alarming_at_night(night_graph))


def test_the_morning_gives_back_the_actions_the_night_took(night_graph: Graph) -> None:
    assert scheduled_alarm_names(night_graph, "enableAlarmActions") == scheduled_alarm_names(
        night_graph, "disableAlarmActions"
    )


def test_no_paused_alarm_changes_state_once_its_actions_are_back(night_graph: Graph) -> None:
    # Tasks are back within 5 minutes of the scale-out; from the minute the actions return, a
    # paused alarm that still changed state would page (ALARM) or send a stray OK.
    (on,) = [
        s
        for s in night_graph.of_type(SCHEDULE)
        if s["inputs"]["target"]["arn"].endswith(":enableAlarmActions")
    ]
    back = cron_minutes(on["inputs"]["scheduleExpression"]) - cron_minutes(NIGHT["scaleOutCron"])
    morning = [night(600)] * 5 + [HEALTHY] * (back + 60)
    minutes: Sequence[Minute] = [night(600)] * HISTORY_MINUTES + morning
    states = alarm_states(night_graph, minutes, HISTORY_MINUTES)
    for name in scheduled_alarm_names(night_graph, "enableAlarmActions"):
        after = states[name][back:]
        assert len(set(after)) == 1 and not after[0], name


def cron_minutes(cron: str) -> int:
    match = re.fullmatch(r"cron\((\d+) (\d+) .*\)", cron)
    assert match, cron
    return int(match[2]) * 60 + int(match[1])


# --- blue/green: production traffic moves between two target groups -----------------------


@pytest.fixture(scope="module")
def blue_green_graph() -> Graph:
    return Graph(rendered("dev", config_with("dev", {"deploymentStrategy": "blue_green"})))


@pytest.mark.parametrize("serving_group", [0, 1], ids=["first-group", "second-group"])
def test_blue_green_host_and_latency_alarms_follow_the_tasks_to_either_group(
    blue_green_graph: Graph, serving_group: int
) -> None:
    # After a swap the primary group is empty: an alarm that watched it alone would call the
    # healthy service down (healthy-hosts-low breaches on silence) and miss its latency.
    assert len(blue_green_graph.of_type("aws:lb/targetGroup:TargetGroup")) == 2
    on = replace(HEALTHY, serving_group=serving_group)
    healthy = replay(blue_green_graph, steady(on), 30, "healthy-hosts-low", "latency-p99")
    assert minutes_to_alarm(healthy["healthy-hosts-low"]) is None
    short = replay(
        blue_green_graph,
        steady(replace(on, healthy_targets=1)),
        30,
        "healthy-hosts-low",
        history=on,
    )
    assert minutes_to_alarm(short["healthy-hosts-low"]) == 5
    slow = replace(serving(slow_share=0.02), serving_group=serving_group)
    latency = replay(blue_green_graph, steady(slow), 10, "latency-p99", "deploy-p99", history=on)
    assert minutes_to_alarm(latency["latency-p99"]) == 3
    assert minutes_to_alarm(latency["deploy-p99"]) == 3
