"""The Observability component's notification on its own (tests/fixtures/observability_only):
the alarm topic, its key, e-mail subscriptions and the Slack channel. Stack ``full`` has every
option on, ``plain`` every option off."""

from __future__ import annotations

import re

import pytest

from tests.support.observability import notifying, observability_only
from tests.support.paths import REPO_ROOT
from tools.graph import Graph, json_input

TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
ROLE = "aws:iam/role:Role"
README = REPO_ROOT / "README.md"


@pytest.fixture(scope="module")
def full() -> Graph:
    return observability_only("full")


@pytest.fixture(scope="module")
def plain() -> Graph:
    return observability_only("plain")


@pytest.mark.parametrize("stack", ["full", "plain"])
def test_every_notifying_alarm_sends_alarm_and_ok_to_the_topic(
    full: Graph, plain: Graph, stack: str
) -> None:
    graph = full if stack == "full" else plain
    topic_arn = graph.one(TOPIC)["outputs"]["arn"]
    for resource in notifying(graph):
        assert resource["inputs"]["alarmActions"] == [topic_arn], resource["name"]
        assert resource["inputs"]["okActions"] == [topic_arn], resource["name"]


def test_topic_policy_lets_only_this_accounts_alarms_publish(full: Graph) -> None:
    topic = full.one(TOPIC)
    statements = json_input(topic, "policy")["Statement"]
    (cloudwatch,) = [
        s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert cloudwatch["Action"] == "sns:Publish"
    assert cloudwatch["Resource"] == topic["outputs"]["arn"]
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": full.data["account"]}
    assert all(s["Principal"] != "*" for s in statements)


def test_cmk_topic_key_rotates_and_lets_cloudwatch_use_it(full: Graph) -> None:
    key = full.one(KEY)
    assert key["inputs"]["enableKeyRotation"] is True
    assert full.one(TOPIC)["inputs"]["kmsMasterKeyId"] == key["outputs"]["arn"]
    statements = json_input(key, "policy")["Statement"]
    (cloudwatch,) = [
        s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert set(cloudwatch["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    root = f"arn:aws:iam::{full.data['account']}:root"
    assert any(s["Principal"] == {"AWS": root} and s["Action"] == "kms:*" for s in statements)


def test_topic_without_cmk_is_unencrypted_and_never_uses_the_aws_managed_key(
    plain: Graph,
) -> None:
    assert not plain.of_type(KEY)
    assert not plain.one(TOPIC)["inputs"].get("kmsMasterKeyId")


def test_each_alarm_email_is_an_email_subscription_of_the_topic(full: Graph) -> None:
    topic_arn = full.one(TOPIC)["outputs"]["arn"]
    subscriptions = full.of_type(SUBSCRIPTION)
    # Pending until confirmed (pitfall sns-email-pending): only the request is asserted.
    assert sorted(s["inputs"]["endpoint"] for s in subscriptions) == [
        "oncall@example.com",
        "team+alerts@example.org",
    ]
    assert {(s["inputs"]["protocol"], s["inputs"]["topic"]) for s in subscriptions} == {
        ("email", topic_arn)
    }


def test_readme_deploy_steps_say_to_confirm_each_alarm_email() -> None:
    # The subscription stays PendingConfirmation until a human clicks (pitfall sns-email-pending).
    step = re.search(
        r"^\d+\. \*\*Confirm the e-mail subscription\.\*\*(.+?)^\d+\. ",
        README.read_text(),
        flags=re.M | re.S,
    )
    assert step, "README's deploy steps lost the confirm-subscription step"
    assert "alarmEmails" in step[1] and "pending" in step[1]


def test_slack_channel_subscribes_the_topic_from_a_chatbot_region(full: Graph) -> None:
    slack = full.one(SLACK)["inputs"]
    assert slack["slackTeamId"] == "T0123ABCDEF"
    assert slack["slackChannelId"] == "C0123ABCDEF"
    assert slack["snsTopicArns"] == [full.one(TOPIC)["outputs"]["arn"]]
    # ap-northeast-1 hosts no Chatbot API; the nearest region that does.
    assert slack["region"] == "ap-southeast-1"
    assert slack["guardrailPolicyArns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]


def test_slack_channel_role_is_read_only_with_the_permissions_boundary(full: Graph) -> None:
    role = full.resolve(full.one(SLACK)["inputs"]["iamRoleArn"])
    assert role is not None
    trust = json_input(role, "assumeRolePolicy")["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "chatbot.amazonaws.com"}]
    assert role["inputs"]["permissionsBoundary"] == "arn:aws:iam::123456789012:policy/boundary"
    attachments = [
        a["inputs"]["policyArn"]
        for a in full.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a["inputs"]["role"] == role["outputs"]["name"]
    ]
    assert attachments == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]


def test_no_slack_resources_without_slack_ids(plain: Graph) -> None:
    assert not plain.of_type(SLACK)
    assert not plain.of_type(ROLE)
