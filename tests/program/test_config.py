"""Config validation: every mistake stops the program before any resource, naming the key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.config import (
    ConfigError,
    ServiceConfig,
    parse_stack_config,
    setting_affects,
)
from tests.support.graphs import PlanVariant, config_with
from tests.support.paths import REPO_ROOT


def parse(stack: str = "dev", **overrides: Any):
    return parse_stack_config(config_with(stack, overrides), stack=stack)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_stack_file_parses(stack: str) -> None:
    cfg = parse(stack)
    assert cfg.stack == stack
    assert cfg.region == "ap-northeast-1"


def test_dev_keeps_the_portfolio_network() -> None:
    net = parse("dev").network
    assert net.vpc_cidr == "10.0.0.0/16"
    assert net.public_subnet_cidrs == ("10.0.1.0/24", "10.0.2.0/24")
    assert net.private_subnet_cidrs == ("10.0.101.0/24", "10.0.102.0/24")
    assert net.availability_zone_count == 2


def test_stack_files_hold_no_secrets() -> None:
    for stack in ("dev", "prod"):
        text = (REPO_ROOT / f"Pulumi.{stack}.yaml").read_text()
        assert "secure:" not in text, f"Pulumi.{stack}.yaml: a secret cannot be decrypted offline"


# Each case: the overrides, then the key and a fragment of the allowed-values text the message
# must contain.
CONFIG_ERRORS: list[tuple[dict[str, Any], str, str]] = [
    ({"vpcCidr": "10.0.0.0/33"}, "ecs-fargate:vpcCidr", "CIDR form"),
    ({"vpcCidr": "10.0.0.1/16"}, "ecs-fargate:vpcCidr", "CIDR form"),
    ({"publicSubnetCidrs": ["10.9.1.0/24", "10.0.2.0/24"]}, "publicSubnetCidrs[0]", "inside the VPC"),
    ({"privateSubnetCidrs": ["10.0.1.0/24", "10.0.102.0/24"]}, "privateSubnetCidrs[0]", "overlaps"),
    ({"privateSubnetCidrs": ["10.0.101.0/24"]}, "privateSubnetCidrs", "one subnet per AZ"),
    (
        {"availabilityZoneCount": 1, "publicSubnetCidrs": ["10.0.1.0/24"], "privateSubnetCidrs": ["10.0.101.0/24"]},
        "availabilityZoneCount",
        "at least 2 AZs",
    ),
    ({"availabilityZones": ["ap-northeast-1a"]}, "availabilityZoneCount", "at least 2 AZs"),
    ({"availabilityZoneCount": 0}, "availabilityZoneCount", "positive"),
    ({"availabilityZoneCount": -3}, "availabilityZoneCount", "positive"),
    ({"availabilityZoneCount": "two"}, "availabilityZoneCount", "whole number"),
    ({"endpointPlacement": "some-az"}, "endpointPlacement", "every-az, one-az"),
    ({"environment": "production"}, "environment", "dev, staging, prod"),
    ({"flowLogs": "yes"}, "flowLogs", "true or false"),
    ({"logRetentionDays": 10}, "logRetentionDays", "allowed values"),
    ({"extraEndpointServices": ["logs"]}, "extraEndpointServices[0]", "already created"),
    ({"permissionsBoundaryArn": "arn:aws:iam::123:role/x"}, "permissionsBoundaryArn", "managed policy ARN"),
    ({"vpcCidrr": "10.0.0.0/16"}, "ecs-fargate:vpcCidrr", "did you mean vpcCidr"),
    ({"desiredcount": 2}, "ecs-fargate:desiredcount", "did you mean desiredCount"),
    ({"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "wieght": 1}]}, "capacityProviderStrategy[0].wieght", "unknown key"),
    ({"capacityProviderStrategy": [{"capacityProvider": "EC2"}]}, "capacityProviderStrategy[0].capacityProvider", "FARGATE, FARGATE_SPOT"),
    ({"slo": {"availabilityPercent": 99.9, "windowDay": 30}}, "slo.windowDay", "unknown key"),
    ({"aws:region": "tokyo"}, "aws:region", "AWS region"),
    ({"aws:defaultTags": {"tags": {"Project": "p", "Environment": "dev", "ManagedBy": "pulumi"}}}, "aws:defaultTags.tags.Owner", "non-empty"),
    ({"aws:defaultTags": {"tags": {"Project": "p", "Environment": "prod", "ManagedBy": "m", "Owner": "o"}}}, "aws:defaultTags.tags.Environment", "must equal"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"), CONFIG_ERRORS, ids=[c[1] for c in CONFIG_ERRORS]
)
def test_invalid_config_is_rejected_with_key_value_and_allowed_values(
    overrides: dict[str, Any], key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse("dev", **overrides)
    message = str(error.value)
    assert key in message
    assert allowed in message
    bad_value = next(iter(overrides.values()))
    if isinstance(bad_value, str | int):
        assert str(bad_value) in message


def test_a_long_stack_name_is_rejected_because_the_alb_name_would_pass_32_characters() -> None:
    with pytest.raises(ConfigError, match="at most 8 characters"):
        parse_stack_config(config_with("dev", {}), stack="staging1x")


def test_a_config_error_stops_the_program_before_any_resource_is_registered(
    plan_variant: PlanVariant,
) -> None:
    graph = plan_variant("dev", raise_errors=False, vpcCidr="10.0.0.0/33")
    assert graph.data["error"] is not None
    assert "ecs-fargate:vpcCidr" in graph.data["error"]
    assert graph.resources == []


def test_explicit_availability_zones_replace_the_lookup() -> None:
    cfg = parse("dev", availabilityZones=["ap-northeast-1c", "ap-northeast-1d"])
    assert cfg.network.availability_zones == ("ap-northeast-1c", "ap-northeast-1d")


def test_structured_config_parses_into_dataclasses() -> None:
    cfg = parse(
        "dev",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}],
    )
    (share,) = cfg.service.capacity_provider_strategy
    assert (share.capacity_provider, share.weight, share.base) == ("FARGATE_SPOT", 1, 0)


def test_service_defaults_are_secure() -> None:
    defaults = ServiceConfig()
    assert defaults.enable_execute_command is False
    assert defaults.alb_deletion_protection is True
    assert defaults.waf is True
    assert json.dumps(defaults.deployment_strategy) == '"rolling"'


def test_a_boundary_policy_name_resolves_to_its_arn_in_the_deploying_account(
    dev_graph,
) -> None:
    roles = dev_graph.of_type("aws:iam/role:Role")
    assert roles
    for role in roles:
        assert (
            role["inputs"]["permissionsBoundary"]
            == "arn:aws:iam::123456789012:policy/ecs-fargate-permissions-boundary"
        ), role["name"]


def test_a_role_arn_is_not_accepted_as_a_permissions_boundary() -> None:
    with pytest.raises(ConfigError, match="permissionsBoundaryArn"):
        parse("dev", permissionsBoundaryArn="arn:aws:iam::123456789012:role/admin")


def test_a_settings_declared_pairs_are_readable_by_its_key() -> None:
    assert setting_affects("cpu") == (("aws:ecs/taskDefinition:TaskDefinition", "cpu"),)
    assert ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "pattern") in setting_affects(
        "slo.latencyP99Seconds"
    )
    with pytest.raises(KeyError):
        setting_affects("slo.latency")


# The edges of the network rules (issue 12's mutation run of rules_network.py found them
# untested): each case is rejected with the message of its own rule.
NETWORK_EDGES_REJECTED: list[tuple[dict[str, Any], str, str]] = [
    ({"vpcCidr": "10.0.0.0/15"}, "ecs-fargate:vpcCidr", "between /16 and /28"),
    ({"vpcCidr": "10.0.0.0/29"}, "ecs-fargate:vpcCidr", "between /16 and /28"),
    ({"publicSubnetCidrs": ["10.0.1.0/29", "10.0.2.0/24"]}, "publicSubnetCidrs[0]", "/28 or larger"),
    ({"privateSubnetCidrs": ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]}, "privateSubnetCidrs", "one subnet per AZ"),
    ({"availabilityZones": ["ap-northeast-1a", "ap-northeast-1a"]}, "availabilityZones", "each AZ at most once"),
    ({"extraEndpointServices": ["ssm", "ssm"]}, "extraEndpointServices", "no duplicates"),
    ({"extraEndpointServices": ["s3"]}, "extraEndpointServices[0]", "already created"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    NETWORK_EDGES_REJECTED,
    ids=[f"{c[1]}={json.dumps(next(iter(c[0].values())))}" for c in NETWORK_EDGES_REJECTED],
)
def test_network_values_just_past_a_limit_are_rejected(
    overrides: dict[str, Any], key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse("dev", **overrides)
    assert key in str(error.value)
    assert allowed in str(error.value)


NETWORK_EDGES_ACCEPTED: list[dict[str, Any]] = [
    {"vpcCidr": "10.0.0.0/17"},
    {"publicSubnetCidrs": ["10.0.1.0/28", "10.0.2.0/28"]},
    {"extraEndpointServices": ["ecs", "ssm"]},
]


@pytest.mark.parametrize("overrides", NETWORK_EDGES_ACCEPTED, ids=json.dumps)
def test_network_values_at_a_limit_are_accepted(overrides: dict[str, Any]) -> None:
    parse("dev", **overrides)


def test_a_28_vpc_passes_the_size_rule_and_fails_only_for_its_subnets() -> None:
    # /28 is the smallest VPC AWS allows; two AZs' subnets cannot fit in it.
    with pytest.raises(ConfigError) as error:
        parse("dev", vpcCidr="10.0.0.0/28")
    assert "between /16 and /28" not in str(error.value)
    assert "inside the VPC CIDR" in str(error.value)
