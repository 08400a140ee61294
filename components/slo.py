"""Error-budget arithmetic for the availability SLO (Google SRE workbook, "Alerting on SLOs").

Multiwindow, multi-burn-rate alerting: an alert fires when the error ratio over a long window AND
over a short window both exceed ``burn rate x error budget``. The long window makes the alert
significant (a real share of the budget is gone); the short one makes it reset soon after the
problem stops. Pure functions, so the numbers are tested without Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

# pragma below: both are installed and used only in annotations, so importing them always is the same.
if TYPE_CHECKING:  # pragma: no mutate
    import pulumi
    import pulumi_aws as aws

ALB_NAMESPACE = "AWS/ApplicationELB"

SECONDS_PER_DAY = 86_400


# pragma below: kw_only only forbids positional construction, which no caller uses.
@dataclass(frozen=True, kw_only=True)  # pragma: no mutate
class BurnRateAlert:
    """One multiwindow alert: spending ``budget_fraction`` of the SLO window's error budget within
    ``long_window_seconds``, confirmed over ``short_window_seconds``."""

    alarm_id: str
    budget_fraction: float
    long_window_seconds: int
    short_window_seconds: int

    def burn_rate(self, slo_window_days: int) -> float:
        """How many times faster than "exactly the budget over the SLO window" errors arrive.

        2 % of a 30-day budget in 1 h is 14.4x; 5 % in 6 h is 6x (the workbook's numbers).
        Derived rather than hard-coded so a different SLO window keeps the same budget shares.
        """
        slo_window_seconds = slo_window_days * SECONDS_PER_DAY
        return round(self.budget_fraction * slo_window_seconds / self.long_window_seconds, 6)

    @property
    def windows(self) -> tuple[int, int]:
        return (self.long_window_seconds, self.short_window_seconds)


# Periods are ones CloudWatch accepts for a metric alarm (multiples of 60 s; multiples of 3600 s
# from one hour up), so one datapoint of a window-length period is exactly the window.
FAST_BURN = BurnRateAlert(
    alarm_id="availability-fast-burn",
    budget_fraction=0.02,
    long_window_seconds=3600,
    short_window_seconds=300,
)
SLOW_BURN = BurnRateAlert(
    alarm_id="availability-slow-burn",
    budget_fraction=0.05,
    long_window_seconds=21_600,
    short_window_seconds=1800,
)
BURN_RATE_ALERTS = (FAST_BURN, SLOW_BURN)


def error_budget(availability_percent: float) -> float:
    """The share of requests allowed to fail: 99.9 % -> 0.001."""
    return round(1 - availability_percent / 100, 12)


def error_ratio_threshold(availability_percent: float, burn_rate: float) -> float:
    """The error ratio at which the budget burns ``burn_rate`` times too fast.

    99.9 % at 14.4x is 0.0144 (1.44 % of requests failing). Below an SLO of about 93.06 % the
    fast-burn threshold exceeds 1 and can never be reached: such an SLO needs other windows.
    """
    return round(burn_rate * error_budget(availability_percent), 12)


# The availability SLI's counts, by metric-math query id (ELB guide, "CloudWatch metrics for your
# Application Load Balancer",
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
# RequestCount "is only incremented for requests where the load balancer node was able to choose a
# target" (its ELB 502/504 included) and is reported only while targets are registered; a 503 for
# want of a registered target is counted by HTTPCode_ELB_503_Count alone. So the requests are
# RequestCount + ELB 503 and the errors Target 5XX + ELB 5XX: adding every ELB 5xx to the
# requests would count the 502s and 504s twice. The ELB_* counts have no TargetGroup dimension,
# so every query reads the LoadBalancer-level metrics (this ALB serves only this service).
ERROR_QUERIES: tuple[tuple[str, str], ...] = (
    ("target_5xx", "HTTPCode_Target_5XX_Count"),
    ("elb_5xx", "HTTPCode_ELB_5XX_Count"),
)
REQUEST_QUERIES: tuple[tuple[str, str], ...] = (
    ("requests", "RequestCount"),
    ("elb_503", "HTTPCode_ELB_503_Count"),
)
ERROR_RATIO_INPUTS = (*ERROR_QUERIES, *REQUEST_QUERIES)


# pragma below: callers pass scale by keyword, so a `/` mutant of the `*` changes nothing.
def error_ratio_expression(min_requests: int, *, scale: int = 1) -> str:  # pragma: no mutate
    """CloudWatch metric math for the ALB's 5xx ratio (times ``scale``), 0 below ``min_requests``.

    Reads the queries of ERROR_RATIO_INPUTS by id. Every count may publish nothing in a period
    (sparse 5xx counts; RequestCount with no registered target), hence ``FILL(m, 0)`` (pitfall
    alarm-missing-data). The request floor keeps one failed request in a quiet hour from paging
    anyone.
    """
    errors = filled_sum(*(query_id for query_id, _ in ERROR_QUERIES))
    requests = filled_sum(*(query_id for query_id, _ in REQUEST_QUERIES))
    # pragma below: scale is 1 or 100 (a percentage), so `> 1` and `is not 1` are the same test.
    scaled = f"{scale} * " if scale != 1 else ""  # pragma: no mutate
    return f"IF({requests} >= {min_requests}, {scaled}({errors})/({requests}), 0)"


def error_ratio_queries(
    load_balancer_arn_suffix: pulumi.Input[str],
    *,  # pragma: no mutate (every caller passes the rest by keyword: `/` changes nothing)
    period: int,
    min_requests: int,
    scale: int = 1,
    label: str = "5xx ratio",
) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict]:
    """A metric-math alarm's queries for the 5xx ratio of one load balancer over ``period``.

    The expression (id ``ratio``) is the one the alarm compares; the counts return no data.
    """
    dimensions = {"LoadBalancer": load_balancer_arn_suffix}
    queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] = [
        alb_sum_query(query_id, metric_name, dimensions=dimensions, period=period)
        for query_id, metric_name in ERROR_RATIO_INPUTS
    ]
    queries.append(
        {
            "id": "ratio",
            "label": label,
            "expression": error_ratio_expression(min_requests, scale=scale),
            "return_data": True,
        }
    )
    return queries


def alb_sum_query(
    query_id: str,
    metric_name: str,
    *,  # pragma: no mutate (every caller passes the rest by keyword: `/` changes nothing)
    dimensions: Mapping[str, pulumi.Input[str]],
    period: int,
) -> aws.cloudwatch.MetricAlarmMetricQueryArgsDict:
    """One ALB count summed over ``period``, as a metric-math input that returns no data itself.

    Dimensions carry arn_suffix values, never names or ARNs (pitfall alarm-alb-dimensions).
    """
    return {
        "id": query_id,
        "return_data": False,
        "metric": {
            "namespace": ALB_NAMESPACE,
            "metric_name": metric_name,
            "stat": "Sum",
            "period": period,
            "dimensions": dict(dimensions),
        },
    }


def filled_sum(*query_ids: str) -> str:
    """Metric math adding series that may be silent: ``FILL(m1,0)+FILL(m2,0)``.

    A series with no datapoint in a period (a sparse count, an empty target group) counts as 0
    instead of blanking the sum (pitfall alarm-missing-data).
    """
    return "+".join(f"FILL({query_id},0)" for query_id in query_ids)


def window_label(seconds: int) -> str:
    """``3600`` -> ``1h``, ``300`` -> ``5m``: the suffix of a window alarm's id."""
    # pragma below: x % 3600 is never negative here, so a `<= 0` mutant is the same `== 0` test.
    if seconds % 3600 == 0:  # pragma: no mutate
        # pragma below: 3600k // 3599 is k below 3599 h, and an alarm window is at most 7 days
        # (PutMetricAlarm, Period: "Period multiplied by EvaluationPeriods can't be more than 604,800").
        return f"{seconds // 3600}h"  # pragma: no mutate
    return f"{seconds // 60}m"


# After the night's scale-out, alarm actions come back once the slowest short burn-rate window
# (30 min) holds only daytime traffic, plus a few minutes for the tasks to start and pass health
# checks: the night's 503s then page no one, and a recovered alarm sends no stray OK.
ALARMS_BACK_AFTER_SCALE_OUT_MINUTES = (
    max(alert.short_window_seconds for alert in BURN_RATE_ALERTS) // 60 + 5
)
# Then the paused alarms are set to OK once, so that one still in ALARM (the service did not come
# back) changes state again and notifies: re-enabling actions alone sends nothing.
RECHECK_AFTER_ALARMS_BACK_MINUTES = 5


# pragma below: only the annotation can be mutated here, and annotations are never evaluated.
def cron_minutes_later(cron: str, minutes: int) -> str | None:  # pragma: no mutate
    """``cron(0 8 ? * MON-FRI *)`` + 35 -> ``cron(35 8 ? * MON-FRI *)``, on the same day.

    None when the minute or hour field is not a plain number, or the shift crosses midnight
    (the day fields would have to move too).
    """
    match = re.fullmatch(r"cron\((\d{1,2}) (\d{1,2}) (\S+ \S+ \S+ \S+)\)", cron)
    if not match:
        return None
    shifted = int(match[2]) * 60 + int(match[1]) + minutes
    if shifted >= 24 * 60:
        return None
    return f"cron({shifted % 60} {shifted // 60} {match[3]})"
