"""The load balancer's view of the service: every target group that serves traffic has healthy
targets only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.verify.results import Result, Status

TARGETS_HEALTHY = "targets healthy"


def serving_target_groups(elbv2: Any, service: Mapping[str, Any]) -> list[str]:
    """The target groups that receive traffic. Blue/green: ECS moves the production listener
    rule's weights between the two groups, so the serving one is the rule's with weight > 0
    (ECS developer guide, "Amazon ECS blue/green deployments": advancedConfiguration)."""
    groups: list[str] = []
    for load_balancer in service.get("loadBalancers", []):
        rule_arn = (load_balancer.get("advancedConfiguration") or {}).get("productionListenerRule")
        if not rule_arn:
            groups.append(load_balancer["targetGroupArn"])
            continue
        for rule in elbv2.describe_rules(RuleArns=[rule_arn])["Rules"]:
            for action in rule.get("Actions", []):
                if action.get("Type") != "forward":
                    continue
                weighted = action.get("ForwardConfig", {}).get("TargetGroups", [])
                groups += [g["TargetGroupArn"] for g in weighted if g.get("Weight", 1) > 0]
                if not weighted and action.get("TargetGroupArn"):
                    groups.append(action["TargetGroupArn"])
    return list(dict.fromkeys(groups))


def target_health(elbv2: Any, target_group_arn: str) -> Result:
    name = target_group_arn.split(":")[-1].split("/")[1]
    check = f"targets of {name} healthy"
    described = elbv2.describe_target_health(TargetGroupArn=target_group_arn)
    targets = described.get("TargetHealthDescriptions", [])
    if not targets:
        return Result(check, Status.FAIL, "no registered target")
    states = [
        (
            f"{t['Target']['Id']}:{t['Target'].get('Port', '-')}",
            t["TargetHealth"]["State"],
            t["TargetHealth"].get("Reason", ""),
        )
        for t in targets
    ]
    unhealthy = [
        f"{target} {state} {reason}".strip()
        for target, state, reason in states
        if state != "healthy"
    ]
    if unhealthy:
        return Result(check, Status.FAIL, "; ".join(unhealthy))
    return Result(
        check, Status.PASS, f"{len(targets)} healthy: {', '.join(t for t, _, _ in states)}"
    )


def serving_targets_health(elbv2: Any, service: Mapping[str, Any]) -> list[Result]:
    groups = serving_target_groups(elbv2, service)
    if not groups:
        return [Result(TARGETS_HEALTHY, Status.FAIL, "the service has no target group")]
    return [target_health(elbv2, group) for group in groups]
