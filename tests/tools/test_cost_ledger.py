"""What every priced line carries whatever its formula: its price's source and date, and its
quantity as the report prints it."""

from __future__ import annotations

import pytest

from tests.support.cost import price
from tools.cost.portfolio import hand_resource


@pytest.mark.parametrize(
    ("load_balancer_type", "hours_item", "source"),
    [
        # The ALB rate's source states a date; the NLB rate's gives none, so the line says when
        # the source was read.
        (
            "application",
            "ALB hours",
            "aws.darcy-it.com; Price List APN1-LoadBalancerUsage (as of 2026-08-27)",
        ),
        ("network", "NLB hours", "aws.darcy-it.com (seen 2026-11-28)"),
    ],
)
def test_a_line_cites_its_price_source_and_the_date_the_source_gives(
    load_balancer_type: str, hours_item: str, source: str
) -> None:
    balancer = hand_resource(
        "aws:lb/loadBalancer:LoadBalancer", "lb", loadBalancerType=load_balancer_type
    )
    [line] = [line for line in price([balancer]).lines if line.item == hours_item]
    assert line.source == source


def test_a_fractional_quantity_in_a_line_item_keeps_four_significant_digits() -> None:
    # 2 GB/month held for 7 days: 2 x 7 / 30 = 0.46666... GB.
    group = hand_resource("aws:cloudwatch/logGroup:LogGroup", "app", retentionInDays=7)
    items = [line.item for line in price([group]).of_kind("charge")]
    assert "Log storage, 0.4667 GB held (GB/month x retention days / 30)" in items
