"""Run a Pulumi program in-process under mocks and record its full resource graph.

This is how the project is checked without the Pulumi CLI or an AWS account: the program registers
its resources with a mock engine that records every registration request (type, name, parent,
inputs, dependencies, resource options), the way the real engine would receive them. The graph
format is described in docs/offline-graph.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import runpy
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tools import graph_guard

REPO_ROOT = Path(__file__).resolve().parent.parent
MOCK_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Zone:
    """One zone as DescribeAvailabilityZones reports it (EC2 API reference)."""

    name: str
    zone_id: str
    opt_in_status: str = "opt-in-not-required"
    zone_type: str = "availability-zone"
    state: str = "available"


# Zones per region as an account sees them (ap-northeast-1b is closed to new accounts). Tokyo
# also lists the Taipei Local Zone, opted in by this account: DescribeAvailabilityZones returns
# opted-in Local Zones beside the AZs by default (not-opted-in ones only with
# AllAvailabilityZones), and promises no order, so it comes first here. A program that drops
# the opt-in-status filter then puts a subnet in it, and tests/test_offline_mocks.py fails.
MOCK_ZONES: dict[str, list[Zone]] = {
    "ap-northeast-1": [
        Zone("ap-northeast-1-tpe-1a", "apne1-tpe1-az1", "opted-in", "local-zone"),
        Zone("ap-northeast-1a", "apne1-az4"),
        Zone("ap-northeast-1c", "apne1-az1"),
        Zone("ap-northeast-1d", "apne1-az2"),
    ],
    "us-east-1": [
        *(Zone(f"us-east-1{s}", f"use1-az{i}") for i, s in enumerate("abcdef", start=1)),
        Zone("us-east-1-bos-1a", "use1-bos1-az1", "not-opted-in", "local-zone"),
    ],
}
# Filters of aws.get_availability_zones the mock applies, by the Zone field they read
# (DescribeAvailabilityZones "Filter.N"); any other filter raises rather than being ignored.
ZONE_FILTERS = {
    "opt-in-status": "opt_in_status",
    "zone-type": "zone_type",
    "zone-name": "name",
    "zone-id": "zone_id",
    "state": "state",
}
ZONE_ARGUMENTS = {"state", "filters", "allAvailabilityZones", "excludeNames", "excludeZoneIds"}

# ARN service names for the type-token modules whose service name differs.
ARN_SERVICES = {
    "lb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "appautoscaling": "application-autoscaling",
    "cloudwatch": "cloudwatch",
    "chatbot": "chatbot",
}
GLOBAL_ARN_SERVICES = {"iam", "s3", "route53"}


# EC2 resources: their id prefix and the resource type in their ARN. Real ids are the prefix and
# 17 hex digits (EC2 User Guide, "Resource IDs"), and EC2 ARNs name the id, not a name.
EC2_IDS: dict[str, tuple[str, str]] = {
    "aws:ec2/vpc:Vpc": ("vpc", "vpc"),
    "aws:ec2/subnet:Subnet": ("subnet", "subnet"),
    "aws:ec2/securityGroup:SecurityGroup": ("sg", "security-group"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ("sg", "security-group"),
    "aws:ec2/routeTable:RouteTable": ("rtb", "route-table"),
    "aws:ec2/internetGateway:InternetGateway": ("igw", "internet-gateway"),
    "aws:ec2/natGateway:NatGateway": ("nat", "natgateway"),
    "aws:ec2/eip:Eip": ("eipalloc", "elastic-ip"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("vpce", "vpc-endpoint"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ("rtbassoc", "route-table-association"),
    "aws:ec2/flowLog:FlowLog": ("fl", "vpc-flow-log"),
    "aws:ec2/networkAcl:NetworkAcl": ("acl", "network-acl"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("sgr", "security-group-rule"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("sgr", "security-group-rule"),
}
# Types whose provider id is their ARN, and those whose id is an output name (terraform-provider-
# aws sets d.SetId to these in each resource's Create).
ARN_IDS = frozenset(
    {
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:ecs/cluster:Cluster",
        "aws:ecs/service:Service",
        "aws:sns/topic:Topic",
        "aws:iam/policy:Policy",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    }
)
NAME_IDS = {
    "aws:iam/role:Role": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "alarmName",
    "aws:ecr/repository:Repository": "name",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:kms/key:Key": "keyId",
    "aws:kms/alias:Alias": "name",
}


def _suffix(text: str, length: int = 7) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _uuid(text: str) -> str:
    """A deterministic UUID-shaped id (KMS key ids are UUIDs)."""
    digest = _suffix(text, 32)
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"


class ProgramMocks(pulumi.runtime.Mocks):
    """Answers registrations and invokes with deterministic, unique ids, names and ARNs."""

    def __init__(self, region: str) -> None:
        self.region = region

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.custom:
            return None, self._component_outputs(args)
        state = dict(args.inputs)
        physical = self._physical_name(args)
        ec2 = EC2_IDS.get(args.typ)
        # Ids in AWS's formats ("vpc-" and 17 hex digits), unique because a URN is unique per
        # type and name.
        ec2_id = f"{ec2[0]}-{_suffix(args.typ + args.name, 17)}" if ec2 else None
        arn = (
            f"arn:aws:ec2:{self.region}:{MOCK_ACCOUNT}:{ec2[1]}/{ec2_id}"
            if ec2
            else self._arn(args.typ, physical)
        )
        state.setdefault("arn", arn)
        state.setdefault("name", physical)
        state.update(self._type_outputs(args, physical, arn))
        resource_id = state.get("id") or ec2_id or self._resource_id(args, state)
        state["id"] = resource_id
        return resource_id, state

    @staticmethod
    def _resource_id(args: pulumi.runtime.MockResourceArgs, state: Mapping[str, Any]) -> str:
        if args.typ in ARN_IDS:
            return str(state["arn"])
        if args.typ in NAME_IDS:
            return str(state[NAME_IDS[args.typ]])
        if args.typ == "aws:iam/rolePolicy:RolePolicy":
            return f"{state.get('role')}:{state['name']}"  # the provider's role:policy id
        if args.typ == "aws:ec2/route:Route":
            # r-<route table id><hash of the destination> (the provider's route id)
            destination = state.get("destinationCidrBlock") or state.get("destinationPrefixListId")
            return f"r-{state.get('routeTableId')}{int(_suffix(str(destination), 8), 16)}"
        kind = args.typ.split(":")[-1]
        return f"{kind[0].lower()}{kind[1:]}-{args.name}"

    def _component_outputs(self, args: pulumi.runtime.MockResourceArgs) -> dict:
        # awsx components are remote: the mock stands in for their provider's outputs and must
        # not echo inputs (toolchain.md: awsx input and output types clash).
        if args.typ == "awsx:ecr:Image":
            repository_url = args.inputs.get("repositoryUrl", "unknown")
            tag = args.inputs.get("imageTag", "latest")
            return {"imageUri": f"{repository_url}@sha256:{_suffix(f'{repository_url}:{tag}', 64)}"}
        return {}

    def _physical_name(self, args: pulumi.runtime.MockResourceArgs) -> str:
        if args.typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return str(args.inputs.get("url", "")).removeprefix("https://")
        if isinstance(args.inputs.get("name"), str):
            return args.inputs["name"]
        if isinstance(args.inputs.get("namePrefix"), str):
            return args.inputs["namePrefix"] + _suffix(args.name, 20)
        return f"{args.name}-{_suffix(args.typ + args.name)}"

    def _arn(self, typ: str, physical: str) -> str:
        module = typ.split(":")[1].split("/")[0]
        kind = typ.split(":")[-1]
        kind = kind[0].lower() + kind[1:]
        service = ARN_SERVICES.get(module, module)
        if typ == "aws:cloudwatch/logGroup:LogGroup":
            return f"arn:aws:logs:{self.region}:{MOCK_ACCOUNT}:log-group:{physical}"
        if service == "s3":
            return f"arn:aws:s3:::{physical}"
        if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            # IAM names a provider by its URL without the scheme (IAM User Guide, "IAM
            # identifiers"): the policy pack's OIDC rules recognise GitHub trust by this ARN.
            return f"arn:aws:iam::{MOCK_ACCOUNT}:oidc-provider/{physical}"
        if service in GLOBAL_ARN_SERVICES:
            return f"arn:aws:{service}::{MOCK_ACCOUNT}:{kind}/{physical}"
        return f"arn:aws:{service}:{self.region}:{MOCK_ACCOUNT}:{kind}/{physical}"

    def _type_outputs(
        self, args: pulumi.runtime.MockResourceArgs, physical: str, arn: str
    ) -> dict[str, Any]:
        typ, inputs = args.typ, args.inputs
        hex16 = _suffix(args.name, 16)
        if typ == "aws:lb/loadBalancer:LoadBalancer":
            arn_suffix = f"app/{physical}/{hex16}"
            return {
                "arn": f"arn:aws:elasticloadbalancing:{self.region}:{MOCK_ACCOUNT}:"
                f"loadbalancer/{arn_suffix}",
                "arnSuffix": arn_suffix,
                "dnsName": f"{physical}-{hex16[:10]}.{self.region}.elb.amazonaws.com",
                "zoneId": "Z14GRHDCWA56QT",
            }
        if typ == "aws:lb/targetGroup:TargetGroup":
            arn_suffix = f"targetgroup/{physical}/{hex16}"
            return {
                "arn": f"arn:aws:elasticloadbalancing:{self.region}:{MOCK_ACCOUNT}:{arn_suffix}",
                "arnSuffix": arn_suffix,
            }
        if typ in ("aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"):
            # listener/app/<lb name>/<lb id>/<listener id>, a rule one id further (ELB guide,
            # "Resource types defined by Elastic Load Balancing V2").
            kind = "listener" if typ.endswith("Listener") else "listener-rule"
            parent = str(inputs.get("loadBalancerArn") or inputs.get("listenerArn") or "")
            parent_path = parent.split(":", 5)[-1].split("/", 1)[-1] if parent else ""
            path = parent_path or f"app/{physical}/{_suffix(physical, 16)}"
            return {
                "arn": f"arn:aws:elasticloadbalancing:{self.region}:{MOCK_ACCOUNT}:"
                f"{kind}/{path}/{hex16}"
            }
        if typ == "aws:ecr/repository:Repository":
            return {
                "repositoryUrl": f"{MOCK_ACCOUNT}.dkr.ecr.{self.region}.amazonaws.com/{physical}",
                "registryId": MOCK_ACCOUNT,
            }
        if typ == "aws:ecs/taskDefinition:TaskDefinition":
            family = inputs.get("family", physical)
            return {
                "arn": f"arn:aws:ecs:{self.region}:{MOCK_ACCOUNT}:task-definition/{family}:1",
                "arnWithoutRevision": f"arn:aws:ecs:{self.region}:{MOCK_ACCOUNT}:"
                f"task-definition/{family}",
                "revision": 1,
            }
        if typ == "aws:ec2/vpcEndpoint:VpcEndpoint":
            return {"prefixListId": f"pl-{hex16[:8]}"}
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or (
                inputs["bucketPrefix"] + hex16 if "bucketPrefix" in inputs else physical
            )
            return {
                "bucket": bucket,
                "arn": f"arn:aws:s3:::{bucket}",
                "bucketRegionalDomainName": f"{bucket}.s3.{self.region}.amazonaws.com",
            }
        if typ == "aws:kms/key:Key":
            key_id = _uuid(args.name)
            return {
                "keyId": key_id,
                "arn": f"arn:aws:kms:{self.region}:{MOCK_ACCOUNT}:key/{key_id}",
            }
        if typ == "aws:kms/alias:Alias":
            return {"arn": f"arn:aws:kms:{self.region}:{MOCK_ACCOUNT}:{physical}"}
        if typ == "aws:acm/certificate:Certificate":
            domain = inputs.get("domainName", "example.com")
            return {
                "domainValidationOptions": [
                    {
                        "domainName": domain,
                        "resourceRecordName": f"_{hex16}.{domain}.",
                        "resourceRecordType": "CNAME",
                        "resourceRecordValue": f"_{hex16}.acm-validations.aws.",
                    }
                ]
            }
        if typ == "aws:acm/certificateValidation:CertificateValidation":
            return {"certificateArn": inputs.get("certificateArn", arn)}
        if typ == "aws:route53/record:Record":
            return {"fqdn": inputs.get("name", physical)}
        if typ == "aws:sns/topic:Topic":
            return {"arn": f"arn:aws:sns:{self.region}:{MOCK_ACCOUNT}:{physical}"}
        if typ in ("aws:ecs/cluster:Cluster", "aws:ecs/service:Service"):
            return {"name": inputs.get("name", physical)}
        if typ in (
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "aws:cloudwatch/compositeAlarm:CompositeAlarm",
        ):
            alarm_name = inputs.get("alarmName") or inputs.get("name") or physical
            return {
                "arn": f"arn:aws:cloudwatch:{self.region}:{MOCK_ACCOUNT}:alarm:{alarm_name}",
                "alarmName" if "alarmName" in inputs else "name": alarm_name,
            }
        if typ == "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration":
            return {
                "chatConfigurationArn": f"arn:aws:chatbot::{MOCK_ACCOUNT}:chat-configuration/"
                f"slack-channel/{inputs.get('configurationName', physical)}"
            }
        return {}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:  # type: ignore[override]
        token = args.token
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return self._availability_zones(args.args)
        if args.args:
            # The other lookups are answered for this account and region only: an argument that
            # would select another (a region, an id) has no mock answer.
            raise NotImplementedError(f"{token}: no mock for the arguments {sorted(args.args)}")
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": MOCK_ACCOUNT,
                "arn": f"arn:aws:iam::{MOCK_ACCOUNT}:user/offline",
                "userId": "OFFLINE",
                "id": MOCK_ACCOUNT,
            }
        if token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        raise NotImplementedError(f"the offline mocks do not answer the invoke {token}")

    def _availability_zones(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """aws.get_availability_zones as the provider answers it: DescribeAvailabilityZones with
        the request's state and filters applied, then the exclusions (data source
        aws_availability_zones). An argument or filter the mock does not model raises."""
        unknown = set(request) - ZONE_ARGUMENTS
        if unknown:
            raise NotImplementedError(f"getAvailabilityZones: no mock for {sorted(unknown)}")
        zones = MOCK_ZONES.get(self.region) or [
            Zone(f"{self.region}{s}", f"{self.region}-az{i}") for i, s in enumerate("abc", 1)
        ]
        if not request.get("allAvailabilityZones"):
            zones = [z for z in zones if z.opt_in_status != "not-opted-in"]
        if request.get("state"):
            zones = [z for z in zones if z.state == request["state"]]
        for zone_filter in request.get("filters") or []:
            field = ZONE_FILTERS.get(zone_filter["name"])
            if field is None:
                raise NotImplementedError(
                    f"getAvailabilityZones: no mock for the filter {zone_filter['name']!r}"
                )
            zones = [z for z in zones if getattr(z, field) in zone_filter["values"]]
        zones = [
            z
            for z in zones
            if z.name not in (request.get("excludeNames") or [])
            and z.zone_id not in (request.get("excludeZoneIds") or [])
        ]
        return {
            "id": self.region,
            "names": [z.name for z in zones],
            "zoneIds": [z.zone_id for z in zones],
            # A Local Zone's group is its name without the zone letter (ap-northeast-1-tpe-1).
            "groupNames": sorted(
                {z.name[:-1] if z.zone_type == "local-zone" else self.region for z in zones}
            ),
            "state": request.get("state"),
        }


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also keeps what ``Mocks.new_resource`` cannot see: parents,
    dependencies and resource options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            # Inputs the program sent as secrets (a secret config value): the graph keeps the
            # value and names the inputs, as the engine would encrypt them in the state.
            secret_inputs = sorted(k for k, v in inputs.items() if _holds_secret(v))
            self.requests[response.urn] = {
                "type": request.type,
                "name": request.name,
                "custom": bool(request.custom),
                "parent": request.parent or None,
                "inputs": _plain(inputs),
                **({"secretInputs": secret_inputs} if secret_inputs else {}),
                "dependencies": list(request.dependencies),
                "propertyDependencies": {
                    prop: list(deps.urns) for prop, deps in request.propertyDependencies.items()
                },
                "options": {
                    "protect": bool(request.protect),
                    "ignoreChanges": list(request.ignoreChanges),
                    "retainOnDelete": bool(request.retainOnDelete),
                    "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                    # Mocks never run transforms; recording which ones a registration sends
                    # lets a test see that a remote component (awsx) carries them.
                    **(
                        {"transforms": [_qualified_name(t) for t in transforms]}
                        if (transforms := pulumi_mocks._resolve_callbacks(request.transforms))
                        else {}
                    ),
                    # URNs whose replacement replaces this one too (the engine's replaceWith).
                    **({"replaceWith": list(request.replace_with)} if request.replace_with else {}),
                },
            }
        return response


def _qualified_name(function: Any) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _holds_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_secret(v) for v in value)
    return False


def _plain(value: Any) -> Any:
    """JSON-safe copy of deserialized values: unknowns and assets become strings, secrets their
    value, and whole numbers become ints again (the wire format carries every number as a
    double)."""
    if rpc.is_rpc_secret(value):
        return _plain(value["value"])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _cli_config_value(value: Any) -> str:
    """Config values reach a program as strings; structured values as JSON (as the CLI does)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def read_project(project_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((project_dir / "Pulumi.yaml").read_text())


# Settings a stack file leaves to its owner that the offline plan still needs. Pulumi.prod.yaml
# ships without a domain (each owner sets theirs; components/config.py rejects the example
# values), so the offline prod graph gets a realistic one, used only here and never deployed.
OWNER_VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("ecs-fargate", "prod"): {
        "ecs-fargate:domainName": "app.ecs-fargate-offline.net",
        "ecs-fargate:hostedZoneId": "Z0OFFLINEPLAN0ZONE0ID",
    },
}


