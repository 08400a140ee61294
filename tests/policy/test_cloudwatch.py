"""policy/rules/cloudwatch.py: CloudWatch log groups and alarms, and SNS. Each case is one graph
that the pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or
pass).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from policy.rules import cloudwatch
from tests.support.policy_cases import (
    Case,
    assert_flags_exactly,
    badly_worded_violations,
    case,
    case_ids,
    doc,
    one,
    policies_without_both_sides,
    res,
)
from tools.policy_gate import PolicyPackClient


def cases() -> Iterator[Case]:
    lg = "aws:cloudwatch/logGroup:LogGroup"
    yield from one(
        "aws-cloudwatch-log-group-customer-key",
        lg,
        {"retentionInDays": 7},
        {"retentionInDays": 7, "kmsKeyId": "arn:k"},
    )
    yield from one("log-group-retention-set", lg, {"retentionInDays": 0}, {"retentionInDays": 14})
    yield from one("log-group-retention-1y", lg, {"retentionInDays": 364}, {"retentionInDays": 365})
    alarm = "aws:cloudwatch/metricAlarm:MetricAlarm"
    yield from one("alarm-actions-enabled", alarm, {"actionsEnabled": False}, {})
    topic = "aws:sns/topic:Topic"
    yield case("alarm-notifies-project-topic", "flags", res(alarm, "bad", {}), flagged=("bad",))
    yield case(
        "alarm-notifies-project-topic",
        "passes",
        res(topic, "alerts"),
        res(alarm, "good", {"alarmActions": ["x"]}, deps={"alarmActions": ["alerts"]}),
    )
    composite = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
    yield case(
        "alarm-notifies-project-topic",
        "passes child of a notifying composite",
        res(topic, "alerts"),
        res(alarm, "burn-1h", {}),
        res(
            composite,
            "burn",
            {"alarmRule": 'ALARM("burn-1h")', "alarmActions": ["x"]},
            deps={"alarmActions": ["alerts"]},
        ),
    )
    yield case(
        "alarm-notifies-project-topic",
        "passes ECS rollback alarm",
        res(alarm, "deploy-5xx", {}),
        res(
            "service",
            "svc",
            {"alarms": {"alarmNames": ["deploy-5xx"], "enable": True, "rollback": True}},
        ),
    )
    yield from one("aws-sns-enable-topic-encryption", topic, {}, {"kmsMasterKeyId": "arn:k"})
    yield from one(
        "aws-sns-topic-encryption-use-cmk",
        topic,
        {"kmsMasterKeyId": "alias/aws/sns"},
        {"kmsMasterKeyId": "arn:k"},
    )
    tp = "aws:sns/topicPolicy:TopicPolicy"
    yield from one(
        "sns-topic-policy-not-public",
        tp,
        {"policy": doc({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish"})},
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
                }
            )
        },
    )
    topic_arn = "arn:aws:sns:ap-northeast-1:123456789012:alerts"
    yield from one(
        "sns-no-cross-account",
        tp,
        {
            "arn": topic_arn,
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                    "Action": "sns:Publish",
                }
            ),
        },
        {
            "arn": topic_arn,
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:role/x"},
                    "Action": "sns:Publish",
                }
            ),
        },
    )
    yield from one(
        "sns-subscription-no-plain-http",
        "aws:sns/topicSubscription:TopicSubscription",
        {"protocol": "http"},
        {"protocol": "email"},
    )


CASES = list(cases())


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, cloudwatch.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []
