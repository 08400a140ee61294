"""The pack's policies, one module per AWS service; `__main__.py` only builds the PolicyPack."""

from __future__ import annotations

from pulumi_policy import Policy

from . import (
    adjacent,
    alb,
    cloudwatch,
    dynamodb,
    ecr,
    ecs,
    iam_boundaries,
    iam_permissions,
    iam_trust,
    ipv6_egress,
    kms,
    s3_data_protection,
    s3_operations,
    security_groups,
    security_groups_hygiene,
    vpc,
    vpc_private_subnets,
)
from ._common import CATALOG, RuleInfo

ALL_POLICIES: list[Policy] = [
    *vpc.POLICIES,
    *vpc_private_subnets.POLICIES,
    *security_groups.POLICIES,
    *security_groups_hygiene.POLICIES,
    *alb.POLICIES,
    *ipv6_egress.POLICIES,
    *ecs.POLICIES,
    *ecr.POLICIES,
    *iam_permissions.POLICIES,
    *iam_trust.POLICIES,
    *iam_boundaries.POLICIES,
    *cloudwatch.POLICIES,
    *s3_data_protection.POLICIES,
    *s3_operations.POLICIES,
    *kms.POLICIES,
    *dynamodb.POLICIES,
    *adjacent.POLICIES,
]

PACK_NAME = "ecs-fargate-guardrails"

__all__ = ["ALL_POLICIES", "CATALOG", "PACK_NAME", "RuleInfo"]
