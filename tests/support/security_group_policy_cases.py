"""Graph builders the security-group policy tests share (tests/policy/test_security_groups*.py)."""

from __future__ import annotations

from typing import Any

from tests.support.policy_cases import (
    res,
)


def alb_stack(sg_rule: dict[str, Any], on: str, rule_name: str) -> list[dict[str, Any]]:
    """An internet-facing ALB with its SG, a task SG used by a service, and one ingress rule."""
    return [
        res("sg", "alb-sg", {"description": "alb"}),
        res("sg", "task-sg", {"description": "tasks"}),
        res("lb", "alb", {"securityGroups": ["alb-sg-id"]}, deps={"securityGroups": ["alb-sg"]}),
        res(
            "service",
            "svc",
            {"networkConfiguration": {"securityGroups": ["task-sg-id"]}},
            deps={"networkConfiguration": ["task-sg"]},
        ),
        res(
            "ingress",
            rule_name,
            {"description": "d", "securityGroupId": f"{on}-id", **sg_rule},
            deps={"securityGroupId": [on]},
        ),
    ]


def world(
    port: int | None, to: int | None = None, protocol: str = "tcp", **extra: Any
) -> dict[str, Any]:
    """A rule body from 0.0.0.0/0 on `port`..`to` (`to` defaults to `port`)."""
    return {
        "ipProtocol": protocol,
        "fromPort": port,
        "toPort": port if to is None else to,
        "cidrIpv4": "0.0.0.0/0",
        **extra,
    }


def inline_sg(direction: str, rule: dict[str, Any]) -> dict[str, Any]:
    return res("sg", "sg", {"description": "d", direction: [{"description": "d", **rule}]})
