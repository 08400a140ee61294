"""VPC flow logs, REJECT only, to CloudWatch Logs: the Network's optional audit trail."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.iam import policy_document, service_role


def reject_flow_logs(
    name: str, cfg: StackConfig, vpc: aws.ec2.Vpc, *, parent: pulumi.Resource
) -> aws.cloudwatch.LogGroup:
    """REJECT-only flow logs: the denied traffic is what an investigation needs, at a
    fraction of the ingestion cost of ALL."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-flow-logs",
        retention_in_days=cfg.network.flow_log_retention_days,
        opts=pulumi.ResourceOptions(
            parent=parent, retain_on_delete=cfg.general.protect_stateful_resources
        ),
    )
    account_id = aws.get_caller_identity().account_id
    role = service_role(
        f"{name}-flow-logs",
        service="vpc-flow-logs.amazonaws.com",
        description="VPC Flow Logs delivery to CloudWatch Logs",
        permissions_boundary_arn=cfg.general.permissions_boundary_arn,
        source_account=account_id,
        opts=child,
    )
    policy = aws.iam.RolePolicy(
        f"{name}-flow-logs",
        role=role.id,
        policy=log_group.arn.apply(
            lambda arn: json.dumps(
                policy_document(
                    {
                        "Effect": "Allow",
                        "Action": [
                            "logs:CreateLogStream",
                            "logs:PutLogEvents",
                            "logs:DescribeLogStreams",
                        ],
                        "Resource": [arn, f"{arn}:*"],
                    }
                )
            )
        ),
        opts=child,
    )
    aws.ec2.FlowLog(
        f"{name}-flow-log",
        vpc_id=vpc.id,
        traffic_type="REJECT",
        log_destination_type="cloud-watch-logs",
        log_destination=log_group.arn,
        iam_role_arn=role.arn,
        max_aggregation_interval=600,
        # The role's ARN alone lets the flow log be created before IAM has propagated the
        # role and its policy; CreateFlowLogs then fails with "InvalidParameter: Unable to
        # assume given IAM role" (terraform-provider-aws#29323; pitfall iam-propagation).
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[policy]),
    )
    return log_group
