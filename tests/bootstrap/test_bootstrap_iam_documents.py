"""The pieces of bootstrap/iam_documents that the whole-program tests cannot pin: IAM's limits,
the serialisation the program sends, the merging that keeps the policies small and the tag
conditions of one grant. Each test here is the one a defect of that piece would break (issue 12,
mutation testing)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from bootstrap.ci_permissions import Grant, Scope
from bootstrap.iam_documents import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    Account,
    compact_json,
    deploy_policies,
    drift_policies,
    grant_statements,
    merge_statements,
    preview_policy,
)
from tests.support.iam import as_list

ACCOUNT = Account(
    partition="aws",
    region="ap-northeast-1",
    account_id="123456789012",
    state_bucket="state",
    secrets_key_arn="arn:aws:kms:ap-northeast-1:123456789012:key/k",
    boundary_arn="arn:aws:iam::123456789012:policy/b",
)
SECURITY_GROUPS = "arn:aws:ec2:ap-northeast-1:123456789012:security-group/*"


@pytest.fixture(scope="module")
def iam_quotas() -> dict[str, int]:
    """The account quotas IAM's GetAccountSummary reports (moto models the defaults)."""
    with mock_aws():
        return boto3.client("iam", region_name="us-east-1").get_account_summary()["SummaryMap"]


def test_the_policy_size_limit_the_tests_enforce_is_iams_quota(
    iam_quotas: dict[str, int],
) -> None:
    assert MANAGED_POLICY_MAX_CHARS == iam_quotas["PolicySizeQuota"]


def test_the_policies_per_role_limit_the_tests_enforce_is_iams_quota(
    iam_quotas: dict[str, int],
) -> None:
    assert MANAGED_POLICIES_PER_ROLE == iam_quotas["AttachedPoliciesPerRoleQuota"]


def test_a_document_serialises_to_the_same_text_whatever_its_key_order() -> None:
    # Pulumi diffs the policy text: a new order would update the policy at every `up`
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    reordered = dict(reversed(statement.items()))
    assert compact_json({"Statement": [statement]}) == compact_json({"Statement": [reordered]})


def test_statements_that_differ_only_in_actions_merge_whatever_their_key_order() -> None:
    read = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
    write = {"Resource": "*", "Action": ["s3:PutObject"], "Effect": "Allow"}
    assert merge_statements([read, write]) == [
        {"Effect": "Allow", "Resource": "*", "Action": ["s3:GetObject", "s3:PutObject"]}
    ]


def test_statements_differing_only_in_a_joinable_condition_value_join_in_any_key_order() -> None:
    def service_linked_role(service: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": "iam:CreateServiceLinkedRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:AWSServiceName": service}},
        }

    ecs = service_linked_role("ecs.amazonaws.com")
    elb = dict(reversed(service_linked_role("elasticloadbalancing.amazonaws.com").items()))
    (joined,) = merge_statements([ecs, elb])
    assert joined["Condition"] == {
        "StringEquals": {
            "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]
        }
    }


def test_statements_differing_in_a_condition_value_that_cannot_be_joined_stay_apart() -> None:
    # joining the environments' tag values would let each stack's call through on the other's
    def tagged_for(environment: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": "ec2:DeleteSecurityGroup",
            "Resource": SECURITY_GROUPS,
            "Condition": {"StringEquals": {"aws:ResourceTag/Environment": environment}},
        }

    assert len(merge_statements([tagged_for("dev"), tagged_for("prod")])) == 2


def test_a_tag_grant_on_the_stacks_arns_allows_calls_on_resources_carrying_its_tag() -> None:
    # deleting or changing an existing resource sends no request tags: only its own tag can
    # authorise the call
    grant = Grant(("ec2:DeleteSecurityGroup",), Scope.TAG, arns=(SECURITY_GROUPS,))
    conditions = [s["Condition"] for s in grant_statements(grant, ACCOUNT, "dev")]
    assert {"StringEquals": {"aws:ResourceTag/Environment": "dev"}} in conditions


def test_a_tag_grant_on_any_resource_allows_only_requests_carrying_the_stacks_tag() -> None:
    # a call that creates a resource without an ARN pattern has nothing to read a tag from but
    # the request
    grant = Grant(("ecs:RegisterTaskDefinition",), Scope.TAG, arns=("*",))
    conditions = [s["Condition"] for s in grant_statements(grant, ACCOUNT, "dev")]
    assert conditions == [{"StringEquals": {"aws:RequestTag/Environment": "dev"}}]


def test_the_drift_roles_unscoped_reads_name_every_resource_as_the_other_roles_do() -> None:
    # "*" and ["*"] mean the same to IAM, but Pulumi diffs the policy text: the documents must
    # stay as they render today (issue 11)
    resources = [
        statement["Resource"]
        for policy in drift_policies(ACCOUNT, ["dev", "prod"]).values()
        for statement in policy["Statement"]
    ]
    assert "*" in resources
    assert ["*"] not in resources


def test_a_bootstrap_for_one_environment_lets_its_preview_log_in_to_ecr() -> None:
    statements = preview_policy(ACCOUNT, ["dev"])["Statement"]
    assert any(
        "ecr:GetAuthorizationToken" in statement["Action"] and statement["Resource"] == "*"
        for statement in statements
    )


def test_the_deploy_role_may_have_s3_encrypt_the_state_it_writes() -> None:
    # the state bucket is SSE-KMS: every PutObject makes S3 ask KMS for a data key on the
    # writer's behalf, so without it no `up` can save its state
    state = deploy_policies(ACCOUNT, "dev", [])["state"]["Statement"]
    assert any(
        "kms:GenerateDataKey" in as_list(statement["Action"])
        and statement["Resource"] == ACCOUNT.secrets_key_arn
        and statement.get("Condition", {}).get("StringEquals", {}).get("kms:ViaService")
        == "s3.ap-northeast-1.amazonaws.com"
        for statement in state
    )
