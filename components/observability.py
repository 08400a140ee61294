"""Observability: SLO burn-rate alarms, service alarms, log-based alarms, their notification
topic (e-mail, optional Slack), a Golden Signals dashboard and saved Logs Insights queries.

Every notifying alarm sends ALARM and OK to one SNS topic and links its runbook section
(``docs/runbook.md#<alarm-id>``). The short-window alarms that roll back a bad deploy belong to
WebService, not here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi
import pulumi_aws as aws

from components.config import NightSchedule, SloTargets, StackConfig, secret_input
from components.dashboard import DashboardTargets, dashboard_body
from components.iam import policy_document, service_role
from components.log_patterns import any_term, json_numeric_comparison
from components.slo import (
    ALARMS_BACK_AFTER_SCALE_OUT_MINUTES,
    ALB_NAMESPACE,
    BURN_RATE_ALERTS,
    RECHECK_AFTER_ALARMS_BACK_MINUTES,
    BurnRateAlert,
    cron_minutes_later,
    error_budget,
    error_ratio_queries,
    error_ratio_threshold,
    filled_sum,
    window_label,
)

RUNBOOK = "docs/runbook.md"
ECS = "AWS/ECS"
CONTAINER_INSIGHTS = "ECS/ContainerInsights"
# Amazon Q Developer in chat applications (AWS Chatbot) serves its API from these regions only
# (Chatbot API reference, "Welcome"); the stack region is used when it is one of them.
CHATBOT_REGIONS = ("us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1")
# Read-only: what the Chatbot channel may do, both as the role's permissions and as the channel
# guardrail (the guardrail defaults to AdministratorAccess when left unset).
CHATBOT_READ_ONLY_POLICY = "iam::aws:policy/CloudWatchReadOnlyAccess"
# EventBridge Scheduler universal targets: the scheduler calls the CloudWatch API itself.
DISABLE_ALARM_ACTIONS = "arn:aws:scheduler:::aws-sdk:cloudwatch:disableAlarmActions"
ENABLE_ALARM_ACTIONS = "arn:aws:scheduler:::aws-sdk:cloudwatch:enableAlarmActions"
SET_ALARM_STATE = "arn:aws:scheduler:::aws-sdk:cloudwatch:setAlarmState"

# Log-based metrics (custom metrics, $0.30 each per month: cost_model.md §1b).
HTTP_5XX_METRIC = "Http5xxResponses"
SLOW_REQUEST_METRIC = "SlowRequests"
ERROR_LOG_METRIC = "ErrorLogLines"
LOG_METRICS = (HTTP_5XX_METRIC, SLOW_REQUEST_METRIC, ERROR_LOG_METRIC)
LOG_WINDOW_SECONDS = 300
# Counts per 5 minutes before a log-based alarm pages. The ALB burn-rate alarms are the SLO
# signal; these catch what the ALB cannot see (slow-but-successful requests, nginx errors), so
# they tolerate a few stray events.
HTTP_5XX_LOG_THRESHOLD = 10
SLOW_REQUEST_LOG_THRESHOLD = 10
ERROR_LOG_THRESHOLD = 5
SATURATION_PERCENT = 80


def runbook_link(alarm_id: str) -> str:
    return f"{RUNBOOK}#{alarm_id}"


def alarm_description(summary: str, runbook_id: str) -> str:
    return f"{summary} Runbook: {runbook_link(runbook_id)}"


def chatbot_region(stack_region: str) -> str:
    """The Chatbot API region nearest the stack (configuration data is stored there)."""
    if stack_region in CHATBOT_REGIONS:
        return stack_region
    if stack_region.startswith(("ap-", "me-", "il-")):
        return "ap-southeast-1"
    if stack_region.startswith(("eu-", "af-")):
        return "eu-west-1"
    if stack_region.startswith(("us-west-", "ca-west-", "mx-")):
        return "us-west-2"
    return "us-east-2"


class MonitoredService(Protocol):
    """What Observability reads off the WebService component."""

    @property
    def load_balancer(self) -> aws.lb.LoadBalancer: ...
    @property
    def target_group(self) -> aws.lb.TargetGroup: ...
    @property
    def alternate_target_group(self) -> aws.lb.TargetGroup | None: ...
    @property
    def cluster(self) -> aws.ecs.Cluster: ...
    @property
    def service(self) -> aws.ecs.Service: ...
    @property
    def log_group(self) -> aws.cloudwatch.LogGroup: ...
    @property
    def min_capacity(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class ObservabilityArgs:
    region: str
    load_balancer_arn_suffix: pulumi.Input[str]
    """``LoadBalancer`` dimension: the arn_suffix ``app/<name>/<id>``, never the name or ARN
    (pitfall alarm-alb-dimensions)."""
    target_group_arn_suffixes: Sequence[pulumi.Input[str]]
    """``TargetGroup`` dimensions: the service's group, and under ECS native blue/green also the
    alternate group, since production traffic moves between the two on every deploy."""
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    log_group_name: pulumi.Input[str]
    """The app's log group: nginx JSON access lines and error lines."""
    min_healthy_hosts: int
    """The autoscaling minimum: fewer healthy targets than this for minutes is an incident."""
    metric_namespace: str
    """Namespace of the log-based metrics, one per stack (``EcsFargate/<stack>``)."""
    slo: SloTargets = SloTargets()
    alarm_emails: Sequence[str] = ()
    alarm_topic_cmk: bool = True
    slack_workspace_id: str = ""
    slack_channel_id: str = ""
    burn_rate_min_requests: int = 50
    dashboard: bool = True
    container_insights: bool = True
    running_tasks_alarm: bool = True
    unhealthy_hosts_alarm: bool = True
    error_log_terms: Sequence[str] = ("[error]", "[crit]", "[alert]", "[emerg]")
    night_schedule: NightSchedule | None = None
    """Set when the service scales to zero at night: availability alarm actions pause then."""
    permissions_boundary_arn: str = ""

    @classmethod
    def from_config(cls, cfg: StackConfig, *, service: MonitoredService) -> ObservabilityArgs:
        obs = cfg.observability
        return cls(
            region=cfg.region,
            load_balancer_arn_suffix=service.load_balancer.arn_suffix,
            target_group_arn_suffixes=[
                group.arn_suffix
                for group in (service.target_group, service.alternate_target_group)
                if group is not None
            ],
            cluster_name=service.cluster.name,
            service_name=service.service.name,
            log_group_name=service.log_group.name,
            min_healthy_hosts=service.min_capacity,
            metric_namespace=f"EcsFargate/{cfg.stack}",
            slo=obs.slo,
            alarm_emails=obs.alarm_emails,
            alarm_topic_cmk=obs.alarm_topic_cmk,
            slack_workspace_id=obs.slack_workspace_id,
            slack_channel_id=obs.slack_channel_id,
            burn_rate_min_requests=obs.burn_rate_min_requests,
            dashboard=obs.dashboard,
            container_insights=cfg.service.container_insights,
            running_tasks_alarm=obs.running_tasks_alarm,
            unhealthy_hosts_alarm=obs.unhealthy_hosts_alarm,
            error_log_terms=obs.error_log_terms,
            night_schedule=cfg.service.night_schedule,
            permissions_boundary_arn=cfg.general.permissions_boundary_arn,
        )

    @property
    def slack(self) -> bool:
        return bool(self.slack_workspace_id and self.slack_channel_id)


