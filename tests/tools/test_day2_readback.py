"""The second-`up` read-back model (tools/day2/readback.py): what AWS returns, the provider's
equivalence checks, and the predicted diff of an unchanged second `up` for every stack and feature.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.graphs import FEATURE_VARIANTS, FeatureVariant, config_with
from tests.support.paths import FIXTURES
from tests.support.renders import rendered
from tools.day2 import readback
from tools.day2.container_equivalence import container_definitions_are_equivalent
from tools.day2.ecs_read_back import ecs_read_back, registered
from tools.day2.policy_equivalence import (
    lifecycle_policies_are_equivalent,
    policies_are_equivalent,
)
from tools.day2.policy_read_back import policy_read_back
from tools.day2.readback import NO_DIFF, predict_second_up
from tools.graph import Graph

# Today's main before the capabilities fix (commit 4a4bca4), frozen: the model must see its diff.
BEFORE_FIX = FIXTURES / "day2" / "dev_task_definition_4a4bca4.json"

# Features that pass no role, so the bootstrap's variants leave them out; they change the graph.
DOMAIN = {"domainName": "app.dev.acme-corp.net", "hostedZoneId": "Z08123456ABCDEFGHIJKL"}
VARIANTS = (
    *FEATURE_VARIANTS,
    FeatureVariant("dev", "waf", {"waf": True}),
    FeatureVariant("dev", "domain", DOMAIN),
    # a network mode rather than a feature: the IPv6 CIDRs, the IPv6-only subnets without cidrBlock
    FeatureVariant("dev", "ipv6-egress-only", {"egress": "ipv6-egress-only"}),
)


def _definition(**fields: Any) -> dict[str, Any]:
    return {"name": "app", "image": "nginx", **fields}


def _doc(*definitions: dict[str, Any]) -> str:
    return json.dumps(list(definitions))


def _read_back(*definitions: dict[str, Any], network_mode: str = "awsvpc") -> dict[str, Any]:
    return json.loads(ecs_read_back(_doc(*definitions), network_mode=network_mode))[0]


# --- The predicted diff ---------------------------------------------------------------------


def test_todays_main_task_definition_is_replaced_on_an_unchanged_second_up() -> None:
    changes = predict_second_up(json.loads(BEFORE_FIX.read_text()))
    assert [(c.type, c.property, c.effect) for c in changes] == [
        ("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions", "replace")
    ]
    assert "linuxParameters.capabilities.add" in changes[0].why


def test_each_stack_predicts_no_diff_on_an_unchanged_second_up(stack_graph: Graph) -> None:
    assert predict_second_up(stack_graph.data) == []


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_each_feature_predicts_no_diff_on_an_unchanged_second_up(variant: FeatureVariant) -> None:
    graph = rendered(variant.stack, config_with(variant.stack, variant.overrides))
    assert predict_second_up(graph) == []


def test_a_policy_aws_returns_differently_is_an_update_of_that_property(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]
    }
    role = {
        "urn": "urn:role",
        "type": "aws:iam/role:Role",
        "custom": True,
        "inputs": {"assumeRolePolicy": json.dumps(trust)},
    }
    other = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}]}
    monkeypatch.setattr(readback, "policy_read_back", lambda _: json.dumps(other))
    (change,) = predict_second_up({"resources": [role]})
    assert (change.urn, change.property, change.effect) == (
        "urn:role",
        "assumeRolePolicy",
        "update",
    )


def test_cli_prints_the_diff_and_fails_for_todays_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert readback.main(["--graph", str(BEFORE_FIX)]) == 1
    assert "replace aws:ecs/taskDefinition:TaskDefinition containerDefinitions" in (
        capsys.readouterr().out
    )


def test_cli_says_no_diff_for_a_clean_graph(
    tmp_path: Path, dev_graph: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(dev_graph.data))
    assert readback.main(["--graph", str(path)]) == 0
    assert capsys.readouterr().out.strip() == NO_DIFF


# --- What EC2 returns for IPv6 CIDRs (the IPv6 egress-only mode) -------------------------------


def _resource(type_token: str, **inputs: Any) -> dict[str, Any]:
    return {"urn": f"urn:{type_token}", "type": type_token, "custom": True, "inputs": inputs}


SUBNET = "aws:ec2/subnet:Subnet"


def test_a_non_canonical_ipv6_cidr_of_an_auto_assigning_subnet_replaces_it() -> None:
    subnet = _resource(
        SUBNET, ipv6CidrBlock="2001:DB8:1200:0080::/64", assignIpv6AddressOnCreation=True
    )
    (change,) = predict_second_up({"resources": [subnet]})
    assert (change.property, change.effect) == ("ipv6CidrBlock", "replace")
    assert change.why.startswith("EC2 returns 2001:db8:1200:80::/64 for 2001:DB8:1200:0080::/64")


def test_a_non_canonical_ipv6_cidr_of_a_subnet_not_assigning_addresses_is_an_update() -> None:
    subnet = _resource(SUBNET, ipv6CidrBlock="2001:db8:1200:0:0:0:0:0/64")
    (change,) = predict_second_up({"resources": [subnet]})
    assert (change.property, change.effect) == ("ipv6CidrBlock", "update")


def test_a_canonical_ipv6_cidr_of_a_subnet_is_no_diff() -> None:
    subnet = _resource(
        SUBNET, ipv6CidrBlock="2001:db8:1200:80::/64", assignIpv6AddressOnCreation=True
    )
    assert predict_second_up({"resources": [subnet]}) == []


def test_an_upper_case_ipv6_cidr_of_a_security_group_rule_is_an_update() -> None:
    rule = _resource(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", cidrIpv6="2001:DB8::/32"
    )
    (change,) = predict_second_up({"resources": [rule]})
    assert (change.property, change.effect) == ("cidrIpv6", "update")


def test_a_route_compares_its_ipv6_destination_as_a_network() -> None:
    route = _resource("aws:ec2/route:Route", destinationIpv6CidrBlock="0:0:0:0:0:0:0:0/0")
    assert predict_second_up({"resources": [route]}) == []


# --- What ECS returns -----------------------------------------------------------------------


def test_ecs_returns_add_empty_when_only_drop_was_given() -> None:
    linux = {"capabilities": {"drop": ["ALL"]}}
    assert _read_back(_definition(linuxParameters=linux))["linuxParameters"]["capabilities"] == {
        "drop": ["ALL"],
        "add": [],
    }


def test_ecs_drops_an_empty_capabilities_block() -> None:
    linux = {"capabilities": {}, "initProcessEnabled": True}
    assert _read_back(_definition(linuxParameters=linux))["linuxParameters"] == {
        "initProcessEnabled": True
    }


def test_ecs_returns_cpu_zero_and_essential_true_when_unset() -> None:
    returned = _read_back(_definition())
    assert (returned["cpu"], returned["essential"]) == (0, True)


def test_ecs_returns_empty_top_level_lists_when_unset() -> None:
    returned = _read_back(_definition())
    for name in ("environment", "mountPoints", "volumesFrom", "portMappings", "systemControls"):
        assert returned[name] == [], name


def test_ecs_returns_tcp_and_host_port_equal_to_container_port_under_awsvpc() -> None:
    returned = _read_back(_definition(portMappings=[{"containerPort": 8080}]))
    assert returned["portMappings"] == [
        {"containerPort": 8080, "protocol": "tcp", "hostPort": 8080}
    ]


def test_ecs_returns_host_port_zero_without_awsvpc() -> None:
    returned = _read_back(_definition(portMappings=[{"containerPort": 80}]), network_mode="bridge")
    assert returned["portMappings"][0]["hostPort"] == 0


def test_ecs_fills_health_check_timings_but_not_the_start_period() -> None:
    returned = _read_back(_definition(healthCheck={"command": ["CMD", "true"]}))
    assert returned["healthCheck"] == {
        "command": ["CMD", "true"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
    }


def test_registration_drops_keys_the_sdk_does_not_know_and_null_fields() -> None:
    assert registered(_doc(_definition(imagePullPolicy="always", memory=None))) == [
        {"name": "app", "image": "nginx"}
    ]


# --- The provider's container-definition equivalence ------------------------------------------


def _equivalent(first: list[dict[str, Any]], second: list[dict[str, Any]], awsvpc: bool) -> bool:
    return container_definitions_are_equivalent(
        json.dumps(first), json.dumps(second), is_awsvpc=awsvpc
    )


def test_container_order_does_not_matter() -> None:
    a, b = _definition(name="a"), _definition(name="b")
    assert _equivalent([a, b], [b, a], awsvpc=True)


def test_environment_and_secret_order_do_not_matter() -> None:
    env = [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]
    secrets = [{"name": "Y", "valueFrom": "y"}, {"name": "X", "valueFrom": "x"}]
    assert _equivalent(
        [_definition(environment=env, secrets=secrets)],
        [_definition(environment=env[::-1], secrets=secrets[::-1])],
        awsvpc=True,
    )


def test_zero_elements_of_object_lists_are_compacted_away() -> None:
    sparse = _definition(environment=[None], mountPoints=[{"containerPath": None}])
    assert _equivalent([sparse], [_definition()], awsvpc=True)


def test_a_mount_point_that_says_read_only_false_is_not_a_zero_element() -> None:
    explicit = _definition(mountPoints=[{"readOnly": False}])
    assert not _equivalent([explicit], [_definition()], awsvpc=True)


def test_essential_defaults_to_true() -> None:
    assert _equivalent([_definition()], [_definition(essential=True)], awsvpc=True)
    assert not _equivalent([_definition()], [_definition(essential=False)], awsvpc=True)


def test_health_check_timings_default_to_30_3_5() -> None:
    bare = _definition(healthCheck={"command": ["CMD", "true"]})
    filled = _definition(
        healthCheck={"command": ["CMD", "true"], "interval": 30, "retries": 3, "timeout": 5}
    )
    assert _equivalent([bare], [filled], awsvpc=True)


def test_tcp_is_the_default_protocol() -> None:
    assert _equivalent(
        [_definition(portMappings=[{"containerPort": 80}])],
        [_definition(portMappings=[{"containerPort": 80, "protocol": "tcp"}])],
        awsvpc=False,
    )


def test_host_port_equals_container_port_only_under_awsvpc() -> None:
    bare = [_definition(portMappings=[{"containerPort": 80}])]
    pinned = [_definition(portMappings=[{"containerPort": 80, "hostPort": 80}])]
    assert _equivalent(bare, pinned, awsvpc=True)
    assert not _equivalent(bare, pinned, awsvpc=False)


def test_host_port_zero_is_absent() -> None:
    assert _equivalent(
        [_definition(portMappings=[{"containerPort": 80, "hostPort": 0}])],
        [_definition(portMappings=[{"containerPort": 80}])],
        awsvpc=False,
    )


def test_an_empty_top_level_list_is_the_same_as_none() -> None:
    assert _equivalent(
        [_definition(environment=[], systemControls=[], command=[])], [_definition()], awsvpc=True
    )


def test_an_empty_nested_list_is_not_the_same_as_none() -> None:
    # The case of issue 10 finding 3: reduce() folds empty slices only at the top level.
    assert not _equivalent(
        [_definition(linuxParameters={"capabilities": {"add": [], "drop": ["ALL"]}})],
        [_definition(linuxParameters={"capabilities": {"drop": ["ALL"]}})],
        awsvpc=True,
    )


def test_cpu_zero_is_the_same_as_no_cpu() -> None:
    assert _equivalent([_definition(cpu=0)], [_definition()], awsvpc=True)


def test_keys_match_case_insensitively_and_unknown_keys_are_ignored() -> None:
    assert _equivalent(
        [_definition(Essential=False, somethingNew="x")],
        [_definition(essential=False)],
        awsvpc=True,
    )


def test_a_value_of_the_wrong_type_is_never_equivalent() -> None:
    # "cpu": "256" does not decode into int32: the provider's check errors and reports a diff.
    assert not _equivalent([_definition(cpu="256")], [_definition(cpu="256")], awsvpc=True)


def test_a_changed_image_is_a_difference() -> None:
    assert not _equivalent([_definition()], [_definition(image="nginx:2")], awsvpc=True)


# --- Policy documents ------------------------------------------------------------------------


def _policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return json.dumps(document)


ALLOW_GET = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


def test_a_single_string_equals_a_one_element_list() -> None:
    listed = {**ALLOW_GET, "Action": ["s3:GetObject"], "Resource": ["*"]}
    assert policies_are_equivalent(_policy(ALLOW_GET), _policy(listed))


def test_statement_and_action_order_do_not_matter() -> None:
    put = {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "*"}
    swapped = {**put, "Action": ["s3:GetObject", "s3:PutObject"]}
    assert policies_are_equivalent(_policy(ALLOW_GET, put), _policy(swapped, ALLOW_GET))


def test_the_version_must_match() -> None:
    assert not policies_are_equivalent(_policy(ALLOW_GET), _policy(ALLOW_GET, version=None))


def test_an_empty_sid_is_the_same_as_none() -> None:
    assert policies_are_equivalent(_policy({**ALLOW_GET, "Sid": ""}), _policy(ALLOW_GET))


def test_effect_is_compared_without_case() -> None:
    assert policies_are_equivalent(_policy({**ALLOW_GET, "Effect": "allow"}), _policy(ALLOW_GET))


def test_boolean_and_number_conditions_equal_their_strings() -> None:
    typed = {**ALLOW_GET, "Condition": {"Bool": {"aws:SecureTransport": False}}}
    text = {**ALLOW_GET, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    assert policies_are_equivalent(_policy(typed), _policy(text))
    number = {**ALLOW_GET, "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}
    number_text = {**ALLOW_GET, "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}
    assert policies_are_equivalent(_policy(number), _policy(number_text))


def test_an_empty_condition_block_differs_from_none() -> None:
    assert not policies_are_equivalent(_policy({**ALLOW_GET, "Condition": {}}), _policy(ALLOW_GET))


def test_an_account_id_principal_equals_its_root_arn() -> None:
    account = {**ALLOW_GET, "Principal": {"AWS": "123456789012"}}
    root = {**ALLOW_GET, "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}
    assert policies_are_equivalent(_policy(account), _policy(root))


def test_a_wildcard_principal_differs_from_aws_wildcard() -> None:
    star = {**ALLOW_GET, "Principal": "*"}
    aws_star = {**ALLOW_GET, "Principal": {"AWS": "*"}}
    assert not policies_are_equivalent(_policy(star), _policy(aws_star))


def test_aws_returns_condition_values_as_strings() -> None:
    typed = {**ALLOW_GET, "Condition": {"Bool": {"aws:SecureTransport": False}}}
    returned = json.loads(policy_read_back(_policy(typed)))
    assert returned["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_aws_returns_an_account_id_principal_as_its_root_arn() -> None:
    returned = json.loads(
        policy_read_back(_policy({**ALLOW_GET, "Principal": {"AWS": "123456789012"}}))
    )
    assert returned["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


# --- ECR lifecycle policy --------------------------------------------------------------------

EXPIRE_UNTAGGED = {
    "rulePriority": 1,
    "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 1},
    "action": {"type": "expire"},
}
KEEP_TEN = {
    "rulePriority": 2,
    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10},
    "action": {"type": "expire"},
}


def test_lifecycle_rule_order_does_not_matter() -> None:
    assert lifecycle_policies_are_equivalent(
        json.dumps({"rules": [EXPIRE_UNTAGGED, KEEP_TEN]}),
        json.dumps({"rules": [KEEP_TEN, EXPIRE_UNTAGGED]}),
    )


def test_an_empty_tag_prefix_list_is_the_same_as_none() -> None:
    prefixed = {**KEEP_TEN, "selection": {**KEEP_TEN["selection"], "tagPrefixList": []}}
    assert lifecycle_policies_are_equivalent(
        json.dumps({"rules": [prefixed]}), json.dumps({"rules": [KEEP_TEN]})
    )


def test_a_changed_count_is_a_different_lifecycle_policy() -> None:
    keep_five = {**KEEP_TEN, "selection": {**KEEP_TEN["selection"], "countNumber": 5}}
    assert not lifecycle_policies_are_equivalent(
        json.dumps({"rules": [keep_five]}), json.dumps({"rules": [KEEP_TEN]})
    )
