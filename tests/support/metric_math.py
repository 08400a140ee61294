"""A small CloudWatch model for synthetic-series tests of the alarms' metric math.

Offline nothing evaluates a metric-math expression, so an expression that reads the wrong metric
or divides by the wrong count passes every structural test. This module evaluates the subset the
stacks use (numbers, query ids, ``+ - * /``, comparisons, ``FILL(x, number)``, ``IF(c, a, b)``)
over per-period series, and judges a rendered alarm (its ``metricQueries``, threshold,
M-of-N and missing-data setting) against a synthetic load balancer. Anything outside the subset
raises, so a new function in an expression fails the tests instead of being guessed.

Semantics follow the CloudWatch User Guide, "Using metric math": arithmetic and comparisons work
per timestamp, a missing datapoint stays missing, FILL replaces missing values, comparisons give
1 or 0, IF picks per timestamp; a division by zero gives no datapoint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.graph import Graph

Series = list[float | None]

_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/(),<>]))"
)
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _tokens(expression: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(expression):
        if expression[position:].strip() == "":
            break
        match = _TOKEN.match(expression, position)
        if not match:
            raise ValueError(f"cannot read {expression[position:]!r} in {expression!r}")
        tokens.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    return tokens


_Operator = Callable[[float, float], float | None]


def _binary(op: _Operator, a: Series, b: Series) -> Series:
    return [None if x is None or y is None else op(x, y) for x, y in zip(a, b, strict=True)]


def _divide(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


# Comparisons give 1 or 0; they bind looser than arithmetic.
_COMPARING: dict[str, _Operator] = {
    token: (lambda a, b, c=compare: 1.0 if c(a, b) else 0.0)
    for token, compare in _COMPARISONS.items()
}
_ADDITIVE: dict[str, _Operator] = {"+": lambda a, b: a + b, "-": lambda a, b: a - b}
_MULTIPLICATIVE: dict[str, _Operator] = {"*": lambda a, b: a * b, "/": _divide}


class _Parser:
    def __init__(self, expression: str, series: Mapping[str, Series], length: int) -> None:
        self.tokens = _tokens(expression)
        self.position = 0
        self.series = series
        self.length = length
        self.expression = expression

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ValueError(f"expected {expected or 'more'} in {self.expression!r}")
        self.position += 1
        return token

    def parse(self) -> Series:
        result = self.comparison()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r} in {self.expression!r}")
        return result

    def comparison(self) -> Series:
        return self.binary_level(_COMPARING, self.additive)

    def additive(self) -> Series:
        return self.binary_level(_ADDITIVE, self.multiplicative)

    def multiplicative(self) -> Series:
        return self.binary_level(_MULTIPLICATIVE, self.unary)

    def binary_level(
        self, operators: Mapping[str, _Operator], operand: Callable[[], Series]
    ) -> Series:
        """Left-associative operators of one precedence level."""
        left = operand()
        while self.peek() in operators:
            operator = operators[self.take()]
            left = _binary(operator, left, operand())
        return left

    def unary(self) -> Series:
        if self.peek() == "-":
            self.take()
            return [None if v is None else -v for v in self.unary()]
        return self.primary()

    def primary(self) -> Series:
        token = self.take()
        if token == "(":
            inner = self.comparison()
            self.take(")")
            return inner
        if re.fullmatch(r"[\d.]+(?:[eE][-+]?\d+)?", token):
            return [float(token)] * self.length
        if self.peek() == "(":
            return self.function(token)
        if token not in self.series:
            raise ValueError(f"{token!r} is not a query id of {self.expression!r}")
        return list(self.series[token])

    def function(self, name: str) -> Series:
        self.take("(")
        arguments = [self.comparison()]
        while self.peek() == ",":
            self.take(",")
            arguments.append(self.comparison())
        self.take(")")
        if name == "FILL" and len(arguments) == 2:
            values, fill = arguments
            return [f if v is None else v for v, f in zip(values, fill, strict=True)]
        if name == "IF" and len(arguments) == 3:
            condition, then, otherwise = arguments
            return [
                None if c is None else (t if c != 0 else o)
                for c, t, o in zip(condition, then, otherwise, strict=True)
            ]
        raise ValueError(f"{name}/{len(arguments)} is outside the evaluated subset")


def evaluate(expression: str, series: Mapping[str, Series], length: int) -> Series:
    """The expression's value in each of ``length`` periods; None where it has no datapoint."""
    return _Parser(expression, series, length).parse()


