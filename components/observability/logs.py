"""Log-based metrics on the app's log group, and the saved Logs Insights queries of the runbook."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.config import ObservabilityConfig
from components.log_patterns import any_term, json_numeric_comparison
from components.scope import ComponentScope

# Log-based metrics (custom metrics, $0.30 each per month: cost_model.md §1b).
HTTP_5XX_METRIC = "Http5xxResponses"
SLOW_REQUEST_METRIC = "SlowRequests"
ERROR_LOG_METRIC = "ErrorLogLines"
LOG_METRICS = (HTTP_5XX_METRIC, SLOW_REQUEST_METRIC, ERROR_LOG_METRIC)


def log_filter_patterns(observability: ObservabilityConfig) -> dict[str, str]:
    """Metric name -> filter pattern; every pattern is in log_patterns' tested subset."""
    return {
        HTTP_5XX_METRIC: json_numeric_comparison("status", ">=", 500),
        SLOW_REQUEST_METRIC: json_numeric_comparison(
            "request_time", ">", observability.slo.latency_p99_seconds
        ),
        ERROR_LOG_METRIC: any_term(observability.error_log_terms),
    }


def metric_filters(
    scope: ComponentScope,
    observability: ObservabilityConfig,
    *,
    log_group_name: pulumi.Input[str],
    namespace: str,
) -> None:
    for metric_name, pattern in log_filter_patterns(observability).items():
        aws.cloudwatch.LogMetricFilter(
            f"{scope.name}-{metric_name}",
            log_group_name=log_group_name,
            pattern=pattern,
            metric_transformation={
                "name": metric_name,
                "namespace": namespace,
                "value": "1",
                # 0 for every non-matching event: while logs flow the metric is a real series,
                # so a count of 0 is distinguishable from no logs at all.
                "default_value": "0",
                "unit": "Count",
            },
            opts=scope.child(),
        )


def saved_queries(name: str, error_log_terms: Sequence[str]) -> dict[str, str]:
    """Logs Insights query name -> query, on the app's log group."""
    error_regex = "|".join(_regex_escape(term) for term in error_log_terms)
    return {
        f"{name}/top-5xx-paths": (
            "fields @timestamp, status, path\n"
            "| filter status >= 500\n"
            "| stats count(*) as responses by status, path\n"
            "| sort responses desc\n"
            "| limit 20"
        ),
        # The runbook reads the task (@logStream) and the body size off this list.
        f"{name}/slowest-requests": (
            "fields @timestamp, @logStream, request_time, status, method, uri, "
            "body_bytes_sent, trace_id\n"
            "| filter ispresent(request_time)\n"
            "| sort request_time desc\n"
            "| limit 50"
        ),
        # Pick the time range around the alarm in the console; the query lists every error line
        # in it, oldest first, with its stream (one stream per task).
        f"{name}/error-lines": (
            "fields @timestamp, @logStream, @message\n"
            f"| filter @message like /{error_regex}/\n"
            "| sort @timestamp asc\n"
            "| limit 200"
        ),
    }


def query_definitions(
    scope: ComponentScope, error_log_terms: Sequence[str], *, log_group_name: pulumi.Input[str]
) -> None:
    for query_name, query in saved_queries(scope.name, error_log_terms).items():
        aws.cloudwatch.QueryDefinition(
            f"{scope.name}-query-{query_name.rsplit('/', 1)[-1]}",
            name=query_name,
            query_string=query,
            log_group_names=[log_group_name],
            opts=scope.child(),
        )


def _regex_escape(term: str) -> str:
    """Escape a literal for a Logs Insights ``/regex/``: only metacharacters and the slash."""
    return re.sub(r"([\\.^$|?*+()\[\]{}/])", r"\\\1", term)
