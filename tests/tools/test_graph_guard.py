"""tools/graph_guard.py: what a refactor must keep, and what it may move."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tools.graph_guard import REPO_ROOT, canonical, differences, record

VPC = "urn:pulumi:dev::ecs-fargate::network$aws:ec2/vpc:Vpc::vpc"
SUBNET = "urn:pulumi:dev::ecs-fargate::network$aws:ec2/subnet:Subnet::private-a"


def graph() -> dict[str, Any]:
    def resource(urn: str, type_: str, parent: str | None) -> dict[str, Any]:
        return {
            "urn": urn,
            "type": type_,
            "name": urn.rsplit("::", 1)[-1],
            "custom": True,
            "parent": parent,
            "inputs": {"cidrBlock": "10.0.0.0/16"},
            "dependencies": [],
            "propertyDependencies": {},
            "options": {"protect": False, "transforms": ["components.network.keep"]},
            "id": "vpc-0123",
            "outputs": {"arn": "arn:aws:ec2:ap-northeast-1:123456789012:vpc/vpc-0123"},
        }

    return {
        "resources": [
            resource(VPC, "aws:ec2/vpc:Vpc", None),
            resource(SUBNET, "aws:ec2/subnet:Subnet", VPC),
        ],
        "outputs": {"url": "http://alb"},
        "error": None,
    }


def test_registration_order_is_not_a_difference() -> None:
    reordered = graph()
    reordered["resources"].reverse()
    assert list(differences(canonical(graph()), canonical(reordered))) == []


def test_a_transform_moved_to_another_module_is_not_a_difference() -> None:
    moved = graph()
    for resource in moved["resources"]:
        resource["options"]["transforms"] = ["components.web.image.keep"]
    assert list(differences(canonical(graph()), canonical(moved))) == []


def test_mock_ids_and_outputs_are_not_compared() -> None:
    other = graph()
    other["resources"][0]["id"] = "vpc-9999"
    other["resources"][0]["outputs"] = {}
    assert list(differences(canonical(graph()), canonical(other))) == []


def test_a_changed_parent_is_reported_with_its_urn() -> None:
    reparented = graph()
    reparented["resources"][1]["parent"] = None
    assert list(differences(canonical(graph()), canonical(reparented))) == [
        f'changed resources/{SUBNET}/parent: "{VPC}" -> null'
    ]


def test_a_renamed_resource_is_a_removal_and_an_addition() -> None:
    renamed = copy.deepcopy(graph())
    renamed["resources"][1]["urn"] = SUBNET.replace("private-a", "private-1")
    found = list(differences(canonical(graph()), canonical(renamed)))
    assert f"removed resources/{SUBNET}" in found
    assert any(line.startswith("added resources/") and "private-1" in line for line in found)


def test_a_changed_input_and_option_are_reported() -> None:
    changed = graph()
    changed["resources"][0]["inputs"]["cidrBlock"] = "10.1.0.0/16"
    changed["resources"][0]["options"]["protect"] = True
    found = list(differences(canonical(graph()), canonical(changed)))
    assert f'changed resources/{VPC}/inputs/cidrBlock: "10.0.0.0/16" -> "10.1.0.0/16"' in found
    assert f"changed resources/{VPC}/options/protect: false -> true" in found


def test_a_project_outside_the_repository_is_not_kept(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    rendered = {**graph(), "stack": "dev"}
    record(rendered, project_dir=tmp_path, config={}, secrets=(), directory=kept)
    record(rendered, project_dir=REPO_ROOT, config={}, secrets=(), directory=kept)
    assert [json.loads(p.read_text())["project"] for p in kept.glob("*.json")] == ["."]