# --- a synthetic Application Load Balancer ------------------------------------------------------

# Where each ALB count is published (ELB guide, "CloudWatch metrics for your Application Load
# Balancer"): load-balancer-generated codes only per LoadBalancer, target counts and RequestCount
# also per TargetGroup. AvailabilityZone variants are left out: no alarm here reads them.
_LB_ONLY = frozenset({frozenset({"LoadBalancer"})})
_LB_AND_TG = frozenset({frozenset({"LoadBalancer"}), frozenset({"LoadBalancer", "TargetGroup"})})
PUBLISHED_DIMENSIONS = {
    "RequestCount": _LB_AND_TG,
    "HTTPCode_Target_5XX_Count": _LB_AND_TG,
    "HTTPCode_ELB_5XX_Count": _LB_ONLY,
    "HTTPCode_ELB_502_Count": _LB_ONLY,
    "HTTPCode_ELB_503_Count": _LB_ONLY,
    "HTTPCode_ELB_504_Count": _LB_ONLY,
}


@dataclass(frozen=True)
class Traffic:
    """Counts per minute at one load balancer, steady over the evaluated periods.

    ``requests`` is what RequestCount counts: requests for which the ALB chose a target (their
    ELB 502/504 included). Requests answered 503 because no target is registered are only in
    ``elb_503``. The sparse counts publish nothing at zero; RequestCount publishes only while a
    target is registered (its "Reporting criteria").
    """

    requests: float = 0
    target_5xx: float = 0
    elb_502: float = 0
    elb_503: float = 0
    elb_504: float = 0
    registered_targets: bool = True
    per_minute: dict[str, float | None] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        elb_5xx = self.elb_502 + self.elb_503 + self.elb_504
        counts: dict[str, float | None] = {
            "RequestCount": self.requests if self.registered_targets else None,
            "HTTPCode_Target_5XX_Count": self.target_5xx,
            "HTTPCode_ELB_5XX_Count": elb_5xx,
            "HTTPCode_ELB_502_Count": self.elb_502,
            "HTTPCode_ELB_503_Count": self.elb_503,
            "HTTPCode_ELB_504_Count": self.elb_504,
        }
        sparse = {name for name in counts if name != "RequestCount"}
        object.__setattr__(
            self,
            "per_minute",
            {n: (None if n in sparse and v == 0 else v) for n, v in counts.items()},
        )

    def series(self, metric: Mapping[str, Any], periods: int) -> Series:
        """Sum of ``metric`` (a query's ``metric`` block) in each period; None when unpublished."""
        name = metric["metricName"]
        if metric.get("namespace") != "AWS/ApplicationELB" or name not in PUBLISHED_DIMENSIONS:
            raise ValueError(f"the synthetic load balancer does not publish {metric}")
        if metric.get("stat") != "Sum":
            raise ValueError(f"{name}: only Sum is modelled, got {metric.get('stat')}")
        if frozenset(metric.get("dimensions", {})) not in PUBLISHED_DIMENSIONS[name]:
            return [None] * periods
        value = self.per_minute[name]
        return [None if value is None else value * metric["period"] / 60] * periods


def metric_alarm_datapoints(inputs: Mapping[str, Any], traffic: Traffic) -> Series:
    """The series a metric-math alarm compares with its threshold, one value per period."""
    periods = int(inputs["evaluationPeriods"])
    queries = inputs["metricQueries"]
    values: dict[str, Series] = {
        q["id"]: traffic.series(q["metric"], periods) for q in queries if "metric" in q
    }
    return values[_evaluate_expressions(queries, values, periods)]


