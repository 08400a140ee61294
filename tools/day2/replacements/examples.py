"""docs/changes.md: one representative, valid, non-default change per config key (a change of
what the stack file sets, so it does something), with the keys it must move together (a new
VPC CIDR needs subnets inside it). ``app/`` is the content under app/, which is no config key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ChangeExample:
    """One row of docs/changes.md: a setting and a change of it that shows what it does."""

    key: str
    change: str
    """CHANGE text, as ``make plan CHANGE=...`` takes it."""
    stack: Literal["dev", "prod"] = "dev"
    note: str = ""
    """Said beside the change in the table (what it stands for, what to expect)."""


STAGING_TAGS = json.dumps(
    {"tags": {"Project": "ecs-fargate", "Environment": "staging", "ManagedBy": "pulumi",
              "Owner": "platform-team"}}
)  # fmt: skip
NIGHT = json.dumps(
    {"scaleInCron": "cron(0 21 ? * MON-FRI *)", "scaleOutCron": "cron(0 8 ? * MON-FRI *)",
     "timezone": "Asia/Tokyo"}
)  # fmt: skip
# A VPC change replaces the ALB with the VPC (components/web, replace_with).
VPC_OUTAGE = (
    "a full outage: a new ALB with a new DNS name (albDnsName); with a domain the alias record "
    "follows it, without one clients must move to the new name"
)
CHANGE_EXAMPLES: tuple[ChangeExample, ...] = (
    ChangeExample("environment", f"environment=staging; aws:defaultTags={STAGING_TAGS}"),
    ChangeExample("protectStatefulResources", "protectStatefulResources=true"),
    ChangeExample("permissionsBoundaryArn", "permissionsBoundaryArn="),
    ChangeExample("logRetentionDays", "logRetentionDays=30"),
    ChangeExample(
        "vpcCidr",
        'vpcCidr=10.2.0.0/16; publicSubnetCidrs=["10.2.1.0/24", "10.2.2.0/24"]; '
        'privateSubnetCidrs=["10.2.101.0/24", "10.2.102.0/24"]',
        note=VPC_OUTAGE,
    ),
    ChangeExample(
        "vpcCidr",
        'vpcCidr=10.3.0.0/16; publicSubnetCidrs=["10.3.1.0/24", "10.3.2.0/24", "10.3.3.0/24"]; '
        'privateSubnetCidrs=["10.3.101.0/24", "10.3.102.0/24", "10.3.103.0/24"]',
        stack="prod",
        note="prod: as in dev, and the old ALB's deletion protection stops the up at its delete",
    ),
    ChangeExample("publicSubnetCidrs", 'publicSubnetCidrs=["10.0.1.0/24", "10.0.3.0/24"]'),
    ChangeExample("privateSubnetCidrs", 'privateSubnetCidrs=["10.0.101.0/24", "10.0.103.0/24"]'),
    ChangeExample(
        "availabilityZoneCount",
        'availabilityZoneCount=3; publicSubnetCidrs=["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]; '
        'privateSubnetCidrs=["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]',
    ),
    ChangeExample("availabilityZones", 'availabilityZones=["ap-northeast-1a", "ap-northeast-1d"]'),
    ChangeExample("endpointPlacement", "endpointPlacement=every-az"),
    ChangeExample("extraEndpointServices", 'extraEndpointServices=["ssm"]'),
    ChangeExample("flowLogs", "flowLogs=true"),
    ChangeExample("flowLogRetentionDays", "flowLogRetentionDays=400", stack="prod"),
    ChangeExample("containerPort", "containerPort=8081"),
    ChangeExample("cpu", "cpu=512; memory=1024"),
    ChangeExample("memory", "memory=1024"),
    ChangeExample("cpuArchitecture", "cpuArchitecture=X86_64"),
    ChangeExample("desiredCount", "desiredCount=3"),
    ChangeExample("minCapacity", "minCapacity=1"),
    ChangeExample("maxCapacity", "maxCapacity=6"),
    ChangeExample(
        "capacityProviderStrategy",
        'capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]',
    ),
    ChangeExample("containerInsights", "containerInsights=true"),
    ChangeExample(
        "enableExecuteCommand", 'enableExecuteCommand=true; extraEndpointServices=["ssmmessages"]'
    ),
    ChangeExample(
        "image",
        "image=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-dev-app@sha256:"
        + "0123456789abcdef" * 4,
    ),
    ChangeExample("deploymentStrategy", "deploymentStrategy=blue_green"),
    ChangeExample("healthCheckGracePeriodSeconds", "healthCheckGracePeriodSeconds=60"),
    ChangeExample("albIngressCidrs", 'albIngressCidrs=["203.0.113.0/24"]'),
    ChangeExample("albDeletionProtection", "albDeletionProtection=true"),
    ChangeExample("albAccessLogs", "albAccessLogs=true"),
    ChangeExample("albIdleTimeoutSeconds", "albIdleTimeoutSeconds=30"),
    ChangeExample("domainName", "domainName=app.acme-corp.net; hostedZoneId=Z0123456789ABCDEFGHIJ",
                  note="on (dev); off is the reverse: the HTTPS listener, certificate and records go"),  # fmt: skip
    ChangeExample("domainName", "domainName=; hostedZoneId=", stack="prod", note="off (prod)"),
    ChangeExample("hostedZoneId", "hostedZoneId=Z9876543210ABCDEFGHIJ", stack="prod"),
    ChangeExample("waf", "waf=true"),
    ChangeExample("wafRateLimit", "wafRateLimit=1000", stack="prod"),
    ChangeExample("nightSchedule", f"nightSchedule={NIGHT}"),
    ChangeExample("slo", 'slo={"availabilityPercent": 99.5, "latencyP99Seconds": 1.0, "windowDays": 30}'),
    ChangeExample("alarmEmails", 'alarmEmails=["oncall@acme-corp.net"]'),
    ChangeExample("alarmTopicCmk", "alarmTopicCmk=true"),
    ChangeExample("slackWorkspaceId", "slackWorkspaceId=T0123ABCDEF; slackChannelId=C0123ABCDEF"),
    ChangeExample("slackChannelId", "slackChannelId=C0123ABCDEF"),
    ChangeExample("burnRateMinRequests", "burnRateMinRequests=100"),
    ChangeExample("dashboard", "dashboard=true"),
    ChangeExample("runningTasksAlarm", "runningTasksAlarm=true; containerInsights=true"),
    ChangeExample("unhealthyHostsAlarm", "unhealthyHostsAlarm=true"),
    ChangeExample("errorLogTerms", 'errorLogTerms=["[error]", "[crit]"]'),
    ChangeExample("app/", "app/", note="any edit under app/ (not a config key): a new image tag"),
)  # fmt: skip
