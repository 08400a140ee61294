"""Logs, alarms, the dashboard and notifications."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

MONITORING_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:cloudwatch/logGroup:LogGroup", "logs/group.go", "cloudwatch_log_group",
        "name", "namePrefix", "logGroupClass",
        verified="0073593e7d6993ba482409f4dc35438daaa79bb3",
        on_replace="a new, empty log group; the old one and its events go unless retained",
    ),
    type_row(
        "aws:cloudwatch/logMetricFilter:LogMetricFilter", "logs/metric_filter.go",
        "cloudwatch_log_metric_filter",
        "name", "logGroupName",
    ),
    type_row(
        "aws:cloudwatch/queryDefinition:QueryDefinition", "logs/query_definition.go",
        "cloudwatch_query_definition",
    ),
    type_row(
        "aws:cloudwatch/metricAlarm:MetricAlarm", "cloudwatch/metric_alarm.go",
        "cloudwatch_metric_alarm",
        "name",
        verified="055611a654738da73e7b1e2b5d2b7672c6d4d531",
        on_replace="a new alarm starts in INSUFFICIENT_DATA and forgets its state",
    ),
    type_row(
        "aws:cloudwatch/compositeAlarm:CompositeAlarm", "cloudwatch/composite_alarm.go",
        "cloudwatch_composite_alarm",
        "alarmName", autoname=None, unique_key=("alarmName",),
    ),
    type_row(
        "aws:cloudwatch/dashboard:Dashboard", "cloudwatch/dashboard.go", "cloudwatch_dashboard",
        "dashboardName", autoname=None, unique_key=("dashboardName",),
    ),
    type_row(
        "aws:sns/topic:Topic", "sns/topic.go", "sns_topic",
        "name", "namePrefix", "fifoTopic",
        verified="00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        on_replace="a new topic: every subscription is replaced, e-mail ones must be confirmed again",
    ),
    type_row(
        "aws:sns/topicSubscription:TopicSubscription", "sns/topic_subscription.go",
        "sns_topic_subscription",
        "topic", "protocol", "endpoint",
        verified="04a2e6e5bc625ec85ea8c678219b483fc674877e",
        autoname=None,
        on_replace="an e-mail subscription stays pending until the recipient confirms it again",
    ),
    type_row(
        "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
        "chatbot/slack_channel_configuration.go", "chatbot_slack_channel_configuration",
        "configurationName", "slackTeamId", autoname=None, unique_key=("configurationName",),
    ),
)  # fmt: skip
