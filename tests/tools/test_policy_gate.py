"""The gate end to end: the stacks' graphs, an insecure dev variant, unknowns, config rules."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from policy.rules import CATALOG
from tools.graph import Graph
from tools.policy_gate import (
    POLICY_DIR,
    PolicyPackClient,
    check_policy_config,
    format_result,
    load_policy_config,
    run_with_client,
)

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
NAMES = [info.name for info in CATALOG]


@pytest.fixture(scope="module")
def graphs(dev_graph: Graph, prod_graph: Graph) -> dict[str, dict[str, Any]]:
    # Copies: some tests mutate a graph into an insecure variant.
    return {
        "dev": copy.deepcopy(dict(dev_graph.data)),
        "prod": copy.deepcopy(dict(prod_graph.data)),
    }


def stack_config(stack: str) -> dict[str, Any]:
    return load_policy_config(POLICY_DIR / "config" / f"{stack}.json")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_has_no_mandatory_violation(
    pack: PolicyPackClient, graphs: dict[str, dict[str, Any]], stack: str
) -> None:
    result = run_with_client(pack, graphs[stack], stack_config(stack), stack)
    assert [d.message for d in result.mandatory] == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_advisory_violation_is_explained_in_the_stack_config(
    pack: PolicyPackClient, graphs: dict[str, dict[str, Any]], stack: str
) -> None:
    result = run_with_client(pack, graphs[stack], stack_config(stack), stack)
    assert result.unexplained_advisories == [] and result.config_errors == []


def _by_type(graph: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in graph["resources"] if r["type"] == type_]


def insecure_dev(graph: dict[str, Any]) -> dict[str, Any]:
    """The dev graph with one subnet handing out public IPs and one SG rule opening SSH."""
    insecure = copy.deepcopy(graph)
    subnet = _by_type(insecure, "aws:ec2/subnet:Subnet")[0]
    subnet["inputs"]["mapPublicIpOnLaunch"] = True
    subnet["outputs"]["mapPublicIpOnLaunch"] = True
    rule = _by_type(insecure, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")[0]
    for props in (rule["inputs"], rule["outputs"]):
        props.update(ipProtocol="tcp", fromPort=20, toPort=30, cidrIpv4="0.0.0.0/0")
        props.pop("referencedSecurityGroupId", None)
    return insecure


def test_insecure_dev_variant_yields_exactly_the_expected_mandatory_violations(
    pack: PolicyPackClient, graphs: dict[str, dict[str, Any]]
) -> None:
    baseline = run_with_client(pack, graphs["dev"], stack_config("dev"), "dev")
    graph = insecure_dev(graphs["dev"])
    subnet = _by_type(graph, "aws:ec2/subnet:Subnet")[0]["name"]
    rule = _by_type(graph, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")[0]["name"]
    result = run_with_client(pack, graph, stack_config("dev"), "dev")
    new = {(d.policy, d.urn.rsplit("::", 1)[-1]) for d in result.mandatory} - {
        (d.policy, d.urn.rsplit("::", 1)[-1]) for d in baseline.mandatory
    }
    assert new == {
        ("aws-ec2-no-public-ip-subnet", subnet),
        ("aws-ec2-no-public-ingress-sgr", rule),
        ("sg-public-ingress-only-on-alb", rule),
    }


def with_unknowns(graph: dict[str, Any]) -> dict[str, Any]:
    """What a preview sees before ids exist: every id-like reference is unknown."""
    unknown = copy.deepcopy(graph)
    for resource in unknown["resources"]:
        for props in (resource["inputs"], resource.get("outputs") or {}):
            for key in list(props):
                if key.endswith(("Id", "Ids", "Arn")) or key in ("id", "arn", "policy"):
                    props[key] = UNKNOWN
    return unknown


def test_unknown_values_are_skipped_not_reported(
    pack: PolicyPackClient, graphs: dict[str, dict[str, Any]]
) -> None:
    known = run_with_client(pack, graphs["prod"], {"all": "mandatory"}, "prod")
    result = run_with_client(pack, with_unknowns(graphs["prod"]), {"all": "mandatory"}, "prod")
    skipped = sorted({n.policy for n in result.not_applicable})
    print("policies that skip on unknown values:", skipped)
    assert skipped, "no policy touched an unknown value"
    assert all("can't be known during preview" in n.reason for n in result.not_applicable)
    assert not any("during preview" in d.message for d in result.diagnostics)
    assert {d.policy for d in result.diagnostics} <= {d.policy for d in known.diagnostics} | set(
        skipped
    )


def test_prod_waiver_without_a_reason_is_a_config_error() -> None:
    config = {"all": "mandatory", "s3-object-lock": "disabled"}
    assert check_policy_config(config, NAMES, "prod") == [
        's3-object-lock: disabled without a reason (add "reason": "...")',
        "s3-object-lock: disabled in prod without a reason",
    ]


def test_prod_advisory_without_a_reason_is_a_config_error() -> None:
    config = {"aws-ecr-repository-customer-key": {"enforcementLevel": "advisory"}}
    assert check_policy_config(config, NAMES, "prod") == [
        "aws-ecr-repository-customer-key: advisory in prod without a reason"
    ]


PLAUSIBLE = "Cost: the ALB SG is reviewed by hand every quarter, so this is advisory here."


def test_prod_waiver_outside_the_allow_list_fails_even_with_a_reason() -> None:
    config = {
        "sg-public-ingress-only-on-alb": {"enforcementLevel": "advisory", "reason": PLAUSIBLE}
    }
    assert check_policy_config(config, NAMES, "prod") == [
        "sg-public-ingress-only-on-alb: advisory in prod, but prod may waive only the policies "
        "listed in policy/waivers.py; keep it mandatory (a reason is not enough)"
    ]


def test_prod_waiver_below_its_allowed_level_is_a_config_error() -> None:
    config = {"s3-cross-region-replication": {"enforcementLevel": "disabled", "reason": PLAUSIBLE}}
    errors = check_policy_config(config, NAMES, "prod")
    assert len(errors) == 1
    assert errors[0].startswith(
        "s3-cross-region-replication: disabled in prod, but policy/waivers.py allows it no lower "
        "than advisory"
    )


def test_prod_all_below_mandatory_is_a_config_error() -> None:
    assert check_policy_config({"all": "advisory"}, NAMES, "prod") == [
        'all: advisory in prod; prod keeps "all": "mandatory"'
    ]


def test_dev_may_waive_any_policy_with_a_reason() -> None:
    config = {
        "sg-public-ingress-only-on-alb": {"enforcementLevel": "advisory", "reason": PLAUSIBLE}
    }
    assert check_policy_config(config, NAMES, "dev") == []


def test_config_key_that_names_no_policy_is_an_error() -> None:
    assert check_policy_config({"elb-loging-enabled": "advisory"}, NAMES, "dev") == [
        "elb-loging-enabled: no such policy in the pack"
    ]


def test_policy_properties_outside_their_schema_are_config_errors(pack: PolicyPackClient) -> None:
    """The CLI validates each policy's properties against its config schema before a preview
    (ReconcilePolicyPackConfig -> ValidatePolicyPackConfig); the offline gate refuses the same
    configs, such as a reason that is not text."""
    config = {"all": "mandatory", "s3-object-lock": {"enforcementLevel": "advisory", "reason": 7}}
    graph = {"project": "ecs-fargate", "stack": "dev", "config": {}, "resources": []}
    assert run_with_client(pack, graph, config, "dev").config_errors == [
        "s3-object-lock: reason: 7 is not of type 'string'"
    ]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_config_files_are_valid(stack: str) -> None:
    assert check_policy_config(stack_config(stack), NAMES, stack) == []


def _level(config: dict[str, Any], name: str) -> str:
    entry = config.get(name, {})
    level = entry if isinstance(entry, str) else entry.get("enforcementLevel")
    return level or config.get("all", "mandatory")


def test_dev_config_follows_the_reference_dev_column() -> None:
    allowed = {
        "M": {"mandatory"},
        "A": {"advisory", "mandatory"},
        "W": {"disabled", "advisory", "mandatory"},
        "N/A": {"mandatory"},
    }
    config = stack_config("dev")
    wrong = {
        i.name: _level(config, i.name)
        for i in CATALOG
        if _level(config, i.name) not in allowed[i.dev]
    }
    assert wrong == {}


def test_prod_runs_every_policy_mandatory_unless_waived_with_a_reason() -> None:
    config = stack_config("prod")
    for info in CATALOG:
        if _level(config, info.name) != "mandatory":
            assert config[info.name].get("reason", "").strip(), info.name


def test_gate_cli_exits_nonzero_on_a_mandatory_violation(tmp_path: Path) -> None:
    import subprocess
    import sys

    graph = {
        "project": "ecs-fargate",
        "stack": "dev",
        "config": {},
        "resources": [
            {
                "urn": "urn:pulumi:dev::ecs-fargate::aws:ec2/subnet:Subnet::public",
                "type": "aws:ec2/subnet:Subnet",
                "name": "public",
                "inputs": {"mapPublicIpOnLaunch": True},
                "outputs": {},
            }
        ],
    }
    (tmp_path / "graph.json").write_text(json.dumps(graph))
    completed = subprocess.run(
        [
            sys.executable,
            "tools/policy_gate.py",
            "--stack",
            "dev",
            "--graph",
            str(tmp_path / "graph.json"),
        ],
        cwd=POLICY_DIR.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert re.search(
        r"\[aws-ec2-no-public-ip-subnet\] public \(Subnet\): .* Fix: ", completed.stdout
    )


def test_gate_cli_fails_a_prod_config_that_turns_a_critical_rule_advisory(tmp_path: Path) -> None:
    import subprocess
    import sys

    critical = next(i.name for i in CATALOG if i.severity == "critical" and i.kind == "stack")
    config = stack_config("prod")
    config[critical] = {"enforcementLevel": "advisory", "reason": PLAUSIBLE}
    (tmp_path / "prod.json").write_text(json.dumps(config))
    graph = {"project": "ecs-fargate", "stack": "prod", "config": {}, "resources": []}
    (tmp_path / "graph.json").write_text(json.dumps(graph))
    completed = subprocess.run(
        [
            sys.executable,
            "tools/policy_gate.py",
            "--stack",
            "prod",
            "--graph",
            str(tmp_path / "graph.json"),
            "--config",
            str(tmp_path / "prod.json"),
        ],
        cwd=POLICY_DIR.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert (
        f"policy config error: {critical}: advisory in prod, but prod may waive only the "
        "policies listed in policy/waivers.py" in completed.stdout
    )


def test_the_gate_prints_why_each_advisory_finding_is_advisory_in_the_stack(
    pack: PolicyPackClient, graphs: dict[str, dict[str, Any]]
) -> None:
    result = run_with_client(pack, graphs["dev"], stack_config("dev"), "dev")
    report = format_result(result, "dev")
    for diagnostic in result.advisory:
        assert f"advisory here because: {result.reasons[diagnostic.policy]}" in report
