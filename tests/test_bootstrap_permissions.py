"""The deploy roles against the stacks they deploy: every resource type of the dev and prod
graphs has a row in the permission table, every role the graphs pass is passable, and nothing
more (the portfolio's CI could create only half its stack, and passed any role anywhere)."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from bootstrap.ci_permissions import ENVIRONMENT_TAG, PERMISSIONS, Scope, missing_types
from bootstrap.plan import plan_bootstrap
from tools.graph import Graph, Resource

ROLE = "aws:iam/role:Role"


@pytest.fixture(scope="module")
def bootstrap_graph() -> Graph:
    return Graph(plan_bootstrap())


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


def test_every_resource_type_of_the_stack_has_a_permission_row(stack_graph: Graph) -> None:
    types = {r["type"] for r in stack_graph.resources}
    assert missing_types(types) == [], (
        "add these types to PERMISSIONS in bootstrap/ci_permissions.py, or the deploy role "
        "cannot create them"
    )


def test_pass_role_lists_exactly_the_services_the_graph_passes_roles_to(
    stack_graph: Graph, bootstrap_graph: Graph
) -> None:
    environment = stack_graph.data["stack"]
    derived = services_the_graph_passes_roles_to(stack_graph)
    granted = deploy_pass_role_services(bootstrap_graph, environment)
    assert granted == derived, (
        f"the {environment} graph passes roles to {sorted(derived)}; set "
        f"DEFAULT_PASSED_TO_SERVICES[{environment!r}] in bootstrap/config.py to that list"
    )


def test_derivation_finds_the_flow_log_role_passed_to_its_service(prod_graph: Graph) -> None:
    # the derivation itself must see a role handed over by ARN (prod enables flow logs)
    assert "vpc-flow-logs.amazonaws.com" in services_the_graph_passes_roles_to(prod_graph)


def test_name_scoped_resources_of_the_stack_start_with_the_stack_prefix(
    stack_graph: Graph,
) -> None:
    prefix = f"ecs-fargate-{stack_graph.data['stack']}"
    outside = []
    for resource in stack_graph.resources:
        row = PERMISSIONS.get(resource["type"])
        if row is None or row.name_output is None:
            continue
        if not any(g.scope is Scope.NAME_PREFIX for g in row.grants):
            continue
        name = str(resource["outputs"].get(row.name_output, ""))
        patterns = [p.format(prefix=prefix) for p in row.name_patterns]
        if not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            outside.append((resource["type"], name, patterns))
    assert outside == [], "the deploy role's ARN patterns cannot reach these names"


def test_stack_tags_every_resource_with_the_environment_the_deploy_role_checks(
    stack_graph: Graph,
) -> None:
    tags = json.loads(stack_graph.data["config"]["aws:defaultTags"])["tags"]
    assert tags[ENVIRONMENT_TAG] == stack_graph.data["stack"]
