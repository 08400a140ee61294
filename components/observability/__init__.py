"""Observability: SLO burn-rate alarms, service alarms, log-based alarms, their notification topic
(e-mail, optional Slack), a Golden Signals dashboard and saved Logs Insights queries.

The modules: ``alarms`` (the alarm-spec table, deploy guards included), ``spec`` (how an alarm is
declared), ``metrics`` (what an alarm reads), ``notification`` (topic, key, e-mail, Slack),
``logs`` (metric filters, saved queries), ``night_pause`` (alarm actions off while dev sleeps),
``dashboard``, ``watched`` (what the alarms watch) and ``component`` (the one ComponentResource).
"""

from components.observability.component import Observability
from components.observability.watched import WatchedService

__all__ = ["Observability", "WatchedService"]
