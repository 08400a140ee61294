"""Every policy of the pack, through the Analyzer gRPC interface: one resource it must flag and
one it must pass, at the boundaries issue 5 names. One pack process serves the whole module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from policy.rules import CATALOG
from tools.policy_gate import GateResult, PolicyPackClient, policy_pack, run_with_client

ALL_MANDATORY = {"all": "mandatory"}
T = {
    "vpc": "aws:ec2/vpc:Vpc",
    "subnet": "aws:ec2/subnet:Subnet",
    "sg": "aws:ec2/securityGroup:SecurityGroup",
    "ingress": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "egress": "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "sgrule": "aws:ec2/securityGroupRule:SecurityGroupRule",
    "lb": "aws:lb/loadBalancer:LoadBalancer",
    "listener": "aws:lb/listener:Listener",
    "tg": "aws:lb/targetGroup:TargetGroup",
    "service": "aws:ecs/service:Service",
    "task": "aws:ecs/taskDefinition:TaskDefinition",
    "role": "aws:iam/role:Role",
    "rolepolicy": "aws:iam/rolePolicy:RolePolicy",
    "bucket": "aws:s3/bucket:Bucket",
}


def res(type_: str, name: str, inputs: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """A graph resource; `deps={prop: [names]}` become property dependencies."""
    type_ = T.get(type_, type_)
    inputs = inputs or {}
    outputs = {
        **inputs,
        "id": f"{name}-id",
        "arn": f"arn:aws:svc:ap-northeast-1:123456789012:{name}",
    }
    return {
        "urn": f"urn:pulumi:test::ecs-fargate::{type_}::{name}",
        "type": type_,
        "name": name,
        "custom": True,
        "parent": None,
        "inputs": inputs,
        "outputs": outputs,
        "deps": kw.get("deps", {}),
        "options": {"protect": kw.get("protect", False)},
    }


def graph(*resources: dict[str, Any]) -> dict[str, Any]:
    urns = {r["name"]: r["urn"] for r in resources}
    for r in resources:
        r["propertyDependencies"] = {k: [urns[n] for n in v] for k, v in r.pop("deps", {}).items()}
        r["dependencies"] = sorted({u for us in r["propertyDependencies"].values() for u in us})
    return {"project": "ecs-fargate", "stack": "test", "config": {}, "resources": list(resources)}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "arn:aws:s3:::b/*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def containers(**container: Any) -> str:
    base = {
        "name": "app",
        "image": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app@sha256:" + "a" * 64,
        "readonlyRootFilesystem": True,
        "user": "101:101",
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}},
    }
    return json.dumps([{**base, **container}])


def github_trust(sub: Any, aud: Any = "sts.amazonaws.com", op: str = "StringEquals") -> str:
    conditions: dict[str, Any] = {}
    if sub is not None:
        conditions[op] = {"token.actions.githubusercontent.com:sub": sub}
    if aud is not None:
        conditions.setdefault("StringEquals", {})["token.actions.githubusercontent.com:aud"] = aud
    return doc(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {
                "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
            },
            "Condition": conditions,
        }
    )


ECS_TRUST = doc(
    {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
    }
)


@dataclass(frozen=True)
class Case:
    policy: str
    id: str
    resources: tuple[dict[str, Any], ...]
    flagged: frozenset[str]


def case(policy: str, id: str, *resources: dict[str, Any], flagged: tuple[str, ...] = ()) -> Case:
    return Case(policy, id, tuple(resources), frozenset(flagged))


def one(policy: str, type_: str, bad: dict[str, Any], good: dict[str, Any]) -> list[Case]:
    """Single-resource policy: `bad` inputs are flagged, `good` inputs pass."""
    return [
        case(policy, "flags", res(type_, "bad", bad), flagged=("bad",)),
        case(policy, "passes", res(type_, "good", good)),
    ]


def sg_world(rule: dict[str, Any], name: str = "rule") -> dict[str, Any]:
    return res("ingress", name, {"description": "d", "securityGroupId": "x", **rule})


def alb_stack(sg_rule: dict[str, Any], on: str, rule_name: str) -> list[dict[str, Any]]:
    """An internet-facing ALB with its SG, a task SG used by a service, and one ingress rule."""
    return [
        res("sg", "alb-sg", {"description": "alb"}),
        res("sg", "task-sg", {"description": "tasks"}),
        res("lb", "alb", {"securityGroups": ["alb-sg-id"]}, deps={"securityGroups": ["alb-sg"]}),
        res(
            "service",
            "svc",
            {"networkConfiguration": {"securityGroups": ["task-sg-id"]}},
            deps={"networkConfiguration": ["task-sg"]},
        ),
        res(
            "ingress",
            rule_name,
            {"description": "d", "securityGroupId": f"{on}-id", **sg_rule},
            deps={"securityGroupId": [on]},
        ),
    ]


def egress_stack(on: str) -> list[dict[str, Any]]:
    stack = alb_stack(
        {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/16"},
        "alb-sg",
        "in",
    )
    stack.append(
        res(
            "egress",
            "out",
            {
                "description": "d",
                "ipProtocol": "tcp",
                "fromPort": 443,
                "toPort": 443,
                "cidrIpv4": "0.0.0.0/0",
                "securityGroupId": f"{on}-id",
            },
            deps={"securityGroupId": [on]},
        )
    )
    return stack


def private_network(igw_route_on_private: bool, s3_gateway_routes: bool) -> list[dict[str, Any]]:
    table_route = "private-rt" if igw_route_on_private else "public-rt"
    return [
        res("vpc", "vpc", {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}),
        res("subnet", "private", {"vpcId": "vpc-id"}, deps={"vpcId": ["vpc"]}),
        res("aws:ec2/internetGateway:InternetGateway", "igw", {}),
        res("aws:ec2/routeTable:RouteTable", "private-rt", {}),
        res("aws:ec2/routeTable:RouteTable", "public-rt", {}),
        res(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "assoc",
            {"routeTableId": "private-rt-id", "subnetId": "private-id"},
            deps={"routeTableId": ["private-rt"], "subnetId": ["private"]},
        ),
        res(
            "aws:ec2/route:Route",
            "default-route",
            {
                "routeTableId": f"{table_route}-id",
                "destinationCidrBlock": "0.0.0.0/0",
                "gatewayId": "igw-id",
            },
            deps={"routeTableId": [table_route], "gatewayId": ["igw"]},
        ),
        res(
            "service",
            "svc",
            {"networkConfiguration": {"subnets": ["private-id"], "assignPublicIp": False}},
            deps={"networkConfiguration": ["private"]},
        ),
        res(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "s3",
            {
                "vpcEndpointType": "Gateway",
                "serviceName": "com.amazonaws.ap-northeast-1.s3",
                "routeTableIds": ["private-rt-id"] if s3_gateway_routes else [],
            },
            deps={"routeTableIds": ["private-rt"]} if s3_gateway_routes else {},
        ),
    ]


def interface_endpoints(
    services: tuple[str, ...], private_dns: bool = True
) -> list[dict[str, Any]]:
    return [
        res(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            f"ep-{s}",
            {
                "vpcEndpointType": "Interface",
                "serviceName": f"com.amazonaws.ap-northeast-1.{s}",
                "vpcId": "vpc-id",
                "privateDnsEnabled": private_dns,
                "subnetIds": ["private-id"],
                "securityGroupIds": ["ep-sg-id"],
            },
            deps={"vpcId": ["vpc"], "subnetIds": ["private"]},
        )
        for s in services
    ]


def bucket_with(*sides: tuple[str, dict[str, Any]], protect: bool = True) -> list[dict[str, Any]]:
    resources = [res("bucket", "data", {"bucket": "data-bucket"}, protect=protect)]
    for i, (type_, inputs) in enumerate(sides):
        resources.append(
            res(type_, f"side{i}", {"bucket": "data-id", **inputs}, deps={"bucket": ["data"]})
        )
    return resources


S3 = "aws:s3/"
PAB = (S3 + "bucketPublicAccessBlock:BucketPublicAccessBlock", {})
VERSIONING = (
    S3 + "bucketVersioning:BucketVersioning",
    {"versioningConfiguration": {"status": "Enabled"}},
)


def cases() -> Iterator[Case]:
    # VPC
    yield case(
        "aws-ec2-no-default-vpc",
        "flags",
        res("aws:ec2/defaultVpc:DefaultVpc", "bad"),
        flagged=("bad",),
    )
    yield case(
        "aws-ec2-no-default-vpc", "passes", res("vpc", "good", {"cidrBlock": "10.20.0.0/16"})
    )
    yield from one("aws-ec2-no-public-ip-subnet", "subnet", {"mapPublicIpOnLaunch": True}, {})
    yield case(
        "aws-ec2-require-vpc-flow-logs-for-all-vpcs", "flags", res("vpc", "bad"), flagged=("bad",)
    )
    yield case(
        "aws-ec2-require-vpc-flow-logs-for-all-vpcs",
        "passes",
        res("vpc", "good"),
        res("aws:ec2/flowLog:FlowLog", "fl", {"vpcId": "good-id"}, deps={"vpcId": ["good"]}),
    )
    nacl_rule = "aws:ec2/networkAclRule:NetworkAclRule"
    yield from one(
        "aws-ec2-no-excessive-port-access",
        nacl_rule,
        {"ruleAction": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"},
        {
            "ruleAction": "allow",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlock": "0.0.0.0/0",
        },
    )
    yield from one(
        "aws-ec2-no-public-ingress-acl",
        nacl_rule,
        {
            "ruleAction": "allow",
            "protocol": "tcp",
            "fromPort": 20,
            "toPort": 25,
            "cidrBlock": "0.0.0.0/0",
        },
        {
            "ruleAction": "allow",
            "protocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrBlock": "10.0.0.0/16",
        },
    )
    nacl = "aws:ec2/networkAcl:NetworkAcl"
    yield case("nacl-attached-to-subnet", "flags", res(nacl, "bad", {}), flagged=("bad",))
    yield case("nacl-attached-to-subnet", "passes", res(nacl, "good", {"subnetIds": ["s-1"]}))
    yield case(
        "private-subnet-no-igw-route",
        "flags",
        *private_network(True, True),
        flagged=("default-route",),
    )
    yield case("private-subnet-no-igw-route", "passes", *private_network(False, True))
    yield case(
        "vpc-endpoint-s3-gateway-on-private-rts",
        "flags",
        *private_network(False, False),
        flagged=("private-rt",),
    )
    yield case("vpc-endpoint-s3-gateway-on-private-rts", "passes", *private_network(False, True))
    required = ("ecr.api", "ecr.dkr", "logs")
    yield case(
        "vpc-endpoint-interface-private-dns",
        "flags missing logs endpoint",
        *private_network(False, True),
        *interface_endpoints(("ecr.api", "ecr.dkr")),
        flagged=("vpc",),
    )
    yield case(
        "vpc-endpoint-interface-private-dns",
        "flags endpoint without private DNS",
        *private_network(False, True),
        *interface_endpoints(required, private_dns=False),
        flagged=("ep-ecr.api", "ep-ecr.dkr", "ep-logs"),
    )
    yield case(
        "vpc-endpoint-interface-private-dns",
        "passes",
        *private_network(False, True),
        *interface_endpoints(required),
    )
    gateway = {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.ap-northeast-1.s3"}
    yield from one(
        "vpc-endpoint-s3-gateway-policy",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        gateway,
        {
            **gateway,
            "policy": doc(
                allow(
                    "s3:GetObject",
                    "arn:aws:s3:::prod-ap-northeast-1-starport-layer-bucket/*",
                    Principal="*",
                )
            ),
        },
    )
    # Security groups
    yield from one(
        "aws-ec2-no-public-ingress-sgr",
        "ingress",
        {
            "description": "d",
            "ipProtocol": "tcp",
            "fromPort": 20,
            "toPort": 30,
            "cidrIpv4": "0.0.0.0/0",
        },
        {
            "description": "d",
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "0.0.0.0/0",
        },
    )
    yield from one(
        "sg-no-public-ingress-all-ports",
        "sg",
        {
            "description": "d",
            "ingress": [
                {
                    "protocol": "-1",
                    "fromPort": 0,
                    "toPort": 0,
                    "cidrBlocks": ["0.0.0.0/0"],
                    "description": "d",
                }
            ],
        },
        {
            "description": "d",
            "ingress": [
                {
                    "protocol": "-1",
                    "fromPort": 0,
                    "toPort": 0,
                    "cidrBlocks": ["10.0.0.0/8"],
                    "description": "d",
                }
            ],
        },
    )
    https = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}
    yield case(
        "sg-public-ingress-only-on-alb",
        "flags task SG",
        *alb_stack({**https, "fromPort": 8080, "toPort": 8080}, "task-sg", "r"),
        flagged=("r",),
    )
    yield case(
        "sg-public-ingress-only-on-alb",
        "flags ALB SG on 8443",
        *alb_stack({**https, "fromPort": 8443, "toPort": 8443}, "alb-sg", "r"),
        flagged=("r",),
    )
    yield case("sg-public-ingress-only-on-alb", "passes", *alb_stack(https, "alb-sg", "r"))
    http = {**https, "fromPort": 80, "toPort": 80}
    yield case("sg-no-public-http-80", "flags", *alb_stack(http, "task-sg", "r"), flagged=("r",))
    yield case("sg-no-public-http-80", "passes on the ALB SG", *alb_stack(http, "alb-sg", "r"))
    yield case("aws-ec2-no-public-egress-sgr", "flags", *egress_stack("alb-sg"), flagged=("out",))
    yield case("aws-ec2-no-public-egress-sgr", "passes task egress", *egress_stack("task-sg"))
    yield case(
        "aws-ec2-no-public-egress-sgr-tasks", "flags", *egress_stack("task-sg"), flagged=("out",)
    )
    yield case("aws-ec2-no-public-egress-sgr-tasks", "passes ALB egress", *egress_stack("alb-sg"))
    yield from one(
        "aws-ec2-add-description-to-security-group",
        "sg",
        {"description": "Managed by Pulumi"},
        {"description": "ALB: HTTPS"},
    )
    yield from one(
        "aws-ec2-add-description-to-security-group-rule",
        "ingress",
        {"ipProtocol": "tcp"},
        {"ipProtocol": "tcp", "description": "tasks -> ecr"},
    )
    yield case("aws-ec2-restrict-all-in-default-sg", "flags", res("vpc", "bad"), flagged=("bad",))
    yield case(
        "aws-ec2-restrict-all-in-default-sg",
        "passes",
        res("vpc", "good"),
        res(
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "d",
            {"vpcId": "good-id"},
            deps={"vpcId": ["good"]},
        ),
    )
    yield case(
        "security-group-no-rule-management-conflicts",
        "flags",
        res(
            "sg",
            "bad",
            {
                "description": "d",
                "ingress": [{"protocol": "tcp", "fromPort": 1, "toPort": 1, "description": "d"}],
            },
        ),
        res("ingress", "r", {"securityGroupId": "bad-id"}, deps={"securityGroupId": ["bad"]}),
        flagged=("bad",),
    )
    yield case(
        "security-group-no-rule-management-conflicts",
        "passes",
        res("sg", "good", {"description": "d"}),
        res("ingress", "r", {"securityGroupId": "good-id"}, deps={"securityGroupId": ["good"]}),
    )
    yield case("sg-attached", "flags", res("sg", "bad", {"description": "d"}), flagged=("bad",))
    yield case("sg-attached", "passes", *alb_stack(https, "alb-sg", "r"))
    # ALB
    yield from one("aws-elb-alb-not-public", "lb", {"internal": False}, {"internal": True})
    yield from one("aws-elb-drop-invalid-headers", "lb", {}, {"dropInvalidHeaderFields": True})
    redirect = {
        "type": "redirect",
        "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
    }
    yield from one(
        "aws-elb-http-not-used",
        "listener",
        {
            "port": 80,
            "protocol": "HTTP",
            "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}],
        },
        {"port": 80, "protocol": "HTTP", "defaultActions": [redirect]},
    )
    yield from one(
        "aws-elb-use-secure-tls-policy",
        "listener",
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06"},
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
    )
    yield from one("elb-deletion-protection-enabled", "lb", {}, {"enableDeletionProtection": True})
    yield from one(
        "elb-logging-enabled",
        "lb",
        {"accessLogs": {"bucket": "b", "enabled": False}},
        {"accessLogs": {"bucket": "b", "enabled": True}},
    )
    yield from one(
        "alb-desync-mitigation",
        "lb",
        {"desyncMitigationMode": "monitor"},
        {"desyncMitigationMode": "strictest"},
    )
    yield from one(
        "lb-target-group-no-plain-http", "tg", {"protocol": "HTTP"}, {"protocol": "HTTPS"}
    )
    yield from one(
        "lb-target-group-health-check",
        "tg",
        {"protocol": "HTTP", "healthCheck": {"path": "/"}},
        {"protocol": "HTTP", "healthCheck": {"path": "/healthz", "matcher": "200"}},
    )
    assoc = "aws:wafv2/webAclAssociation:WebAclAssociation"
    yield case(
        "alb-protected-by-waf", "flags", res("lb", "bad", {"internal": False}), flagged=("bad",)
    )
    yield case(
        "alb-protected-by-waf",
        "passes",
        res("lb", "good", {"internal": False}),
        res(assoc, "a", {"resourceArn": "x"}, deps={"resourceArn": ["good"]}),
    )
    acl = "aws:wafv2/webAcl:WebAcl"

    def managed(name: str, override: str) -> dict[str, Any]:
        statement = {"managedRuleGroupStatement": {"name": name, "vendorName": "AWS"}}
        return {
            "name": name,
            "priority": 1,
            "overrideAction": {override: {}},
            "statement": statement,
        }

    yield from one(
        "waf-known-bad-inputs",
        acl,
        {"rules": [managed("AWSManagedRulesKnownBadInputsRuleSet", "count")]},
        {"rules": [managed("AWSManagedRulesKnownBadInputsRuleSet", "none")]},
    )
    yield from one(
        "waf-has-rules-with-actions",
        acl,
        {"rules": []},
        {"rules": [managed("AWSManagedRulesCommonRuleSet", "none")]},
    )
    logging = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
    yield case("waf-logging", "flags", res(acl, "bad"), flagged=("bad",))
    yield case(
        "waf-logging",
        "passes",
        res(acl, "good"),
        res(
            logging,
            "l",
            {
                "resourceArn": "x",
                "logDestinationConfigs": ["arn:aws:logs:r:1:log-group:aws-waf-logs-app"],
            },
            deps={"resourceArn": ["good"]},
        ),
    )
    # ECS
    cluster = "aws:ecs/cluster:Cluster"
    yield from one(
        "aws-ecs-enable-container-insight",
        cluster,
        {},
        {"settings": [{"name": "containerInsights", "value": "enabled"}]},
    )
    yield from one(
        "aws-ecs-no-plaintext-secrets",
        "task",
        {
            "containerDefinitions": containers(
                environment=[{"name": "DB_PASSWORD", "value": "hunter2"}]
            )
        },
        {"containerDefinitions": containers(environment=[{"name": "PORT", "value": "8080"}])},
    )
    yield from one(
        "aws-ecs-enable-in-transit-encryption",
        "task",
        {"volumes": [{"name": "v", "efsVolumeConfiguration": {"fileSystemId": "fs"}}]},
        {
            "volumes": [
                {
                    "name": "v",
                    "efsVolumeConfiguration": {
                        "fileSystemId": "fs",
                        "transitEncryption": "ENABLED",
                    },
                }
            ]
        },
    )
    yield from one(
        "ecs-readonly-root-filesystem",
        "task",
        {"containerDefinitions": containers(readonlyRootFilesystem=False)},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-no-privileged-containers",
        "task",
        {"containerDefinitions": containers(privileged=True)},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-no-host-pid-namespace",
        "task",
        {"pidMode": "host", "containerDefinitions": containers()},
        {"pidMode": "task", "containerDefinitions": containers()},
    )
    yield from one(
        "ecs-non-root-user",
        "task",
        {"containerDefinitions": containers(user="0:0")},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-task-log-configuration",
        "task",
        {"containerDefinitions": containers(logConfiguration=None)},
        {"containerDefinitions": containers()},
    )
    yield from one(
        "ecs-separate-execution-and-task-roles",
        "task",
        {"executionRoleArn": "arn:r", "taskRoleArn": "arn:r", "containerDefinitions": containers()},
        {"executionRoleArn": "arn:e", "taskRoleArn": "arn:t", "containerDefinitions": containers()},
    )
    yield from one(
        "ecs-service-no-public-ip",
        "service",
        {"networkConfiguration": {"assignPublicIp": True}},
        {"networkConfiguration": {"assignPublicIp": False}},
    )
    yield from one(
        "ecs-fargate-latest-platform",
        "service",
        {"platformVersion": "1.3.0"},
        {"platformVersion": "LATEST"},
    )
    yield case(
        "ecs-exec-logging",
        "flags",
        res(cluster, "bad", {}),
        res(
            "service",
            "svc",
            {"enableExecuteCommand": True, "cluster": "bad-id"},
            deps={"cluster": ["bad"]},
        ),
        flagged=("svc",),
    )
    yield case(
        "ecs-exec-logging",
        "passes",
        res(
            cluster,
            "good",
            {"configuration": {"executeCommandConfiguration": {"logging": "OVERRIDE"}}},
        ),
        res(
            "service",
            "svc",
            {"enableExecuteCommand": True, "cluster": "good-id"},
            deps={"cluster": ["good"]},
        ),
    )
    yield from one(
        "ecs-image-pinned-from-project-ecr",
        "task",
        {"containerDefinitions": containers(image="nginx:latest")},
        {
            "containerDefinitions": containers(
                image="123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app:3f2a9c1"
            )
        },
    )
    # ECR
    repo = "aws:ecr/repository:Repository"
    yield from one(
        "aws-ecr-enable-image-scans",
        repo,
        {"imageScanningConfiguration": {"scanOnPush": False}},
        {"imageScanningConfiguration": {"scanOnPush": True}},
    )
    yield from one(
        "aws-ecr-enforce-immutable-repository",
        repo,
        {"imageTagMutability": "MUTABLE"},
        {"imageTagMutability": "IMMUTABLE"},
    )
    yield from one(
        "aws-ecr-no-public-access",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        {"policy": doc({"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"})},
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"},
                    "Action": "ecr:BatchGetImage",
                }
            )
        },
    )
    yield from one(
        "aws-ecr-repository-customer-key",
        repo,
        {"encryptionConfigurations": [{"encryptionType": "AES256"}]},
        {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "arn:k"}]},
    )
    yield case("ecr-lifecycle-policy", "flags", res(repo, "bad"), flagged=("bad",))
    yield case(
        "ecr-lifecycle-policy",
        "passes",
        res(repo, "good"),
        res(
            "aws:ecr/lifecyclePolicy:LifecyclePolicy",
            "lc",
            {"repository": "good"},
            deps={"repository": ["good"]},
        ),
    )
    # IAM identity documents
    rp = "rolepolicy"
    yield from one(
        "iam-no-admin-statement",
        rp,
        {"policy": doc(allow("*", "*"))},
        {"policy": doc(allow("s3:GetObject"))},
    )
    yield from one(
        "iam-no-action-wildcards",
        rp,
        {"policy": doc(allow(["s3:*", "ecr:GetAuthorizationToken"], "*"))},
        {"policy": doc(allow(["s3:GetObject", "s3:PutObject"]))},
    )
    yield from one(
        "aws-iam-no-s3-full-access",
        rp,
        {"policy": doc(allow("s3:*", "arn:aws:s3:::b"))},
        {"policy": doc(allow(["s3:GetObject", "s3:PutObject"]))},
    )
    yield from one(
        "aws-iam-filter-passrole-access",
        rp,
        {"policy": doc(allow("iam:PassRole", "*"))},
        {
            "policy": doc(
                allow(
                    "iam:PassRole",
                    ["arn:aws:iam::1:role/task"],
                    Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                )
            )
        },
    )
    passed_to_ecs = {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    yield case(
        "aws-iam-filter-passrole-access",
        "flags-every-role-in-the-account",
        res(
            rp,
            "bad",
            {
                "policy": doc(
                    allow(
                        "iam:PassRole", "arn:aws:iam::123456789012:role/*", Condition=passed_to_ecs
                    )
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "aws-iam-filter-passrole-access",
        "passes-a-stack-name-prefix",
        res(
            rp,
            "good",
            {
                "policy": doc(
                    allow(
                        "iam:PassRole",
                        "arn:aws:iam::123456789012:role/ecs-fargate-dev-*",
                        Condition=passed_to_ecs,
                    )
                )
            },
        ),
    )
    yield from one(
        "iam-no-credentials-exposure",
        rp,
        {"policy": doc(allow("iam:CreateAccessKey", "*"))},
        {"policy": doc(allow("ecr:GetAuthorizationToken", "*"))},
    )
    yield from one(
        "iam-no-data-exfiltration",
        rp,
        {"policy": doc(allow("secretsmanager:GetSecretValue", "*"))},
        {
            "policy": doc(
                allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:r:1:secret:app")
            )
        },
    )
    yield from one(
        "iam-no-resource-wildcard-for-restrictable-actions",
        rp,
        {"policy": doc(allow("s3:GetObject", "*"))},
        {"policy": doc(allow("ecr:GetAuthorizationToken", "*"))},
    )
    yield from one(
        "iam-no-privilege-escalation",
        rp,
        {"policy": doc(allow("iam:AttachRolePolicy", "*"))},
        {"policy": doc(allow("iam:AttachRolePolicy", "arn:aws:iam::1:role/app"))},
    )
    yield from one(
        "iam-no-unconstrained-write-or-permissions-mgmt",
        rp,
        {"policy": doc(allow("ecr:SetRepositoryPolicy", "*"))},
        {"policy": doc(allow("ecr:SetRepositoryPolicy", "arn:aws:ecr:r:1:repository/app"))},
    )
    ci_role = res("role", "deploy", {"assumeRolePolicy": github_trust("repo:o/r:environment:prod")})
    yield case(
        "iam-ci-role-least-privilege",
        "flags",
        ci_role,
        res(
            rp,
            "deploy-policy",
            {"role": "deploy", "policy": doc(allow("ecs:UpdateService", "*"))},
            deps={"role": ["deploy"]},
        ),
        flagged=("deploy-policy",),
    )
    yield case(
        "iam-ci-role-least-privilege",
        "passes",
        dict(ci_role),
        res(
            rp,
            "deploy-policy",
            {
                "role": "deploy",
                "policy": doc(allow("ecs:UpdateService", "arn:aws:ecs:r:1:service/c/s")),
            },
            deps={"role": ["deploy"]},
        ),
    )
    yield from one(
        "iam-no-admin-managed-policy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )
    yield from one(
        "iam-role-trust-no-wildcard-principal",
        "role",
        {
            "assumeRolePolicy": doc(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}
            )
        },
        {"assumeRolePolicy": ECS_TRUST},
    )
    yield from one(
        "iam-role-trust-no-account-root",
        "role",
        {
            "assumeRolePolicy": doc(
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                }
            )
        },
        {"assumeRolePolicy": ECS_TRUST},
    )
    for sub in ("repo:org/*", "repo:o/r:*", "repo:o/r:ref:refs/heads/*", "*", "environment:prod"):
        yield case(
            "github-oidc-sub-pinned",
            f"flags {sub}",
            res("role", "bad", {"assumeRolePolicy": github_trust(sub)}),
            flagged=("bad",),
        )
    yield case(
        "github-oidc-sub-pinned",
        "flags a sub that is only excluded",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    "repo:o/r:ref:refs/heads/main", op="StringNotEquals"
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "github-oidc-sub-pinned",
        "flags no sub",
        res("role", "bad", {"assumeRolePolicy": github_trust(None)}),
        flagged=("bad",),
    )
    for sub in (
        "repo:o/r:ref:refs/heads/main",
        "repo:o/r:environment:prod",
        "repo:o@123/r@456:ref:refs/heads/main",
        "repo:o@123/r@456:environment:prod",
    ):
        yield case(
            "github-oidc-sub-pinned",
            f"passes {sub}",
            res("role", "good", {"assumeRolePolicy": github_trust(sub)}),
        )
    yield case(
        "github-oidc-aud",
        "flags no aud",
        res(
            "role", "bad", {"assumeRolePolicy": github_trust("repo:o/r:environment:prod", aud=None)}
        ),
        flagged=("bad",),
    )
    yield case(
        "github-oidc-aud",
        "flags ForAllValues",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    "repo:o/r:environment:prod", op="ForAllValues:StringLike"
                )
            },
        ),
        flagged=("bad",),
    )
    yield case(
        "github-oidc-aud",
        "passes",
        res("role", "good", {"assumeRolePolicy": github_trust("repo:o/r:environment:prod")}),
    )
    provider = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
    url = "https://token.actions.githubusercontent.com"
    yield from one(
        "github-oidc-provider-config",
        provider,
        {"url": url, "clientIdLists": ["sts.amazonaws.com", "other"]},
        {"url": url, "clientIdLists": ["sts.amazonaws.com"]},
    )
    yield case(
        "gha-deploy-role-not-from-pull-request",
        "flags",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": github_trust(
                    ["repo:o/r:pull_request", "repo:o/r:ref:refs/heads/main"]
                )
            },
        ),
        res(
            rp,
            "w",
            {
                "role": "bad",
                "policy": doc(allow("ecs:UpdateService", "arn:aws:ecs:r:1:service/c/s")),
            },
            deps={"role": ["bad"]},
        ),
        flagged=("bad",),
    )
    yield case(
        "gha-deploy-role-not-from-pull-request",
        "passes",
        res("role", "plan", {"assumeRolePolicy": github_trust("repo:o/r:pull_request")}),
        res(
            rp,
            "r",
            {
                "role": "plan",
                "policy": doc(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::state/*")),
            },
            deps={"role": ["plan"]},
        ),
    )
    yield case(
        "no-iam-users-or-access-keys",
        "flags",
        res("aws:iam/accessKey:AccessKey", "bad", {"user": "ci"}),
        flagged=("bad",),
    )
    yield case(
        "no-iam-users-or-access-keys",
        "passes",
        res(
            "aws:iam/policyAttachment:PolicyAttachment",
            "good",
            {"roles": ["r"], "policyArn": "arn:p"},
        ),
    )
    yield case(
        "iam-role-no-policy-management-conflicts",
        "flags",
        res(
            "role",
            "bad",
            {
                "assumeRolePolicy": ECS_TRUST,
                "inlinePolicies": [{"name": "p", "policy": doc(allow("s3:GetObject"))}],
            },
        ),
        res(rp, "p", {"role": "bad", "policy": doc(allow("s3:GetObject"))}, deps={"role": ["bad"]}),
        flagged=("bad",),
    )
    yield case(
        "iam-role-no-policy-management-conflicts",
        "passes",
        res("role", "good", {"assumeRolePolicy": ECS_TRUST}),
        res(
            rp, "p", {"role": "good", "policy": doc(allow("s3:GetObject"))}, deps={"role": ["good"]}
        ),
    )
    yield from one(
        "iam-role-permissions-boundary",
        "role",
        {"assumeRolePolicy": ECS_TRUST},
        {"assumeRolePolicy": ECS_TRUST, "permissionsBoundary": "arn:aws:iam::1:policy/boundary"},
    )
    # CloudWatch and SNS
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
    # S3
    sse = (
        S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        {
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": "arn:k",
                    },
                    "bucketKeyEnabled": True,
                }
            ]
        },
    )
    lifecycle = (
        S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        {
            "rules": [
                {
                    "id": "r",
                    "status": "Enabled",
                    "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
                    "noncurrentVersionExpiration": {"noncurrentDays": 90},
                }
            ]
        },
    )
    tls = (
        S3 + "bucketPolicy:BucketPolicy",
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        },
    )
    stack_s3 = {
        "aws-s3-specify-public-access-block": PAB,
        "s3-acls-disabled": (
            S3 + "bucketOwnershipControls:BucketOwnershipControls",
            {"rule": {"objectOwnership": "BucketOwnerEnforced"}},
        ),
        "aws-s3-enable-bucket-encryption": sse,
        "aws-s3-encryption-customer-key": sse,
        "aws-s3-enable-versioning": VERSIONING,
        "s3-deny-insecure-transport": tls,
        "aws-s3-enable-logging": (S3 + "bucketLogging:BucketLogging", {"targetBucket": "logs"}),
        "s3-lifecycle-configured": lifecycle,
        "s3-cross-region-replication": (S3 + "bucketReplicationConfig:BucketReplicationConfig", {}),
        "s3-event-notifications": (S3 + "bucketNotification:BucketNotification", {}),
    }
    for policy, side in stack_s3.items():
        yield case(policy, "flags", *bucket_with(), flagged=("data",))
        yield case(policy, "passes", *bucket_with(side))
    alb_logs = [
        res("bucket", "logs", {}),
        res(
            "lb",
            "alb",
            {"accessLogs": {"bucket": "logs", "enabled": True}},
            deps={"accessLogs": ["logs"]},
        ),
    ]
    yield case("aws-s3-enable-versioning-log-buckets", "flags", *alb_logs, flagged=("logs",))
    yield case(
        "aws-s3-enable-versioning-log-buckets",
        "passes",
        *[dict(r) for r in alb_logs],
        res(VERSIONING[0], "v", {"bucket": "logs", **VERSIONING[1]}, deps={"bucket": ["logs"]}),
    )
    yield from one(
        "s3-public-access-block-all-true",
        PAB[0],
        {"blockPublicAcls": True},
        {
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
    )
    yield from one(
        "aws-s3-no-public-access-with-acl",
        S3 + "bucketAclV2:BucketAclV2",
        {"acl": "public-read"},
        {"acl": "private"},
    )
    bp = S3 + "bucketPolicy:BucketPolicy"
    yield from one(
        "s3-policy-no-public-principal",
        bp,
        {
            "policy": doc(
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
            )
        },
        tls[1],
    )
    yield from one(
        "s3-policy-no-lockout",
        bp,
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            )
        },
        tls[1],
    )
    yield from one(
        "aws-s3-require-mfa-delete",
        VERSIONING[0],
        {"versioningConfiguration": {"status": "Enabled", "mfaDelete": "Disabled"}},
        VERSIONING[1],
    )
    trail = res(
        "aws:cloudtrail/trail:Trail",
        "trail",
        {
            "eventSelectors": [
                {"dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}
            ]
        },
    )
    yield case("aws-s3-enable-object-read-logging", "flags", *bucket_with(), flagged=("data",))
    yield case("aws-s3-enable-object-read-logging", "passes", *bucket_with(), trail)
    yield from one(
        "aws-s3-dns-compliant-name",
        "bucket",
        {"bucket": "myco.pulumi.state"},
        {"bucket": "myco-pulumi-state"},
    )
    yield from one("s3-object-lock", "bucket", {}, {"objectLockEnabled": True})
    yield case("state-bucket-protected", "flags", *bucket_with(protect=False), flagged=("data",))
    yield case("state-bucket-protected", "passes", *bucket_with(protect=True))
    # KMS
    key = "aws:kms/key:Key"
    yield from one("aws-kms-auto-rotate-keys", key, {}, {"enableKeyRotation": True})
    yield from one(
        "kms-key-policy-no-wildcard-principal",
        key,
        {
            "policy": doc(
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
            )
        },
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            )
        },
    )
    yield from one(
        "kms-key-policy-defined",
        key,
        {},
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            )
        },
    )
    yield from one(
        "kms-no-bypass-lockout-safety-check", key, {"bypassPolicyLockoutSafetyCheck": True}, {}
    )
    yield from one("kms-key-enabled", key, {"isEnabled": False}, {})
    yield from one("kms-key-description", key, {}, {"description": "CMK for app log groups (dev)"})
    # DynamoDB
    table = "aws:dynamodb/table:Table"
    yield from one(
        "aws-dynamodb-enable-recovery", table, {}, {"pointInTimeRecovery": {"enabled": True}}
    )
    yield from one(
        "aws-dynamodb-table-customer-key",
        table,
        {"serverSideEncryption": {"enabled": True}},
        {"serverSideEncryption": {"enabled": True, "kmsKeyArn": "arn:k"}},
    )
    yield from one(
        "dynamodb-table-encryption-enabled", table, {"serverSideEncryption": {"enabled": False}}, {}
    )
    yield from one("dynamodb-deletion-protection", table, {}, {"deletionProtectionEnabled": True})
    yield from one(
        "aws-dynamodb-enable-at-rest-encryption",
        "aws:dax/cluster:Cluster",
        {},
        {"serverSideEncryption": {"enabled": True}},
    )
    yield from one(
        "dynamodb-autoscaling",
        table,
        {"billingMode": "PROVISIONED"},
        {"billingMode": "PAY_PER_REQUEST"},
    )
    # Adjacent services
    secret = "aws:secretsmanager/secret:Secret"
    yield from one("aws-ssm-secret-use-customer-key", secret, {}, {"kmsKeyId": "arn:k"})
    yield case("secret-rotation", "flags", res(secret, "bad"), flagged=("bad",))
    yield case(
        "secret-rotation",
        "passes",
        res(secret, "good"),
        res(
            "aws:secretsmanager/secretRotation:SecretRotation",
            "rot",
            {"secretId": "x", "rotationRules": {"automaticallyAfterDays": 30}},
            deps={"secretId": ["good"]},
        ),
    )
    param = "aws:ssm/parameter:Parameter"
    yield from one(
        "ssm-parameter-securestring",
        param,
        {"name": "/app/db_password", "type": "String"},
        {"name": "/app/db_password", "type": "SecureString"},
    )
    yield from one(
        "ssm-parameter-customer-key",
        param,
        {"type": "SecureString"},
        {"type": "SecureString", "keyId": "arn:k"},
    )
    yield from one(
        "acm-certificate-hygiene",
        "aws:acm/certificate:Certificate",
        {"domainName": "*.example.com", "validationMethod": "DNS"},
        {"domainName": "app.dev.example.com", "validationMethod": "DNS"},
    )
    yield from one(
        "required-tags",
        "vpc",
        {"tags": {"Project": "p"}},
        {"tags": {"Project": "p", "Environment": "dev", "Owner": "o"}},
    )


CASES = list(cases())


@pytest.fixture(scope="module")
def pack() -> Iterator[PolicyPackClient]:
    with policy_pack() as client:
        yield client


def run(pack: PolicyPackClient, resources: tuple[dict[str, Any], ...]) -> GateResult:
    copies = [json.loads(json.dumps(r)) for r in resources]
    return run_with_client(pack, graph(*copies), ALL_MANDATORY, stack="test")


def flagged_by(result: GateResult, policy: str) -> set[str]:
    return {d.urn.rsplit("::", 1)[-1] for d in result.diagnostics if d.policy == policy}


@pytest.mark.parametrize("c", CASES, ids=[f"{c.policy}-{c.id}" for c in CASES])
def test_policy_flags_exactly_the_insecure_resource(pack: PolicyPackClient, c: Case) -> None:
    assert flagged_by(run(pack, c.resources), c.policy) == set(c.flagged)


def test_every_policy_has_a_failing_and_a_passing_fixture() -> None:
    flagged = {c.policy for c in CASES if c.flagged}
    passing = {c.policy for c in CASES if not c.flagged}
    names = {info.name for info in CATALOG}
    assert names - flagged == set()
    assert names - passing == set()


def test_every_violation_names_the_resource_and_ends_with_a_fix(pack: PolicyPackClient) -> None:
    for c in CASES:
        if not c.flagged:
            continue
        for d in run(pack, c.resources).diagnostics:
            if d.policy == c.policy:
                name = d.urn.rsplit("::", 1)[-1]
                assert d.message.startswith(f"{name} ("), d.message
                assert "Fix: " in d.message and d.message.endswith("."), d.message
