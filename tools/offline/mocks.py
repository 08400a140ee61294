"""The offline mocks' answers: what AWS would return for each registration and invoke.

Ids, names and ARNs are deterministic (hashes of the URN's type and name) and in AWS's formats
where a policy rule, a check or the program reads their shape (docs/offline-graph.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pulumi

from tools.offline.zones import availability_zones

MOCK_ACCOUNT = "123456789012"
MOCK_VPC_IPV6_BLOCK = "2001:db8:1200::/56"

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
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": (
        "eigw",
        "egress-only-internet-gateway",
    ),
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
            destination = (
                state.get("destinationCidrBlock")
                or state.get("destinationIpv6CidrBlock")
                or state.get("destinationPrefixListId")
            )
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
        if typ == "aws:ec2/vpc:Vpc" and inputs.get("assignGeneratedIpv6CidrBlock"):
            # Amazon picks the /56 (N3, docs/ipv6-egress.md); the mock's is a documentation
            # prefix (RFC 3849), the same for every VPC, so subnet /64s can be computed offline.
            return {
                "ipv6CidrBlock": MOCK_VPC_IPV6_BLOCK,
                "ipv6AssociationId": f"vpc-cidr-assoc-{_suffix(args.name, 17)}",
            }
        if typ == "aws:ec2/subnet:Subnet" and inputs.get("ipv6CidrBlock"):
            return {"ipv6CidrBlockAssociationId": f"subnet-cidr-assoc-{_suffix(args.name, 17)}"}
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
            return availability_zones(self.region, args.args)
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
