"""The always-free tiers: negative lines apart from the headline, each covering at most what the
stack uses of its item."""

from __future__ import annotations

import dataclasses

from tests.support.cost import price
from tools.cost.ledger import Estimate
from tools.cost.portfolio import hand_graph, hand_resource
from tools.cost.pricing import estimate
from tools.cost.tables import load_prices, load_usage
from tools.graph import Graph


def free_tier_items(result: Estimate) -> list[str]:
    return [line.item for line in result.of_kind("free_tier")]


def test_log_storage_gets_what_ingestion_leaves_of_the_shared_five_gb() -> None:
    # Never expiring: 2 GB/month held 12 months = 24 GB stored; the 2 GB ingested take their
    # share of the 5 GB first, leaving 3 GB for storage.
    group = hand_resource("aws:cloudwatch/logGroup:LogGroup", "app")
    [stored] = [
        line for line in price([group]).of_kind("free_tier") if "log GB stored" in line.item
    ]
    assert stored.item == "Always-free log GB stored: 3 of 24"
    assert stored.quantity == 3


def test_only_the_items_the_stack_uses_get_a_free_tier_line() -> None:
    dashboard = hand_resource("aws:cloudwatch/dashboard:Dashboard", "main")
    assert free_tier_items(price([dashboard])) == ["Always-free dashboards: 1 of 1"]


def test_a_free_tier_missing_from_the_table_takes_nothing_off() -> None:
    prices = dataclasses.replace(load_prices("ap-northeast-1"), free_tiers={})
    resources = [
        hand_resource("aws:cloudwatch/dashboard:Dashboard", "main"),
        hand_resource("aws:cloudwatch/logGroup:LogGroup", "app", retentionInDays=30),
    ]
    result = estimate(Graph(hand_graph(resources)), prices, load_usage())
    assert free_tier_items(result) == []
