"""The subset of CloudWatch Logs filter-pattern syntax this project emits, and a matcher for it.

Metric filters cannot be run offline, so the component builds its patterns only from two forms
whose meaning is simple enough to reimplement here and test against real nginx lines:

- **numeric JSON comparison** ``{ $.field OP number }``, with ``OP`` one of ``= != < <= > >=``
  and a dotted field path. It matches a JSON log event whose field is a number satisfying the
  comparison. A non-JSON event, a missing field or a non-numeric value does not match.
- **any of some quoted terms** ``?"term one" ?"term two"``. It matches an event that contains at
  least one of the terms, case-sensitively, anywhere in the text.

Anything else (unquoted terms, exclusions, ``&&``/``||``, space-delimited patterns, regular
expressions) is rejected by :func:`parse`, so a pattern the matcher cannot vouch for never ships.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

_NUMBER = r"-?\d+(?:\.\d+)?"
_JSON_COMPARISON = re.compile(
    rf"\{{ \$\.(?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*) "
    rf"(?P<op>!=|<=|>=|=|<|>) (?P<value>{_NUMBER}) \}}"
)
_QUOTED_TERM = r'\?"[^"\\]+"'
_ANY_TERM = re.compile(rf"{_QUOTED_TERM}(?: {_QUOTED_TERM})*")


class PatternError(ValueError):
    """A filter pattern outside the supported subset."""


@dataclass(frozen=True)
class NumericComparison:
    path: tuple[str, ...]
    operator: str
    value: float

    def matches(self, line: str) -> bool:
        try:
            event: Any = json.loads(line)
        except json.JSONDecodeError:
            return False
        for key in self.path:
            if not isinstance(event, dict) or key not in event:
                return False
            event = event[key]
        if isinstance(event, bool) or not isinstance(event, int | float):
            return False
        return OPERATORS[self.operator](float(event), self.value)


@dataclass(frozen=True)
class AnyTerm:
    terms: tuple[str, ...]

    def matches(self, line: str) -> bool:
        return any(term in line for term in self.terms)


Pattern = NumericComparison | AnyTerm


def parse(pattern: str) -> Pattern:
    comparison = _JSON_COMPARISON.fullmatch(pattern)
    if comparison:
        return NumericComparison(
            path=tuple(comparison["path"].split(".")),
            operator=comparison["op"],
            value=float(comparison["value"]),
        )
    if _ANY_TERM.fullmatch(pattern):
        return AnyTerm(tuple(re.findall(r'\?"([^"\\]+)"', pattern)))
    raise PatternError(
        f'unsupported filter pattern {pattern!r}: use {{ $.field OP number }} or ?"term" ...'
    )


def matches(pattern: str, line: str) -> bool:
    """Whether CloudWatch Logs would count ``line`` for ``pattern`` (supported subset only)."""
    return parse(pattern).matches(line)


def number_text(value: float) -> str:
    """A number as a filter pattern writes it: ``1.0`` -> ``1``, ``0.25`` -> ``0.25``."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def json_numeric_comparison(field: str, op: str, value: float) -> str:
    """``{ $.status >= 500 }``; checked by :func:`parse` so only the subset is built."""
    pattern = f"{{ $.{field} {op} {number_text(value)} }}"
    parse(pattern)
    return pattern


def any_term(terms: Sequence[str]) -> str:
    """``?"[error]" ?"[crit]"``. Terms may not contain double quotes or backslashes: each would
    need an escape that CloudWatch and this matcher might read differently."""
    pattern = " ".join(f'?"{term}"' for term in terms)
    parse(pattern)
    return pattern
