"""Config parsing and validation at the edges the mutation runs of components/config found
untested (issue 12): each test pins one behaviour a plausible one-line defect would break."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from components.config import ConfigError, StackConfig, parse_stack_config
from components.config.parse import parse_value
from tests.support.graphs import config_with


def parse_dev(overrides: Mapping[str, Any]) -> StackConfig:
    return parse_stack_config(config_with("dev", overrides), stack="dev")


# parse.py: the typed values, the structured values and the unknown keys.


def test_a_number_setting_given_text_that_is_no_number_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="slo.availabilityPercent = 'high': expected a number"):
        parse_dev({"slo": {"availabilityPercent": "high"}})


def test_a_number_setting_given_a_list_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="expected a number"):
        parse_dev({"slo": {"availabilityPercent": [99.9]}})


def test_a_structured_setting_whose_text_is_not_json_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="capacityProviderStrategy = .*expected a YAML list"):
        parse_dev({"capacityProviderStrategy": "[{capacityProvider: FARGATE"})


def test_a_mapping_setting_parses_each_value_with_the_mappings_value_type() -> None:
    # The bootstrap's passedToServices is such a setting: environment -> service principals.
    parsed = parse_value(
        "ecs-fargate-bootstrap:passedToServices",
        Mapping[str, tuple[str, ...]],
        '{"dev": ["ecs-tasks.amazonaws.com"]}',
    )
    assert parsed == {"dev": ("ecs-tasks.amazonaws.com",)}


def test_an_object_with_two_unknown_keys_is_reported_by_the_first_in_sorted_order() -> None:
    strategy = [{"capacityProvider": "FARGATE", "wieght": 1, "bsae": 2}]
    with pytest.raises(ConfigError) as error:
        parse_dev({"capacityProviderStrategy": strategy})
    assert "ecs-fargate:capacityProviderStrategy[0].bsae = '2': unknown key" in str(error.value)


def test_a_setting_of_another_namespace_is_left_to_its_owner() -> None:
    # "pulumi" sorts after "ecs-fargate": only the project's own namespace is checked for typos.
    parse_dev({"pulumi:disable-default-providers": '["kubernetes"]'})


# rules_observability.py: the SLO bounds and the error-log terms, just past and at each limit.
OBSERVABILITY_EDGES_REJECTED: list[tuple[dict[str, Any], str, str]] = [
    ({"slo": {"availabilityPercent": -0.5}}, "slo.availabilityPercent", "strictly between 0 and 100"),
    ({"slo": {"latencyP99Seconds": 0}}, "slo.latencyP99Seconds", "above 0 seconds"),
    ({"slo": {"latencyP99Seconds": -1}}, "slo.latencyP99Seconds", "above 0 seconds"),
    ({"slo": {"windowDays": 0}}, "slo.windowDays", "between 1 and 90"),
    ({"slo": {"windowDays": 91}}, "slo.windowDays", "between 1 and 90"),
    ({"errorLogTerms": ["[error]", "  "]}, "errorLogTerms", "one or more non-empty terms"),
]  # fmt: skip

OBSERVABILITY_EDGES_ACCEPTED: list[dict[str, Any]] = [
    {"slo": {"availabilityPercent": 0.5}},
    {"slo": {"windowDays": 1}},
    {"slo": {"windowDays": 90}},
]


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    OBSERVABILITY_EDGES_REJECTED,
    ids=[json.dumps(c[0]) for c in OBSERVABILITY_EDGES_REJECTED],
)
def test_observability_values_just_past_a_limit_are_rejected(
    overrides: dict[str, Any], key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse_dev(overrides)
    assert f"ecs-fargate:{key} = " in str(error.value)
    assert allowed in str(error.value)


@pytest.mark.parametrize("overrides", OBSERVABILITY_EDGES_ACCEPTED, ids=json.dumps)
def test_observability_values_at_a_limit_are_accepted(overrides: dict[str, Any]) -> None:
    parse_dev(overrides)


# load.py: the stack name and the default tags every resource carries.


def test_a_stack_name_of_exactly_the_longest_allowed_length_is_accepted() -> None:
    parse_stack_config(config_with("dev", {}), stack="staging1")


def test_an_environment_tag_that_sorts_before_the_environment_is_rejected() -> None:
    tags = {"Project": "p", "Environment": "dev", "ManagedBy": "pulumi", "Owner": "o"}
    with pytest.raises(ConfigError, match=r"aws:defaultTags.tags.Environment = 'dev': must equal"):
        parse_stack_config(config_with("prod", {"aws:defaultTags": {"tags": tags}}), stack="prod")