class Observability(pulumi.ComponentResource):
    """Alarms on the SLOs and the service's health, delivered to one SNS topic."""

    alarm_topic_arn: pulumi.Output[str]
    dashboard_name: pulumi.Output[str] | None
    alarm_names: list[str]
    """Every alarm that notifies (composites and standalone alarms), by physical name."""

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ecs-fargate:index:Observability", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self._account_id = aws.get_caller_identity().account_id
        self._partition = aws.get_partition().partition
        self._notifying: dict[str, aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm] = {}
        self._metric_alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}

        topic = self._alarm_topic()
        self._actions = [topic.arn]
        if args.slack:
            self._slack(topic)

        composites = [self._burn_rate_alarm(alert) for alert in BURN_RATE_ALERTS]
        self._latency_alarm()
        self._target_health_alarms()
        if args.running_tasks_alarm:
            self._running_tasks_alarm()
        self._utilization_alarms()
        self._log_alarms()
        self._saved_queries()
        if args.night_schedule is not None:
            # Only what a scaled-to-zero night sets off is paused: healthy-hosts-low (no target).
            # running-tasks-low compares desired with running, both 0 at night, so it stays live
            # and catches a failed morning scale-out after its own 5 minutes.
            host_alarm_ids = ["healthy-hosts-low"]
            self._pause_at_night(
                args.night_schedule,
                paused=[*composites, *(self._metric_alarms[i] for i in host_alarm_ids)],
                # A composite set to OK is re-evaluated only when a child changes state (AWS
                # SetAlarmState reference), so its short window is rechecked instead.
                rechecked={
                    alarm_id: self._metric_alarms[alarm_id]
                    for alarm_id in (
                        *(
                            f"{a.alarm_id}-{window_label(a.short_window_seconds)}"
                            for a in BURN_RATE_ALERTS
                        ),
                        *host_alarm_ids,
                    )
                },
            )

        self.alarm_topic_arn = topic.arn
        self.alarm_names = [f"{name}-{alarm_id}" for alarm_id in self._notifying]
        self.dashboard_name = self._dashboard().dashboard_name if args.dashboard else None
        self.register_outputs(
            {
                "alarmTopicArn": self.alarm_topic_arn,
                "dashboardName": self.dashboard_name,
                "alarmNames": self.alarm_names,
            }
        )

    # --- notification -------------------------------------------------------------------------

    def _alarm_topic(self) -> aws.sns.Topic:
        name, args = self._name, self._args
        key = None
        if args.alarm_topic_cmk:
            key = aws.kms.Key(
                f"{name}-alarm-topic-key",
                description=f"Encrypts the alarm topic of {name}; CloudWatch alarms may use it",
                enable_key_rotation=True,
                # Nothing stays encrypted under this key (SNS keeps no messages), so the
                # shortest window is safe.
                deletion_window_in_days=7,
                policy=json.dumps(self._topic_key_policy()),
                opts=self._child,
            )
        topic_name = f"{name}-alarms"
        topic_arn = f"arn:{self._partition}:sns:{args.region}:{self._account_id}:{topic_name}"
        topic = aws.sns.Topic(
            topic_name,
            name=topic_name,
            # A customer-managed key, never alias/aws/sns: the AWS-managed key's policy cannot
            # grant CloudWatch, and alarm deliveries are then dropped silently (pitfall sns-kms).
            kms_master_key_id=key.arn if key else None,
            # Inline, so the topic never exists with the default policy; the ARN is known
            # because the name is explicit.
            policy=json.dumps(self._topic_policy(topic_arn)),
            opts=self._child,
        )
        for email in args.alarm_emails:
            # Stays PendingConfirmation until the recipient clicks the link AWS mails
            # (pitfall sns-email-pending): the README's deploy steps say so.
            aws.sns.TopicSubscription(
                f"{name}-alarms-{re.sub(r'[^a-z0-9]+', '-', email.lower())}",
                topic=topic.arn,
                protocol="email",
                endpoint=secret_input("alarmEmails", email),
                opts=self._child,
            )
        return topic

    def _topic_key_policy(self) -> dict[str, Any]:
        return policy_document(
            {
                "Sid": "AccountAdministersTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{self._partition}:iam::{self._account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                # Pitfall sns-kms: without this, alarms fail with KMS AccessDeniedException and
                # no notification arrives.
                "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        )

    def _topic_policy(self, topic_arn: str) -> dict[str, Any]:
        args, account = self._args, self._account_id
        return policy_document(
            {
                "Sid": "AccountManagesTheTopic",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{self._partition}:iam::{account}:root"},
                "Action": [
                    "sns:GetTopicAttributes",
                    "sns:SetTopicAttributes",
                    "sns:Subscribe",
                    "sns:ListSubscriptionsByTopic",
                    "sns:Publish",
                ],
                "Resource": topic_arn,
            },
            {
                "Sid": "CloudWatchAlarmsOfThisAccountPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{self._partition}:cloudwatch:{args.region}:"
                        f"{account}:alarm:*"
                    },
                },
            },
        )

    def _slack(self, topic: aws.sns.Topic) -> None:
        """Slack delivery through Amazon Q Developer in chat applications (AWS Chatbot).

        The workspace must have been authorised once in the Chatbot console; only then do the
        ids below resolve. pulumi-aws v7's per-resource ``region`` reaches a Chatbot API region
        with the stack's own provider, so the stack's default tags still apply (an explicit
        provider would not inherit them).
        """
        name, args = self._name, self._args
        read_only = f"arn:{self._partition}:{CHATBOT_READ_ONLY_POLICY}"
        role = service_role(
            f"{name}-chatbot",
            service="chatbot.amazonaws.com",
            description="Slack channel of the alarm topic: read-only CloudWatch",
            permissions_boundary_arn=args.permissions_boundary_arn,
            source_account=self._account_id,
            opts=self._child,
        )
        read_only_attachment = aws.iam.RolePolicyAttachment(
            f"{name}-chatbot-read-only",
            role=role.name,
            policy_arn=read_only,
            opts=self._child,
        )
        aws.chatbot.SlackChannelConfiguration(
            f"{name}-slack",
            configuration_name=f"{name}-alarms",
            region=chatbot_region(args.region),
            iam_role_arn=role.arn,
            slack_team_id=secret_input("slackWorkspaceId", args.slack_workspace_id),
            slack_channel_id=secret_input("slackChannelId", args.slack_channel_id),
            sns_topic_arns=[topic.arn],
            guardrail_policy_arns=[read_only],
            logging_level="ERROR",
            # The channel may pass its role only once the role can read CloudWatch
            # (pitfall iam-propagation; tests/test_role_propagation.py). A new workspace id
            # replaces the channel under the same configuration name, which cannot exist twice:
            # delete first (a few seconds without Slack; e-mail still pages).
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[read_only_attachment], delete_before_replace=True
            ),
        )

    # --- alarms -------------------------------------------------------------------------------

    def _metric_alarm(
        self,
        alarm_id: str,
        summary: str,
        *,
        runbook_id: str | None = None,
        notify: bool = True,
        **settings: Any,
    ) -> aws.cloudwatch.MetricAlarm:
        """An alarm named ``<component>-<alarm_id>``; a notifying one sends ALARM and OK."""
        physical_name = f"{self._name}-{alarm_id}"
        alarm = aws.cloudwatch.MetricAlarm(
            physical_name,
            name=physical_name,
            alarm_description=alarm_description(summary, runbook_id or alarm_id),
            alarm_actions=self._actions if notify else [],
            ok_actions=self._actions if notify else [],
            opts=self._child,
            **settings,
        )
        self._metric_alarms[alarm_id] = alarm
        if notify:
            self._notifying[alarm_id] = alarm
        return alarm

    def _error_ratio_window(self, alert: BurnRateAlert, seconds: int) -> aws.cloudwatch.MetricAlarm:
        args = self._args
        burn = alert.burn_rate(args.slo.window_days)

        return self._metric_alarm(
            f"{alert.alarm_id}-{window_label(seconds)}",
            f"Availability SLO {args.slo.availability_percent}%: 5xx ratio over "
            f"{window_label(seconds)} above {burn}x the error budget. Member of "
            f"{self._name}-{alert.alarm_id}; does not notify on its own.",
            runbook_id=alert.alarm_id,
            # Only the composite pages: one window alone is either not significant (short) or
            # slow to reset (long).
            notify=False,
            comparison_operator="GreaterThanThreshold",
            threshold=error_ratio_threshold(args.slo.availability_percent, burn),
            evaluation_periods=1,
            datapoints_to_alarm=1,
            # No requests is not an outage: the expression is 0 below the request floor, and a
            # window with no data at all stays OK.
            treat_missing_data="notBreaching",
            # 503s with no registered target count as requests too (components/slo.py).
            metric_queries=error_ratio_queries(
                args.load_balancer_arn_suffix,
                period=seconds,
                min_requests=args.burn_rate_min_requests,
            ),
        )

    def _burn_rate_alarm(self, alert: BurnRateAlert) -> aws.cloudwatch.CompositeAlarm:
        args = self._args
        long_window, short_window = (
            self._error_ratio_window(alert, seconds) for seconds in alert.windows
        )
        burn = alert.burn_rate(args.slo.window_days)
        composite_name = f"{self._name}-{alert.alarm_id}"
        composite = aws.cloudwatch.CompositeAlarm(
            composite_name,
            alarm_name=composite_name,
            alarm_description=alarm_description(
                f"Availability SLO {args.slo.availability_percent}% over "
                f"{args.slo.window_days} days: the error budget burns {burn}x too fast "
                f"({window_label(alert.long_window_seconds)} and "
                f"{window_label(alert.short_window_seconds)} windows); "
                f"{alert.budget_fraction:.0%} of it is gone.",
                alert.alarm_id,
            ),
            alarm_rule=pulumi.Output.format(
                'ALARM("{0}") AND ALARM("{1}")', long_window.name, short_window.name
            ),
            alarm_actions=self._actions,
            ok_actions=self._actions,
            opts=self._child,
        )
        self._notifying[alert.alarm_id] = composite
        return composite

    def _latency_alarm(self) -> None:
        args = self._args
        self._metric_alarm(
            "latency-p99",
            f"Latency SLO: p99 target response time above {args.slo.latency_p99_seconds} s "
            "in 3 of the last 5 minutes.",
            namespace=ALB_NAMESPACE,
            metric_name="TargetResponseTime",
            dimensions=self._latency_dimensions(),
            # A percentile goes in extended_statistic, never statistic (pitfall
            # alarm-percentile).
            extended_statistic="p99",
            # A p99 of a handful of requests is one slow request, not a trend.
            evaluate_low_sample_count_percentiles="ignore",
            period=60,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            comparison_operator="GreaterThanThreshold",
            threshold=args.slo.latency_p99_seconds,
            # No requests, no datapoint: quiet is not slow.
            treat_missing_data="notBreaching",
        )

    def _latency_dimensions(self) -> dict[str, pulumi.Input[str]]:
        """The p99 of the one target group; with two (blue/green), the whole ALB's.

        A percentile cannot be summed across groups, and after a blue/green swap the primary
        group is empty. This ALB serves only this service, so its LoadBalancer-level
        TargetResponseTime covers exactly the requests of both groups.
        """
        args = self._args
        dimensions: dict[str, pulumi.Input[str]] = {"LoadBalancer": args.load_balancer_arn_suffix}
        if len(args.target_group_arn_suffixes) == 1:
            dimensions["TargetGroup"] = args.target_group_arn_suffixes[0]
        return dimensions

    def _target_count(self, metric_name: str, statistic: str) -> dict[str, Any]:
        """Alarm settings for a per-target-group host count, in one-minute periods.

        One group: the metric itself. Two (blue/green): the sum of both groups' counts, because
        ECS moves the tasks to the other group on every deploy and the ALB publishes host counts
        only per target group.
        """
        args = self._args
        groups = args.target_group_arn_suffixes

        def dimensions(group: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
            return {"TargetGroup": group, "LoadBalancer": args.load_balancer_arn_suffix}

        if len(groups) == 1:
            return {
                "namespace": ALB_NAMESPACE,
                "metric_name": metric_name,
                "dimensions": dimensions(groups[0]),
                "statistic": statistic,
                "period": 60,
            }
        query_ids = [f"m{index}" for index in range(1, len(groups) + 1)]
        queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] = [
            {
                "id": query_id,
                "return_data": False,
                "metric": {
                    "namespace": ALB_NAMESPACE,
                    "metric_name": metric_name,
                    "dimensions": dimensions(group),
                    "stat": statistic,
                    "period": 60,
                },
            }
            for query_id, group in zip(query_ids, groups, strict=True)
        ]
        queries.append(
            {
                "id": "all_groups",
                "label": f"{metric_name}, all target groups",
                # The idle group may publish nothing: it adds 0, not a gap.
                "expression": filled_sum(*query_ids),
                "return_data": True,
            }
        )
        return {"metric_queries": queries}

    def _unhealthy_hosts_alarm(self) -> None:
        self._metric_alarm(
            "unhealthy-hosts",
            "A target has failed its load-balancer health check for 3 minutes.",
            **self._target_count("UnHealthyHostCount", "Maximum"),
            evaluation_periods=3,
            datapoints_to_alarm=3,
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            # The count is published every minute while the target group serves; no data
            # means no targets to be unhealthy (healthy-hosts-low covers that case).
            treat_missing_data="notBreaching",
        )

    def _target_health_alarms(self) -> None:
        args = self._args
        if args.unhealthy_hosts_alarm:
            self._unhealthy_hosts_alarm()
        self._metric_alarm(
            "healthy-hosts-low",
            f"Fewer than {args.min_healthy_hosts} healthy targets (the autoscaling minimum) "
            "for 5 minutes.",
            **self._target_count("HealthyHostCount", "Minimum"),
            # Five minutes: a Spot interruption or a crashed task is replaced within about
            # three; a shortage beyond that is capacity the service cannot get back.
            evaluation_periods=5,
            datapoints_to_alarm=5,
            comparison_operator="LessThanThreshold",
            threshold=args.min_healthy_hosts,
            # The ALB publishes this count every minute, traffic or not, while targets are
            # registered; silence means nothing is registered, which is an outage (with two
            # groups, both silent sums to 0 or to nothing: breaching either way). During the
            # dev night schedule (no tasks on purpose) the alarm's actions are paused instead.
            treat_missing_data="breaching",
        )

    def _running_tasks_alarm(self) -> None:
        args = self._args
        service_dimensions = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}

        def task_count(
            query_id: str, metric_name: str
        ) -> aws.cloudwatch.MetricAlarmMetricQueryArgsDict:
            return {
                "id": query_id,
                "return_data": False,
                "metric": {
                    "namespace": CONTAINER_INSIGHTS,
                    "metric_name": metric_name,
                    "stat": "Average",
                    "period": 60,
                    "dimensions": service_dimensions,
                },
            }

        self._metric_alarm(
            "running-tasks-low",
            "Fewer tasks running than the service wants, for 5 minutes (Container Insights).",
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            evaluation_periods=5,
            datapoints_to_alarm=5,
            # No Container Insights data is not a missing task: healthy-hosts-low watches
            # the service from the load balancer's side.
            treat_missing_data="notBreaching",
            metric_queries=[
                task_count("desired", "DesiredTaskCount"),
                task_count("running", "RunningTaskCount"),
                {
                    "id": "missing",
                    "label": "desired - running",
                    "expression": "FILL(desired,0) - FILL(running,0)",
                    "return_data": True,
                },
            ],
        )

    def _utilization_alarms(self) -> None:
        args = self._args
        for alarm_id, metric_name, what in (
            ("ecs-cpu-high", "CPUUtilization", "CPU"),
            ("ecs-memory-high", "MemoryUtilization", "memory"),
        ):
            self._metric_alarm(
                alarm_id,
                f"Service {what} at or above {SATURATION_PERCENT}% of the task size for 5 minutes.",
                namespace=ECS,
                metric_name=metric_name,
                dimensions={"ClusterName": args.cluster_name, "ServiceName": args.service_name},
                statistic="Average",
                period=60,
                evaluation_periods=5,
                datapoints_to_alarm=5,
                comparison_operator="GreaterThanOrEqualToThreshold",
                threshold=SATURATION_PERCENT,
                # No running tasks publish nothing; that is healthy-hosts-low's business.
                treat_missing_data="notBreaching",
            )

    # --- logs ---------------------------------------------------------------------------------

    def log_filter_patterns(self) -> dict[str, str]:
        """Metric name -> filter pattern; every pattern is in log_patterns' tested subset."""
        args = self._args
        return {
            HTTP_5XX_METRIC: json_numeric_comparison("status", ">=", 500),
            SLOW_REQUEST_METRIC: json_numeric_comparison(
                "request_time", ">", args.slo.latency_p99_seconds
            ),
            ERROR_LOG_METRIC: any_term(args.error_log_terms),
        }

    def _log_alarms(self) -> None:
        name, args = self._name, self._args
        patterns = self.log_filter_patterns()
        for metric_name, pattern in patterns.items():
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{metric_name}",
                log_group_name=args.log_group_name,
                pattern=pattern,
                metric_transformation={
                    "name": metric_name,
                    "namespace": args.metric_namespace,
                    "value": "1",
                    # 0 for every non-matching event: while logs flow the metric is a real
                    # series, so a count of 0 is distinguishable from no logs at all.
                    "default_value": "0",
                    "unit": "Count",
                },
                opts=self._child,
            )
        for alarm_id, metric_name, threshold, summary in (
            (
                "app-5xx-responses",
                HTTP_5XX_METRIC,
                HTTP_5XX_LOG_THRESHOLD,
                "nginx logged 5xx responses",
            ),
            (
                "app-slow-requests",
                SLOW_REQUEST_METRIC,
                SLOW_REQUEST_LOG_THRESHOLD,
                f"nginx logged requests slower than {args.slo.latency_p99_seconds} s",
            ),
            (
                "app-error-log",
                ERROR_LOG_METRIC,
                ERROR_LOG_THRESHOLD,
                f"nginx logged error lines ({', '.join(args.error_log_terms)})",
            ),
        ):
            self._metric_alarm(
                alarm_id,
                f"{summary}: {threshold} or more in 5 minutes.",
                namespace=args.metric_namespace,
                metric_name=metric_name,
                statistic="Sum",
                period=LOG_WINDOW_SECONDS,
                evaluation_periods=1,
                datapoints_to_alarm=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                threshold=threshold,
                # No log events (no traffic) is not an outage.
                treat_missing_data="notBreaching",
            )

    def saved_queries(self) -> dict[str, str]:
        """Logs Insights query name -> query, on the app's log group."""
        args = self._args
        error_regex = "|".join(_regex_escape(term) for term in args.error_log_terms)
        return {
            f"{self._name}/top-5xx-paths": (
                "fields @timestamp, status, path\n"
                "| filter status >= 500\n"
                "| stats count(*) as responses by status, path\n"
                "| sort responses desc\n"
                "| limit 20"
            ),
            # The runbook reads the task (@logStream) and the body size off this list.
            f"{self._name}/slowest-requests": (
                "fields @timestamp, @logStream, request_time, status, method, uri, "
                "body_bytes_sent, trace_id\n"
                "| filter ispresent(request_time)\n"
                "| sort request_time desc\n"
                "| limit 50"
            ),
            # Pick the time range around the alarm in the console; the query lists every error
            # line in it, oldest first, with its stream (one stream per task).
            f"{self._name}/error-lines": (
                "fields @timestamp, @logStream, @message\n"
                f"| filter @message like /{error_regex}/\n"
                "| sort @timestamp asc\n"
                "| limit 200"
            ),
        }

    def _saved_queries(self) -> None:
        for query_name, query in self.saved_queries().items():
            aws.cloudwatch.QueryDefinition(
                f"{self._name}-query-{query_name.rsplit('/', 1)[-1]}",
                name=query_name,
                query_string=query,
                log_group_names=[self._args.log_group_name],
                opts=self._child,
            )

    # --- night schedule -----------------------------------------------------------------------

    def _pause_at_night(
        self,
        night: NightSchedule,
        *,
        paused: Sequence[aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm],
        rechecked: Mapping[str, aws.cloudwatch.MetricAlarm],
    ) -> None:
        """Disable the availability alarms' actions while the dev service is scaled to zero.

        At night the ALB answers 503 (no targets) and HealthyHostCount is 0, which is intended.
        EventBridge Scheduler disables the actions on the scale-in cron and time zone, and
        re-enables them ALARMS_BACK_AFTER_SCALE_OUT_MINUTES after scale-out. Alarm actions run
        on state changes only: an alarm still in ALARM from the night when its actions return
        would stay silent however long the service stays down. So
        RECHECK_AFTER_ALARMS_BACK_MINUTES later each ``rechecked`` alarm is set to OK once;
        if the service is still down it goes back to ALARM within minutes and pages (after an
        OK that says why), and if it is up nothing happens.

        A composite actions_suppressor was the alternative, but it needs a suppressor alarm that
        is in ALARM exactly at night (no metric says "scaled to zero on purpose" without
        Container Insights) and it cannot silence the metric alarm on healthy hosts.
        """
        name, args = self._name, self._args
        alarms_back_cron = cron_minutes_later(
            night.scale_out_cron, ALARMS_BACK_AFTER_SCALE_OUT_MINUTES
        )
        recheck_cron = cron_minutes_later(
            night.scale_out_cron,
            ALARMS_BACK_AFTER_SCALE_OUT_MINUTES + RECHECK_AFTER_ALARMS_BACK_MINUTES,
        )
        # components/config.py rejects a scale-out cron these shifts cannot move.
        assert alarms_back_cron is not None and recheck_cron is not None
        role = service_role(
            f"{name}-alarm-schedule",
            service="scheduler.amazonaws.com",
            description="Pauses the availability alarms' actions during the night schedule",
            permissions_boundary_arn=args.permissions_boundary_arn,
            source_account=self._account_id,
            opts=self._child,
        )
        schedule_policy = aws.iam.RolePolicy(
            f"{name}-alarm-schedule",
            role=role.id,
            policy=pulumi.Output.all(
                paused=pulumi.Output.all(*(alarm.arn for alarm in paused)),
                rechecked=pulumi.Output.all(*(alarm.arn for alarm in rechecked.values())),
            ).apply(lambda arns: json.dumps(_alarm_schedule_policy(**arns))),
            opts=self._child,
        )
        request = pulumi.Output.all(*(_alarm_name(alarm) for alarm in paused)).apply(
            lambda names: json.dumps({"AlarmNames": list(names)})
        )
        schedules: list[tuple[str, str, str, pulumi.Input[str]]] = [
            ("alarms-off-at-night", night.scale_in_cron, DISABLE_ALARM_ACTIONS, request),
            ("alarms-on-in-the-morning", alarms_back_cron, ENABLE_ALARM_ACTIONS, request),
        ]
        if recheck_cron is not None:
            for alarm_id, alarm in rechecked.items():
                set_ok = alarm.name.apply(
                    lambda alarm_name: json.dumps(
                        {
                            "AlarmName": alarm_name,
                            "StateValue": "OK",
                            "StateReason": "Dev night schedule: set to OK once after scale-out so "
                            "that an alarm still breaching alarms again (docs/slo.md).",
                        }
                    )
                )
                schedules.append((f"recheck-{alarm_id}", recheck_cron, SET_ALARM_STATE, set_ok))
        for suffix, cron, target_arn, target_input in schedules:
            aws.scheduler.Schedule(
                f"{name}-{suffix}",
                description=f"{suffix.replace('-', ' ')}: the dev night schedule of {name}",
                schedule_expression=cron,
                schedule_expression_timezone=night.timezone,
                # Exactly on time: a late "off" would let the scale-in 503s page someone.
                flexible_time_window={"mode": "OFF"},
                target={"arn": target_arn, "role_arn": role.arn, "input": target_input},
                # The schedule's first run must find the role's policy in place (pitfall
                # iam-propagation; tests/test_role_propagation.py).
                opts=pulumi.ResourceOptions(parent=self, depends_on=[schedule_policy]),
            )

    # --- dashboard ----------------------------------------------------------------------------

    def _dashboard(self) -> aws.cloudwatch.Dashboard:
        args = self._args
        alarm_arns = [alarm.arn for alarm in self._notifying.values()]
        slo = args.slo
        body = pulumi.Output.all(
            load_balancer=args.load_balancer_arn_suffix,
            target_groups=pulumi.Output.all(*args.target_group_arn_suffixes),
            cluster=args.cluster_name,
            service=args.service_name,
            alarm_arns=pulumi.Output.all(*alarm_arns),
        ).apply(
            lambda values: json.dumps(
                dashboard_body(
                    DashboardTargets(
                        region=args.region,
                        load_balancer=values["load_balancer"],
                        target_groups=values["target_groups"],
                        cluster=values["cluster"],
                        service=values["service"],
                        latency_slo_seconds=slo.latency_p99_seconds,
                        error_budget=error_budget(slo.availability_percent),
                        burn_rate_min_requests=args.burn_rate_min_requests,
                        burn_rates=[a.burn_rate(slo.window_days) for a in BURN_RATE_ALERTS],
                        container_insights=args.container_insights,
                        log_namespace=args.metric_namespace,
                        log_metric_names=LOG_METRICS,
                        alarm_arns=values["alarm_arns"],
                    )
                )
            )
        )
        return aws.cloudwatch.Dashboard(
            f"{self._name}-golden-signals",
            dashboard_name=f"{self._name}-golden-signals",
            dashboard_body=body,
            opts=self._child,
        )


def _alarm_name(
    alarm: aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm,
) -> pulumi.Output[str]:
    if isinstance(alarm, aws.cloudwatch.CompositeAlarm):
        return alarm.alarm_name
    return alarm.name


def _regex_escape(term: str) -> str:
    """Escape a literal for a Logs Insights ``/regex/``: only metacharacters and the slash."""
    return re.sub(r"([\\.^$|?*+()\[\]{}/])", r"\\\1", term)


def _alarm_schedule_policy(paused: Sequence[str], rechecked: Sequence[str]) -> dict[str, Any]:
    statements = [
        {
            "Effect": "Allow",
            "Action": ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions"],
            "Resource": sorted(paused),
        }
    ]
    if rechecked:
        statements.append(
            {"Effect": "Allow", "Action": "cloudwatch:SetAlarmState", "Resource": sorted(rechecked)}
        )
    return policy_document(*statements)
