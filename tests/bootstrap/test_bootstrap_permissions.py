"""The deploy roles against the stacks they deploy: every resource type of the dev and prod
graphs, and of every optional feature they can turn on, has a row in the permission table, every
role the graphs pass is passable, and nothing more (the portfolio's CI could create only half its
stack, and passed any role anywhere)."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from bootstrap.ci_permissions import (
    ENVIRONMENT_TAG,
    PERMISSIONS,
    Scope,
    missing_refresh_types,
    missing_types,
)
from bootstrap.config import FEATURE_PASSED_TO_SERVICES
from bootstrap.plan import example_config, plan_bootstrap
from tests.support.graphs import FEATURE_VARIANTS, FeatureVariant, config_with
from tests.support.iam import allowed
from tests.support.renders import rendered
from tools.graph import Graph, Resource

ROLE = "aws:iam/role:Role"


@pytest.fixture(scope="module")
def bootstrap_graph() -> Graph:
    return Graph(plan_bootstrap())


def default_graph(request: pytest.FixtureRequest, stack: str) -> Graph:
    """The stack as its Pulumi.<stack>.yaml configures it (the session fixtures of conftest)."""
    return request.getfixturevalue(f"{stack}_graph")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _trusted_services(role: Resource) -> set[str]:
    policy = json.loads(role["inputs"]["assumeRolePolicy"])
    services: set[str] = set()
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            principal = statement.get("Principal", {}).get("Service", [])
            services |= {principal} if isinstance(principal, str) else set(principal)
    return services


def services_the_graph_passes_roles_to(graph: Graph) -> set[str]:
    """A role is passed when a non-IAM resource takes its ARN (task definitions, services, flow
    logs, Chatbot); it is passed to the services its trust policy names."""
    passed: set[str] = set()
    for role in graph.of_type(ROLE):
        arn = role["outputs"]["arn"]
        takers = [
            r
            for r in graph.resources
            if not r["type"].startswith("aws:iam/") and arn in _strings(r["inputs"])
        ]
        if takers:
            passed |= _trusted_services(role)
    return passed


def deploy_pass_role_services(bootstrap: Graph, environment: str) -> set[str]:
    services: set[str] = set()
    for policy in bootstrap.of_type("aws:iam/policy:Policy"):
        if not policy["name"].startswith(f"ecs-fargate-bootstrap-deploy-{environment}-"):
            continue
        for statement in json.loads(policy["inputs"]["policy"])["Statement"]:
            if "iam:PassRole" in statement["Action"]:
                services |= set(statement["Condition"]["StringEquals"]["iam:PassedToService"])
    return services


def pass_role_advice(environment: str, derived: set[str], granted: set[str]) -> str:
    """What to change when the deploy role's PassRole services differ from the graph's."""
    feature_of = {service: feature for feature, service in FEATURE_PASSED_TO_SERVICES.items()}
    advice = [f"the {environment} graph passes roles to {sorted(derived)}"]
    for service in sorted(derived - granted):
        feature = feature_of.get(service)
        cause = (
            f"turned on by {feature}"
            if feature
            else "a new feature: add it to FEATURE_PASSED_TO_SERVICES in bootstrap/config.py"
        )
        advice.append(
            f"add {service!r} ({cause}) to ecs-fargate-bootstrap:passedToServices.{environment} "
            f"of the bootstrap stack, and to DEFAULT_PASSED_TO_SERVICES[{environment!r}] when "
            f"this repository's Pulumi.{environment}.yaml turns it on"
        )
    for service in sorted(granted - derived):
        advice.append(
            f"remove {service!r} from passedToServices.{environment}: nothing passes a role to it"
        )
    return "; ".join(advice)


def test_every_resource_type_of_the_stack_has_a_permission_row(stack_graph: Graph) -> None:
    types = {r["type"] for r in stack_graph.resources}
    assert missing_types(types) == [], (
        "add these types to PERMISSIONS in bootstrap/ci_permissions.py, or the deploy role "
        "cannot create them"
    )


def test_every_resource_type_of_every_optional_feature_has_a_permission_row(
    feature_variant: tuple[FeatureVariant, Graph],
) -> None:
    variant, graph = feature_variant
    types = {r["type"] for r in graph.resources}
    assert missing_types(types) == [], (
        f"{variant.id}: add these types to PERMISSIONS in bootstrap/ci_permissions.py, or the "
        "deploy role cannot turn the feature on"
    )


# The IPv6 egress-only network mode (docs/ipv6-egress.md) is a config setting, not a feature
# with a role to pass, so it is not among FEATURE_VARIANTS; dev is the only stack it is for.
IPV6_EGRESS_ONLY = {"egress": "ipv6-egress-only"}


@pytest.fixture(scope="module")
def ipv6_egress_only_graph() -> Graph:
    return Graph(rendered("dev", config_with("dev", IPV6_EGRESS_ONLY)))


def test_every_resource_type_of_the_ipv6_egress_only_mode_has_a_permission_row(
    ipv6_egress_only_graph: Graph,
) -> None:
    types = {r["type"] for r in ipv6_egress_only_graph.resources}
    assert missing_types(types) == [], (
        "add these types to PERMISSIONS in bootstrap/ci_permissions.py, or the deploy role "
        "cannot turn ecs-fargate:egress=ipv6-egress-only on"
    )


def test_every_resource_type_of_the_ipv6_egress_only_mode_has_its_refresh_reads(
    ipv6_egress_only_graph: Graph,
) -> None:
    types = {r["type"] for r in ipv6_egress_only_graph.resources}
    assert missing_refresh_types(types) == [], (
        "add these types to REFRESH_READS in bootstrap/ci_permissions.py, or drift.yml's "
        "preview --refresh fails on the mode"
    )


def _deploy_statements(bootstrap: Graph, environment: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in bootstrap.of_type("aws:iam/policy:Policy")
        if policy["name"].startswith(f"ecs-fargate-bootstrap-deploy-{environment}-")
        for statement in json.loads(policy["inputs"]["policy"])["Statement"]
    ]


# Turning the mode on in a deployed dev stack changes the VPC and the ALB subnets in place: the
# provider associates the Amazon-provided /56 and each subnet's /64 with calls that are neither
# create nor delete (terraform-provider-aws ec2/vpc_.go modifyVPCIPv6CIDRBlockAssociation,
# ec2/vpc_subnet.go modifySubnetIPv6CIDRBlockAssociation); turning it off disassociates them.
IN_PLACE_IPV6_CALLS = (
    ("ec2:AssociateVpcCidrBlock", "vpc"),
    ("ec2:DisassociateVpcCidrBlock", "vpc"),
    ("ec2:AssociateSubnetCidrBlock", "subnet"),
    ("ec2:DisassociateSubnetCidrBlock", "subnet"),
)


@pytest.mark.parametrize(("action", "resource"), IN_PLACE_IPV6_CALLS)
def test_the_dev_deploy_role_may_change_the_ipv6_blocks_of_its_own_network(
    bootstrap_graph: Graph, action: str, resource: str
) -> None:
    arn = f"arn:aws:ec2:ap-northeast-1:123456789012:{resource}/{resource}-0123456789abcdef0"
    # the VPC and subnets exist and carry dev's tag: only a condition on that tag may apply
    dev_tagged = {"StringEquals": {f"aws:ResourceTag/{ENVIRONMENT_TAG}": "dev"}}
    statements = _deploy_statements(bootstrap_graph, "dev")
    assert allowed(
        statements, action, arn, skip=lambda s: s.get("Condition", dev_tagged) != dev_tagged
    )


def test_pass_role_lists_exactly_the_services_the_graph_passes_roles_to(
    stack_graph: Graph, bootstrap_graph: Graph
) -> None:
    environment = stack_graph.data["stack"]
    derived = services_the_graph_passes_roles_to(stack_graph)
    granted = deploy_pass_role_services(bootstrap_graph, environment)
    assert granted == derived, pass_role_advice(environment, derived, granted)


def test_each_feature_passes_roles_only_to_the_service_its_table_entry_names(
    feature_variant: tuple[FeatureVariant, Graph], request: pytest.FixtureRequest
) -> None:
    variant, graph = feature_variant
    before = services_the_graph_passes_roles_to(default_graph(request, variant.stack))
    added = services_the_graph_passes_roles_to(graph) - before
    expected = {FEATURE_PASSED_TO_SERVICES[variant.feature]} if variant.feature else set()
    assert added == expected - before, (
        f"turning on {variant.label} in {variant.stack} passes roles to {sorted(added)}: record "
        "it in FEATURE_PASSED_TO_SERVICES (bootstrap/config.py) and docs/deploy.md, so users "
        f"know to add it to passedToServices.{variant.stack}"
    )


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_bootstrap_accepts_and_grants_exactly_what_every_feature_passes(
    environment: str, request: pytest.FixtureRequest
) -> None:
    # Guards the config validation too: a service missing from PASSABLE_SERVICES is rejected.
    needed = services_the_graph_passes_roles_to(default_graph(request, environment))
    needed |= {
        FEATURE_PASSED_TO_SERVICES[v.feature]
        for v in FEATURE_VARIANTS
        if v.stack == environment and v.feature
    }
    config = example_config()
    config["ecs-fargate-bootstrap:passedToServices"] = json.dumps({environment: sorted(needed)})
    granted = deploy_pass_role_services(Graph(plan_bootstrap(config)), environment)
    assert granted == needed, pass_role_advice(environment, needed, granted)


def test_derivation_finds_the_flow_log_role_passed_to_its_service(prod_graph: Graph) -> None:
    # the derivation itself must see a role handed over by ARN (prod enables flow logs)
    assert "vpc-flow-logs.amazonaws.com" in services_the_graph_passes_roles_to(prod_graph)


def names_outside_the_prefix(graph: Graph) -> list[tuple[str, str, list[str]]]:
    prefix = f"ecs-fargate-{graph.data['stack']}"
    outside = []
    for resource in graph.resources:
        row = PERMISSIONS.get(resource["type"])
        if row is None or row.name_output is None:
            continue
        if not any(g.scope is Scope.NAME_PREFIX for g in row.grants):
            continue
        name = str(resource["outputs"].get(row.name_output, ""))
        patterns = [p.format(prefix=prefix) for p in row.name_patterns]
        if not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            outside.append((resource["type"], name, patterns))
    return outside


def test_name_scoped_resources_of_the_stack_start_with_the_stack_prefix(
    stack_graph: Graph,
) -> None:
    assert names_outside_the_prefix(stack_graph) == [], (
        "the deploy role's ARN patterns cannot reach these names"
    )


def test_name_scoped_resources_of_optional_features_start_with_the_stack_prefix(
    feature_variant: tuple[FeatureVariant, Graph],
) -> None:
    variant, graph = feature_variant
    assert names_outside_the_prefix(graph) == [], (
        f"{variant.id}: the deploy role's ARN patterns cannot reach these names"
    )


def test_the_boundary_allows_every_inline_policy_of_the_stacks_roles(
    feature_variant: tuple[FeatureVariant, Graph], bootstrap_graph: Graph
) -> None:
    # a role's permissions are its policies AND the boundary: anything outside it is denied at
    # run time (the night schedule's alarm pause once was), long after a green deploy
    boundary = json.loads(
        bootstrap_graph.named("ecs-fargate-bootstrap-boundary")["inputs"]["policy"]
    )
    allows = [s for s in boundary["Statement"] if s["Effect"] == "Allow"]
    variant, graph = feature_variant
    outside = []
    for role_policy in graph.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(role_policy["inputs"]["policy"])["Statement"]:
            actions, resources = statement["Action"], statement["Resource"]
            for action in [actions] if isinstance(actions, str) else actions:
                for resource in [resources] if isinstance(resources, str) else resources:
                    if not allowed(allows, action, resource):
                        outside.append((role_policy["name"], action, resource))
    assert outside == [], (
        f"{variant.id}: widen boundary_policy in bootstrap/iam_documents/boundary.py"
    )


def test_stack_tags_every_resource_with_the_environment_the_deploy_role_checks(
    stack_graph: Graph,
) -> None:
    tags = json.loads(stack_graph.data["config"]["aws:defaultTags"])["tags"]
    assert tags[ENVIRONMENT_TAG] == stack_graph.data["stack"]


# What Chatbot calls with the channel role to post an alarm: the alarm, and the graph image it
# attaches (Chatbot admin guide, notification permissions: cloudwatch:Describe*/Get*/List*; the
# channel role carries CloudWatchReadOnlyAccess, but the boundary caps it). Neither call has a
# resource type in the service authorization reference, so only "*" matches.
CHATBOT_CHANNEL_CALLS = ("cloudwatch:DescribeAlarms", "cloudwatch:GetMetricWidgetImage")


@pytest.mark.parametrize("action", CHATBOT_CHANNEL_CALLS)
def test_the_boundary_lets_the_chatbot_channel_role_render_alarms(
    bootstrap_graph: Graph, action: str
) -> None:
    boundary = json.loads(
        bootstrap_graph.named("ecs-fargate-bootstrap-boundary")["inputs"]["policy"]
    )
    allows = [s for s in boundary["Statement"] if s["Effect"] == "Allow"]
    assert allowed(allows, action, "*"), "Slack alarms would arrive without their graph"
