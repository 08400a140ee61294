"""Storage charges: ECR images, S3 buckets and DynamoDB on-demand tables, at the volumes
usage.json assumes."""

from __future__ import annotations

from tools.cost.ledger import Ledger, format_quantity, inputs_of, name_of
from tools.graph import Resource


def ecr_repositories(ledger: Ledger, repositories: list[Resource]) -> None:
    gb = ledger.usage["ecr_storage_gb_per_repository"]
    if repositories:
        ledger.charge(
            "Storage",
            f"ECR storage, {format_quantity(gb)} GB x {len(repositories)} repositories (usage.json)",
            [name_of(r) for r in repositories],
            gb * len(repositories),
            "ecr_storage_gb_month",
        )


def s3_buckets(ledger: Ledger, buckets: list[Resource]) -> None:
    gb = ledger.usage["s3_storage_gb_per_bucket"]
    if buckets:
        ledger.charge(
            "Storage",
            f"S3 Standard storage, {format_quantity(gb)} GB x {len(buckets)} buckets (usage.json)",
            [name_of(b) for b in buckets],
            gb * len(buckets),
            "s3_standard_gb_month",
        )


def dynamodb_tables(ledger: Ledger, tables: list[Resource]) -> None:
    for table in tables:
        name = name_of(table)
        # The AWS API defaults billingMode to PROVISIONED, whose capacity prices are not in the table.
        if inputs_of(table).get("billingMode") != "PAY_PER_REQUEST":
            ledger.not_priced("Storage", "DynamoDB provisioned capacity", [name], "not in table")
            continue
        writes = ledger.usage["dynamodb_million_writes_per_month"]
        reads = ledger.usage["dynamodb_million_reads_per_month"]
        ledger.charge(
            "Storage",
            f"DynamoDB on-demand writes, {format_quantity(writes)}M (usage.json)",
            [name],
            writes,
            "dynamodb_million_write_units",
        )
        ledger.charge(
            "Storage",
            f"DynamoDB on-demand reads, {format_quantity(reads)}M (usage.json)",
            [name],
            reads,
            "dynamodb_million_read_units",
        )
