"""CloudWatch charges: alarms (standard, metric math, high resolution, composite, and the ones
target tracking creates), custom metrics, dashboards, Container Insights, log ingestion and
storage, logs AWS services deliver (flow logs, WAF), and the SNS e-mails alarms send."""

from __future__ import annotations

from tools.cost.ledger import Ledger, as_int, format_quantity, inputs_of, name_of
from tools.cost.resource_types import (
    T_CLUSTER,
    T_FLOW_LOG,
    T_LOG_GROUP,
    T_SCALING_POLICY,
    T_SERVICE,
    T_WAF_LOGGING,
)
from tools.graph import Resource

# Logs AWS services deliver to CloudWatch Logs at the vended rate, with their volume key.
VENDED_LOG_USAGE = {T_FLOW_LOG: "flow_log_gb_per_month", T_WAF_LOGGING: "waf_log_gb_per_month"}


def alarm_metric_count(alarm: Resource) -> int:
    """Alarm metrics AWS bills: 1 for a standard alarm, one per metric a math expression reads."""
    queries = inputs_of(alarm).get("metricQueries") or []
    if not queries:
        return 1
    return sum(1 for query in queries if query.get("metric"))


def is_high_resolution(alarm: Resource) -> bool:
    inputs = inputs_of(alarm)
    periods = [inputs.get("period")]
    periods += [(q.get("metric") or {}).get("period") for q in inputs.get("metricQueries") or []]
    return any(isinstance(p, int | float) and p < 60 for p in periods)


def alarms(ledger: Ledger, metric_alarms: list[Resource]) -> None:
    high_res = [a for a in metric_alarms if is_high_resolution(a)]
    standard_resolution = [a for a in metric_alarms if not is_high_resolution(a)]
    for group, item, price_item in (
        (
            [a for a in standard_resolution if not inputs_of(a).get("metricQueries")],
            "Standard alarms x {count} (1 metric each)",
            "cw_alarm_metric",
        ),
        (
            [a for a in standard_resolution if inputs_of(a).get("metricQueries")],
            "Metric-math alarms x {count}, {metrics} metrics read (billed per metric)",
            "cw_alarm_metric",
        ),
        (
            high_res,
            "High-resolution alarms x {count}, {metrics} metrics",
            "cw_alarm_metric_high_resolution",
        ),
    ):
        if not group:
            continue
        metrics = sum(alarm_metric_count(a) for a in group)
        ledger.charge(
            "Observability",
            item.format(count=len(group), metrics=metrics),
            [name_of(a) for a in group],
            metrics,
            price_item,
        )


def composite_alarms(ledger: Ledger, composites: list[Resource]) -> None:
    ledger.charge_all(
        "Observability",
        f"Composite alarms x {len(composites)} (members billed separately)",
        composites,
        "cw_composite_alarm",
    )


def metric_filters(ledger: Ledger, filters: list[Resource]) -> None:
    ledger.charge_all(
        "Observability",
        f"Custom metrics from log metric filters x {len(filters)}",
        filters,
        "cw_custom_metric",
        note="one metric per filter; dimensions would add more",
    )


def dashboards(ledger: Ledger, boards: list[Resource]) -> None:
    ledger.charge_all("Observability", f"Dashboards x {len(boards)}", boards, "cw_dashboard")


def stored_months(ledger: Ledger, group: Resource) -> float:
    retention = as_int(inputs_of(group).get("retentionInDays")) or 0
    return retention / 30 if retention else ledger.usage["log_storage_months_if_never_expire"]


def vended_log_destinations(ledger: Ledger, source: Resource) -> list[Resource]:
    inputs = inputs_of(source)
    references = [inputs.get("logDestination"), *(inputs.get("logDestinationConfigs") or [])]
    found = [ledger.graph.resolve(reference) for reference in references]
    return [g for g in found if g is not None and g.get("type") == T_LOG_GROUP]


def vended_log_sources(ledger: Ledger) -> list[tuple[Resource, float]]:
    """Flow logs and WAF logging, each with its assumed monthly GB (usage.json)."""
    return [
        (source, ledger.usage[usage_key])
        for type_token, usage_key in VENDED_LOG_USAGE.items()
        for source in ledger.graph.of_type(type_token)
    ]