def _evaluate_expressions(
    queries: Sequence[Mapping[str, Any]], values: dict[str, Series], length: int
) -> str:
    """Add each expression query's series to ``values`` (expressions may read other
    expressions); return the id of the query that returns data."""
    pending = [q for q in queries if "expression" in q]
    while pending:
        ready = [q for q in pending if set(_ids(q["expression"])) <= set(values)]
        if not ready:
            raise ValueError(f"unresolvable query ids in {pending}")
        for query in ready:
            values[query["id"]] = evaluate(query["expression"], values, length)
            pending.remove(query)
    (returned,) = [q["id"] for q in queries if q.get("returnData")]
    return str(returned)


def _ids(expression: str) -> list[str]:
    return re.findall(r"\b[a-z][A-Za-z0-9_]*\b", expression)


def metric_alarm_breaches(inputs: Mapping[str, Any], traffic: Traffic) -> bool:
    """Whether the alarm goes to ALARM: M of the last N datapoints breach (missing data as set)."""
    compare = {
        "GreaterThanThreshold": _COMPARISONS[">"],
        "GreaterThanOrEqualToThreshold": _COMPARISONS[">="],
        "LessThanThreshold": _COMPARISONS["<"],
        "LessThanOrEqualToThreshold": _COMPARISONS["<="],
    }[inputs["comparisonOperator"]]
    missing_breaches = inputs.get("treatMissingData", "missing") == "breaching"
    breaching = [
        missing_breaches if value is None else compare(value, float(inputs["threshold"]))
        for value in metric_alarm_datapoints(inputs, traffic)
    ]
    return sum(breaching) >= int(inputs.get("datapointsToAlarm") or inputs["evaluationPeriods"])


# --- a service over time: every alarm of a stack, minute by minute -----------------------------
#
# CloudWatch evaluates a metric alarm every minute over a sliding window of evaluationPeriods x
# period ending now (CloudWatch User Guide, "Alarm evaluation window",
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html):
# the alarm goes to ALARM when datapointsToAlarm of those datapoints breach, missing datapoints
# counting as treatMissingData says ("Configuring how CloudWatch alarms treat missing data").
# A composite alarm's rule is re-read whenever a child changes state. The model below replays a
# per-minute timeline of what the service did through each rendered alarm and reports its state
# after every minute. Only the settings the stacks use are modelled; anything else raises.

MINUTE = 60
ALB = "AWS/ApplicationELB"
ECS_NAMESPACE = "AWS/ECS"
CONTAINER_INSIGHTS_NAMESPACE = "ECS/ContainerInsights"
# Per-target-group host counts (ELB guide, same page): TargetGroup + LoadBalancer only.
_TARGET_GROUP_ONLY = frozenset({frozenset({"LoadBalancer", "TargetGroup"})})
_SERVICE = frozenset({frozenset({"ClusterName", "ServiceName"})})
_ALB_METRICS = {
    **PUBLISHED_DIMENSIONS,
    "TargetResponseTime": _LB_AND_TG,
    "HealthyHostCount": _TARGET_GROUP_ONLY,
    "UnHealthyHostCount": _TARGET_GROUP_ONLY,
}
_COUNT_STATISTICS = frozenset({"Sum"})
_GAUGE_STATISTICS = frozenset({"Minimum", "Maximum", "Average"})
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": _COMPARISONS[">"],
    "GreaterThanOrEqualToThreshold": _COMPARISONS[">="],
    "LessThanThreshold": _COMPARISONS["<"],
    "LessThanOrEqualToThreshold": _COMPARISONS["<="],
}


