"""policy/rules/alb.py: the load balancer, its listeners and target groups, and WAF. Each case is
one graph that the pack, through its Analyzer gRPC interface, must flag exactly at the named
resources (or pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policy.rules import alb
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
    yield from one("aws-elb-alb-not-public", "lb", {"internal": False}, {"internal": True})
    yield from one("aws-elb-drop-invalid-headers", "lb", {}, {"dropInvalidHeaderFields": True})
    redirect = {
        "type": "redirect",
        "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
    }
    yield from one(
        "aws-elb-http-not-used",
        "listener",
        {
            "port": 80,
            "protocol": "HTTP",
            "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}],
        },
        {"port": 80, "protocol": "HTTP", "defaultActions": [redirect]},
    )
    yield from one(
        "aws-elb-use-secure-tls-policy",
        "listener",
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06"},
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
    )
    yield from one("elb-deletion-protection-enabled", "lb", {}, {"enableDeletionProtection": True})
    yield from one(
        "elb-logging-enabled",
        "lb",
        {"accessLogs": {"bucket": "b", "enabled": False}},
        {"accessLogs": {"bucket": "b", "enabled": True}},
    )
    yield from one(
        "alb-desync-mitigation",
        "lb",
        {"desyncMitigationMode": "monitor"},
        {"desyncMitigationMode": "strictest"},
    )
    yield from one(
        "lb-target-group-no-plain-http", "tg", {"protocol": "HTTP"}, {"protocol": "HTTPS"}
    )
    yield from one(
        "lb-target-group-health-check",
        "tg",
        {"protocol": "HTTP", "healthCheck": {"path": "/"}},
        {"protocol": "HTTP", "healthCheck": {"path": "/healthz", "matcher": "200"}},
    )
    assoc = "aws:wafv2/webAclAssociation:WebAclAssociation"
    yield case(
        "alb-protected-by-waf", "flags", res("lb", "bad", {"internal": False}), flagged=("bad",)
    )
    yield case(
        "alb-protected-by-waf",
        "passes",
        res("lb", "good", {"internal": False}),
        res(assoc, "a", {"resourceArn": "x"}, deps={"resourceArn": ["good"]}),
    )
    acl = "aws:wafv2/webAcl:WebAcl"

    def managed(name: str, override: str) -> dict[str, Any]:
        statement = {"managedRuleGroupStatement": {"name": name, "vendorName": "AWS"}}
        return {
            "name": name,
            "priority": 1,
            "overrideAction": {override: {}},
            "statement": statement,
        }

    yield from one(
        "waf-known-bad-inputs",
        acl,
        {"rules": [managed("AWSManagedRulesKnownBadInputsRuleSet", "count")]},
        {"rules": [managed("AWSManagedRulesKnownBadInputsRuleSet", "none")]},
    )
    yield from one(
        "waf-has-rules-with-actions",
        acl,
        {"rules": []},
        {"rules": [managed("AWSManagedRulesCommonRuleSet", "none")]},
    )
    logging = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
    yield case("waf-logging", "flags", res(acl, "bad"), flagged=("bad",))
    yield case(
        "waf-logging",
        "passes",
        res(acl, "good"),
        res(
            logging,
            "l",
            {
                "resourceArn": "x",
                "logDestinationConfigs": ["arn:aws:logs:r:1:log-group:aws-waf-logs-app"],
            },
            deps={"resourceArn": ["good"]},
        ),
    )


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, alb.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
