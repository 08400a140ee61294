"""Storage charges: ECR images, S3 buckets and DynamoDB on-demand tables, at the volumes
usage.json assumes."""

from __future__ import annotations

from collections.abc import Callable

from tools.cost.ledger import Ledger, format_quantity, inputs_of, name_of
from tools.graph import Resource


def _stored_gb(
    what: str, plural: str, usage_key: str, price_item: str
) -> Callable[[Ledger, list[Resource]], None]:
    """The formula for a store priced by GB-month, at usage.json's assumed GB per resource."""

    def price(ledger: Ledger, stores: list[Resource]) -> None:
        gb = ledger.usage[usage_key]
        ledger.charge_all(
            "Storage",
            f"{what}, {format_quantity(gb)} GB x {len(stores)} {plural} (usage.json)",
            stores,
            price_item,
            per_resource=gb,
        )

    return price


ecr_repositories = _stored_gb(
    "ECR storage", "repositories", "ecr_storage_gb_per_repository", "ecr_storage_gb_month"
)
s3_buckets = _stored_gb(
    "S3 Standard storage", "buckets", "s3_storage_gb_per_bucket", "s3_standard_gb_month"
)


def dynamodb_tables(ledger: Ledger, tables: list[Resource]) -> None:
    for table in tables:
        name = name_of(table)
        # The AWS API defaults billingMode to PROVISIONED, whose capacity prices are not in the table.
        if inputs_of(table).get("billingMode") != "PAY_PER_REQUEST":
            ledger.not_priced("Storage", "DynamoDB provisioned capacity", [name], "not in table")
            continue
        for requests, usage_key, price_item in (
            ("writes", "dynamodb_million_writes_per_month", "dynamodb_million_write_units"),
            ("reads", "dynamodb_million_reads_per_month", "dynamodb_million_read_units"),
        ):
            millions = ledger.usage[usage_key]
            ledger.charge(
                "Storage",
                f"DynamoDB on-demand {requests}, {format_quantity(millions)}M (usage.json)",
                [name],
                millions,
                price_item,
            )
