"""The alarm-spec table itself (components/observability/alarms.py): ids, feature flags, and the
deploy guards WebService creates, which must be exactly what their specs render."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from components.config import ObservabilityConfig, camel, parse_stack_config
from components.observability.alarms import ALARMS, COMPOSITE_ALARMS, DEPLOY_GUARD_ALARMS
from components.observability.spec import AlarmSpec
from components.observability.watched import AlarmContext, DeployGuardContext
from tests.support.graphs import PlanVariant
from tools.graph import Graph

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
OBSERVABILITY_FIELDS = {field.name: field for field in dataclasses.fields(ObservabilityConfig)}


def test_alarm_ids_are_unique_across_the_table() -> None:
    ids = [spec.alarm_id for spec in (*ALARMS, *COMPOSITE_ALARMS, *DEPLOY_GUARD_ALARMS)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("spec", [s for s in ALARMS if s.feature], ids=lambda s: s.alarm_id)
def test_a_feature_flag_names_a_boolean_observability_setting(
    spec: AlarmSpec[AlarmContext],
) -> None:
    assert spec.feature is not None
    assert OBSERVABILITY_FIELDS[spec.feature].type == "bool"


@pytest.mark.parametrize("spec", [s for s in ALARMS if s.feature], ids=lambda s: s.alarm_id)
def test_a_feature_flag_turns_its_alarm_off(spec: AlarmSpec[AlarmContext]) -> None:
    assert spec.feature is not None
    assert not spec.enabled(dataclasses.replace(ObservabilityConfig(), **{spec.feature: False}))
    assert spec.enabled(dataclasses.replace(ObservabilityConfig(), **{spec.feature: True}))


def test_composite_members_are_metric_alarms_of_the_table() -> None:
    ids = {spec.alarm_id for spec in ALARMS}
    for composite in COMPOSITE_ALARMS:
        assert set(composite.members) <= ids, composite.alarm_id
        assert composite.rechecked_member in composite.members, composite.alarm_id


def test_members_of_a_composite_do_not_notify_on_their_own() -> None:
    members = {member for composite in COMPOSITE_ALARMS for member in composite.members}
    assert all(not spec.notify for spec in ALARMS if spec.alarm_id in members)


def test_no_feature_flag_can_turn_off_a_composite_member() -> None:
    members = {member for composite in COMPOSITE_ALARMS for member in composite.members}
    assert all(spec.feature is None for spec in ALARMS if spec.alarm_id in members)


# --- the deploy guards, as WebService renders them ------------------------------------------


def camel_keys(value: Any) -> Any:
    """Keyword arguments as the engine records them: snake_case keys become camelCase."""
    if isinstance(value, dict):
        return {camel(key): camel_keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [camel_keys(item) for item in value]
    return value


def deploy_guard_context(graph: Graph) -> DeployGuardContext:
    cfg = parse_stack_config(graph.data["config"], stack=graph.data["stack"])
    return DeployGuardContext(
        load_balancer_arn_suffix=graph.one(LOAD_BALANCER)["outputs"]["arnSuffix"],
        target_group_arn_suffixes=[
            group["outputs"]["arnSuffix"]
            for group in sorted(graph.of_type(TARGET_GROUP), key=lambda g: g["name"])
        ],
        latency_p99_seconds=cfg.observability.slo.latency_p99_seconds,
    )


@pytest.mark.parametrize("strategy", ["rolling", "blue_green"])
@pytest.mark.parametrize("spec", DEPLOY_GUARD_ALARMS, ids=lambda s: s.alarm_id)
def test_deploy_guard_in_the_graph_is_what_its_spec_renders(
    plan_variant: PlanVariant, strategy: str, spec: AlarmSpec[DeployGuardContext]
) -> None:
    graph = plan_variant("prod", deploymentStrategy=strategy)
    (alarm,) = [a for a in graph.of_type(ALARM) if a["name"].endswith(f"-{spec.alarm_id}")]
    context = deploy_guard_context(graph)
    inputs = dict(alarm["inputs"])
    assert inputs.pop("alarmDescription") == spec.summary(context)
    assert inputs == camel_keys(spec.settings(context))
