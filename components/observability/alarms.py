"""Every alarm of the stack, one spec each: what it watches, when it fires, who hears of it.

Observability renders ALARMS and COMPOSITE_ALARMS; WebService renders DEPLOY_GUARD_ALARMS, because
the ECS service needs their names to roll a bad deploy back. Adding an alarm is one entry here
plus its section in docs/runbook.md (the tests read the table, not a count).

A notifying alarm sends ALARM and OK to the alarm topic; every Observability alarm's description
ends with its runbook link (``docs/runbook.md#<runbook id>``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from types import MappingProxyType

from components.observability.logs import ERROR_LOG_METRIC, HTTP_5XX_METRIC, SLOW_REQUEST_METRIC
from components.observability.metrics import (
    MetricSettings,
    error_ratio,
    host_count,
    latency,
    log_count,
    missing_tasks,
    p99_latency,
    service_utilization,
)
from components.observability.spec import AlarmSpec, CompositeSpec, fixed, fixed_text
from components.observability.watched import AlarmContext, DeployGuardContext
from components.slo import (
    BURN_RATE_ALERTS,
    BurnRateAlert,
    error_ratio_queries,
    error_ratio_threshold,
    window_label,
)

SATURATION_PERCENT = 80
# Counts per 5 minutes before a log-based alarm pages. The ALB burn-rate alarms are the SLO
# signal; these catch what the ALB cannot see (slow-but-successful requests, nginx errors), so
# they tolerate a few stray events.
LOG_WINDOW_SECONDS = 300
HTTP_5XX_LOG_THRESHOLD = 10
SLOW_REQUEST_LOG_THRESHOLD = 10
ERROR_LOG_THRESHOLD = 5
# Deployment guards: 3 one-minute periods, all breaching (docs/deploy-timing.md: bake time).
DEPLOY_ALARM_PERIOD = 60
DEPLOY_ALARM_PERIODS = 3
DEPLOY_5XX_PERCENT = 5.0
DEPLOY_5XX_MIN_REQUESTS = 10


# --- availability: multiwindow burn rates (components/slo.py) ---------------------------------


def _window_summary(alert: BurnRateAlert, seconds: int, context: AlarmContext) -> str:
    slo = context.observability.slo
    return (
        f"Availability SLO {slo.availability_percent}%: 5xx ratio over {window_label(seconds)} "
        f"above {alert.burn_rate(slo.window_days)}x the error budget. Member of "
        f"{context.name}-{alert.alarm_id}; does not notify on its own."
    )


def _burn_threshold(alert: BurnRateAlert, context: AlarmContext) -> float:
    slo = context.observability.slo
    return error_ratio_threshold(slo.availability_percent, alert.burn_rate(slo.window_days))


def _window_alarm(alert: BurnRateAlert, seconds: int) -> AlarmSpec[AlarmContext]:
    return AlarmSpec(
        alarm_id=f"{alert.alarm_id}-{window_label(seconds)}",
        summary=partial(_window_summary, alert, seconds),
        runbook_id=alert.alarm_id,
        # One datapoint of a window-long period is exactly the window.
        metric=error_ratio,
        period=seconds,
        threshold=partial(_burn_threshold, alert),
        comparison="GreaterThanThreshold",
        datapoints=1,
        evaluation_periods=1,
        # No requests is not an outage: the expression is 0 below the request floor, and a
        # window with no data at all stays OK.
        treat_missing_data="notBreaching",
        # Only the composite pages: one window alone is either not significant (short) or slow
        # to reset (long).
        notify=False,
    )


def _burn_rate_summary(alert: BurnRateAlert, context: AlarmContext) -> str:
    slo = context.observability.slo
    return (
        f"Availability SLO {slo.availability_percent}% over {slo.window_days} days: the error "
        f"budget burns {alert.burn_rate(slo.window_days)}x too fast "
        f"({window_label(alert.long_window_seconds)} and "
        f"{window_label(alert.short_window_seconds)} windows); "
        f"{alert.budget_fraction:.0%} of it is gone."
    )


def _burn_rate_composite(alert: BurnRateAlert) -> CompositeSpec:
    long_window, short_window = (
        f"{alert.alarm_id}-{window_label(seconds)}" for seconds in alert.windows
    )
    return CompositeSpec(
        alarm_id=alert.alarm_id,
        summary=partial(_burn_rate_summary, alert),
        runbook_id=alert.alarm_id,
        members=(long_window, short_window),
        rechecked_member=short_window,
        # At night the ALB answers 503 (no targets), on purpose.
        paused_at_night=True,
    )


BURN_RATE_WINDOW_ALARMS = tuple(
    _window_alarm(alert, seconds) for alert in BURN_RATE_ALERTS for seconds in alert.windows
)
COMPOSITE_ALARMS = tuple(_burn_rate_composite(alert) for alert in BURN_RATE_ALERTS)


# --- the service's health -----------------------------------------------------------------------


def _log_alarm(
    alarm_id: str, metric_name: str, threshold: int, what: Callable[[AlarmContext], str]
) -> AlarmSpec[AlarmContext]:
    return AlarmSpec(
        alarm_id=alarm_id,
        summary=lambda context: f"{what(context)}: {threshold} or more in 5 minutes.",
        runbook_id=alarm_id,
        metric=log_count(metric_name),
        period=LOG_WINDOW_SECONDS,
        threshold=fixed(threshold),
        comparison="GreaterThanOrEqualToThreshold",
        datapoints=1,
        evaluation_periods=1,
        # No log events (no traffic) is not an outage.
        treat_missing_data="notBreaching",
    )


def _saturation_alarm(alarm_id: str, metric_name: str, what: str) -> AlarmSpec[AlarmContext]:
    return AlarmSpec(
        alarm_id=alarm_id,
        summary=fixed_text(
            f"Service {what} at or above {SATURATION_PERCENT}% of the task size for 5 minutes."
        ),
        runbook_id=alarm_id,
        metric=service_utilization(metric_name),
        period=60,
        threshold=fixed(SATURATION_PERCENT),
        comparison="GreaterThanOrEqualToThreshold",
        datapoints=5,
        evaluation_periods=5,
        # No running tasks publish nothing; that is healthy-hosts-low's business.
        treat_missing_data="notBreaching",
    )


SERVICE_ALARMS: tuple[AlarmSpec[AlarmContext], ...] = (
    AlarmSpec(
        alarm_id="latency-p99",
        summary=lambda context: (
            "Latency SLO: p99 target response time above "
            f"{context.observability.slo.latency_p99_seconds} s in 3 of the last 5 minutes."
        ),
        runbook_id="latency-p99",
        metric=latency,
        period=60,
        threshold=lambda context: context.observability.slo.latency_p99_seconds,
        comparison="GreaterThanThreshold",
        datapoints=3,
        evaluation_periods=5,
        # No requests, no datapoint: quiet is not slow.
        treat_missing_data="notBreaching",
        # A p99 of a handful of requests is one slow request, not a trend.
        extra=MappingProxyType({"evaluate_low_sample_count_percentiles": "ignore"}),
    ),
    AlarmSpec(
        alarm_id="unhealthy-hosts",
        summary=fixed_text("A target has failed its load-balancer health check for 3 minutes."),
        runbook_id="unhealthy-hosts",
        metric=host_count("UnHealthyHostCount", "Maximum"),
        period=60,
        threshold=fixed(0),
        comparison="GreaterThanThreshold",
        datapoints=3,
        evaluation_periods=3,
        # The count is published every minute while the target group serves; no data means no
        # targets to be unhealthy (healthy-hosts-low covers that case).
        treat_missing_data="notBreaching",
        feature="unhealthy_hosts_alarm",
    ),
    AlarmSpec(
        alarm_id="healthy-hosts-low",
        summary=lambda context: (
            f"Fewer than {context.service.min_healthy_hosts} healthy targets (the autoscaling "
            "minimum) for 5 minutes."
        ),
        runbook_id="healthy-hosts-low",
        metric=host_count("HealthyHostCount", "Minimum"),
        period=60,
        threshold=lambda context: context.service.min_healthy_hosts,
        comparison="LessThanThreshold",
        # Five minutes: a Spot interruption or a crashed task is replaced within about three; a
        # shortage beyond that is capacity the service cannot get back.
        datapoints=5,
        evaluation_periods=5,
        # The ALB publishes this count every minute, traffic or not, while targets are
        # registered; silence means nothing is registered, which is an outage (with two groups,
        # both silent sums to 0 or to nothing: breaching either way).
        treat_missing_data="breaching",
        # A scaled-to-zero night has no target on purpose.
        paused_at_night=True,
    ),
    AlarmSpec(
        alarm_id="running-tasks-low",
        summary=fixed_text(
            "Fewer tasks running than the service wants, for 5 minutes (Container Insights)."
        ),
        runbook_id="running-tasks-low",
        metric=missing_tasks,
        period=60,
        threshold=fixed(0),
        comparison="GreaterThanThreshold",
        datapoints=5,
        evaluation_periods=5,
        # No Container Insights data is not a missing task: healthy-hosts-low watches the
        # service from the load balancer's side.
        treat_missing_data="notBreaching",
        # Not paused at night: desired and running are both 0 then, and a failed morning
        # scale-out pages after its own 5 minutes.
        feature="running_tasks_alarm",
    ),
    _saturation_alarm("ecs-cpu-high", "CPUUtilization", "CPU"),
    _saturation_alarm("ecs-memory-high", "MemoryUtilization", "memory"),
)

LOG_ALARMS: tuple[AlarmSpec[AlarmContext], ...] = (
    _log_alarm(
        "app-5xx-responses",
        HTTP_5XX_METRIC,
        HTTP_5XX_LOG_THRESHOLD,
        lambda _: "nginx logged 5xx responses",
    ),
    _log_alarm(
        "app-slow-requests",
        SLOW_REQUEST_METRIC,
        SLOW_REQUEST_LOG_THRESHOLD,
        lambda context: (
            f"nginx logged requests slower than {context.observability.slo.latency_p99_seconds} s"
        ),
    ),
    _log_alarm(
        "app-error-log",
        ERROR_LOG_METRIC,
        ERROR_LOG_THRESHOLD,
        lambda context: (
            f"nginx logged error lines ({', '.join(context.observability.error_log_terms)})"
        ),
    ),
)

# The metric alarms Observability creates, in the order the dashboard lists the notifying ones.
ALARMS: tuple[AlarmSpec[AlarmContext], ...] = (
    *BURN_RATE_WINDOW_ALARMS,
    *SERVICE_ALARMS,
    *LOG_ALARMS,
)


# --- deploy guards (rendered by WebService) -----------------------------------------------------


def _deploy_error_percent(context: DeployGuardContext, period: int) -> MetricSettings:
    # The availability SLI's ratio in percent: a new revision that resets connections gives ELB
    # 502s, not target 5xx, and so do 503s with no registered target. The ELB counts exist only
    # per LoadBalancer, so this reads the whole ALB in both strategies. A handful of requests
    # makes any ratio noise, hence the floor.
    return {
        "metric_queries": error_ratio_queries(
            context.load_balancer_arn_suffix,
            period=period,
            min_requests=DEPLOY_5XX_MIN_REQUESTS,
            scale=100,
            label="5xx percent",
        )
    }


DEPLOY_GUARD_ALARMS: tuple[AlarmSpec[DeployGuardContext], ...] = (
    AlarmSpec(
        alarm_id="deploy-5xx",
        summary=fixed_text(
            f"Deployment guard: over {DEPLOY_5XX_PERCENT:g} % of requests got a 5xx (target or "
            f"load balancer) in {DEPLOY_ALARM_PERIODS} consecutive minutes. Rolls the deploy "
            "back."
        ),
        runbook_id=None,
        metric=_deploy_error_percent,
        period=DEPLOY_ALARM_PERIOD,
        threshold=fixed(DEPLOY_5XX_PERCENT),
        comparison="GreaterThanThreshold",
        datapoints=DEPLOY_ALARM_PERIODS,
        evaluation_periods=DEPLOY_ALARM_PERIODS,
        # No traffic publishes no datapoints (pitfall: alarm-missing-data).
        treat_missing_data="notBreaching",
        notify=False,
    ),
    AlarmSpec(
        alarm_id="deploy-p99",
        summary=lambda context: (
            f"Deployment guard: target p99 latency above the {context.latency_p99_seconds:g} s "
            f"SLO in {DEPLOY_ALARM_PERIODS} consecutive minutes. Rolls the deploy back."
        ),
        runbook_id=None,
        # Blue/green: ECS shifts production traffic to whichever group holds the new revision,
        # so a TargetGroup dimension would watch an empty group after every other deploy.
        metric=lambda context, period: p99_latency(
            context.load_balancer_arn_suffix, context.target_group_arn_suffixes, period
        ),
        period=DEPLOY_ALARM_PERIOD,
        threshold=lambda context: context.latency_p99_seconds,
        comparison="GreaterThanThreshold",
        datapoints=DEPLOY_ALARM_PERIODS,
        evaluation_periods=DEPLOY_ALARM_PERIODS,
        treat_missing_data="notBreaching",
        notify=False,
    ),
)
