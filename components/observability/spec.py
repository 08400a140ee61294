"""How an alarm is declared: a spec renders to a MetricAlarm's arguments in the context it is
created in (components/observability/alarms.py holds the table)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from components.config import ObservabilityConfig
from components.observability.metrics import MetricSettings
from components.observability.watched import AlarmContext

RUNBOOK = "docs/runbook.md"

Context = TypeVar("Context")


def runbook_link(alarm_id: str) -> str:
    return f"{RUNBOOK}#{alarm_id}"


def alarm_description(summary: str, runbook_id: str) -> str:
    return f"{summary} Runbook: {runbook_link(runbook_id)}"


def fixed(value: float) -> Callable[[object], float]:
    """A threshold that no setting moves."""
    return lambda _: value


def fixed_text(text: str) -> Callable[[object], str]:
    """A summary that no setting changes."""
    return lambda _: text


@dataclass(frozen=True, kw_only=True)
class AlarmSpec(Generic[Context]):
    """One CloudWatch metric alarm, from the context it is rendered in."""

    alarm_id: str
    summary: Callable[[Context], str]
    runbook_id: str | None
    """The runbook section its description links; None for an alarm that pages no one and acts
    on its own (the deploy guards roll a deploy back)."""
    metric: Callable[[Context, int], MetricSettings]
    period: int
    threshold: Callable[[Context], float]
    comparison: str
    datapoints: int
    """M of "M out of N": breaching periods that set it off..."""
    evaluation_periods: int
    """... among the last N."""
    treat_missing_data: str
    notify: bool = True
    paused_at_night: bool = False
    """Actions off while the dev service is scaled to zero on purpose (night_pause.py)."""
    feature: str | None = None
    """The ObservabilityConfig flag that turns it on; None: always on."""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def settings(self, context: Context) -> dict[str, Any]:
        """The MetricAlarm's keyword arguments, names and actions aside."""
        return {
            **self.metric(context, self.period),
            "comparison_operator": self.comparison,
            "threshold": self.threshold(context),
            "evaluation_periods": self.evaluation_periods,
            "datapoints_to_alarm": self.datapoints,
            "treat_missing_data": self.treat_missing_data,
            **self.extra,
        }

    def enabled(self, observability: ObservabilityConfig) -> bool:
        return self.feature is None or bool(getattr(observability, self.feature))


@dataclass(frozen=True, kw_only=True)
class CompositeSpec:
    """A composite alarm: in ALARM while every member is."""

    alarm_id: str
    summary: Callable[[AlarmContext], str]
    runbook_id: str
    members: tuple[str, ...]
    rechecked_member: str
    """Set to OK after the night pause, since a composite set to OK is re-evaluated only when a
    member changes state (AWS SetAlarmState reference)."""
    paused_at_night: bool = False
