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

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
    pending = [q for q in queries if "expression" in q]
    while pending:  # expressions may read other expressions
        ready = [q for q in pending if set(_ids(q["expression"])) <= set(values)]
        if not ready:
            raise ValueError(f"unresolvable query ids in {pending}")
        for query in ready:
            values[query["id"]] = evaluate(query["expression"], values, periods)
            pending.remove(query)
    (returned,) = [q["id"] for q in queries if q.get("returnData")]
    return values[returned]


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
