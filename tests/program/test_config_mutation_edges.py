"""Config parsing and validation at the edges the mutation runs of components/config found
untested (issue 12): each test pins one behaviour a plausible one-line defect would break."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from components.config import (
    ConfigError,
    StackConfig,
    parse_stack_config,
    validate_image_pull,
)
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


# Each case is a dev stack's overrides, then the key and a fragment of the allowed-values text the
# message must name. rules_observability.py: the SLO bounds and the error-log terms.
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

# A dev stack turned staging (its Environment tag must follow).
STAGING: dict[str, Any] = {
    "environment": "staging",
    "aws:defaultTags": {
        "tags": {
            "Project": "ecs-fargate",
            "Environment": "staging",
            "ManagedBy": "pulumi",
            "Owner": "platform-team",
        }
    },
}

# rules_service.py: the ranges AWS and app/'s contract allow, the capacity providers' shares, the
# image's region, and what only prod requires.
SERVICE_EDGES_REJECTED: list[tuple[dict[str, Any], str, str]] = [
    ({"containerPort": 80}, "containerPort", "1024-65535"),
    ({"containerPort": 1023}, "containerPort", "1024-65535"),
    ({"containerPort": 65536}, "containerPort", "1024-65535"),
    # Inside the non-root range, so only app/'s contract (port 8080) rejects them.
    ({"containerPort": 1024}, "containerPort", "the task runs the app contract: port 8080"),
    ({"containerPort": 65535}, "containerPort", "the task runs the app contract: port 8080"),
    ({"containerPort": 8079}, "containerPort", "the task runs the app contract: port 8080"),
    ({"healthCheckGracePeriodSeconds": -1}, "healthCheckGracePeriodSeconds", "between 0 and 2147483647"),
    ({"healthCheckGracePeriodSeconds": 2147483648}, "healthCheckGracePeriodSeconds", "between 0 and 2147483647"),
    ({"albIdleTimeoutSeconds": 4001}, "albIdleTimeoutSeconds", "between 1 and 4000"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": -1}]}, "capacityProviderStrategy[0].weight", "between 0 and 1000"),
    ({"albIdleTimeoutSeconds": 76}, "albIdleTimeoutSeconds", "below nginx's keepalive_timeout (75 s"),
    ({"wafRateLimit": 9}, "wafRateLimit", "between 10 and 2000000000"),
    ({"wafRateLimit": 2_000_000_001}, "wafRateLimit", "between 10 and 2000000000"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1001}]}, "capacityProviderStrategy[0].weight", "between 0 and 1000"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": -1}]}, "capacityProviderStrategy[0].base", "between 0 and 100000"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 0}, {"capacityProvider": "FARGATE_SPOT", "weight": 0}]}, "capacityProviderStrategy", "at least one provider needs a weight above 0"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 1}]}, "capacityProviderStrategy", "only one provider may have a base above 0"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "FARGATE", "weight": 2}]}, "capacityProviderStrategy", "each capacity provider at most once"),
    ({"albIdleTimeoutSeconds": 0}, "albIdleTimeoutSeconds", "between 1 and 4000"),
    # AWS's upper limit passes the range and is rejected by app/'s keepalive alone.
    ({"albIdleTimeoutSeconds": 4000}, "albIdleTimeoutSeconds", "below nginx's keepalive_timeout (75 s"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 100001}]}, "capacityProviderStrategy[0].base", "between 0 and 100000"),
    ({"nightSchedule": {"scaleInCron": "0 22 * * *"}}, "nightSchedule.scaleInCron", "an Application Auto Scaling cron"),
    # ap-east-1 sorts before the stack's ap-northeast-1.
    ({"image": "123456789012.dkr.ecr.ap-east-1.amazonaws.com/ecs-fargate-web@sha256:" + "1" * 64}, "image", "must be in the stack region ap-northeast-1"),
]  # fmt: skip

SERVICE_EDGES_ACCEPTED: list[dict[str, Any]] = [
    {"healthCheckGracePeriodSeconds": 0},
    {"healthCheckGracePeriodSeconds": 2147483647},
    {"albIdleTimeoutSeconds": 1},
    {"wafRateLimit": 10},
    {"wafRateLimit": 2_000_000_000},
    {"maxCapacity": 2},
    {"desiredCount": 4},
    {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1000}]},
    {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 0}]},
    {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 100000}]},
    # One base above 0 beside a base of 0: only bases above 0 count against the one allowed.
    {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]},
    # Only prod must serve HTTPS: staging ("staging" sorts after "prod") may run without a domain.
    STAGING,
    {"nightSchedule": {"scaleInCron": "cron(0 22 ? * MON-FRI *)", "scaleOutCron": "cron(0 7 ? * MON-FRI *)", "timezone": "Asia/Tokyo"}},
    # The night schedule is refused only on prod.
    {**STAGING, "nightSchedule": {"scaleInCron": "cron(0 22 ? * MON-FRI *)"}},
]  # fmt: skip

# rules_network.py: the IPv6 egress-only mode (issue 14).
IPV6_EGRESS_ONLY: dict[str, Any] = {"egress": "ipv6-egress-only"}
NETWORK_EDGES_REJECTED: list[tuple[dict[str, Any], str, str]] = [
    # A list that sorts before the default ["10.0.101.0/24", "10.0.102.0/24"] is not the default.
    ({**IPV6_EGRESS_ONLY, "privateSubnetCidrs": ["10.0.100.0/24", "10.0.102.0/24"]}, "privateSubnetCidrs", "left at its default"),
]  # fmt: skip

# Only prod is refused the mode: staging ("staging" sorts after "prod") may run it.
NETWORK_EDGES_ACCEPTED: list[dict[str, Any]] = [{**STAGING, **IPV6_EGRESS_ONLY}]

EDGES_REJECTED = OBSERVABILITY_EDGES_REJECTED + SERVICE_EDGES_REJECTED + NETWORK_EDGES_REJECTED
EDGES_ACCEPTED = OBSERVABILITY_EDGES_ACCEPTED + SERVICE_EDGES_ACCEPTED + NETWORK_EDGES_ACCEPTED


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    EDGES_REJECTED,
    ids=[json.dumps(c[0]) for c in EDGES_REJECTED],
)
def test_values_just_past_a_limit_are_rejected_by_their_own_rule(
    overrides: dict[str, Any], key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse_dev(overrides)
    assert f"ecs-fargate:{key} = " in str(error.value)
    assert allowed in str(error.value)


@pytest.mark.parametrize("overrides", EDGES_ACCEPTED, ids=json.dumps)
def test_values_at_a_limit_are_accepted(overrides: dict[str, Any]) -> None:
    parse_dev(overrides)


def test_an_image_of_an_account_that_sorts_before_the_deploying_one_is_not_pullable() -> None:
    image = "012345678901.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-web@sha256:" + "1" * 64
    with pytest.raises(ConfigError, match=r"this account's \(123456789012\) ecs-fargate-\*"):
        validate_image_pull(image, account_id="123456789012")


def test_deletion_protection_on_a_stack_destroy_must_remove_is_reported_as_set_true() -> None:
    with pytest.raises(
        ConfigError, match="albDeletionProtection = 'true': protectStatefulResources"
    ):
        parse_dev({"albDeletionProtection": True})


def test_ecs_exec_in_the_ipv6_mode_is_reported_as_set_true() -> None:
    with pytest.raises(ConfigError, match="enableExecuteCommand = 'true': false with"):
        parse_dev({**IPV6_EGRESS_ONLY, "enableExecuteCommand": True})


# load.py: the stack name and the default tags every resource carries.


def test_a_stack_name_of_exactly_the_longest_allowed_length_is_accepted() -> None:
    parse_stack_config(config_with("dev", {}), stack="staging1")


def test_an_environment_tag_that_sorts_before_the_environment_is_rejected() -> None:
    tags = {"Project": "p", "Environment": "dev", "ManagedBy": "pulumi", "Owner": "o"}
    with pytest.raises(ConfigError, match=r"aws:defaultTags.tags.Environment = 'dev': must equal"):
        parse_stack_config(config_with("prod", {"aws:defaultTags": {"tags": tags}}), stack="prod")
