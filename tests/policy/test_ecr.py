"""policy/rules/ecr.py: ECR repositories. Each case is one graph that the pack, through its
Analyzer gRPC interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import ecr
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    doc,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def cases() -> Iterator[Case]:
    repo = "aws:ecr/repository:Repository"
    yield from one(
        "aws-ecr-enable-image-scans",
        repo,
        {"imageScanningConfiguration": {"scanOnPush": False}},
        {"imageScanningConfiguration": {"scanOnPush": True}},
    )
    yield from one(
        "aws-ecr-enforce-immutable-repository",
        repo,
        {"imageTagMutability": "MUTABLE"},
        {"imageTagMutability": "IMMUTABLE"},
    )
    yield from one(
        "aws-ecr-no-public-access",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        {"policy": doc({"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"})},
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"},
                    "Action": "ecr:BatchGetImage",
                }
            )
        },
    )
    yield from one(
        "aws-ecr-repository-customer-key",
        repo,
        {"encryptionConfigurations": [{"encryptionType": "AES256"}]},
        {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "arn:k"}]},
    )
    yield case(
        "aws-ecr-repository-customer-key",
        "flags a key without encryption type (AES256 by default)",
        res(REPOSITORY, "bad", {"encryptionConfigurations": [{"kmsKey": "arn:k"}]}),
        flagged=("bad",),
    )
    yield case("ecr-lifecycle-policy", "flags", res(repo, "bad"), flagged=("bad",))
    yield case(
        "ecr-lifecycle-policy",
        "passes",
        res(repo, "good"),
        res(
            "aws:ecr/lifecyclePolicy:LifecyclePolicy",
            "lc",
            {"repository": "good"},
            deps={"repository": ["good"]},
        ),
    )


REPOSITORY = "aws:ecr/repository:Repository"


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    yield case(
        "aws-ecr-enable-image-scans",
        "flags no scanning configuration",
        res(REPOSITORY, "bad", {}),
        flagged=("bad",),
    )
    yield case(
        "aws-ecr-enforce-immutable-repository",
        "flags the default mutability",
        res(REPOSITORY, "bad", {}),
        flagged=("bad",),
    )
    p = "aws-ecr-no-public-access"
    yield case(
        p,
        "flags AWS * in a registry policy",
        res(
            "aws:ecr/registryPolicy:RegistryPolicy",
            "bad",
            {
                "policy": doc(
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:ReplicateImage"}
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny to *",
        res(
            "aws:ecr/repositoryPolicy:RepositoryPolicy",
            "good",
            {"policy": doc({"Effect": "Deny", "Principal": "*", "Action": "ecr:DeleteRepository"})},
        ),
    )
    p = "aws-ecr-repository-customer-key"
    yield case(
        p,
        "flags KMS without a key",
        res(REPOSITORY, "bad", {"encryptionConfigurations": [{"encryptionType": "KMS"}]}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a key with AES256",
        res(
            REPOSITORY,
            "bad",
            {"encryptionConfigurations": [{"encryptionType": "AES256", "kmsKey": "arn:k"}]},
        ),
        flagged=("bad",),
    )
    yield case(
        "ecr-lifecycle-policy",
        "flags a lifecycle policy of another repository",
        res(REPOSITORY, "bad"),
        res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "lc", {"repository": "other"}),
        flagged=("bad",),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, ecr.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
