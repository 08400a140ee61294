"""policy/rules/alb.py: the load balancer, its listeners and target groups, and WAF. Each case is
one graph that the pack, through its Analyzer gRPC interface, must flag exactly at the named
resources (or pass).
"""

from __future__ import annotations

import json
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
    run,
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

    yield from one(
        "waf-known-bad-inputs",
        acl,
        {"rules": [managed_rule("AWSManagedRulesKnownBadInputsRuleSet", "count")]},
        {"rules": [managed_rule("AWSManagedRulesKnownBadInputsRuleSet", "none")]},
    )
    yield from one(
        "waf-has-rules-with-actions",
        acl,
        {"rules": []},
        {"rules": [managed_rule("AWSManagedRulesCommonRuleSet", "none")]},
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


ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
KNOWN_BAD = "AWSManagedRulesKnownBadInputsRuleSet"


def managed_rule(name: str, override: str = "none") -> dict[str, Any]:
    return {
        "name": name,
        "priority": 1,
        "overrideAction": {override: {}},
        "statement": {"managedRuleGroupStatement": {"name": name, "vendorName": "AWS"}},
    }


def acl_logging(*destinations: str) -> list[dict[str, Any]]:
    return [
        res(ACL, "acl"),
        res(
            LOGGING,
            "log",
            {"resourceArn": "x", "logDestinationConfigs": list(destinations)},
            deps={"resourceArn": ["acl"]},
        ),
    ]


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    yield case(
        "aws-elb-alb-not-public",
        "passes a gateway load balancer",
        res("lb", "good", {"internal": False, "loadBalancerType": "gateway"}),
    )
    yield case(
        "aws-elb-drop-invalid-headers",
        "passes a network load balancer",
        res("lb", "good", {"loadBalancerType": "network"}),
    )
    p = "aws-elb-http-not-used"
    redirect = {
        "type": "redirect",
        "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
    }
    yield case(
        p,
        "flags a redirect plus a second action",
        res(
            "listener",
            "bad",
            {"protocol": "HTTP", "defaultActions": [redirect, {"type": "forward"}]},
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a redirect to HTTP",
        res(
            "listener",
            "bad",
            {
                "protocol": "HTTP",
                "defaultActions": [{**redirect, "redirect": {"protocol": "HTTP"}}],
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a listener that omits its protocol",
        res("listener", "bad", {"defaultActions": [{"type": "forward"}]}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes an HTTPS listener that forwards",
        res("listener", "good", {"protocol": "HTTPS", "defaultActions": [{"type": "forward"}]}),
    )
    p = "aws-elb-use-secure-tls-policy"
    yield case(
        p,
        "flags HTTPS without an ssl policy",
        res("listener", "bad", {"protocol": "HTTPS"}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a TLS listener on a legacy policy",
        res("listener", "bad", {"protocol": "TLS", "sslPolicy": "ELBSecurityPolicy-2016-08"}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a TLS 1.3-only policy",
        res(
            "listener",
            "good",
            {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"},
        ),
    )
    yield case(p, "passes an HTTP listener", res("listener", "good", {"protocol": "HTTP"}))
    yield case(
        "elb-logging-enabled",
        "flags logs enabled without a bucket",
        res("lb", "bad", {"accessLogs": {"enabled": True}}),
        flagged=("bad",),
    )
    yield case("alb-desync-mitigation", "passes the default mode", res("lb", "good", {}))
    yield case(
        "lb-target-group-no-plain-http",
        "passes a Lambda target group",
        res("tg", "good", {"targetType": "lambda", "protocol": "HTTP"}),
    )
    p = "lb-target-group-health-check"
    yield case(
        p,
        "flags a disabled health check",
        res(
            "tg",
            "bad",
            {
                "protocol": "HTTP",
                "healthCheck": {"enabled": False, "path": "/healthz", "matcher": "200"},
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a path without a matcher",
        res("tg", "bad", {"protocol": "HTTP", "healthCheck": {"path": "/healthz"}}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a matcher without a path",
        res("tg", "bad", {"protocol": "HTTP", "healthCheck": {"matcher": "200"}}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags an HTTPS check without a path",
        res("tg", "bad", {"protocol": "HTTPS", "healthCheck": {"matcher": "200"}}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a target group without a health check",
        res("tg", "bad", {"protocol": "HTTP"}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a TCP health check",
        res("tg", "good", {"protocol": "TCP", "healthCheck": {"protocol": "TCP"}}),
    )
    yield case(p, "passes a Lambda target group", res("tg", "good", {"targetType": "lambda"}))
    p = "alb-protected-by-waf"
    yield case(p, "passes an internal ALB", res("lb", "good", {"internal": True}))
    yield case(
        p,
        "passes a network load balancer",
        res("lb", "good", {"internal": False, "loadBalancerType": "network"}),
    )
    p = "waf-known-bad-inputs"
    as_json = json.dumps(
        [
            {
                "Name": KNOWN_BAD,
                "OverrideAction": {"None": {}},
                "Statement": {
                    "ManagedRuleGroupStatement": {"Name": KNOWN_BAD, "VendorName": "AWS"}
                },
            }
        ]
    )
    yield case(p, "passes the group given in rule JSON", res(ACL, "good", {"ruleJson": as_json}))
    yield case(
        p,
        "flags the group in count mode in rule JSON",
        res(ACL, "bad", {"ruleJson": as_json.replace('"None"', '"Count"')}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags only other groups",
        res(ACL, "bad", {"rules": [managed_rule("AWSManagedRulesCommonRuleSet")]}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes the group after another one",
        res(
            ACL,
            "good",
            {"rules": [managed_rule("AWSManagedRulesCommonRuleSet"), managed_rule(KNOWN_BAD)]},
        ),
    )
    yield case(
        "aws-elb-drop-invalid-headers",
        "flags an explicit application load balancer",
        res("lb", "bad", {"loadBalancerType": "application"}),
        flagged=("bad",),
    )
    yield case(
        "aws-elb-http-not-used",
        "flags a forward action that carries a redirect block",
        res(
            "listener",
            "bad",
            {
                "protocol": "HTTP",
                "defaultActions": [{"type": "forward", "redirect": {"protocol": "HTTPS"}}],
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "aws-elb-http-not-used",
        "passes a GENEVE listener",
        res("listener", "good", {"protocol": "GENEVE", "defaultActions": [{"type": "forward"}]}),
    )
    yield case(
        "lb-target-group-no-plain-http",
        "passes a GENEVE target group",
        res("tg", "good", {"protocol": "GENEVE"}),
    )
    tls13 = ["ELBSecurityPolicy-TLS13-1-3-2021-06"]
    yield case(
        "aws-elb-use-secure-tls-policy",
        "flags a default policy the stack's allow-list drops",
        res(
            "listener",
            "bad",
            {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
        ),
        flagged=("bad",),
        properties={"allowedSslPolicies": tls13},
    )
    p = "lb-target-group-health-check"
    yield case(
        p,
        "passes a TCP health check on an HTTP target group",
        res("tg", "good", {"protocol": "HTTP", "healthCheck": {"protocol": "TCP"}}),
    )
    yield case(
        p,
        "passes a TCP target group's default health check",
        res("tg", "good", {"protocol": "TCP"}),
    )
    p = "waf-has-rules-with-actions"
    yield case(
        p,
        "flags a rule without action",
        res(ACL, "bad", {"rules": [{"name": "r", "statement": {}}]}),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a rule with an action",
        res(ACL, "good", {"rules": [{"name": "r", "action": {"block": {}}}]}),
    )
    p = "waf-logging"
    yield case(
        p,
        "flags a destination not named aws-waf-logs-*",
        *acl_logging("arn:aws:logs:r:1:log-group:waf"),
        flagged=("log",),
    )
    yield case(
        p,
        "flags one of two destinations misnamed",
        *acl_logging("arn:aws:logs:r:1:log-group:aws-waf-logs-a", "arn:aws:s3:::waf"),
        flagged=("log",),
    )
    yield case(p, "flags a configuration without destinations", *acl_logging(), flagged=("log",))


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, alb.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


def test_a_rule_without_action_is_named_in_the_message(pack: PolicyPackClient) -> None:
    acl = res(ACL, "acl", {"rules": [{"name": "geo-block", "statement": {}}]})
    messages = [d.message for d in run(pack, [acl]).diagnostics]
    assert any("rule geo-block has neither action nor override_action" in m for m in messages)
