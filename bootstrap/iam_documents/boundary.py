"""The permissions boundary: the ceiling of every role the stacks create."""

from __future__ import annotations

from typing import Any

from bootstrap.ci_permissions import MAIN_PROJECT
from bootstrap.iam_documents.document import Account, document


def boundary_policy(account: Account) -> dict[str, Any]:
    """The ceiling of every role the stacks create (IAM-19): what their task, execution, flow-log,
    ECS infrastructure, Chatbot and night-schedule roles need, and no IAM at all."""
    arn = f"arn:{account.partition}"
    regional = f"{account.region}:{account.account_id}"
    return document(
        [
            {
                "Sid": "ExecutionRolePullsImages",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                "Resource": f"{arn}:ecr:{regional}:repository/{MAIN_PROJECT}-*",
            },
            {
                # no resource-level permissions for these calls
                "Sid": "UnscopableCalls",
                "Effect": "Allow",
                "Action": [
                    "ecr:GetAuthorizationToken",
                    "logs:DescribeLogGroups",
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeRules",
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetHealth",
                    "cloudwatch:DescribeAlarms",
                    "cloudwatch:GetMetricData",
                    # Chatbot renders an alarm's graph with the channel role (Slack notifications)
                    "cloudwatch:GetMetricWidgetImage",
                ],
                "Resource": "*",
            },
            {
                "Sid": "TasksAndFlowLogsWriteLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [
                    f"{arn}:logs:{regional}:log-group:{MAIN_PROJECT}-*",
                    f"{arn}:logs:{regional}:log-group:{MAIN_PROJECT}-*:*",
                ],
            },
            {
                "Sid": "EcsBlueGreenShiftsTraffic",
                "Effect": "Allow",
                "Action": [
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:ModifyRule",
                ],
                "Resource": [
                    f"{arn}:elasticloadbalancing:{regional}:listener/app/{MAIN_PROJECT}-*/*",
                    f"{arn}:elasticloadbalancing:{regional}:listener-rule/app/{MAIN_PROJECT}-*/*",
                ],
            },
            {
                # dev night schedule: EventBridge Scheduler pauses the availability alarms
                "Sid": "NightSchedulePausesAlarmActions",
                "Effect": "Allow",
                # SetAlarmState: after the morning scale-out the paused alarms are set to OK once,
                # so one still failing notifies again (re-enabling actions alone sends nothing)
                "Action": [
                    "cloudwatch:DisableAlarmActions",
                    "cloudwatch:EnableAlarmActions",
                    "cloudwatch:SetAlarmState",
                ],
                "Resource": f"{arn}:cloudwatch:{regional}:alarm:{MAIN_PROJECT}-*",
            },
            {
                "Sid": "NoIdentityOrBoundaryTampering",
                "Effect": "Deny",
                "Action": [
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicy",
                    "iam:DeletePolicyVersion",
                    "iam:SetDefaultPolicyVersion",
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:PutRolePermissionsBoundary",
                    "iam:CreateUser",
                    "iam:CreateAccessKey",
                ],
                "Resource": "*",
            },
        ]
    )