class StackSetupError(pulumi.RunError):
    """The stack lacks what an offline plan needs (its stack file, a value it cannot decrypt):
    one line, like a config error."""


def stack_file(stack: str, project_dir: Path = REPO_ROOT) -> Path:
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise StackSetupError(
            f"no stack file {path.name} in {project_dir}: create it (`pulumi stack init "
            f"{stack}`, then copy the settings of Pulumi.dev.yaml or Pulumi.prod.yaml from the "
            "repository and review each)"
        )
    return path


# Secure values (`pulumi config set --secret`) the offline plan stands in for: only the
# CLI with the stack's secrets provider decrypts them. Decided per key from components/config.py's
# types: these are string ids and e-mail addresses that reach a resource only as an input (the
# program sends them as secrets, components/config.secret_input), so a placeholder that passes the
# key's validation plans the same resources. Every other key stops the plan with one line: its
# value shapes the graph (a count, a CIDR, a flag, the domain that decides the HTTPS listener, a
# whole list that decides how many subscriptions, a tag on every resource). A path ending in []
# is each element of a list; {index} is the element's position, so addresses stay distinct.
SECRET_PLACEHOLDERS: dict[str, str] = {
    "ecs-fargate:slackWorkspaceId": "TNOTDECRYPTED",
    "ecs-fargate:slackChannelId": "CNOTDECRYPTED",
    "ecs-fargate:alarmEmails[]": "not-decrypted-{index}@offline.invalid",
}


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _stand_in(path: str, value: Any, stack: str, secrets: list[str]) -> Any:
    """``value`` with a placeholder for each secure value in it (their paths go to ``secrets``);
    a secure value without a placeholder raises StackSetupError naming its path."""
    if _is_secure(value):
        pattern = re.sub(r"\[\d+\]$", "[]", path)
        if pattern not in SECRET_PLACEHOLDERS:
            raise StackSetupError(
                f"secret {path} is needed to shape the graph: the offline plan cannot decrypt "
                f"it, so keep it in plain text in Pulumi.{stack}.yaml or check the stack with "
                "`pulumi preview` (secrets it can stand in for: "
                f"{', '.join(SECRET_PLACEHOLDERS)})"
            )
        secrets.append(path)
        index = re.search(r"\[(\d+)\]$", path)
        return SECRET_PLACEHOLDERS[pattern].format(index=index[1] if index else 0)
    if isinstance(value, dict):
        return {k: _stand_in(f"{path}.{k}", v, stack, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_stand_in(f"{path}[{i}]", v, stack, secrets) for i, v in enumerate(value)]
    return value


@dataclass(frozen=True)
class StackConfigMap:
    values: dict[str, str]
    """namespace:key -> the string the program receives, placeholders in place of secrets."""
    secrets: tuple[str, ...] = ()
    """Paths of the secure values a placeholder stands in for (ecs-fargate:alarmEmails[0])."""

    @property
    def secret_keys(self) -> list[str]:
        """The top-level keys the engine marks secret (PULUMI_CONFIG_SECRET_KEYS)."""
        return sorted({re.split(r"[.\[]", path, maxsplit=1)[0] for path in self.secrets})


def stack_config_map(
    stack: str, project_dir: Path = REPO_ROOT, *, owner_values: bool = True
) -> dict[str, str]:
    """Pulumi.yaml's declared defaults overlaid by Pulumi.<stack>.yaml, as the CLI merges them;
    with ``owner_values``, OWNER_VALUES fill what the stack file leaves unset."""
    return read_stack_config(stack, project_dir, owner_values=owner_values).values


def read_stack_config(
    stack: str, project_dir: Path = REPO_ROOT, *, owner_values: bool = True
) -> StackConfigMap:
    """stack_config_map's values and the secrets it stood in for."""
    project = read_project(project_dir)
    name = project["name"]
    merged: dict[str, str] = {}
    for key, declaration in (project.get("config") or {}).items():
        full_key = key if ":" in key else f"{name}:{key}"
        if isinstance(declaration, dict) and "default" in declaration:
            merged[full_key] = _cli_config_value(declaration["default"])
        elif isinstance(declaration, dict) and "value" in declaration:
            merged[full_key] = _cli_config_value(declaration["value"])
        elif not isinstance(declaration, dict):
            merged[full_key] = _cli_config_value(declaration)
    document = yaml.safe_load(stack_file(stack, project_dir).read_text()) or {}
    stack_values = document.get("config") or {}
    secrets: list[str] = []
    for key, value in stack_values.items():
        full_key = key if ":" in key else f"{name}:{key}"
        merged[full_key] = _cli_config_value(_stand_in(full_key, value, stack, secrets))
    lent = OWNER_VALUES.get((name, stack), {}) if owner_values else {}
    for key, value in lent.items():
        if key not in stack_values and key.removeprefix(f"{name}:") not in stack_values:
            merged[key] = value
    return StackConfigMap(merged, tuple(sorted(secrets)))


def _resolve(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        return _resolve(_sync_await(value.future()))
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(v) for v in value]
    return value


def run_program(
    stack: str,
    *,
    project_dir: Path = REPO_ROOT,
    config: Mapping[str, str] | None = None,
    secrets: Sequence[str] = (),
    raise_errors: bool = True,
) -> dict[str, Any]:
    """Run ``project_dir/__main__.py`` for ``stack`` under mocks; return the resource graph.

    ``config`` replaces the stack's merged config (tests use it for variants), ``secrets`` the
    paths of its values that stand in for secure ones (read_stack_config). A program error
    (a config error is a ``pulumi.RunError``) propagates; with ``raise_errors=False`` it is
    returned as the graph's ``error``, beside whatever was registered before it.
    """
    project_name = read_project(project_dir)["name"]
    stack_config = (
        StackConfigMap(dict(config), tuple(secrets))
        if config is not None
        else read_stack_config(stack, project_dir)
    )
    config_map = stack_config.values
    region = config_map.get("aws:region", "us-east-1")
    mocks = ProgramMocks(region)
    monitor = RecordingMonitor(mocks)
    pulumi_settings.ROOT.set(None)
    # As the CLI's PULUMI_CONFIG_SECRET_KEYS: the program sends these keys' values as secrets.
    set_all_config(config_map, stack_config.secret_keys)
    pulumi.runtime.set_mocks(
        mocks, project=project_name, stack=stack, preview=False, monitor=monitor
    )
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    root = pulumi_settings.get_root_resource()

    def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

    pulumi_settings._get_rpc_manager().clear()  # as pulumi.runtime.test does between runs
    error: BaseException | None = None
    try:
        _sync_await(run_pulumi_func(program))
    except Exception as program_error:  # noqa: BLE001 (handed back or re-raised below)
        if raise_errors:
            raise
        error = program_error
    exports = (
        _resolve(dict(root.outputs))  # type: ignore[attr-defined]
        if root is not None and error is None
        else {}
    )
    registered = monitor.get_registered_resources()
    resources = []
    for urn, request in monitor.requests.items():
        explained = {u for deps in request["propertyDependencies"].values() for u in deps}
        state = registered[urn].state if urn in registered else {}
        resources.append(
            {
                "urn": urn,
                **request,
                "id": registered[urn].id if urn in registered else None,
                "outputs": _plain(state),
                "dependsOn": [u for u in request["dependencies"] if u not in explained],
            }
        )
    graph = {
        "project": project_name,
        "stack": stack,
        "region": region,
        "account": MOCK_ACCOUNT,
        "config": config_map,
        # Secure values of the stack file planned with a placeholder (SECRET_PLACEHOLDERS).
        "secrets": list(stack_config.secrets),
        # Registration order varies with async scheduling; URN order keeps graphs reproducible.
        "resources": sorted(resources, key=lambda r: r["urn"]),
        "outputs": _plain(exports),
        "error": str(error) if error else None,
    }
    if capture_dir := os.environ.get(graph_guard.CAPTURE_ENV):
        graph_guard.record(
            graph,
            project_dir=project_dir,
            config=config_map,
            secrets=stack_config.secrets,
            directory=Path(capture_dir),
        )
    return graph


def plan_stack(stack: str, project_dir: Path = REPO_ROOT) -> dict[str, Any]:
    """The resource graph of ``stack`` (the program's own stack files and defaults)."""
    return run_program(stack, project_dir=project_dir)


def graph_path(stack: str, project_dir: Path = REPO_ROOT) -> Path:
    prefix = "" if project_dir == REPO_ROOT else f"{project_dir.name}-"
    return REPO_ROOT / "build" / f"{prefix}{stack}" / "graph.json"


def write_graph(graph: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(graph, indent=2, sort_keys=True) + "\n")
