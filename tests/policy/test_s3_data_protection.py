"""policy/rules/s3_data_protection.py: public access blocks, ACLs, encryption, versioning and
bucket policies. Each case is one graph that the pack, through its Analyzer gRPC interface, must
flag exactly at the named resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import s3_data_protection
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
    violations_of,
)
from tests.support.s3_policy_cases import PAB, S3, VERSIONING, bucket_with, log_bucket
from tools.policy_gate import PolicyPackClient

BUCKET_POLICY = S3 + "bucketPolicy:BucketPolicy"
OWNERSHIP = S3 + "bucketOwnershipControls:BucketOwnershipControls"


def tls_statement(effect: str = "Deny", secure_transport: Any = "false") -> dict[str, Any]:
    return {
        "Effect": effect,
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": secure_transport}},
    }


def cases() -> Iterator[Case]:
    tls = (
        S3 + "bucketPolicy:BucketPolicy",
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        },
    )
    sse = (
        S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        {
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": "arn:k",
                    },
                    "bucketKeyEnabled": True,
                }
            ]
        },
    )
    stack_s3 = {
        "aws-s3-specify-public-access-block": PAB,
        "s3-acls-disabled": (
            S3 + "bucketOwnershipControls:BucketOwnershipControls",
            {"rule": {"objectOwnership": "BucketOwnerEnforced"}},
        ),
        "aws-s3-enable-bucket-encryption": sse,
        "aws-s3-encryption-customer-key": sse,
        "aws-s3-enable-versioning": VERSIONING,
        "s3-deny-insecure-transport": tls,
    }
    for policy, side in stack_s3.items():
        yield case(policy, "flags", *bucket_with(), flagged=("data",))
        yield case(policy, "passes", *bucket_with(side))
    yield case("aws-s3-enable-versioning-log-buckets", "flags", *log_bucket(), flagged=("logs",))
    yield case(
        "aws-s3-enable-versioning-log-buckets",
        "passes",
        *log_bucket(),
        res(VERSIONING[0], "v", {"bucket": "logs", **VERSIONING[1]}, deps={"bucket": ["logs"]}),
    )
    yield from one(
        "s3-public-access-block-all-true",
        PAB[0],
        {"blockPublicAcls": True},
        {
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
    )
    yield from one(
        "aws-s3-no-public-access-with-acl",
        S3 + "bucketAclV2:BucketAclV2",
        {"acl": "public-read"},
        {"acl": "private"},
    )
    bp = S3 + "bucketPolicy:BucketPolicy"
    yield from one(
        "s3-policy-no-public-principal",
        bp,
        {
            "policy": doc(
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
            )
        },
        tls[1],
    )
    yield from one(
        "s3-policy-no-lockout",
        bp,
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            )
        },
        tls[1],
    )


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "aws-s3-no-public-access-with-acl"
    for grantee in ("AllUsers", "AuthenticatedUsers"):
        grant = {
            "grantee": {
                "type": "Group",
                "uri": f"http://acs.amazonaws.com/groups/global/{grantee}",
            },
            "permission": "READ",
        }
        yield case(
            p,
            f"flags a grant to {grantee}",
            res(
                S3 + "bucketAclV2:BucketAclV2",
                "bad",
                {"accessControlPolicy": {"grants": [grant], "owner": {"id": "o"}}},
            ),
            flagged=("bad",),
        )
    yield case(
        p,
        "flags a grant by URI on a bucket",
        res(
            "bucket",
            "bad",
            {
                "grants": [
                    {
                        "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                        "type": "Group",
                        "permissions": ["READ"],
                    }
                ]
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a grant to the log-delivery group",
        res(
            S3 + "bucketAclV2:BucketAclV2",
            "good",
            {
                "accessControlPolicy": {
                    "grants": [
                        {
                            "grantee": {
                                "type": "Group",
                                "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery",
                            },
                            "permission": "WRITE",
                        }
                    ]
                }
            },
        ),
    )
    yield case(
        "s3-acls-disabled",
        "flags ObjectWriter",
        *bucket_with(
            (
                S3 + "bucketOwnershipControls:BucketOwnershipControls",
                {"rule": {"objectOwnership": "ObjectWriter"}},
            )
        ),
        flagged=("data",),
    )
    p = "s3-deny-insecure-transport"
    yield case(
        p,
        "flags an Allow on SecureTransport false",
        *bucket_with((BUCKET_POLICY, {"policy": doc(tls_statement("Allow"))})),
        flagged=("data",),
    )
    yield case(
        p,
        "flags a Deny on SecureTransport true",
        *bucket_with((BUCKET_POLICY, {"policy": doc(tls_statement(secure_transport="true"))})),
        flagged=("data",),
    )
    yield case(
        p,
        "passes SecureTransport given as a boolean",
        *bucket_with((BUCKET_POLICY, {"policy": doc(tls_statement(secure_transport=False))})),
    )
    yield case("aws-s3-enable-versioning", "passes an unversioned log bucket", *log_bucket())
    yield case(
        "aws-s3-enable-versioning-log-buckets", "passes an unversioned data bucket", *bucket_with()
    )
    for status in ("Suspended", "Disabled"):
        versioning = (VERSIONING[0], {"versioningConfiguration": {"status": status}})
        yield case(
            "aws-s3-enable-versioning",
            f"flags versioning {status}",
            *bucket_with(versioning),
            flagged=("data",),
        )
    yield case(
        "s3-policy-no-lockout",
        "passes an Allow with NotPrincipal",
        *bucket_with(
            (
                BUCKET_POLICY,
                {
                    "policy": doc(
                        {
                            "Effect": "Allow",
                            "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                            "Action": "s3:GetObject",
                            "Resource": "*",
                        }
                    )
                },
            )
        ),
    )
    sse_rule = {
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256", "kmsMasterKeyId": "arn:k"},
        "bucketKeyEnabled": True,
    }
    yield case(
        "aws-s3-encryption-customer-key",
        "flags AES256 even with a key and a bucket key",
        *bucket_with(
            (
                S3
                + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                {"rules": [sse_rule]},
            )
        ),
        flagged=("data",),
    )
    dsse_rule = {
        "applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms:dsse",
            "kmsMasterKeyId": "arn:k",
        },
        "bucketKeyEnabled": True,
    }
    yield case(
        "aws-s3-encryption-customer-key",
        "flags DSSE-KMS even with a key and a bucket key (bucket keys do not apply to it)",
        *bucket_with(
            (
                S3
                + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                {"rules": [dsse_rule]},
            )
        ),
        flagged=("data",),
    )
    p = "s3-deny-insecure-transport"
    for operator, key in (
        ("StringEquals", "aws:SecureTransport"),
        ("ArnLike", "aws:SecureTransport"),
        ("Bool", "aws:ViaAWSService"),
        ("Bool", "aws:MultiFactorAuthPresent"),
    ):
        statement = {**tls_statement(), "Condition": {operator: {key: "false"}}}
        yield case(
            p,
            f"flags a Deny on {operator} {key}",
            *bucket_with((BUCKET_POLICY, {"policy": doc(statement)})),
            flagged=("data",),
        )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, s3_data_protection.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_a_second_ownership_control_that_keeps_acls_is_the_one_named(
    pack: PolicyPackClient,
) -> None:
    c = case(
        "s3-acls-disabled",
        "enforced then object writer",
        *bucket_with(
            (OWNERSHIP, {"rule": {"objectOwnership": "BucketOwnerEnforced"}}),
            (OWNERSHIP, {"rule": {"objectOwnership": "ObjectWriter"}}),
        ),
        flagged=("data",),
    )
    [message] = violations_of(pack, c)
    assert "object ownership is ObjectWriter, which keeps ACLs active" in message


def test_a_public_grant_is_reported_by_its_group_name(pack: PolicyPackClient) -> None:
    grant = {
        "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "permission": "READ",
    }
    c = case(
        "aws-s3-no-public-access-with-acl",
        "all users",
        res(
            S3 + "bucketAclV2:BucketAclV2",
            "bad",
            {"accessControlPolicy": {"grants": [grant], "owner": {"id": "o"}}},
        ),
        flagged=("bad",),
    )
    [message] = violations_of(pack, c)
    assert "a grant to AllUsers" in message
