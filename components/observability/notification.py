"""Where the notifying alarms go: one SNS topic (optionally under a customer-managed key), its
e-mail subscriptions, and an optional Slack channel through AWS Chatbot."""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi_aws as aws

from components.config import ObservabilityConfig, secret_input
from components.iam import policy_document
from components.scope import ComponentScope

# Amazon Q Developer in chat applications (AWS Chatbot) serves its API from these regions only
# (Chatbot API reference, "Welcome"); the stack region is used when it is one of them.
CHATBOT_REGIONS = ("us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1")
# Read-only: what the Chatbot channel may do, both as the role's permissions and as the channel
# guardrail (the guardrail defaults to AdministratorAccess when left unset).
CHATBOT_READ_ONLY_POLICY = "iam::aws:policy/CloudWatchReadOnlyAccess"


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


def has_slack(observability: ObservabilityConfig) -> bool:
    return bool(observability.slack_workspace_id and observability.slack_channel_id)


def alarm_topic(scope: ComponentScope, observability: ObservabilityConfig) -> aws.sns.Topic:
    name = scope.name
    key = None
    if observability.alarm_topic_cmk:
        key = aws.kms.Key(
            f"{name}-alarm-topic-key",
            description=f"Encrypts the alarm topic of {name}; CloudWatch alarms may use it",
            enable_key_rotation=True,
            # Nothing stays encrypted under this key (SNS keeps no messages), so the shortest
            # window is safe.
            deletion_window_in_days=7,
            policy=json.dumps(topic_key_policy(scope)),
            opts=scope.child(),
        )
    topic_name = f"{name}-alarms"
    topic_arn = f"arn:{scope.partition}:sns:{scope.region}:{scope.account_id}:{topic_name}"
    topic = aws.sns.Topic(
        topic_name,
        name=topic_name,
        # A customer-managed key, never alias/aws/sns: the AWS-managed key's policy cannot grant
        # CloudWatch, and alarm deliveries are then dropped silently (pitfall sns-kms).
        kms_master_key_id=key.arn if key else None,
        # Inline, so the topic never exists with the default policy; the ARN is known because
        # the name is explicit.
        policy=json.dumps(topic_policy(scope, topic_arn)),
        opts=scope.child(),
    )
    for email in observability.alarm_emails:
        # Stays PendingConfirmation until the recipient clicks the link AWS mails (pitfall
        # sns-email-pending): the README's deploy steps say so.
        aws.sns.TopicSubscription(
            f"{name}-alarms-{re.sub(r'[^a-z0-9]+', '-', email.lower())}",
            topic=topic.arn,
            protocol="email",
            endpoint=secret_input("alarmEmails", email),
            opts=scope.child(),
        )
    return topic


def topic_key_policy(scope: ComponentScope) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "AccountAdministersTheKey",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{scope.partition}:iam::{scope.account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            # Pitfall sns-kms: without this, alarms fail with KMS AccessDeniedException and no
            # notification arrives.
            "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    )


def topic_policy(scope: ComponentScope, topic_arn: str) -> dict[str, Any]:
    account, partition = scope.account_id, scope.partition
    return policy_document(
        {
            "Sid": "AccountManagesTheTopic",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
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
                    "aws:SourceArn": f"arn:{partition}:cloudwatch:{scope.region}:{account}:alarm:*"
                },
            },
        },
    )


def slack_channel(
    scope: ComponentScope, observability: ObservabilityConfig, topic: aws.sns.Topic
) -> aws.chatbot.SlackChannelConfiguration:
    """Slack delivery through Amazon Q Developer in chat applications (AWS Chatbot).

    The workspace must have been authorised once in the Chatbot console; only then do the ids
    below resolve. pulumi-aws v7's per-resource ``region`` reaches a Chatbot API region with the
    stack's own provider, so the stack's default tags still apply (an explicit provider would
    not inherit them).
    """
    name = scope.name
    read_only = f"arn:{scope.partition}:{CHATBOT_READ_ONLY_POLICY}"
    role = scope.service_role(
        "chatbot",
        service="chatbot.amazonaws.com",
        description="Slack channel of the alarm topic: read-only CloudWatch",
        acts_for_account=True,
    )
    read_only_attachment = aws.iam.RolePolicyAttachment(
        f"{name}-chatbot-read-only",
        role=role.name,
        policy_arn=read_only,
        opts=scope.child(),
    )
    return aws.chatbot.SlackChannelConfiguration(
        f"{name}-slack",
        configuration_name=f"{name}-alarms",
        region=chatbot_region(scope.region),
        iam_role_arn=role.arn,
        slack_team_id=secret_input("slackWorkspaceId", observability.slack_workspace_id),
        slack_channel_id=secret_input("slackChannelId", observability.slack_channel_id),
        sns_topic_arns=[topic.arn],
        guardrail_policy_arns=[read_only],
        logging_level="ERROR",
        # The channel may pass its role only once the role can read CloudWatch (pitfall
        # iam-propagation; tests/program/test_role_propagation.py). A new workspace id replaces
        # the channel under the same configuration name, which cannot exist twice: delete first
        # (a few seconds without Slack; e-mail still pages).
        opts=scope.child(depends_on=[read_only_attachment], delete_before_replace=True),
    )
