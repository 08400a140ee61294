"""Log-based alarms: the filter-pattern subset, matched against real nginx lines from the app's
test (tests/fixtures/nginx_log_lines.json), and the patterns, metrics and queries the component
emits."""

from __future__ import annotations

import json

import pytest

from components.log_patterns import (
    PatternError,
    any_term,
    json_numeric_comparison,
    matches,
    parse,
)
from components.observability.logs import LOG_METRICS
from tests.support.observability import observability_only
from tests.support.paths import FIXTURES
from tools.graph import Graph

LINES = json.loads((FIXTURES / "nginx_log_lines.json").read_text())
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ERROR_TERMS = ("[error]", "[crit]", "[alert]", "[emerg]")


@pytest.fixture(scope="module")
def full() -> Graph:
    return observability_only("full")


def access_line(status: int) -> str:
    (line,) = [line for line in LINES["access"] if json.loads(line)["status"] == status]
    return line


def emitted_patterns(graph: Graph) -> dict[str, str]:
    return {
        f["inputs"]["metricTransformation"]["name"]: f["inputs"]["pattern"]
        for f in graph.of_type(FILTER)
    }


# --- the matcher on real lines ----------------------------------------------------------------


def test_5xx_filter_matches_the_real_502_line() -> None:
    assert matches("{ $.status >= 500 }", access_line(502))


@pytest.mark.parametrize("status", [200, 404])
def test_5xx_filter_rejects_real_non_5xx_lines(status: int) -> None:
    assert not matches("{ $.status >= 500 }", access_line(status))


def test_json_filters_never_match_an_error_line() -> None:
    for line in LINES["error"]:
        assert not matches("{ $.status >= 500 }", line)
        assert not matches("{ $.request_time > 0 }", line)


def test_slow_request_filter_compares_request_time_as_a_number() -> None:
    fast = access_line(200)
    assert not matches("{ $.request_time > 1 }", fast)
    slow = json.dumps({**json.loads(fast), "request_time": 1.250})
    assert matches("{ $.request_time > 1 }", slow)
    quoted = json.dumps({**json.loads(fast), "request_time": "1.250"})
    assert not matches("{ $.request_time > 1 }", quoted)


def test_error_filter_matches_the_real_error_line() -> None:
    pattern = any_term(ERROR_TERMS)
    assert LINES["error"]
    assert all(matches(pattern, line) for line in LINES["error"])


def test_error_filter_rejects_every_real_access_line() -> None:
    pattern = any_term(ERROR_TERMS)
    assert not any(matches(pattern, line) for line in LINES["access"])


def test_term_match_is_case_sensitive_like_cloudwatch() -> None:
    assert not matches('?"[ERROR]"', LINES["error"][0])


# --- the subset -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "[error]",
        '"[error]"',
        '?"[error]"  ?"[crit]"',
        '?"a" && ?"b"',
        '{ $.status >= "500" }',
        '{ $.status >= 500 && $.path = "/" }',
        "{$.status >= 500}",
        "[ip, user, status=5*]",
        "%ERROR%",
        "",
    ],
)
def test_patterns_outside_the_subset_are_rejected(pattern: str) -> None:
    with pytest.raises(PatternError):
        parse(pattern)


def test_builders_write_whole_numbers_without_a_decimal_point() -> None:
    assert json_numeric_comparison("request_time", ">", 1.0) == "{ $.request_time > 1 }"
    assert json_numeric_comparison("request_time", ">", 0.25) == "{ $.request_time > 0.25 }"


def test_term_builder_rejects_a_term_with_a_double_quote() -> None:
    with pytest.raises(PatternError):
        any_term(['say "hi"'])


# --- what the component emits -----------------------------------------------------------------


def test_every_emitted_pattern_parses_in_the_matcher(full: Graph) -> None:
    patterns = emitted_patterns(full)
    assert set(patterns) == set(LOG_METRICS)
    for pattern in patterns.values():
        parse(pattern)


def test_emitted_patterns_count_5xx_slow_requests_and_error_lines(full: Graph) -> None:
    assert emitted_patterns(full) == {
        "Http5xxResponses": "{ $.status >= 500 }",
        "SlowRequests": "{ $.request_time > 1 }",
        "ErrorLogLines": '?"[error]" ?"[crit]" ?"[alert]" ?"[emerg]"',
    }


def test_metric_filters_read_the_app_log_group_into_the_stack_namespace(full: Graph) -> None:
    for metric_filter in full.of_type(FILTER):
        inputs = metric_filter["inputs"]
        assert inputs["logGroupName"] == full.data["outputs"]["logGroupName"]
        transformation = inputs["metricTransformation"]
        assert transformation["namespace"] == "EcsFargate/solo"
        assert (transformation["value"], transformation["defaultValue"]) == ("1", "0")


@pytest.mark.parametrize(
    ("alarm_id", "metric_name", "threshold"),
    [
        ("app-5xx-responses", "Http5xxResponses", 10),
        ("app-slow-requests", "SlowRequests", 10),
        ("app-error-log", "ErrorLogLines", 5),
    ],
)
def test_each_log_metric_has_an_alarm_on_its_5_minute_sum(
    full: Graph, alarm_id: str, metric_name: str, threshold: int
) -> None:
    inputs = full.named(f"solo-{alarm_id}")["inputs"]
    assert (inputs["namespace"], inputs["metricName"]) == ("EcsFargate/solo", metric_name)
    assert (inputs["statistic"], inputs["period"]) == ("Sum", 300)
    assert (inputs["comparisonOperator"], inputs["threshold"]) == (
        "GreaterThanOrEqualToThreshold",
        threshold,
    )
    assert inputs["treatMissingData"] == "notBreaching"


def test_saved_queries_cover_5xx_paths_slow_requests_and_error_lines(full: Graph) -> None:
    queries = {
        q["inputs"]["name"]: q["inputs"]
        for q in full.of_type("aws:cloudwatch/queryDefinition:QueryDefinition")
    }
    assert sorted(queries) == ["solo/error-lines", "solo/slowest-requests", "solo/top-5xx-paths"]
    for query in queries.values():
        assert query["logGroupNames"] == [full.data["outputs"]["logGroupName"]]
    assert "filter status >= 500" in queries["solo/top-5xx-paths"]["queryString"]
    assert "sort request_time desc" in queries["solo/slowest-requests"]["queryString"]
    assert r"/\[error\]|\[crit\]|\[alert\]|\[emerg\]/" in queries["solo/error-lines"]["queryString"]


def saved_query_fields(graph: Graph) -> dict[str, set[str]]:
    """Query name -> the fields its ``fields`` command lists."""
    found: dict[str, set[str]] = {}
    for query in graph.of_type("aws:cloudwatch/queryDefinition:QueryDefinition"):
        first_line = query["inputs"]["queryString"].splitlines()[0]
        assert first_line.startswith("fields "), query["inputs"]["name"]
        found[query["inputs"]["name"]] = {
            name.strip() for name in first_line.removeprefix("fields ").split(",")
        }
    return found


def test_saved_queries_list_only_fields_the_real_access_log_has(full: Graph) -> None:
    logged = set(json.loads(LINES["access"][0]))
    for name, fields in saved_query_fields(full).items():
        assert {f for f in fields if not f.startswith("@")} <= logged, name


def test_slowest_requests_show_the_task_and_body_size_the_runbook_asks_about(full: Graph) -> None:
    # docs/runbook.md (latency-p99, app-slow-requests): one slow task, or large bodies.
    fields = saved_query_fields(full)["solo/slowest-requests"]
    assert {"@logStream", "body_bytes_sent", "request_time", "uri", "status"} <= fields
