"""WAF in front of the ALB: on in prod, off in dev."""

from __future__ import annotations

from tests.support.graphs import PlanVariant
from tests.support.service import (
    LOAD_BALANCER,
    LOG_GROUP,
    WEB_ACL,
    log_retention_days,
    named_suffix,
)
from tools.graph import Graph

MANAGED_GROUPS = {
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
}


def test_dev_has_no_waf(dev_graph: Graph) -> None:
    assert dev_graph.of_type(WEB_ACL) == []
    assert dev_graph.of_type("aws:wafv2/webAclAssociation:WebAclAssociation") == []


def test_waf_follows_config(plan_variant: PlanVariant) -> None:
    assert len(plan_variant("dev", waf=True).of_type(WEB_ACL)) == 1
    assert plan_variant("prod", waf=False).of_type(WEB_ACL) == []


def test_prod_web_acl_is_regional_and_allows_by_default(prod_graph: Graph) -> None:
    acl = prod_graph.one(WEB_ACL)["inputs"]
    assert acl["scope"] == "REGIONAL"
    assert acl["defaultAction"] == {"allow": {}}
    assert acl["visibilityConfig"]["cloudwatchMetricsEnabled"] is True


def test_managed_rule_groups_use_override_action_and_no_action(prod_graph: Graph) -> None:
    rules = prod_graph.one(WEB_ACL)["inputs"]["rules"]
    managed = [r for r in rules if "managedRuleGroupStatement" in r["statement"]]
    assert {r["statement"]["managedRuleGroupStatement"]["name"] for r in managed} == MANAGED_GROUPS
    for rule in managed:
        assert rule["overrideAction"] == {"none": {}}
        assert "action" not in rule
        assert rule["statement"]["managedRuleGroupStatement"]["vendorName"] == "AWS"


def test_rate_based_rule_blocks_per_ip_at_the_configured_limit(prod_graph: Graph) -> None:
    rules = prod_graph.one(WEB_ACL)["inputs"]["rules"]
    (rate,) = [r for r in rules if "rateBasedStatement" in r["statement"]]
    assert rate["action"] == {"block": {}}
    assert "overrideAction" not in rate
    assert rate["statement"]["rateBasedStatement"] == {"limit": 2000, "aggregateKeyType": "IP"}


def test_every_rule_has_visibility_and_a_unique_priority(prod_graph: Graph) -> None:
    rules = prod_graph.one(WEB_ACL)["inputs"]["rules"]
    assert len({r["priority"] for r in rules}) == len(rules) == 4
    for rule in rules:
        assert rule["visibilityConfig"]["metricName"]


def test_web_acl_is_associated_with_the_alb(prod_graph: Graph) -> None:
    association = prod_graph.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert association["inputs"]["resourceArn"] == prod_graph.one(LOAD_BALANCER)["outputs"]["arn"]
    assert association["inputs"]["webAclArn"] == prod_graph.one(WEB_ACL)["outputs"]["arn"]
    assert set(association["propertyDependencies"]["resourceArn"]) == {
        prod_graph.one(LOAD_BALANCER)["urn"]
    }


def test_web_acl_association_is_deleted_before_its_replacement_is_created(
    prod_graph: Graph,
) -> None:
    # Its delete disassociates by ALB ARN alone: created first, a new association (a new web ACL
    # on the same ALB) would be removed by the old one's delete, leaving the ALB unprotected.
    association = prod_graph.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert association["options"]["deleteBeforeReplace"] is True


def test_waf_logs_go_to_a_log_group_named_with_the_required_prefix(prod_graph: Graph) -> None:
    logging = prod_graph.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    assert logging["inputs"]["resourceArn"] == prod_graph.one(WEB_ACL)["outputs"]["arn"]
    (destination,) = logging["inputs"]["logDestinationConfigs"]
    log_group = prod_graph.resolve(destination)
    assert log_group is not None and log_group["type"] == LOG_GROUP
    # A prefix, so a log group retained by an earlier prod stack cannot collide with it.
    assert "name" not in log_group["inputs"]
    assert log_group["inputs"]["namePrefix"] == "aws-waf-logs-ecs-fargate-prod-"
    assert log_group["outputs"]["name"].startswith("aws-waf-logs-")
    assert log_group["inputs"]["retentionInDays"] == log_retention_days(prod_graph)
    assert log_group["urn"] == named_suffix(prod_graph, LOG_GROUP, "waf-logs")["urn"]
