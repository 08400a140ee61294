"""policy/rules/adjacent.py: Secrets Manager, SSM parameters, ACM and tags. Each case is one graph
that the pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or
pass).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import adjacent
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def cases() -> Iterator[Case]:
    secret = "aws:secretsmanager/secret:Secret"
    yield from one("aws-ssm-secret-use-customer-key", secret, {}, {"kmsKeyId": "arn:k"})
    yield case("secret-rotation", "flags", res(secret, "bad"), flagged=("bad",))
    yield case(
        "secret-rotation",
        "passes",
        res(secret, "good"),
        res(
            "aws:secretsmanager/secretRotation:SecretRotation",
            "rot",
            {"secretId": "x", "rotationRules": {"automaticallyAfterDays": 30}},
            deps={"secretId": ["good"]},
        ),
    )
    param = "aws:ssm/parameter:Parameter"
    yield from one(
        "ssm-parameter-securestring",
        param,
        {"name": "/app/db_password", "type": "String"},
        {"name": "/app/db_password", "type": "SecureString"},
    )
    yield from one(
        "ssm-parameter-customer-key",
        param,
        {"type": "SecureString"},
        {"type": "SecureString", "keyId": "arn:k"},
    )
    yield from one(
        "acm-certificate-hygiene",
        "aws:acm/certificate:Certificate",
        {"domainName": "*.example.com", "validationMethod": "DNS"},
        {"domainName": "app.dev.example.com", "validationMethod": "DNS"},
    )
    yield from one(
        "required-tags",
        "vpc",
        {"tags": {"Project": "p"}},
        {"tags": {"Project": "p", "Environment": "dev", "Owner": "o"}},
    )


SECRET = "aws:secretsmanager/secret:Secret"
PARAMETER = "aws:ssm/parameter:Parameter"
CERTIFICATE = "aws:acm/certificate:Certificate"


def rotated(days: int) -> list[dict[str, Any]]:
    return [
        res(SECRET, "s"),
        res(
            "aws:secretsmanager/secretRotation:SecretRotation",
            "rot",
            {"secretId": "x", "rotationRules": {"automaticallyAfterDays": days}},
            deps={"secretId": ["s"]},
        ),
    ]


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    yield case("secret-rotation", "flags rotation every 91 days", *rotated(91), flagged=("rot",))
    yield case("secret-rotation", "passes rotation every 90 days", *rotated(90))
    p = "ssm-parameter-securestring"
    yield case(
        p,
        "flags a secret-looking logical name",
        res(PARAMETER, "api-token", {"type": "String"}),
        flagged=("api-token",),
    )
    yield case(
        p,
        "passes a plain name as String",
        res(PARAMETER, "good", {"name": "/app/port", "type": "String"}),
    )
    p = "acm-certificate-hygiene"
    yield case(
        p,
        "flags an imported certificate",
        res(
            CERTIFICATE,
            "bad",
            {"certificateBody": "-----BEGIN CERTIFICATE-----", "domainName": "app.example.com"},
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags e-mail validation",
        res(CERTIFICATE, "bad", {"domainName": "app.example.com", "validationMethod": "EMAIL"}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a wildcard alternative name",
        res(
            CERTIFICATE,
            "bad",
            {
                "domainName": "app.example.com",
                "validationMethod": "DNS",
                "subjectAlternativeNames": ["*.example.com"],
            },
        ),
        flagged=("bad",),
    )
    p = "ssm-parameter-customer-key"
    yield case(p, "passes a String parameter", res(PARAMETER, "good", {"type": "String"}))
    yield case(p, "passes a StringList parameter", res(PARAMETER, "good", {"type": "StringList"}))
    yield case(p, "passes a parameter without type", res(PARAMETER, "good", {"name": "/app/port"}))
    yield case(
        "ssm-parameter-securestring",
        "flags a secret-looking parameter without type",
        res(PARAMETER, "bad", {"name": "/app/db_password"}),
        flagged=("bad",),
    )
    p = "acm-certificate-hygiene"
    yield case(
        p,
        "flags a certificate without validation method",
        res(CERTIFICATE, "bad", {"domainName": "app.example.com"}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags an imported private key alone",
        res(
            CERTIFICATE,
            "bad",
            {"privateKey": "k", "domainName": "app.example.com", "validationMethod": "DNS"},
        ),
        flagged=("bad",),
    )
    p = "required-tags"
    all_tags = {"Project": "p", "Environment": "dev", "Owner": "o"}
    yield case(
        p,
        "passes tags from the provider's default tags",
        res("vpc", "good", {"tags": {}}),
        stack_config={"aws:defaultTags": {"tags": all_tags}},
    )
    yield case(
        p,
        "passes tags from default tags given as JSON",
        res("vpc", "good", {"tags": {}}),
        stack_config={"aws:defaultTags": json.dumps({"tags": all_tags})},
    )
    yield case(
        p,
        "flags a tag the provider's default tags lack",
        res("vpc", "bad", {"tags": {"Owner": "o"}}),
        flagged=("bad",),
        stack_config={"aws:defaultTags": {"tags": {"Project": "p"}}},
    )
    yield case(
        p,
        "passes the tags the stack's config requires",
        res("vpc", "good", {"tags": {"Project": "p"}}),
        properties={"requiredTags": ["Project"]},
    )
    yield case(
        p,
        "flags a tag the stack's config requires",
        res("vpc", "bad", {"tags": {"Project": "p", "Environment": "dev", "Owner": "o"}}),
        flagged=("bad",),
        properties={"requiredTags": ["CostCenter"]},
    )
    yield case(
        p,
        "passes tags given by tagsAll",
        res("vpc", "good", {"tagsAll": {"Project": "p", "Environment": "dev", "Owner": "o"}}),
    )
    yield case(
        p,
        "flags an empty Owner",
        res("vpc", "bad", {"tags": {"Project": "p", "Environment": "dev", "Owner": ""}}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes an untagged resource of another provider",
        res("random:index/randomId:RandomId", "good", {"tags": {}}),
    )
    yield case(
        p,
        "passes a type that takes no tags",
        res("aws:ec2/route:Route", "good", {"routeTableId": "rt"}),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, adjacent.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
