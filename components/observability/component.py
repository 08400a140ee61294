"""The Observability component: renders the alarm-spec table under one ComponentResource and wires
what the alarms notify, the log metrics they read, the night pause and the dashboard."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.observability.alarms import ALARMS, COMPOSITE_ALARMS
from components.observability.dashboard import golden_signals_dashboard
from components.observability.logs import metric_filters, query_definitions
from components.observability.night_pause import pause_at_night
from components.observability.notification import alarm_topic, has_slack, slack_channel
from components.observability.spec import AlarmSpec, CompositeSpec, alarm_description
from components.observability.watched import AlarmContext, WatchedService
from components.scope import ComponentScope

Alarm = aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm


class Observability(pulumi.ComponentResource):
    """Alarms on the SLOs and the service's health, delivered to one SNS topic."""

    alarm_topic_arn: pulumi.Output[str]
    dashboard_name: pulumi.Output[str] | None
    alarm_names: list[str]
    """Every alarm that notifies (composites and standalone alarms), by physical name."""

    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        *,
        service: WatchedService,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ecs-fargate:index:Observability", name, None, opts)
        observability = cfg.observability
        scope = ComponentScope.of(name, self, cfg)
        context = AlarmContext(
            name=name,
            service=service,
            observability=observability,
            metric_namespace=f"EcsFargate/{cfg.stack}",
        )

        topic = alarm_topic(scope, observability)
        self._actions: list[pulumi.Input[str]] = [topic.arn]
        if has_slack(observability):
            slack_channel(scope, observability, topic)

        metric_alarms = {
            spec.alarm_id: self._metric_alarm(scope, spec, context)
            for spec in ALARMS
            if spec.enabled(observability)
        }
        composites = {
            spec.alarm_id: self._composite_alarm(scope, spec, context, metric_alarms)
            for spec in COMPOSITE_ALARMS
        }
        # The dashboard lists the notifying alarms composites first, then the table's order.
        notifying: dict[str, Alarm] = {
            **composites,
            **{
                spec.alarm_id: metric_alarms[spec.alarm_id]
                for spec in ALARMS
                if spec.notify and spec.alarm_id in metric_alarms
            },
        }
        metric_filters(
            scope,
            observability,
            log_group_name=service.log_group_name,
            namespace=context.metric_namespace,
        )
        query_definitions(
            scope, observability.error_log_terms, log_group_name=service.log_group_name
        )
        night = cfg.service.night_schedule
        if night is not None:
            paused_specs = [
                spec for spec in ALARMS if spec.paused_at_night and spec.alarm_id in metric_alarms
            ]
            paused_composites = [spec for spec in COMPOSITE_ALARMS if spec.paused_at_night]
            pause_at_night(
                scope,
                night,
                paused=[
                    *(composites[spec.alarm_id] for spec in paused_composites),
                    *(metric_alarms[spec.alarm_id] for spec in paused_specs),
                ],
                rechecked={
                    alarm_id: metric_alarms[alarm_id]
                    for alarm_id in (
                        *(spec.rechecked_member for spec in paused_composites),
                        *(spec.alarm_id for spec in paused_specs),
                    )
                },
            )

        self.alarm_topic_arn = topic.arn
        self.alarm_names = [f"{name}-{alarm_id}" for alarm_id in notifying]
        self.dashboard_name = (
            golden_signals_dashboard(
                scope,
                observability,
                service=service,
                container_insights=cfg.service.container_insights,
                log_namespace=context.metric_namespace,
                alarm_arns=[alarm.arn for alarm in notifying.values()],
            ).dashboard_name
            if observability.dashboard
            else None
        )
        self.register_outputs(
            {
                "alarmTopicArn": self.alarm_topic_arn,
                "dashboardName": self.dashboard_name,
                "alarmNames": self.alarm_names,
            }
        )

    def _metric_alarm(
        self, scope: ComponentScope, spec: AlarmSpec[AlarmContext], context: AlarmContext
    ) -> aws.cloudwatch.MetricAlarm:
        """An alarm named ``<component>-<alarm id>``; a notifying one sends ALARM and OK."""
        physical_name = f"{scope.name}-{spec.alarm_id}"
        assert spec.runbook_id is not None, "every Observability alarm links its runbook section"
        return aws.cloudwatch.MetricAlarm(
            physical_name,
            name=physical_name,
            alarm_description=alarm_description(spec.summary(context), spec.runbook_id),
            alarm_actions=self._actions if spec.notify else [],
            ok_actions=self._actions if spec.notify else [],
            opts=scope.child(),
            **spec.settings(context),
        )

    def _composite_alarm(
        self,
        scope: ComponentScope,
        spec: CompositeSpec,
        context: AlarmContext,
        members: dict[str, aws.cloudwatch.MetricAlarm],
    ) -> aws.cloudwatch.CompositeAlarm:
        physical_name = f"{scope.name}-{spec.alarm_id}"
        rule = " AND ".join(f'ALARM("{{{index}}}")' for index in range(len(spec.members)))
        return aws.cloudwatch.CompositeAlarm(
            physical_name,
            alarm_name=physical_name,
            alarm_description=alarm_description(spec.summary(context), spec.runbook_id),
            alarm_rule=pulumi.Output.format(
                rule, *(members[member].name for member in spec.members)
            ),
            alarm_actions=self._actions,
            ok_actions=self._actions,
            opts=scope.child(),
        )
