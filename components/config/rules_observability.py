"""Validation of the observability section: SLO bounds, where alarms go, what the log alarm
counts, and the alarms that need a service feature."""

from __future__ import annotations

import re

from components.config.observability import ObservabilityConfig
from components.config.parse import require_match, require_positive, require_range, require_together
from components.config.service import ServiceConfig
from components.config.settings import config_error
from components.config.stack import config_key


def validate_observability(obs: ObservabilityConfig, svc: ServiceConfig) -> None:
    slo = obs.slo
    if not 0 < slo.availability_percent < 100:
        raise config_error(
            config_key("slo.availabilityPercent"),
            slo.availability_percent,
            "must lie strictly between 0 and 100",
        )
    if slo.latency_p99_seconds <= 0:
        raise config_error(
            config_key("slo.latencyP99Seconds"),
            slo.latency_p99_seconds,
            "must be above 0 seconds",
        )
    require_range(config_key("slo.windowDays"), slo.window_days, 1, 90)
    for i, email in enumerate(obs.alarm_emails):
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", email):
            raise config_error(
                config_key(f"alarmEmails[{i}]"),
                email,
                "an e-mail address such as oncall@example.com",
            )
    seen_emails: dict[str, int] = {}
    for i, email in enumerate(obs.alarm_emails):
        # Each address names its subscription resource with the punctuation folded away.
        slug = re.sub(r"[^a-z0-9]+", "-", email.lower())
        if slug in seen_emails:
            raise config_error(
                config_key(f"alarmEmails[{i}]"),
                email,
                f"differs from alarmEmails[{seen_emails[slug]}] only in case or punctuation; "
                "list each address once",
            )
        seen_emails[slug] = i
    require_together(
        (config_key("slackWorkspaceId"), obs.slack_workspace_id),
        (config_key("slackChannelId"), obs.slack_channel_id),
        "Slack needs both slackWorkspaceId and slackChannelId",
    )
    require_match(
        config_key("slackWorkspaceId"),
        obs.slack_workspace_id,
        r"T[A-Z0-9]{6,}",
        "a Slack workspace id such as T012ABCDEF",
    )
    require_match(
        config_key("slackChannelId"),
        obs.slack_channel_id,
        r"[CG][A-Z0-9]{6,}",
        "a Slack channel id such as C012ABCDEF",
    )
    require_positive(config_key("burnRateMinRequests"), obs.burn_rate_min_requests)
    if not obs.error_log_terms or any(not term.strip() for term in obs.error_log_terms):
        raise config_error(
            config_key("errorLogTerms"),
            list(obs.error_log_terms),
            "one or more non-empty terms",
        )
    for i, term in enumerate(obs.error_log_terms):
        # Each term is quoted inside a CloudWatch filter pattern, which has no escape for these.
        if '"' in term or "\\" in term:
            raise config_error(
                config_key(f"errorLogTerms[{i}]"),
                term,
                "a plain term without double quotes or backslashes, such as [error]",
            )
    if obs.running_tasks_alarm and not svc.container_insights:
        raise config_error(
            config_key("runningTasksAlarm"),
            True,
            "the running-tasks alarm reads Container Insights metrics: set containerInsights true "
            "or runningTasksAlarm false",
        )
