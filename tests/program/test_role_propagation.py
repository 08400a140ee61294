"""A role created in the same `up` must carry its permissions before anything hands it to AWS.

IAM is eventually consistent: a role and its policies become usable seconds after the calls
that create them return. A resource that passes a role ARN (a flow log's deliverLogsPermission,
a task definition's execution and task roles, a service's blue/green role, a schedule's target
role, a Chatbot channel's role) can be created in that gap when it waits for the role but not
for the role's policies, and AWS then rejects it or the service fails on first use
(terraform-provider-aws#29323: CreateFlowLogs "InvalidParameter: Unable to assume given IAM role"
right after the role and its policy were created; pitfall iam-propagation). So, over dev, prod and every optional
feature: each resource whose input holds the ARN of a role of the same graph depends, directly or
through its dependencies (Pulumi waits for the whole chain), on every policy resource attached to
that role. Inline policies of the role resource itself come with the role.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.graphs import FEATURE_VARIANTS, FeatureVariant, config_with
from tests.support.renders import rendered
from tools.graph import Graph, Resource

ROLE = "aws:iam/role:Role"
# Resources that attach a policy to a role through their ``role`` input (a role name or id).
ROLE_POLICY_TYPES = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
)
# ...or through a ``roles`` list.
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"


@dataclass(frozen=True)
class RoleHandOff:
    taker: Resource
    input_path: str
    role: Resource


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def role_hand_offs(graph: Graph) -> list[RoleHandOff]:
    """Every non-IAM resource input that holds the ARN of a role created in this graph."""
    found: list[RoleHandOff] = []
    for resource in graph.resources:
        if resource["type"].startswith("aws:iam/"):
            continue
        for key, value in resource["inputs"].items():
            for path, text in _strings(value, key):
                role = graph.resolve(text)
                if role is not None and role["type"] == ROLE and text == role["outputs"]["arn"]:
                    found.append(RoleHandOff(resource, path, role))
    return found


def policies_of(graph: Graph, role: Resource) -> list[Resource]:
    """The policy resources attached to ``role`` (its own inline policies need none)."""
    attached = [
        r
        for r in graph.resources
        if r["type"] in ROLE_POLICY_TYPES and graph.resolve(r["inputs"].get("role")) is role
    ]
    attached += [
        r
        for r in graph.of_type(POLICY_ATTACHMENT)
        if any(graph.resolve(name) is role for name in r["inputs"].get("roles", []))
    ]
    return attached


def waits_for(graph: Graph, resource: Resource) -> set[str]:
    """URNs of everything Pulumi creates before ``resource``: its dependencies, transitively."""
    seen: set[str] = set()
    pending = list(resource.get("dependencies", []))
    while pending:
        urn = pending.pop()
        if urn not in seen:
            seen.add(urn)
            pending += graph.by_urn(urn).get("dependencies", [])
    return seen


def propagation_violations(graph: Graph) -> list[str]:
    problems: list[str] = []
    for hand_off in role_hand_offs(graph):
        before = waits_for(graph, hand_off.taker)
        missing = [p["name"] for p in policies_of(graph, hand_off.role) if p["urn"] not in before]
        if missing:
            problems.append(
                f"{hand_off.taker['name']} ({hand_off.taker['type']}) passes role "
                f"{hand_off.role['name']} in {hand_off.input_path} but does not depend on its "
                f"policies {sorted(missing)}: add them to depends_on"
            )
    return problems


VARIANTS: tuple[FeatureVariant, ...] = (
    FeatureVariant("dev", "default", {}),
    FeatureVariant("prod", "default", {}),
    *FEATURE_VARIANTS,
)


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: v.id)
def variant_graph(request: pytest.FixtureRequest) -> Graph:
    variant: FeatureVariant = request.param
    return Graph(rendered(variant.stack, config_with(variant.stack, variant.overrides)))


def test_whatever_passes_a_new_role_waits_for_that_roles_policies(variant_graph: Graph) -> None:
    assert propagation_violations(variant_graph) == []


def test_the_check_sees_the_roles_each_stack_passes(variant_graph: Graph) -> None:
    # Guards the check itself: every stack passes at least the task definition's two roles.
    takers = {h.taker["type"] for h in role_hand_offs(variant_graph)}
    assert "aws:ecs/taskDefinition:TaskDefinition" in takers


def _resource(
    urn: str, type_token: str, inputs: dict[str, Any], dependencies: list[str], **outputs: str
) -> Resource:
    return {
        "urn": urn,
        "type": type_token,
        "name": urn,
        "id": f"{urn}-id",
        "inputs": inputs,
        "outputs": outputs,
        "dependencies": dependencies,
    }


def test_the_check_flags_a_flow_log_that_waits_only_for_its_role() -> None:
    arn = "arn:aws:iam::1:role/flow-logs-1"
    role = _resource("role", ROLE, {}, [], arn=arn, name="flow-logs-1")
    policy = _resource("policy", "aws:iam/rolePolicy:RolePolicy", {"role": "role-id"}, ["role"])
    flow_log = _resource("flow-log", "aws:ec2/flowLog:FlowLog", {"iamRoleArn": arn}, ["role"])
    assert len(propagation_violations(Graph({"resources": [role, policy, flow_log]}))) == 1
    waiting = {**flow_log, "dependencies": ["role", "policy"]}
    assert propagation_violations(Graph({"resources": [role, policy, waiting]})) == []
