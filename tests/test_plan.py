"""`make plan`: the resource tree it prints and how it fails on a config error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from tools import plan
from tools.graph import Graph


def test_tree_lists_the_components_in_architecture_order(dev_graph: Graph) -> None:
    top = [r["type"] for depth, r in dev_graph.walk() if depth == 0]
    assert top == [
        "ecs-fargate:index:Network",
        "ecs-fargate:index:WebService",
        "ecs-fargate:index:Observability",
    ]


def test_tree_shows_every_resource_once_under_its_parent(dev_graph: Graph) -> None:
    walked = list(dev_graph.walk())
    assert sorted(r["urn"] for _, r in walked) == sorted(r["urn"] for r in dev_graph.resources)
    depth_of = {r["urn"]: depth for depth, r in walked}
    for depth, resource in walked:
        if depth:
            assert depth_of[resource["parent"]] == depth - 1


def test_a_config_error_prints_one_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        REPO_ROOT,
        project,
        ignore=shutil.ignore_patterns("venv", "build", ".git", "tests", "policy", "bootstrap"),
    )
    stack_file = project / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("10.0.0.0/16", "10.0.0.0/33", 1))
    assert plan.main(["--stack", "dev", "--project-dir", str(project)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: invalid config ecs-fargate:vpcCidr = '10.0.0.0/33': expected an IPv4 network in CIDR form, such as 10.0.0.0/16"
    ]
