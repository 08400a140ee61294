"""DynamoDB and DAX, kept for when a table is added (policy_rules.md §11)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import Stack, identities_of, is_false, is_true, nested, strings_in

TABLE = "aws:dynamodb/table:Table"
DAX = "aws:dax/cluster:Cluster"
SCALING_TARGET = "aws:appautoscaling/target:Target"


def _pitr(args: ResourceValidationArgs) -> Iterator[str]:
    if not is_true(nested(args.props, "pointInTimeRecovery", "enabled")):
        yield "point-in-time recovery is off"


pitr = resource_rule(
    name="aws-dynamodb-enable-recovery",
    rows=["DDB-01"],
    description="Tables have point-in-time recovery.",
    types=[TABLE],
    fix='set point_in_time_recovery={"enabled": True}',
    severity="medium",
    dev="A",
    sources="trivy AWS-0024; checkov CKV_AWS_28, CKV_AWS_165",
    check=_pitr,
)


def _table_cmk(args: ResourceValidationArgs) -> Iterator[str]:
    sse = args.props.get("serverSideEncryption") or {}
    key = str(sse.get("kmsKeyArn") or "")
    if not is_true(sse.get("enabled")) or not key or key.endswith("alias/aws/dynamodb"):
        yield "the table is not encrypted with a customer-managed key"


table_cmk = resource_rule(
    name="aws-dynamodb-table-customer-key",
    rows=["DDB-02"],
    description="Tables use a customer-managed key.",
    types=[TABLE],
    fix='set server_side_encryption={"enabled": True, "kms_key_arn": cmk.arn}',
    severity="low",
    dev="A",
    sources="trivy AWS-0025; checkov CKV_AWS_119, CKV_AWS_271",
    check=_table_cmk,
)


def _sse_not_off(args: ResourceValidationArgs) -> Iterator[str]:
    if is_false(nested(args.props, "serverSideEncryption", "enabled")):
        yield "server_side_encryption.enabled is explicitly false"


sse_not_off = resource_rule(
    name="dynamodb-table-encryption-enabled",
    rows=["DDB-03"],
    description="Table encryption is not switched to the AWS-owned key.",
    types=[TABLE],
    fix="omit server_side_encryption or set enabled=True",
    severity="low",
    dev="M",
    sources="AWSGuard dynamodb-table-encryption-enabled",
    check=_sse_not_off,
)


def _deletion_protection(args: ResourceValidationArgs) -> Iterator[str]:
    if not is_true(args.props.get("deletionProtectionEnabled")):
        yield "deletion protection is off"


deletion_protection = resource_rule(
    name="dynamodb-deletion-protection",
    rows=["DDB-04"],
    description="Tables are protected from deletion.",
    types=[TABLE],
    fix="set deletion_protection_enabled=True",
    severity="low",
    dev="W",
    sources="Security Hub DynamoDB.6",
    check=_deletion_protection,
)


def _dax_sse(args: ResourceValidationArgs) -> Iterator[str]:
    if not is_true(nested(args.props, "serverSideEncryption", "enabled")):
        yield "the DAX cluster is not encrypted at rest"


dax_sse = resource_rule(
    name="aws-dynamodb-enable-at-rest-encryption",
    rows=["DDB-05"],
    description="DAX clusters encrypt at rest.",
    types=[DAX],
    fix='set server_side_encryption={"enabled": True}',
    severity="high",
    dev="N/A",
    sources="trivy AWS-0023",
    check=_dax_sse,
)


def _autoscaling(stack: Stack, table: PolicyResource) -> Iterator[StackFinding]:
    if table.props.get("billingMode") == "PAY_PER_REQUEST":
        return
    names = identities_of(table)
    for target in stack.of_type(SCALING_TARGET):
        if stack.refers_to(target, "resourceId", table) or any(
            n and n in value for value in strings_in(target.props.get("resourceId")) for n in names
        ):
            return
    yield StackFinding(table, "a provisioned table with no auto scaling")


autoscaling = stack_rule(
    name="dynamodb-autoscaling",
    rows=["DDB-06"],
    description="Provisioned tables auto-scale.",
    subjects=[TABLE],
    fix='use billing_mode="PAY_PER_REQUEST" or add appautoscaling Target/Policy',
    severity="low",
    dev="N/A",
    sources="checkov CKV2_AWS_16",
    check=_autoscaling,
)

POLICIES = [pitr, table_cmk, sse_not_off, deletion_protection, dax_sse, autoscaling]
