"""Fixture builders for the policy tests: graph resources, IAM documents, and the checks each
tests/policy/test_<module>.py runs over its cases through the pack's Analyzer gRPC interface."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import Policy

from tools.policy_gate import GateResult, PolicyPackClient, run_with_client

ALL_MANDATORY = {"all": "mandatory"}
T = {
    "vpc": "aws:ec2/vpc:Vpc",
    "subnet": "aws:ec2/subnet:Subnet",
    "sg": "aws:ec2/securityGroup:SecurityGroup",
    "ingress": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "egress": "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "sgrule": "aws:ec2/securityGroupRule:SecurityGroupRule",
    "lb": "aws:lb/loadBalancer:LoadBalancer",
    "listener": "aws:lb/listener:Listener",
    "tg": "aws:lb/targetGroup:TargetGroup",
    "service": "aws:ecs/service:Service",
    "task": "aws:ecs/taskDefinition:TaskDefinition",
    "role": "aws:iam/role:Role",
    "rolepolicy": "aws:iam/rolePolicy:RolePolicy",
    "bucket": "aws:s3/bucket:Bucket",
}


def res(type_: str, name: str, inputs: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """A graph resource; `deps={prop: [names]}` become property dependencies."""
    type_ = T.get(type_, type_)
    inputs = inputs or {}
    outputs = {
        **inputs,
        "id": f"{name}-id",
        "arn": f"arn:aws:svc:ap-northeast-1:123456789012:{name}",
    }
    return {
        "urn": f"urn:pulumi:test::ecs-fargate::{type_}::{name}",
        "type": type_,
        "name": name,
        "custom": True,
        "parent": None,
        "inputs": inputs,
        "outputs": outputs,
        "deps": kw.get("deps", {}),
        "options": {"protect": kw.get("protect", False)},
    }


def update_inputs(resource: dict[str, Any], **inputs: Any) -> dict[str, Any]:
    """Change a built resource's inputs and outputs alike (stack rules read the outputs)."""
    resource["inputs"].update(inputs)
    resource["outputs"].update(inputs)
    return resource


def named(resources: Iterable[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in resources if r["name"] == name)


def graph(*resources: dict[str, Any], config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A stack graph; `config` is the stack config (`aws:defaultTags` reaches the provider)."""
    urns = {r["name"]: r["urn"] for r in resources}
    for r in resources:
        r["propertyDependencies"] = {k: [urns[n] for n in v] for k, v in r.pop("deps", {}).items()}
        r["dependencies"] = sorted({u for us in r["propertyDependencies"].values() for u in us})
    return {
        "project": "ecs-fargate",
        "stack": "test",
        "config": dict(config or {}),
        "resources": list(resources),
    }


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "arn:aws:s3:::b/*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@dataclass(frozen=True)
class Case:
    policy: str
    id: str
    resources: tuple[dict[str, Any], ...]
    flagged: frozenset[str]
    stack_config: Mapping[str, Any] = field(default_factory=dict)
    """The graph's stack config."""
    properties: Mapping[str, Any] = field(default_factory=dict)
    """The policy's config properties (its entry in policy/config/<stack>.json)."""


def case(
    policy: str,
    id: str,
    *resources: dict[str, Any],
    flagged: tuple[str, ...] = (),
    stack_config: Mapping[str, Any] | None = None,
    properties: Mapping[str, Any] | None = None,
) -> Case:
    return Case(
        policy, id, tuple(resources), frozenset(flagged), stack_config or {}, properties or {}
    )


def one(policy: str, type_: str, bad: dict[str, Any], good: dict[str, Any]) -> list[Case]:
    """Single-resource policy: `bad` inputs are flagged, `good` inputs pass."""
    return [
        case(policy, "flags", res(type_, "bad", bad), flagged=("bad",)),
        case(policy, "passes", res(type_, "good", good)),
    ]


def case_ids(cases: Sequence[Case]) -> list[str]:
    return [f"{c.policy}-{c.id}" for c in cases]


def run(
    pack: PolicyPackClient, resources: Iterable[dict[str, Any]], c: Case | None = None
) -> GateResult:
    """One gate run over copies of `resources`, every policy mandatory, with `c`'s configs."""
    copies = [json.loads(json.dumps(r)) for r in resources]
    policy_config: dict[str, Any] = dict(ALL_MANDATORY)
    if c is not None and c.properties:
        policy_config[c.policy] = dict(c.properties)
    stack = graph(*copies, config=c.stack_config if c else None)
    return run_with_client(pack, stack, policy_config, stack="test")


def flagged_by(result: GateResult, policy: str) -> set[str]:
    return {d.urn.rsplit("::", 1)[-1] for d in result.diagnostics if d.policy == policy}


_RESULTS: dict[int, tuple[Case, GateResult]] = {}


def run_case(pack: PolicyPackClient, c: Case) -> GateResult:
    """`run` for a case, once per session: the wording check reuses the flagging run's result."""
    cached = _RESULTS.get(id(c))
    if cached is None or cached[0] is not c:
        cached = _RESULTS[id(c)] = (c, run(pack, c.resources, c))
    return cached[1]


def violations_of(pack: PolicyPackClient, c: Case) -> list[str]:
    """The messages of `c`'s policy over `c`'s graph, sorted."""
    return sorted(d.message for d in run_case(pack, c).diagnostics if d.policy == c.policy)


def assert_flags_exactly(pack: PolicyPackClient, c: Case) -> None:
    found = flagged_by(run_case(pack, c), c.policy)
    assert found == set(c.flagged), f"{c.policy} flagged {sorted(found)}, not {sorted(c.flagged)}"


def policies_without_both_sides(
    cases: Sequence[Case], policies: Sequence[Policy]
) -> dict[str, str]:
    """Policies of a rules module that lack a flagged or a passing fixture (name -> side)."""
    missing: dict[str, str] = {}
    for policy in policies:
        mine = [c for c in cases if c.policy == policy.name]
        if not any(c.flagged for c in mine):
            missing[policy.name] = "no flagged fixture"
        elif all(c.flagged for c in mine):
            missing[policy.name] = "no passing fixture"
    return missing


def badly_worded_violations(pack: PolicyPackClient, cases: Sequence[Case]) -> list[str]:
    """Messages that do not start with the resource's name or do not end with a `Fix: ...`."""
    wrong: list[str] = []
    for c in cases:
        if not c.flagged:
            continue
        for d in run_case(pack, c).diagnostics:
            if d.policy != c.policy:
                continue
            name = d.urn.rsplit("::", 1)[-1]
            if not (d.message.startswith(f"{name} (") and "Fix: " in d.message):
                wrong.append(d.message)
            elif not d.message.endswith("."):
                wrong.append(d.message)
    return wrong
