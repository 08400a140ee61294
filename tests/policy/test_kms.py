"""policy/rules/kms.py: KMS keys. Each case is one graph that the pack, through its Analyzer gRPC
interface, must flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import kms
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
    key = "aws:kms/key:Key"
    yield from one("aws-kms-auto-rotate-keys", key, {}, {"enableKeyRotation": True})
    yield from one(
        "kms-key-policy-no-wildcard-principal",
        key,
        {
            "policy": doc(
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
            )
        },
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            )
        },
    )
    yield from one(
        "kms-key-policy-defined",
        key,
        {},
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            )
        },
    )
    yield from one(
        "kms-no-bypass-lockout-safety-check", key, {"bypassPolicyLockoutSafetyCheck": True}, {}
    )
    yield from one("kms-key-enabled", key, {"isEnabled": False}, {})
    yield from one("kms-key-description", key, {}, {"description": "CMK for app log groups (dev)"})


KEY = "aws:kms/key:Key"


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "aws-kms-auto-rotate-keys"
    yield case(
        p, "passes an asymmetric key", res(KEY, "good", {"customerMasterKeySpec": "RSA_2048"})
    )
    yield case(p, "passes an asymmetric key spec", res(KEY, "good", {"keySpec": "ECC_NIST_P256"}))
    yield case(p, "passes a signing key", res(KEY, "good", {"keyUsage": "SIGN_VERIFY"}))
    yield case(
        p,
        "flags a symmetric encryption key",
        res(KEY, "bad", {"keySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT"}),
        flagged=("bad",),
    )

    yield case(
        "kms-key-policy-no-wildcard-principal",
        "passes any principal limited by a condition",
        res(
            KEY,
            "good",
            {
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": ["kms:Encrypt", "kms:Decrypt"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}},
                    }
                )
            },
        ),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, kms.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
