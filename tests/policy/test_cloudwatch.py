"""policy/rules/cloudwatch.py: CloudWatch log groups and alarms, and SNS. Each case is one graph
that the pack, through its Analyzer gRPC interface, must flag exactly at the named resources (or
pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
    run,
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


ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
TOPIC_ARN = "arn:aws:sns:ap-northeast-1:123456789012:alerts"


def deploy_alarm(**alarms: Any) -> list[dict[str, Any]]:
    """An alarm without actions named by a service's deployment `alarms` block."""
    return [
        res(ALARM, "deploy-5xx", {}),
        res(
            "service",
            "svc",
            {"alarms": {"alarmNames": ["deploy-5xx"], "enable": True, "rollback": True, **alarms}},
        ),
    ]


def grant(principal: str) -> dict[str, Any]:
    return {
        "arn": TOPIC_ARN,
        "policy": doc(
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sns:Publish"}
        ),
    }


def branch_cases() -> Iterator[Case]:
    """One condition flipped per case, so weakening that condition fails a test."""
    p = "alarm-notifies-project-topic"
    yield case(
        p,
        "flags actions to something that is not a topic",
        res(ALARM, "bad", {"alarmActions": ["arn:aws:automate:ap-northeast-1:ec2:stop"]}),
        flagged=("bad",),
    )
    yield case(
        p,
        "flags a deployment alarm without rollback",
        *deploy_alarm(rollback=False),
        flagged=("deploy-5xx",),
    )
    yield case(
        p,
        "flags an alarm another service's rollback does not name",
        *deploy_alarm(alarmNames=["other"]),
        flagged=("deploy-5xx",),
    )
    yield case(
        p,
        "flags a composite that notifies nobody and its child",
        res(ALARM, "burn-1h", {}),
        res(COMPOSITE, "burn", {"alarmRule": 'ALARM("burn-1h")'}),
        flagged=("burn", "burn-1h"),
    )
    yield case(
        p,
        "flags an alarm a notifying composite does not name",
        res(TOPIC, "alerts"),
        res(ALARM, "burn-6h", {}),
        res(
            COMPOSITE,
            "burn",
            {"alarmRule": 'ALARM("burn-1h")', "alarmActions": ["x"]},
            deps={"alarmActions": ["alerts"]},
        ),
        flagged=("burn-6h",),
    )
    p = "log-group-retention-1y"
    lg = "aws:cloudwatch/logGroup:LogGroup"
    yield case(p, "passes 400 days", res(lg, "good", {"retentionInDays": 400}))
    yield case(
        p,
        "passes the configured minimum",
        res(lg, "good", {"retentionInDays": 30}),
        properties={"minRetentionDays": 30},
    )
    yield case(
        p,
        "flags a day below the configured minimum",
        res(lg, "bad", {"retentionInDays": 29}),
        flagged=("bad",),
        properties={"minRetentionDays": 30},
    )
    yield case(
        "alarm-notifies-project-topic",
        "passes a child named by its physical name, equal to its logical name",
        res(TOPIC, "alerts"),
        res(ALARM, "burn-1h", {"name": "burn-1h"}),
        res(
            COMPOSITE,
            "burn",
            {"alarmRule": 'ALARM("burn-1h")', "alarmActions": ["x"]},
            deps={"alarmActions": ["alerts"]},
        ),
    )
    yield case(
        "sns-no-cross-account",
        "flags a lower account id",
        res(TOPIC_POLICY, "bad", grant("000000000001")),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes no retention (the retention-set rule's job)",
        res("aws:cloudwatch/logGroup:LogGroup", "good", {}),
    )
    yield case(
        "alarm-actions-enabled",
        "passes actions enabled",
        res(ALARM, "good", {"actionsEnabled": True}),
    )
    p = "aws-sns-topic-encryption-use-cmk"
    yield case(
        p,
        "flags the AWS key by ARN",
        res(
            TOPIC,
            "bad",
            {"kmsMasterKeyId": "arn:aws:kms:ap-northeast-1:123456789012:alias/aws/sns"},
        ),
        flagged=("bad",),
    )
    yield case(p, "passes no key (the encryption rule's job)", res(TOPIC, "good", {}))
    p = "sns-topic-policy-not-public"
    yield case(
        p,
        "flags AWS * on a topic",
        res(
            TOPIC,
            "bad",
            {
                "policy": doc(
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish"}
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        p,
        "passes a Deny to *",
        res(
            TOPIC_POLICY,
            "good",
            {"policy": doc({"Effect": "Deny", "Principal": "*", "Action": "sns:Publish"})},
        ),
    )
    p = "sns-no-cross-account"
    yield case(
        p,
        "flags a bare account id",
        res(TOPIC_POLICY, "bad", grant("999999999999")),
        flagged=("bad",),
    )
    yield case(p, "passes the own account id", res(TOPIC_POLICY, "good", grant("123456789012")))
    yield case(
        p,
        "passes a Deny to another account",
        res(
            TOPIC_POLICY,
            "good",
            {
                "arn": TOPIC_ARN,
                "policy": doc(
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": "999999999999"},
                        "Action": "sns:Publish",
                    }
                ),
            },
        ),
    )
    yield case(
        p,
        "passes a topic ARN without an account",
        res(TOPIC_POLICY, "good", {**grant("999999999999"), "arn": "alerts"}),
    )
    yield case(p, "passes a service principal name", res(TOPIC_POLICY, "good", grant("cloudwatch")))
    yield case(
        p,
        "passes a principal ARN whose account field is not an account id",
        res(
            TOPIC_POLICY,
            "good",
            grant("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"),
        ),
    )
    yield case(
        "sns-subscription-no-plain-http",
        "passes https",
        res("aws:sns/topicSubscription:TopicSubscription", "good", {"protocol": "https"}),
    )


CASES = [*cases(), *branch_cases()]


@pytest.mark.parametrize("c", CASES, ids=case_ids(CASES))
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert_flags_exactly(pack, c)


def test_every_policy_has_a_flagged_and_a_passing_fixture() -> None:
    assert policies_without_both_sides(CASES, cloudwatch.POLICIES) == {}


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    assert badly_worded_violations(pack, CASES) == []


@pytest.mark.parametrize(("days", "accepted"), [(0, False), (1, True)])
def test_the_retention_minimum_is_at_least_one_day(
    pack: PolicyPackClient, days: int, accepted: bool
) -> None:
    """The policy's config schema, which the CLI and the gate validate, refuses 0 days."""
    settings = case("log-group-retention-1y", "config only", properties={"minRetentionDays": days})
    assert (run(pack, [], settings).config_errors == []) is accepted