def log_groups(ledger: Ledger, groups: list[Resource]) -> None:
    vended = {
        name_of(group): (group, gb)
        for source, gb in vended_log_sources(ledger)
        for group in vended_log_destinations(ledger, source)
    }
    app_groups = [g for g in groups if name_of(g) not in vended]
    if app_groups:
        ingest = ledger.usage["log_ingest_gb_per_month"]
        share = ingest / len(app_groups)
        ledger.charge(
            "Observability",
            f"Log ingestion, {format_quantity(ingest)} GB/month over {len(app_groups)} log groups "
            "(usage.json)",
            [name_of(g) for g in app_groups],
            ingest,
            "cw_logs_ingest_gb",
        )
        log_storage(ledger, app_groups, share)
    for group, gb in vended.values():
        log_storage(ledger, [group], gb)


def log_storage(ledger: Ledger, groups: list[Resource], gb_per_group: float) -> None:
    stored = sum(gb_per_group * stored_months(ledger, g) for g in groups)
    ledger.charge(
        "Observability",
        f"Log storage, {format_quantity(stored)} GB held (GB/month x retention days / 30)",
        [name_of(g) for g in groups],
        stored,
        "cw_logs_storage_gb_month",
    )


def vended_logs(ledger: Ledger) -> None:
    for source, gb in vended_log_sources(ledger):
        inputs = inputs_of(source)
        name = name_of(source)
        kind = "VPC flow log" if source.get("type") == T_FLOW_LOG else "WAF log"
        if not vended_log_destinations(ledger, source):
            ledger.not_priced(
                "Observability",
                f"{kind} delivery",
                [name],
                "destination is not CloudWatch Logs",
            )
            continue
        detail = f" ({inputs['trafficType']})" if inputs.get("trafficType") else ""
        ledger.charge(
            "Observability",
            f"{kind} delivery{detail}, {format_quantity(gb)} GB (usage.json assumption)",
            [name],
            gb,
            "cw_vended_logs_gb",
        )


def target_tracking_alarms(ledger: Ledger) -> None:
    policies = [
        p
        for p in ledger.graph.of_type(T_SCALING_POLICY)
        if inputs_of(p).get("policyType") == "TargetTrackingScaling"
    ]
    # Application Auto Scaling creates a high and a low alarm per target-tracking policy.
    ledger.charge_all(
        "Observability (implied)",
        f"Alarms AWS creates for target tracking, 2 x {len(policies)} policies",
        policies,
        "cw_alarm_metric",
        per_resource=2,
    )


def container_insights(ledger: Ledger) -> None:
    for cluster in ledger.graph.of_type(T_CLUSTER):
        settings = inputs_of(cluster).get("settings") or []
        mode = next(
            (s.get("value") for s in settings if s.get("name") == "containerInsights"),
            "disabled",
        )
        if mode not in ("enabled", "enhanced"):
            continue
        services = [
            s
            for s in ledger.graph.of_type(T_SERVICE)
            if ledger.graph.resolve(inputs_of(s).get("cluster")) is cluster
        ]
        metrics = ledger.usage["container_insights_metrics_per_cluster"] + ledger.usage[
            "container_insights_metrics_per_service"
        ] * len(services)
        resources = [name_of(cluster), *(name_of(s) for s in services)]
        ledger.charge(
            "Observability (implied)",
            f"Container Insights ({mode}) metrics: {format_quantity(metrics)} custom metrics "
            f"for 1 cluster + {len(services)} services (usage.json assumption)",
            resources,
            metrics,
            "cw_custom_metric",
        )
        task_hours = sum(ledger.task_hours_by_service.get(name_of(s), 0.0) for s in services)
        task_months = task_hours / ledger.hours
        gb = task_months * ledger.usage["container_insights_log_gb_per_task_month"]
        if gb:
            ledger.charge(
                "Observability (implied)",
                f"Container Insights performance logs, {format_quantity(gb)} GB "
                f"({format_quantity(task_months)} task-months, usage.json assumption)",
                resources,
                gb,
                "cw_logs_ingest_gb",
            )
        if mode == "enhanced":
            ledger.not_priced(
                "Observability (implied)",
                "Container Insights enhanced observability: per-observation charge",
                resources,
                "per-observation rate not in cost_model.md (§7 open item)",
            )


def topics(ledger: Ledger, sns_topics: list[Resource]) -> None:
    if sns_topics:
        count = ledger.usage["sns_email_notifications_per_month"]
        ledger.charge(
            "Messaging",
            f"SNS e-mail notifications, {format_quantity(count)}/month (usage.json)",
            [name_of(t) for t in sns_topics],
            count,
            "sns_email",
        )
