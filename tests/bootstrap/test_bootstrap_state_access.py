"""The CI roles against the state bucket as the pinned Pulumi CLI really uses it.

The calls replayed are tests/support/state_bucket.py's trace of the DIY backend, written out
independently of the table in ``bootstrap/state_access.py``, so a wrong table fails these tests
instead of justifying itself.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bootstrap.plan import plan_bootstrap
from bootstrap.state_access import (
    DEPLOY_ROLE_COMMANDS,
    NOT_GRANTED,
    PREVIEW_ROLE_COMMANDS,
    STATE_ACCESS,
    markdown_table,
    state_grants,
)
from tests.support.iam import allowed
from tests.support.paths import REPO_ROOT
from tests.support.state_bucket import (
    PROJECT,
    bucket_arn,
    cancel_calls,
    conditioned,
    preview_calls,
    up_calls,
)
from tools.graph import Graph

POLICY = "aws:iam/policy:Policy"
DEPLOY_DOC = REPO_ROOT / "docs" / "deploy.md"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph(plan_bootstrap())


def role_statements(graph: Graph, suffix: str) -> list[dict[str, Any]]:
    prefix = f"ecs-fargate-bootstrap-{suffix}-"
    return [
        statement
        for policy in graph.of_type(POLICY)
        if policy["name"].startswith(prefix)
        for statement in json.loads(policy["inputs"]["policy"])["Statement"]
    ]


def denied(graph: Graph, suffix: str, calls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    statements, bucket = role_statements(graph, suffix), bucket_arn(graph)
    return [
        (a, key) for a, key in calls if not allowed(statements, a, f"{bucket}/{key}", conditioned)
    ]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_role_can_read_everything_a_preview_reads(graph: Graph, stack: str) -> None:
    assert denied(graph, "preview", preview_calls(stack)) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_deploy_role_can_make_every_state_call_of_up(graph: Graph, stack: str) -> None:
    assert denied(graph, f"deploy-{stack}", up_calls(stack)) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_deploy_role_can_cancel_its_stacks_update(graph: Graph, stack: str) -> None:
    assert denied(graph, f"deploy-{stack}", cancel_calls(stack)) == []


def test_every_role_may_list_the_bucket(graph: Graph) -> None:
    # the checkpoint lookup, the lock check and cancel list prefixes; without ListBucket a
    # missing .pulumi-tags answers 403 instead of 404, which the CLI does not tolerate
    for suffix in ("preview", "deploy-dev", "deploy-prod"):
        statements = role_statements(graph, suffix)
        assert allowed(statements, "s3:ListBucket", bucket_arn(graph), conditioned), suffix


def test_preview_role_writes_no_state_object(graph: Graph) -> None:
    writes = [
        (action, key)
        for stack in ("dev", "prod")
        for _, key in up_calls(stack)
        for action in ("s3:PutObject", "s3:DeleteObject")
    ]
    assert denied(graph, "preview", writes) == writes


def test_deploy_role_touches_no_state_object_of_the_other_stack(graph: Graph) -> None:
    # meta.yaml is the backend's, shared by every stack
    prod_calls = [(a, k) for a, k in [*up_calls("prod"), *cancel_calls("prod")] if "prod" in k]
    assert denied(graph, "deploy-dev", prod_calls) == prod_calls


# --- the table: the grants are exactly its rows, and docs/deploy.md lists it ------------------


def s3_grants(graph: Graph, suffix: str) -> dict[str, set[str]]:
    """S3 action -> resources in the state bucket (deploy roles also manage the stack's buckets)."""
    bucket = bucket_arn(graph)
    grants: dict[str, set[str]] = {}
    for statement in role_statements(graph, suffix):
        actions, resources = statement["Action"], statement["Resource"]
        state = [
            r
            for r in ([resources] if isinstance(resources, str) else resources)
            if r == bucket or r.startswith(f"{bucket}/")
        ]
        for action in [actions] if isinstance(actions, str) else actions:
            if action.startswith("s3:") and state:
                grants.setdefault(action, set()).update(state)
    return grants


def table_grants(graph: Graph, stacks: list[str], commands: frozenset[str]) -> dict[str, set[str]]:
    granted = state_grants(bucket_arn(graph), PROJECT, stacks, commands)
    return {action: set(resources) for action, resources in granted.items()}


def test_preview_role_holds_exactly_the_state_reads_of_its_commands(graph: Graph) -> None:
    expected = table_grants(graph, ["dev", "prod"], PREVIEW_ROLE_COMMANDS)
    assert s3_grants(graph, "preview") == expected
    assert set(expected) == {"s3:GetObject", "s3:ListBucket"}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_deploy_role_holds_exactly_the_state_access_of_its_commands(
    graph: Graph, stack: str
) -> None:
    assert s3_grants(graph, f"deploy-{stack}") == table_grants(graph, [stack], DEPLOY_ROLE_COMMANDS)


def test_every_row_cites_the_diy_backend_source() -> None:
    for row in (*STATE_ACCESS, *NOT_GRANTED):
        assert re.search(r"pkg/backend/diy/\w+\.go@v3\.\d+\.\d+ \(", row.source), row


def test_deploy_doc_lists_the_state_table() -> None:
    assert markdown_table() in DEPLOY_DOC.read_text(), (
        "paste bootstrap.state_access.markdown_table() into docs/deploy.md"
    )
