"""Settings of what watches the service: SLO targets, alarms, where they notify, the dashboard
and the error-log terms."""

from __future__ import annotations

from dataclasses import dataclass

from components.config.resource_types import (
    CHATBOT_SLACK_CHANNEL,
    COMPOSITE_ALARM,
    DASHBOARD,
    IAM_ROLE,
    IAM_ROLE_POLICY_ATTACHMENT,
    KMS_KEY,
    LOG_METRIC_FILTER,
    METRIC_ALARM,
    QUERY_DEFINITION,
    SNS_TOPIC,
    SNS_TOPIC_SUBSCRIPTION,
)
from components.config.settings import APPEARS, affects_of_fields, on, setting

# The burn-rate alarms' thresholds and texts follow the objective and its window, and the
# dashboard draws the objective.
_ERROR_BUDGET = (
    *on(METRIC_ALARM, "threshold", "alarmDescription"),
    *on(COMPOSITE_ALARM, "alarmDescription"),
    *on(DASHBOARD, "dashboardBody"),
)
_SLACK = (
    *on(CHATBOT_SLACK_CHANNEL, APPEARS),
    *on(IAM_ROLE, APPEARS),
    *on(IAM_ROLE_POLICY_ATTACHMENT, APPEARS),
)
# An alarm that comes or goes, and its widget on the dashboard.
_OPTIONAL_ALARM = (*on(METRIC_ALARM, APPEARS), *on(DASHBOARD, "dashboardBody"))


@dataclass(frozen=True, kw_only=True)
class SloTargets:
    """Service level objectives the alarms guard."""

    availability_percent: float = setting(
        99.9,
        doc="share of requests answered without a server error",
        affects=_ERROR_BUDGET,
        example=99.5,
    )
    latency_p99_seconds: float = setting(
        1.0,
        doc="99th-percentile response time objective",
        # The slow-request metric filter counts responses slower than this.
        affects=(
            *on(METRIC_ALARM, "threshold", "alarmDescription"),
            *on(LOG_METRIC_FILTER, "pattern"),
            *on(DASHBOARD, "dashboardBody"),
        ),
        example=0.5,
    )
    window_days: int = setting(
        30,
        doc="days the error budget is counted over",
        affects=_ERROR_BUDGET,
        example=28,
    )


@dataclass(frozen=True, kw_only=True)
class ObservabilityConfig:
    slo: SloTargets = setting(
        SloTargets(),
        doc="{availabilityPercent, latencyP99Seconds, windowDays}",
        affects=affects_of_fields(SloTargets),
        example={"availabilityPercent": 99.5, "latencyP99Seconds": 0.5, "windowDays": 28},
    )
    alarm_emails: tuple[str, ...] = setting(
        (),
        doc="e-mail addresses subscribed to the alarm topic (each must confirm by e-mail)",
        affects=on(SNS_TOPIC_SUBSCRIPTION, APPEARS),
        example=["oncall@acme-corp.net"],
    )
    alarm_topic_cmk: bool = setting(
        True,
        doc="encrypt the alarm topic with a customer-managed KMS key that CloudWatch may use",
        affects=(*on(KMS_KEY, APPEARS), *on(SNS_TOPIC, "kmsMasterKeyId")),
        example=False,
    )
    slack_workspace_id: str = setting(
        "",
        doc="Slack workspace id for AWS Chatbot alarm delivery (with slackChannelId)",
        affects=_SLACK,
        example="T0123ABCDEF",
        example_with={"slackChannelId": "C0123ABCDEF"},
    )
    slack_channel_id: str = setting(
        "",
        doc="Slack channel id for AWS Chatbot alarm delivery (with slackWorkspaceId)",
        affects=_SLACK,
        example="C0123ABCDEF",
        example_with={"slackWorkspaceId": "T0123ABCDEF"},
    )
    burn_rate_min_requests: int = setting(
        50,
        doc="error-ratio alarms stay OK below this many requests in their window",
        affects=(*on(METRIC_ALARM, "metricQueries"), *on(DASHBOARD, "dashboardBody")),
        example=100,
    )
    dashboard: bool = setting(
        True,
        doc="CloudWatch Golden Signals dashboard ($3/month)",
        affects=on(DASHBOARD, APPEARS),
        example=False,
    )
    running_tasks_alarm: bool = setting(
        True,
        doc="alarm when fewer tasks run than desired (needs containerInsights)",
        affects=_OPTIONAL_ALARM,
        example=False,
    )
    unhealthy_hosts_alarm: bool = setting(
        True,
        # Without it healthy-hosts-low still pages below the autoscaling minimum.
        doc="alarm when a target fails its health checks for 3 minutes ($0.10/month)",
        affects=_OPTIONAL_ALARM,
        example=False,
    )
    error_log_terms: tuple[str, ...] = setting(
        ("[error]", "[crit]", "[alert]", "[emerg]"),
        doc="nginx error-log terms counted by the error-log alarm",
        affects=(
            *on(LOG_METRIC_FILTER, "pattern"),
            *on(METRIC_ALARM, "alarmDescription"),
            *on(QUERY_DEFINITION, "queryString"),
        ),
        example=["[error]", "[crit]"],
    )