@dataclass(frozen=True)
class Minute:
    """What the service did in one minute, beyond the ALB counts of ``traffic``.

    ``response_times`` are per-request target response times in seconds (the samples the ALB's
    TargetResponseTime percentiles are computed from). Host counts are published while a target is
    registered, ECS utilisation while a task runs (``None`` otherwise). ``app_log`` maps a log
    metric name to its count; ``None`` means no log event at all, so no datapoint (a metric
    filter's default value is emitted only for events that do not match).
    """

    traffic: Traffic = Traffic()
    response_times: tuple[float, ...] = ()
    healthy_targets: int = 2
    unhealthy_targets: int = 0
    cpu_percent: float | None = 20.0
    memory_percent: float | None = 30.0
    desired_tasks: float = 2
    running_tasks: float = 2
    app_log: Mapping[str, float] | None = field(default_factory=dict)
    serving_group: int = 0
    """Which of the stack's target groups (in URN order) holds the tasks: blue/green swaps
    them, so an alarm must follow either."""


@dataclass(frozen=True)
class Identity:
    """The stack's dimension values: a query naming anything else reads a metric that is never
    published (pitfall alarm-alb-dimensions: an alarm on a name instead of an arn_suffix stays in
    INSUFFICIENT_DATA)."""

    load_balancer: str
    target_groups: tuple[str, ...]
    cluster: str
    service: str
    log_namespace: str


