"""Storage lines: DynamoDB tables are priced on demand only; provisioned capacity is reported
as not priced rather than billed at on-demand rates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cost import charged, price
from tools.cost.portfolio import hand_resource


def table(name: str, **inputs: Any) -> dict[str, Any]:
    return hand_resource("aws:dynamodb/table:Table", name, hashKey="LockID", **inputs)


@pytest.mark.parametrize(
    "inputs",
    [
        {"billingMode": "PROVISIONED", "readCapacity": 1, "writeCapacity": 1},
        # The AWS API defaults billingMode to PROVISIONED.
        {},
    ],
    ids=["provisioned", "billing-mode-unset"],
)
def test_a_provisioned_table_is_reported_not_priced(inputs: dict[str, Any]) -> None:
    result = price([table("locks", **inputs)])
    assert [(line.item, line.resources) for line in result.not_priced] == [
        ("DynamoDB provisioned capacity", ("locks",))
    ]
    assert charged(result, "DynamoDB") == 0


def test_an_on_demand_table_after_a_provisioned_one_is_still_priced() -> None:
    result = price(
        [
            table("provisioned", billingMode="PROVISIONED"),
            table("locks", billingMode="PAY_PER_REQUEST"),
        ]
    )
    priced = [line for line in result.of_kind("charge") if line.item.startswith("DynamoDB")]
    assert [(line.item, line.resources) for line in priced] == [
        ("DynamoDB on-demand writes, 0.1M (usage.json)", ("locks",)),
        ("DynamoDB on-demand reads, 1M (usage.json)", ("locks",)),
    ]
