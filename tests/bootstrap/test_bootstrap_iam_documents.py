"""The pieces of bootstrap/iam_documents that the whole-program tests cannot pin: IAM's limits
and the serialisation the program sends. Each test here is the one a defect of that piece would
break (issue 12, mutation testing)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from bootstrap.iam_documents import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    compact_json,
)


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