def _percentile(samples: list[float], percent: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above ``percent`` % of them."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


def _low_sample_limit(percent: float) -> float:
    """Fewer samples than this make a percentile 'low sample' (CloudWatch User Guide,
    "Percentile-based alarms and low data samples": 10/(1-p) from p0.5 up, 10/p below)."""
    fraction = percent / 100
    return 10 / (1 - fraction) if fraction >= 0.5 else 10 / fraction


@dataclass(frozen=True)
class Datapoint:
    value: float | None
    low_sample: bool = False


class Replay:
    """A timeline of minutes replayed through a stack's alarms."""

    def __init__(self, identity: Identity, minutes: Sequence[Minute]) -> None:
        self.identity = identity
        self.minutes = list(minutes)
        self._published: dict[str, list[float | list[float] | None]] = {}
        self._running: dict[str, tuple[list[float], list[int]]] = {}
        self._datapoints: dict[tuple[str, int], Datapoint] = {}

    # -- what each metric publishes ---------------------------------------------------------

    def _per_minute(self, metric: Mapping[str, Any]) -> list[float | list[float] | None]:
        """The metric's value in each minute (a list of samples for TargetResponseTime)."""
        namespace, name = metric.get("namespace"), metric["metricName"]
        dimensions: Mapping[str, str] = metric.get("dimensions") or {}
        ident = self.identity
        if namespace == ALB:
            if name not in _ALB_METRICS:
                raise ValueError(f"the model does not publish {namespace} {name}")
            if frozenset(dimensions) not in _ALB_METRICS[name]:
                return [None] * len(self.minutes)
            if dimensions["LoadBalancer"] != ident.load_balancer:
                return [None] * len(self.minutes)
            group = dimensions.get("TargetGroup")
            if group is not None and group not in ident.target_groups:
                return [None] * len(self.minutes)
            # Per-group metrics come from the group serving that minute; the idle one (blue/green)
            # publishes nothing.
            return [
                self._alb(m, name)
                if group is None or group == ident.target_groups[m.serving_group]
                else None
                for m in self.minutes
            ]
        if namespace in (ECS_NAMESPACE, CONTAINER_INSIGHTS_NAMESPACE):
            if frozenset(dimensions) not in _SERVICE or dict(dimensions) != {
                "ClusterName": ident.cluster,
                "ServiceName": ident.service,
            }:
                return [None] * len(self.minutes)
            return [self._ecs(m, namespace, name) for m in self.minutes]
        if namespace == ident.log_namespace and not dimensions:
            return [None if m.app_log is None else m.app_log.get(name, 0.0) for m in self.minutes]
        raise ValueError(f"the model does not publish {namespace} {name} {dict(dimensions)}")

    @staticmethod
    def _alb(minute: Minute, name: str) -> float | list[float] | None:
        traffic = minute.traffic
        if name == "TargetResponseTime":
            return list(minute.response_times) or None
        if name in ("HealthyHostCount", "UnHealthyHostCount"):
            if not traffic.registered_targets:
                return None
            return (
                minute.healthy_targets if name == "HealthyHostCount" else minute.unhealthy_targets
            )
        return traffic.per_minute[name]

    @staticmethod
    def _ecs(minute: Minute, namespace: str, name: str) -> float | None:
        values: dict[tuple[str, str], float | None] = {
            (ECS_NAMESPACE, "CPUUtilization"): minute.cpu_percent,
            (ECS_NAMESPACE, "MemoryUtilization"): minute.memory_percent,
            (CONTAINER_INSIGHTS_NAMESPACE, "DesiredTaskCount"): minute.desired_tasks,
            (CONTAINER_INSIGHTS_NAMESPACE, "RunningTaskCount"): minute.running_tasks,
        }
        if (namespace, name) not in values:
            raise ValueError(f"the model does not publish {namespace} {name}")
        return values[(namespace, name)]

    def datapoint(self, metric: Mapping[str, Any], end: int, key: str = "") -> Datapoint:
        """The metric's statistic over the ``period`` that ends after minute ``end - 1``
        (``key``: the metric's JSON, when the caller has it already)."""
        period = int(metric["period"])
        if period % MINUTE:
            raise ValueError(f"only whole-minute periods are modelled, got {period}")
        start = end - period // MINUTE
        if start < 0:
            raise ValueError(f"the timeline is too short for a {period} s period ending at {end}")
        key = key or json.dumps(metric, sort_keys=True)
        if (key, end) not in self._datapoints:  # each datapoint is read by N evaluations
            self._datapoints[(key, end)] = self._statistic(key, metric, start, end)
        return self._datapoints[(key, end)]

    def _statistic(self, key: str, metric: Mapping[str, Any], start: int, end: int) -> Datapoint:
        stat, name = metric["stat"], metric["metricName"]
        if key not in self._published:
            published = self._per_minute(metric)
            sums, counts = [0.0], [0]
            for value in published:  # running totals: a 6 h Sum is two lookups
                number = value if isinstance(value, int | float) else 0.0
                sums.append(sums[-1] + number)
                counts.append(counts[-1] + (value is not None))
            self._published[key] = published
            self._running[key] = (sums, counts)
        sums, counts = self._running[key]
        if counts[end] == counts[start]:
            return Datapoint(None)
        if name == "TargetResponseTime":
            percentile = re.fullmatch(r"p(\d+(?:\.\d+)?)", stat)
            if not percentile:
                raise ValueError(f"{name}: only percentiles are modelled, got {stat}")
            values = self._published[key][start:end]
            samples = [s for v in values if isinstance(v, list) for s in v]
            percent = float(percentile[1])
            return Datapoint(
                _percentile(samples, percent), len(samples) < _low_sample_limit(percent)
            )
        counted = name.startswith(("HTTPCode_", "RequestCount")) or metric.get("namespace") == (
            self.identity.log_namespace
        )
        allowed = _COUNT_STATISTICS if counted else _GAUGE_STATISTICS
        if stat not in allowed:
            raise ValueError(f"{name}: the model has no {stat} (only {sorted(allowed)})")
        if stat == "Sum":
            return Datapoint(sums[end] - sums[start])
        if stat == "Average":
            return Datapoint((sums[end] - sums[start]) / (counts[end] - counts[start]))
        numbers = [float(v) for v in self._published[key][start:end] if isinstance(v, int | float)]
        return Datapoint(min(numbers) if stat == "Minimum" else max(numbers))

    # -- one alarm --------------------------------------------------------------------------

    @staticmethod
    def queries(inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The alarm's metric queries; a single-metric alarm as one query."""
        if inputs.get("metricQueries"):
            return [dict(q) for q in inputs["metricQueries"]]
        statistic = inputs.get("extendedStatistic") or inputs.get("statistic")
        if not statistic or not inputs.get("metricName"):
            raise ValueError(f"neither a metric nor metric queries: {inputs}")
        metric = {
            "namespace": inputs.get("namespace"),
            "metricName": inputs["metricName"],
            "dimensions": inputs.get("dimensions") or {},
            "stat": statistic,
            "period": inputs["period"],
        }
        return [{"id": "m", "metric": metric, "returnData": True}]

    def returned_series(
        self, inputs: Mapping[str, Any], first_end: int
    ) -> tuple[int, list[Datapoint]]:
        """The alarm's returned value for every period ending after minute ``first_end - 1``
        and later, one per minute (metric math works per timestamp, so one evaluation of each
        expression over the whole timeline gives every datapoint), and the period in minutes."""
        queries = self.queries(inputs)
        metric_periods = {int(q["metric"]["period"]) for q in queries if "metric" in q}
        if len(metric_periods) != 1:
            raise ValueError(f"queries of one alarm must share one period: {metric_periods}")
        (period,) = metric_periods
        ends = range(first_end, len(self.minutes) + 1)
        keys = {q["id"]: json.dumps(q["metric"], sort_keys=True) for q in queries if "metric" in q}
        raw: dict[str, list[Datapoint]] = {
            q["id"]: [self.datapoint(q["metric"], e, keys[q["id"]]) for e in ends]
            for q in queries
            if "metric" in q
        }
        values: dict[str, Series] = {k: [d.value for d in v] for k, v in raw.items()}
        returned = _evaluate_expressions(queries, values, len(ends))
        if returned in raw:
            return period // MINUTE, raw[returned]
        return period // MINUTE, [Datapoint(v) for v in values[returned]]

    def metric_alarm_states(self, inputs: Mapping[str, Any], start: int) -> list[bool]:
        """Whether the alarm is in ALARM after each minute from ``start`` on: each evaluation
        compares the last evaluationPeriods datapoints (the sliding window)."""
        compare = _OPERATORS.get(inputs["comparisonOperator"])
        if compare is None:
            raise ValueError(f"comparison {inputs['comparisonOperator']} is not modelled")
        treat = inputs.get("treatMissingData", "missing")
        if treat not in ("breaching", "notBreaching"):
            raise ValueError(f"treatMissingData {treat!r} is not modelled")
        low_sample = inputs.get("evaluateLowSampleCountPercentiles", "evaluate")
        if low_sample not in ("evaluate", "ignore"):
            raise ValueError(f"evaluateLowSampleCountPercentiles {low_sample!r}")
        threshold = float(inputs["threshold"])
        periods = int(inputs["evaluationPeriods"])
        needed = int(inputs.get("datapointsToAlarm") or periods)
        probe = self.queries(inputs)
        period = max(int(q["metric"]["period"]) for q in probe if "metric" in q) // MINUTE
        first_end = start - (periods - 1) * period
        _, series = self.returned_series(inputs, first_end)
        states: list[bool] = []
        state = False
        for end in range(start, len(self.minutes) + 1):
            points = [series[end - first_end - k * period] for k in range(periods)]
            # "ignore": the state does not change while samples are too few.
            if not (low_sample == "ignore" and any(p.low_sample for p in points)):
                breaching = [
                    treat == "breaching" if p.value is None else compare(p.value, threshold)
                    for p in points
                ]
                state = sum(breaching) >= needed
            states.append(state)
        return states


# The composite alarm rule language subset the stacks use (CloudWatch API reference,
# PutCompositeAlarm, AlarmRule): ALARM("name") joined by AND / OR, with parentheses.
_RULE_TOKEN = re.compile(r'\s*(ALARM\("([^"]+)"\)|AND|OR|\(|\))')


def composite_state(rule: str, children: Mapping[str, bool]) -> bool:
    """Whether ``rule`` is true for the children's ALARM states; raises outside the subset."""
    tokens: list[str] = []
    position = 0
    while rule[position:].strip():
        match = _RULE_TOKEN.match(rule, position)
        if not match:
            raise ValueError(f"cannot read {rule[position:]!r} in the alarm rule {rule!r}")
        tokens.append(match[1] if match[2] is None else f"@{match[2]}")
        position = match.end()

    def joined(
        word: str, operand: Callable[[int], tuple[bool, int]], index: int
    ) -> tuple[bool, int]:
        """Operands joined by ``word``; AND binds tighter than OR."""
        value, index = operand(index)
        while index < len(tokens) and tokens[index] == word:
            right, index = operand(index + 1)
            value = (value and right) if word == "AND" else (value or right)
        return value, index

    def expression(index: int) -> tuple[bool, int]:
        return joined("OR", term, index)

    def term(index: int) -> tuple[bool, int]:
        return joined("AND", atom, index)

    def atom(index: int) -> tuple[bool, int]:
        if index >= len(tokens):
            raise ValueError(f"{rule!r} ends where an alarm was expected")
        token = tokens[index]
        if token == "(":
            value, index = expression(index + 1)
            if index >= len(tokens) or tokens[index] != ")":
                raise ValueError(f"unbalanced parentheses in {rule!r}")
            return value, index + 1
        if token.startswith("@"):
            if token[1:] not in children:
                raise ValueError(f"{rule!r} names {token[1:]!r}, which is no alarm of the stack")
            return children[token[1:]], index + 1
        raise ValueError(f"unexpected {token!r} in {rule!r}")

    value, end = expression(0)
    if end != len(tokens):
        raise ValueError(f"unexpected {tokens[end]!r} in {rule!r}")
    return value


# --- a rendered stack -------------------------------------------------------------------------

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"


def stack_identity(graph: Graph) -> Identity:
    """The dimension values the stack's resources really have, read off the graph."""
    (namespace,) = {
        f["inputs"]["metricTransformation"]["namespace"]
        for f in graph.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    }
    return Identity(
        load_balancer=graph.one("aws:lb/loadBalancer:LoadBalancer")["outputs"]["arnSuffix"],
        target_groups=tuple(
            g["outputs"]["arnSuffix"] for g in graph.of_type("aws:lb/targetGroup:TargetGroup")
        ),
        cluster=graph.one("aws:ecs/cluster:Cluster")["outputs"]["name"],
        service=graph.one("aws:ecs/service:Service")["outputs"]["name"],
        log_namespace=namespace,
    )


def alarm_name(resource: Mapping[str, Any]) -> str:
    """An alarm's physical name (a composite's is ``alarmName``)."""
    outputs = resource["outputs"]
    return str(outputs.get("alarmName") or outputs["name"])


def alarm_states(
    graph: Graph, minutes: Sequence[Minute], start: int, only: Collection[str] = ()
) -> dict[str, list[bool]]:
    """The stack's alarms (``only`` these physical names and their composites' children, when
    given), by physical name: in ALARM or not after each minute from ``start`` on. Composites
    follow their children minute by minute."""
    composites = graph.of_type(COMPOSITE_ALARM)
    wanted = set(only)
    for composite in composites:
        if alarm_name(composite) in wanted:
            rule = composite["inputs"]["alarmRule"]
            wanted |= {m[2] for m in _RULE_TOKEN.finditer(rule) if m[2]}
    replay = Replay(stack_identity(graph), minutes)
    states = {
        alarm_name(alarm): replay.metric_alarm_states(alarm["inputs"], start)
        for alarm in graph.of_type(METRIC_ALARM)
        if not wanted or alarm_name(alarm) in wanted
    }
    for composite in composites:
        if wanted and alarm_name(composite) not in wanted:
            continue
        inputs = composite["inputs"]
        for unsupported in ("actionsSuppressor", "actionsSuppressorWaitPeriod"):
            if inputs.get(unsupported):
                raise ValueError(f"{alarm_name(composite)}: {unsupported} is not modelled")
        rule = inputs["alarmRule"]
        steps = len(minutes) + 1 - start
        states[alarm_name(composite)] = [
            composite_state(rule, {name: s[step] for name, s in states.items()})
            for step in range(steps)
        ]
    return states


def minutes_to_alarm(states: Sequence[bool]) -> int | None:
    """How many minutes after the first evaluated one the alarm first reads ALARM."""
    return next((index for index, alarming in enumerate(states) if alarming), None)
