"""CloudWatch log groups and alarms; SNS topics (policy_rules.md §7 and §8)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._policy_documents import open_to_anyone, statements
from ._resources import Stack, account_of_arn, as_list, identities_of, is_false, is_true

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def _log_group_cmk(args: ResourceValidationArgs) -> Iterator[str]:
    if not args.props.get("kmsKeyId"):
        yield "the log group is encrypted with the service key, not a customer-managed key"


log_group_cmk = resource_rule(
    name="aws-cloudwatch-log-group-customer-key",
    rows=["CW-01"],
    description="Log groups are encrypted with a customer-managed key.",
    types=[LOG_GROUP],
    fix="set kms_key_id to a CMK whose key policy allows logs.<region>.amazonaws.com",
    severity="low",
    dev="A",
    sources="trivy AWS-0017; checkov CKV_AWS_158",
    check=_log_group_cmk,
)


def _retention_set(args: ResourceValidationArgs) -> Iterator[str]:
    days = args.props.get("retentionInDays")
    if not days:
        yield "retention is not set (or 0), so logs never expire and cost grows without bound"


retention_set = resource_rule(
    name="log-group-retention-set",
    rows=["CW-02"],
    description="Log groups expire their events.",
    types=[LOG_GROUP],
    fix="set retention_in_days (the stack's log-retention setting, e.g. 14 in dev)",
    severity="medium",
    dev="M",
    sources="checkov CKV_AWS_66",
    check=_retention_set,
)


MIN_RETENTION_DAYS = 365  # the policy's default threshold (reference CW-03)


def _retention_year(args: ResourceValidationArgs) -> Iterator[str]:
    minimum = int(args.get_config().get("minRetentionDays", MIN_RETENTION_DAYS))
    days = args.props.get("retentionInDays")
    if days and int(days) < minimum:
        yield f"retention is {int(days)} days, below {minimum}"


retention_year = resource_rule(
    name="log-group-retention-1y",
    rows=["CW-03"],
    description="Log groups keep events for the compliance period.",
    types=[LOG_GROUP],
    fix="raise retention_in_days to the minRetentionDays of the stack's policy config",
    severity="low",
    dev="W",
    sources="checkov CKV_AWS_338; AWS Config cw-loggroup-retention-period-check",
    check=_retention_year,
    config={"minRetentionDays": {"type": "integer", "minimum": 1, "default": MIN_RETENTION_DAYS}},
)


def _actions_enabled(args: ResourceValidationArgs) -> Iterator[str]:
    if is_false(args.props.get("actionsEnabled")):
        yield "actions_enabled is false, so the alarm never notifies or rolls back"


actions_enabled = resource_rule(
    name="alarm-actions-enabled",
    rows=["CW-04"],
    description="Alarm actions are enabled.",
    types=[METRIC_ALARM],
    fix="omit actions_enabled",
    severity="low",
    dev="M",
    sources="checkov CKV_AWS_319",
    check=_actions_enabled,
)


COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
ECS_SERVICE = "aws:ecs/service:Service"


def _acted_on_elsewhere(stack: Stack, alarm: PolicyResource) -> bool:
    """A child of a notifying composite alarm, or an ECS deployment alarm (its action is the
    rollback), needs no actions of its own."""
    names = identities_of(alarm) | {alarm.name}
    for composite in stack.of_type(COMPOSITE_ALARM):
        rule = str(composite.props.get("alarmRule") or "")
        if stack.referenced(composite, "alarmActions", TOPIC) and any(
            f'"{n}"' in rule for n in names
        ):
            return True
    for service in stack.of_type(ECS_SERVICE):
        alarms = service.props.get("alarms") or {}
        if is_true(alarms.get("rollback")) and names & set(as_list(alarms.get("alarmNames"))):
            return True
    return False


def _alarm_topic(stack: Stack, alarm: PolicyResource) -> Iterator[StackFinding]:
    actions = as_list(alarm.props.get("alarmActions"))
    if not actions and _acted_on_elsewhere(stack, alarm):
        return
    if not actions:
        yield StackFinding(alarm, "the alarm has no alarm_actions, so nobody hears it")
        return
    if not stack.referenced(alarm, "alarmActions", TOPIC):
        yield StackFinding(alarm, "alarm_actions do not point at an SNS topic of this stack")


alarm_topic = stack_rule(
    name="alarm-notifies-project-topic",
    rows=["CW-05"],
    description="Alarms notify the stack's SNS topic.",
    subjects=[METRIC_ALARM, COMPOSITE_ALARM],
    fix="set alarm_actions=[alerts.arn] and ok_actions=[alerts.arn]",
    severity="low",
    dev="M",
    sources="custom (CKV_AWS_319 passes alarms with no actions)",
    check=_alarm_topic,
)

# --- SNS ---------------------------------------------------------------------------------------------


def _topic_encrypted(args: ResourceValidationArgs) -> Iterator[str]:
    if not args.props.get("kmsMasterKeyId"):
        yield "the topic is not encrypted"


topic_encrypted = resource_rule(
    name="aws-sns-enable-topic-encryption",
    rows=["SNS-01"],
    description="SNS topics are encrypted.",
    types=[TOPIC],
    fix="enable the alerts-CMK setting (kms_master_key_id=alerts_cmk.arn, with a key policy "
    "granting cloudwatch.amazonaws.com)",
    severity="high",
    dev="A",
    sources="trivy AWS-0095; checkov CKV_AWS_26",
    check=_topic_encrypted,
)


def _topic_cmk(args: ResourceValidationArgs) -> Iterator[str]:
    key = str(args.props.get("kmsMasterKeyId") or "")
    if key.endswith("alias/aws/sns"):
        yield "the topic uses alias/aws/sns, whose key policy CloudWatch alarms cannot use"


topic_cmk = resource_rule(
    name="aws-sns-topic-encryption-use-cmk",
    rows=["SNS-02"],
    description="Encrypted topics use a CMK, never alias/aws/sns.",
    types=[TOPIC],
    fix="use a CMK whose key policy grants cloudwatch.amazonaws.com kms:Decrypt and "
    "kms:GenerateDataKey*",
    severity="high",
    dev="M",
    sources="trivy AWS-0136; AWS re:Post cloudwatch-configure-alarm-sns",
    check=_topic_cmk,
)


def _topic_policy_public(args: ResourceValidationArgs) -> Iterator[str]:
    for i in open_to_anyone(args.props.get("policy"), unless_conditioned=True):
        yield f"statement {i} lets anyone use the topic with no condition"


topic_policy_public = resource_rule(
    name="sns-topic-policy-not-public",
    rows=["SNS-03"],
    description="Topic policies do not open the topic to everyone.",
    types=[TOPIC, TOPIC_POLICY],
    fix="grant cloudwatch.amazonaws.com with an aws:SourceArn/aws:SourceAccount condition",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_169, CKV_AWS_283",
    check=_topic_policy_public,
)


def _topic_cross_account(args: ResourceValidationArgs) -> Iterator[str]:
    own = account_of_arn(str(args.props.get("arn") or ""))
    if own is None:
        return
    for i, s in enumerate(statements(args.props.get("policy"))):
        for principal in s.principals.get("AWS", []):
            account = account_of_arn(principal) or (principal if principal.isdigit() else None)
            if s.allows and account and account != own:
                yield f"statement {i} grants account {account}"


topic_cross_account = resource_rule(
    name="sns-no-cross-account",
    rows=["SNS-04"],
    description="Topic policies grant only this account's principals.",
    types=[TOPIC_POLICY],
    fix="remove the foreign principal",
    severity="medium",
    dev="M",
    sources="checkov CKV_AWS_385",
    check=_topic_cross_account,
)


def _subscription_http(args: ResourceValidationArgs) -> Iterator[str]:
    if str(args.props.get("protocol") or "").lower() == "http":
        yield "the subscription delivers over plain http"


subscription_http = resource_rule(
    name="sns-subscription-no-plain-http",
    rows=["SNS-05"],
    description="Subscriptions never deliver over plain HTTP.",
    types=[TOPIC_SUBSCRIPTION],
    fix="use email, https or lambda",
    severity="low",
    dev="M",
    sources="custom",
    check=_subscription_http,
)

POLICIES = [
    log_group_cmk,
    retention_set,
    retention_year,
    actions_enabled,
    alarm_topic,
    topic_encrypted,
    topic_cmk,
    topic_policy_public,
    topic_cross_account,
    subscription_http,
]
