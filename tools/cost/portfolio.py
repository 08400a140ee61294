"""The Terraform portfolio's design (cost_model.md §3 baseline D1) as a hand-built resource graph.

Priced by the same code as the stacks, so the README can show the two side by side.
"""

from __future__ import annotations

from typing import Any

PORTFOLIO_STACK = "portfolio"


def hand_resource(type_token: str, name: str, **inputs: Any) -> dict[str, Any]:
    """A resource as the offline graph records it, with a unique id and ARN like the mocks give."""
    service = type_token.split(":")[1].split("/")[0]
    arn = f"arn:aws:{service}:region:123456789012:{name}"
    return {
        "urn": f"urn:pulumi:hand::hand-built::{type_token}::{name}",
        "type": type_token,
        "name": name,
        "custom": True,
        "parent": None,
        "id": f"{name}-id",
        "inputs": inputs,
        "outputs": {**inputs, "arn": arn, "id": f"{name}-id", "name": name},
    }


def portfolio_graph(region: str = "ap-northeast-1") -> dict[str, Any]:
    """D1: 2 x86 tasks (0.25 vCPU / 0.5 GB) on demand, 3 interface endpoints x 2 AZ, ALB in 2 AZ,
    5 alarms, 1 dashboard, 1 log group, S3 + DynamoDB lock table + ECR, KMS key, secret, zone."""
    zones = [f"{region}a", f"{region}c"]
    private = [
        hand_resource("aws:ec2/subnet:Subnet", f"private-{z[-1]}", availabilityZone=z)
        for z in zones
    ]
    public = [
        hand_resource("aws:ec2/subnet:Subnet", f"public-{z[-1]}", availabilityZone=z) for z in zones
    ]
    private_ids = [s["id"] for s in private]
    cluster = hand_resource("aws:ecs/cluster:Cluster", "cluster")
    task = hand_resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        cpu="256",
        memory="512",
        requiresCompatibilities=["FARGATE"],
        runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
    )
    service = hand_resource(
        "aws:ecs/service:Service",
        "service",
        cluster=cluster["outputs"]["arn"],
        taskDefinition=task["outputs"]["arn"],
        desiredCount=2,
        launchType="FARGATE",
    )
    endpoints = [
        hand_resource(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            f"endpoint-{suffix}",
            serviceName=f"com.amazonaws.{region}.{suffix}",
            vpcEndpointType="Interface",
            subnetIds=private_ids,
        )
        for suffix in ("ecr.api", "ecr.dkr", "logs")
    ]
    s3_gateway = hand_resource(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "endpoint-s3",
        serviceName=f"com.amazonaws.{region}.s3",
        vpcEndpointType="Gateway",
    )
    alarms = [
        hand_resource(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            f"alarm-{metric.lower()}",
            metricName=metric,
            period=60,
        )
        for metric in (
            "CPUUtilization",
            "MemoryUtilization",
            "HTTPCode_Target_5XX_Count",
            "TargetResponseTime",
            "UnHealthyHostCount",
        )
    ]
    resources = [
        hand_resource("aws:ec2/vpc:Vpc", "vpc", cidrBlock="10.0.0.0/16"),
        *private,
        *public,
        hand_resource(
            "aws:lb/loadBalancer:LoadBalancer",
            "alb",
            loadBalancerType="application",
            internal=False,
            subnets=[s["id"] for s in public],
        ),
        hand_resource("aws:lb/targetGroup:TargetGroup", "target-group", targetType="ip"),
        hand_resource("aws:lb/listener:Listener", "listener", port=80),
        cluster,
        task,
        service,
        *endpoints,
        s3_gateway,
        *alarms,
        hand_resource("aws:cloudwatch/dashboard:Dashboard", "dashboard"),
        hand_resource("aws:cloudwatch/logGroup:LogGroup", "log-group", retentionInDays=30),
        hand_resource("aws:sns/topic:Topic", "alarm-topic"),
        hand_resource("aws:s3/bucket:Bucket", "state-bucket"),
        hand_resource("aws:dynamodb/table:Table", "lock-table", billingMode="PAY_PER_REQUEST"),
        hand_resource("aws:ecr/repository:Repository", "repository"),
        hand_resource("aws:kms/key:Key", "key"),
        hand_resource("aws:secretsmanager/secret:Secret", "secret"),
        hand_resource("aws:route53/zone:Zone", "zone"),
    ]
    return hand_graph(resources, region=region, stack=PORTFOLIO_STACK)


def hand_graph(
    resources: list[dict[str, Any]], region: str = "ap-northeast-1", stack: str = "hand"
) -> dict[str, Any]:
    return {
        "project": "hand-built",
        "stack": stack,
        "region": region,
        "config": {},
        "resources": resources,
        "outputs": {},
    }
