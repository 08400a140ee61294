"""Monthly cost lines for a resource graph: one formula per priced charge, stated on the line.

The formulas live with their AWS service family (network, compute, observability, security,
storage); this module decides which runs on which resources, in which order, and adds what
spans them: the types it does not price and the always-free tiers.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.cost import compute, network, observability, security, storage
from tools.cost.ledger import (
    AS_CONFIGURED,
    Design,
    Estimate,
    Ledger,
    Line,
    format_quantity,
    name_of,
)
from tools.cost.observability import VENDED_LOG_USAGE
from tools.cost.resource_types import (
    T_ALARM,
    T_ALB,
    T_COMPOSITE,
    T_DASHBOARD,
    T_DYNAMODB_TABLE,
    T_ECR_REPOSITORY,
    T_EIP,
    T_ENDPOINT,
    T_KMS_KEY,
    T_LOG_GROUP,
    T_METRIC_FILTER,
    T_NAT,
    T_S3_BUCKETS,
    T_SECRET,
    T_SERVICE,
    T_TOPIC,
    T_WEB_ACL,
    T_ZONE,
)
from tools.cost.tables import PriceTable, Usage
from tools.graph import Graph, Resource

# The estimate and what it returns: the names callers of the cost report import from here.
__all__ = ["Design", "Estimate", "Line", "estimate"]

# Each formula with the resource types it prices, in the report's line order. Services come
# before Container Insights, which bills the task-hours the Fargate lines counted.
PER_TYPE: tuple[tuple[tuple[str, ...], Callable[[Ledger, list[Resource]], None]], ...] = (
    ((T_ALB,), network.load_balancers),
    ((T_SERVICE,), compute.services),
    ((T_ENDPOINT,), network.endpoints),
    ((T_NAT,), network.nat_gateways),
    ((T_EIP,), network.elastic_ips),
    ((T_ALARM,), observability.alarms),
    ((T_COMPOSITE,), observability.composite_alarms),
    ((T_METRIC_FILTER,), observability.metric_filters),
    ((T_DASHBOARD,), observability.dashboards),
    ((T_LOG_GROUP,), observability.log_groups),
    ((T_WEB_ACL,), security.web_acls),
    ((T_KMS_KEY,), security.kms_keys),
    ((T_ECR_REPOSITORY,), storage.ecr_repositories),
    ((T_ZONE,), network.zones),
    ((T_TOPIC,), observability.topics),
    ((T_DYNAMODB_TABLE,), storage.dynamodb_tables),
    ((T_SECRET,), security.secrets),
    (T_S3_BUCKETS, storage.s3_buckets),
)
# Charges a resource implies beyond its own type: traffic, delivered logs, the alarms AWS creates.
IMPLIED: tuple[Callable[[Ledger], None], ...] = (
    network.endpoint_traffic,
    observability.vended_logs,
    network.design_nat_gateways,
    observability.target_tracking_alarms,
    observability.container_insights,
)
# Types priced here. Others only imply charges (a cluster, a scaling policy) or are free.
PRICED_TYPES = frozenset(
    {type_token for type_tokens, _ in PER_TYPE for type_token in type_tokens}
    | VENDED_LOG_USAGE.keys()
)


def estimate(
    graph: Graph,
    prices: PriceTable,
    usage: Usage,
    design: Design = AS_CONFIGURED,
) -> Estimate:
    ledger = Ledger(graph, prices, usage, design)
    for type_tokens, price in PER_TYPE:
        price(ledger, [r for t in type_tokens for r in graph.of_type(t)])
    for price_implied in IMPLIED:
        price_implied(ledger)
    unclassified(ledger)
    free_tiers(ledger)
    return ledger.estimate()


def unclassified(ledger: Ledger) -> None:
    free: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for resource in ledger.graph.resources:
        # Component resources bill nothing themselves; their children carry the cost.
        if resource.get("custom") is False:
            continue
        type_token = str(resource.get("type", ""))
        if type_token in PRICED_TYPES or type_token.startswith("pulumi:"):
            continue
        bucket = free if type_token in ledger.prices.free_types else unknown
        bucket.setdefault(type_token, []).append(name_of(resource))
    for type_token, names in sorted(free.items()):
        ledger.lines.append(
            Line(
                "No charge",
                type_token,
                tuple(names),
                len(names),
                "resource",
                # pragma below: nothing reads a free line's unit price (the totals sum charge and
                # free-tier lines; the reports print its type and resource count).
                0.0,  # pragma: no mutate
                "prices.json free_types",
                kind="free",
                note=ledger.prices.free_type_bases.get(type_token, ""),
            )
        )
    for type_token, names in sorted(unknown.items()):
        ledger.not_priced(
            "Unclassified", type_token, names, "type is neither priced nor in free_types"
        )


def free_tiers(ledger: Ledger) -> None:
    tiers = ledger.prices.free_tiers
    source = ledger.prices.free_tier_source
    for tier_key, price_item, item in (
        ("cw_alarm_metrics", "cw_alarm_metric", "alarm metrics"),
        ("cw_dashboards", "cw_dashboard", "dashboards"),
        ("cw_custom_metrics", "cw_custom_metric", "custom metrics"),
        ("sns_email_notifications", "sns_email", "SNS e-mails"),
    ):
        free_tier_line(ledger, tiers.get(tier_key, 0), price_item, item, source)
    logs_free = tiers.get("cw_logs_gb", 0)
    # The 5 GB covers ingestion, storage and Insights scans together; ingestion is dearer.
    ingest_free = min(logs_free, ledger.charged("cw_logs_ingest_gb"))
    free_tier_line(ledger, ingest_free, "cw_logs_ingest_gb", "log GB ingested", source)
    free_tier_line(
        ledger, logs_free - ingest_free, "cw_logs_storage_gb_month", "log GB stored", source
    )


def free_tier_line(
    ledger: Ledger, allowance: float, price_item: str, item: str, source: str
) -> None:
    used = ledger.charged(price_item)
    price = ledger.prices.get(price_item)
    covered = min(used, allowance)
    if price is None or covered <= 0:
        return
    ledger.lines.append(
        Line(
            "Free tier",
            f"Always-free {item}: {format_quantity(covered)} of {format_quantity(used)}",
            (),
            covered,
            price.unit,
            -price.usd,
            source,
            kind="free_tier",
        )
    )
