"""What a change of each input does, per resource type the stacks use: the replace-forcing
properties, how Pulumi orders a replacement, whether it interrupts traffic, and which in-place
changes of the ECS service start a new deployment.

One table, the single source for ``make plan CHANGE=...`` (tools/day2/impact.py), docs/changes.md
and tests/test_day2_impact.py.

Where the facts come from:

* Replace-forcing properties are the provider schema's ``ForceNew: true`` (or a plugin-framework
  ``RequiresReplace`` plan modifier) in hashicorp/terraform-provider-aws ``internal/service/*``,
  which pulumi-aws bridges: the bridge's Diff answers "replace" exactly for them. Pulumi's registry
  and Terraform's docs mark them "Forces new resource"/"Changing this forces a new resource",
  but not always. A row's ``source`` names the provider file; ``verified`` is the commit of that file
  this table was checked against (read through the search tool's file index, which holds one
  version per file), or "" where the row rests on the Terraform registry documentation of the
  resource. The index holds files from several releases, so a commit says which text was read,
  not which release the pinned pulumi-aws 7.51.1 bridges: re-check a row when a release note
  says its schema changed.
* Only the properties this program can set are listed (tags are updated in place everywhere).
  Property names are the Pulumi (camelCase) input names as the offline graph records them; a dotted
  name is a nested field (``deploymentController.type``).
* Replacement order: Pulumi creates the replacement first unless the resource has
  ``deleteBeforeReplace``, or the bridge asks for it: pulumi/pulumi-terraform-bridge
  ``pkg/tfbridge/schema.go`` ``nameRequiresDeleteBeforeReplace`` answers delete-before-create when
  an auto-named property (``autoname`` below) was given an explicit value, because two resources
  cannot hold the same name. ``unique_key`` lists the inputs that identify a resource that can
  exist only once (one policy per bucket, one association per subnet, one record per name and
  type): a create-before-delete replacement that keeps them either fails on "already exists" or,
  with a Put-style API, overwrites the live one and then deletes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

TF = "hashicorp/terraform-provider-aws internal/service/"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"


@dataclass(frozen=True, kw_only=True)
class TypeRow:
    """What a change does to one resource type."""

    type: str
    force_new: tuple[str, ...]
    """Inputs whose change replaces the resource (dotted = nested field)."""
    source: str
    """The provider source file (``hashicorp/terraform-provider-aws internal/service/...``)."""
    verified: str = ""
    """Commit of ``source`` this row was checked against; "" = from the registry docs."""
    docs: str = ""
    """The registry page of the resource."""
    autoname: str | None = "name"
    """The property Pulumi auto-names (an explicit value makes a replacement delete-first)."""
    unique_key: tuple[str, ...] = ()
    """Inputs that identify a resource that can exist only once."""
    provider_delete_before_replace: bool = False
    """pulumi-aws marks the type ``DeleteBeforeReplace`` (provider/resources.go): every replacement
    deletes first. Checked for the lifecycle policy (set) and the WAF association (not set, so the
    program sets deleteBeforeReplace); other unique-key rows are flagged."""
    interrupts_traffic: bool = False
    """Replacing it interrupts requests to the service (the traffic path)."""
    on_replace: str = ""
    """What a replacement does, beyond a new id."""
    deployment_props: tuple[str, ...] = ()
    """ECS service inputs whose in-place change starts a new deployment (rolls every task)."""
    create_minutes: float = 0.0
    """Rough time AWS takes to create one (0 = seconds); not measured, see docs/changes.md."""


def _row(type_: str, tf_file: str, doc: str, *force_new: str, **kwargs: Any) -> TypeRow:
    return TypeRow(
        type=type_,
        force_new=force_new,
        source=TF + tf_file,
        docs=REGISTRY + doc,
        **kwargs,
    )


# ECS starts a new deployment on UpdateService when one of these changes (AWS ECS API reference,
# UpdateService: "a new deployment is triggered" for the task definition, network configuration,
# load balancers, capacity provider strategy, platform version, service registries, Service Connect
# and volume configuration). A capacity-provider-strategy change is accepted only with
# forceNewDeployment (terraform-provider-aws#43533 and the provider's plan-time check).
SERVICE_DEPLOYMENT_PROPS = (
    "taskDefinition",
    "networkConfiguration",
    "loadBalancers",
    "capacityProviderStrategies",
    "platformVersion",
    "serviceRegistries",
    "serviceConnectConfiguration",
    "volumeConfiguration",
)
SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT = ("capacityProviderStrategies",)

ROWS: tuple[TypeRow, ...] = (
    # ---------------------------------------------------------------- network
    _row(
        "aws:ec2/vpc:Vpc", "ec2/vpc_.go", "vpc",
        "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength",
        verified="00081ce41cc691433ac19bf42227cdabffd0454d",
        autoname=None,
        interrupts_traffic=True,
        on_replace="a new VPC: every subnet, security group, endpoint and the target group in it "
        "are replaced, and the ALB with it (replace_with: ELB cannot move a load balancer to "
        "another VPC), so a new DNS name: a full outage",
    ),
    _row(
        "aws:ec2/subnet:Subnet", "ec2/vpc_subnet.go", "subnet",
        "availabilityZone", "availabilityZoneId", "cidrBlock", "vpcId", "ipv6Native",
        "ipv4IpamPoolId", "ipv4NetmaskLength", "outpostArn",
        verified="00cda125a19d31754cb0d073cf551264c57955cb",
        autoname=None,
        interrupts_traffic=True, create_minutes=0.5,
        on_replace="tasks, endpoints and the ALB move to the new subnet; deleting the old one waits "
        "for their network interfaces to go (provider delete timeout 20 min)",
    ),
    _row(
        "aws:ec2/routeTable:RouteTable", "ec2/vpc_route_table.go", "route_table",
        "vpcId",
        verified="022092419b7cda11527df3c6b51cbfe1876c1722",
        autoname=None, interrupts_traffic=True,
        on_replace="subnets use the VPC main route table until the new association exists",
    ),
    _row(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "ec2/vpc_route_table_association.go", "route_table_association",
        "subnetId", "gatewayId",
        verified="0be71beb458ad8875e0acc5c91519c0ceeb214aa",
        autoname=None,
        unique_key=("subnetId",), interrupts_traffic=True,
    ),
    _row(
        "aws:ec2/route:Route", "ec2/vpc_route.go", "route",
        "routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock",
        "destinationPrefixListId", autoname=None,
        unique_key=("routeTableId", "destinationCidrBlock"), interrupts_traffic=True,
    ),
    _row(
        "aws:ec2/internetGateway:InternetGateway", "ec2/vpc_internet_gateway.go",
        "internet_gateway", autoname=None, interrupts_traffic=True,
        on_replace="vpcId is updated in place (detach, attach): the ALB is unreachable in between",
    ),
    _row(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "ec2/vpc_default_security_group.go", "default_security_group",
        "vpcId", autoname=None, unique_key=("vpcId",),
        on_replace="adopts the new VPC's default group (it is not created or deleted)",
    ),
    _row(
        "aws:ec2/securityGroup:SecurityGroup", "ec2/vpc_security_group.go", "security_group",
        "name", "namePrefix", "description", "vpcId",
        verified="01606926a0c0ab9174aec440f976a48b0baee722",
        interrupts_traffic=True,
        on_replace="its rules are replaced with it; what uses the group (ALB, tasks, endpoints) "
        "is updated to the new one, and the old one can only be deleted once nothing uses it",
    ),
    _row(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "ec2/vpc_security_group_ingress_rule.go", "vpc_security_group_ingress_rule",
        "securityGroupId",
        verified="00a322094b4b9ade8a81b244345dbcf4b52ee8d6",
        autoname=None, interrupts_traffic=True,
        # Its ModifyPlan also replaces it when the source kind changes (cidrIpv4 <->
        # referencedSecurityGroupId <-> prefixListId); the program never switches kinds.
        on_replace="the rule is revoked and authorised again on the new group",
    ),
    _row(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "ec2/vpc_security_group_egress_rule.go", "vpc_security_group_egress_rule",
        "securityGroupId", autoname=None, interrupts_traffic=True,
    ),
    _row(
        "aws:ec2/vpcEndpoint:VpcEndpoint", "ec2/vpc_endpoint.go", "vpc_endpoint",
        "vpcId", "serviceName", "vpcEndpointType", "serviceRegion", "resourceConfigurationArn",
        "serviceNetworkArn", "dnsOptions.privateDnsPreference",
        "dnsOptions.privateDnsSpecifiedDomains",
        verified="008db85aad5e56627b1eecab8830464a282552ed",
        autoname=None,
        interrupts_traffic=True, create_minutes=2,
        on_replace="tasks pull images and write logs only through the endpoints (no NAT): a task "
        "started while one is missing cannot start",
    ),
    _row(
        "aws:ec2/flowLog:FlowLog", "ec2/vpc_flow_log.go", "flow_log",
        "iamRoleArn", "logDestination", "logDestinationType", "trafficType", "vpcId",
        "maxAggregationInterval", "logFormat", "destinationOptions", "deliverCrossAccountRole",
        autoname=None,
    ),
    # ---------------------------------------------------------------- load balancing
    _row(
        "aws:lb/loadBalancer:LoadBalancer", "elbv2/load_balancer.go", "lb",
        "name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool",
        verified="00edc94be7a89c4c485415cdec27094875f61bfc",
        interrupts_traffic=True,
        create_minutes=3,
        on_replace="a new DNS name: clients and the alias record move to it, requests to the old "
        "one fail once it is deleted",
    ),
    _row(
        "aws:lb/targetGroup:TargetGroup", "elbv2/target_group.go", "lb_target_group",
        "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId",
        "ipAddressType",
        verified="013cfb4cddc9c44a28f34abad0c11768bcdb9b85",
        interrupts_traffic=True,
        on_replace="the listener points at an empty group until the service's new deployment "
        "registers tasks in it: 503s meanwhile",
    ),
    _row(
        "aws:lb/listener:Listener", "elbv2/listener.go", "lb_listener",
        "loadBalancerArn",
        verified="01c08000ddb14181b5bd19201d8fca311dc570e4",
        autoname=None, unique_key=("loadBalancerArn", "port"),
        interrupts_traffic=True,
    ),
    _row(
        "aws:lb/listenerRule:ListenerRule", "elbv2/listener_rule.go", "lb_listener_rule",
        "listenerArn", autoname=None, unique_key=("listenerArn", "priority"),
        interrupts_traffic=True,
    ),
    _row(
        "aws:acm/certificate:Certificate", "acm/certificate.go", "acm_certificate",
        "domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm",
        "certificateAuthorityArn", "validationOptions",
        verified="01661ea3cbe6b07ed725b03c587d24ceb464484a",
        autoname=None, create_minutes=5,
        on_replace="a new certificate must pass DNS validation before the listener can use it",
    ),
    _row(
        "aws:acm/certificateValidation:CertificateValidation", "acm/certificate_validation.go",
        "acm_certificate_validation",
        "certificateArn", "validationRecordFqdns", autoname=None,
    ),
    _row(
        "aws:route53/record:Record", "route53/record.go", "route53_record",
        "zoneId", "name",
        verified="00655c1681ea1e49ab10cd32d3f8bee372b2095b",
        autoname=None,
        unique_key=("zoneId", "name", "type"), interrupts_traffic=True,
        on_replace="the old name stops resolving when the old record is deleted",
    ),
    _row(
        "aws:wafv2/webAcl:WebAcl", "wafv2/web_acl.go", "wafv2_web_acl",
        "name", "namePrefix", "scope", create_minutes=1,
    ),
    _row(
        "aws:wafv2/webAclAssociation:WebAclAssociation", "wafv2/web_acl_association.go",
        "wafv2_web_acl_association",
        "resourceArn", "webAclArn",
        verified="011a8eed43ed7763ef9de18cbb776eb29c762452",
        autoname=None, unique_key=("resourceArn",),
        # pulumi/pulumi-aws provider/resources.go@00ba5ea5: no DeleteBeforeReplace for the type;
        # components/service.py sets it on the association (a test keeps it so).
        on_replace="an ALB has one web ACL, and the delete disassociates by ALB ARN alone, so the "
        "program deletes the association first (deleteBeforeReplace): the ALB is unprotected "
        "until the new one exists",
    ),
    _row(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "wafv2/web_acl_logging_configuration.go", "wafv2_web_acl_logging_configuration",
        "resourceArn", autoname=None, unique_key=("resourceArn",),
    ),
    # ---------------------------------------------------------------- ECS, ECR, IAM
    _row(
        "aws:ecs/cluster:Cluster", "ecs/cluster.go", "ecs_cluster",
        "name",
        verified="00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        interrupts_traffic=True,
        on_replace="the service is replaced with it (cluster forces a new service)",
    ),
    _row(
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "ecs/cluster_capacity_providers.go", "ecs_cluster_capacity_providers",
        "clusterName", autoname=None, unique_key=("clusterName",),
    ),
    _row(
        "aws:ecs/service:Service", "ecs/service.go", "ecs_service",
        # deploymentController.type is ForceNew in the file read here; later releases let
        # UpdateService change the controller. Kept as replace-forcing, the safe reading.
        "name", "cluster", "launchType", "schedulingStrategy", "iamRole",
        "deploymentController.type",
        verified="00a919d1548eb437816d4838f320502ad34183ff",
        interrupts_traffic=True,
        create_minutes=3, deployment_props=SERVICE_DEPLOYMENT_PROPS,
        on_replace="the new service starts its tasks from zero next to the old one; the old one "
        "is drained and deleted after",
    ),
    _row(
        "aws:ecs/taskDefinition:TaskDefinition", "ecs/task_definition.go", "ecs_task_definition",
        "containerDefinitions", "cpu", "memory", "executionRoleArn", "taskRoleArn", "family",
        "networkMode", "requiresCompatibilities", "runtimePlatform", "volumes",
        "ephemeralStorage", "ipcMode", "pidMode", "placementConstraints", "proxyConfiguration",
        verified="04fc21d56d73cb67a9bbef2aedcffe8fbfd07286",
        autoname=None,
        on_replace="a new revision of the same family; with skipDestroy the old revision stays "
        "registered for rollbacks, the service moves to the new one in a deployment",
    ),
    _row(
        "aws:ecr/repository:Repository", "ecr/repository.go", "ecr_repository",
        "name", "encryptionConfigurations",
        verified="0072eea2d6046230a1fb7717741c17fd2122175e",
        on_replace="a new, empty repository: the image is pushed again, and the old repository "
        "(with every image a previous revision runs) is deleted",
    ),
    _row(
        "aws:ecr/lifecyclePolicy:LifecyclePolicy", "ecr/lifecycle_policy.go",
        "ecr_lifecycle_policy",
        "repository", "policy",
        verified="00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        autoname=None,
        unique_key=("repository",),
        # pulumi/pulumi-aws provider/resources.go@00ba5ea5: DeleteBeforeReplace: true.
        provider_delete_before_replace=True,
        on_replace="the provider has no update: any policy change replaces it, delete first (the "
        "repository has no lifecycle policy for a moment)",
    ),
    _row(
        "aws:iam/role:Role", "iam/role.go", "iam_role",
        "name", "namePrefix", "path",
        verified="0040ea6911af00bea2cca6dbb14e86829826ad8e",
    ),
    _row(
        "aws:iam/rolePolicy:RolePolicy", "iam/role_policy.go", "iam_role_policy",
        "name", "namePrefix", "role", unique_key=("role", "name"),
    ),
    _row(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "iam/role_policy_attachment.go",
        "iam_role_policy_attachment",
        "role", "policyArn", autoname=None, unique_key=("role", "policyArn"),
    ),
    _row(
        "aws:kms/key:Key", "kms/key.go", "kms_key",
        "customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId",
        autoname=None,
        on_replace="the old key is scheduled for deletion (deletionWindowInDays); what it "
        "encrypted must not need it after",
    ),
    # ---------------------------------------------------------------- logs, alarms, notifications
    _row(
        "aws:cloudwatch/logGroup:LogGroup", "logs/group.go", "cloudwatch_log_group",
        "name", "namePrefix", "logGroupClass",
        verified="0073593e7d6993ba482409f4dc35438daaa79bb3",
        on_replace="a new, empty log group; the old one and its events go unless retained",
    ),
    _row(
        "aws:cloudwatch/logMetricFilter:LogMetricFilter", "logs/metric_filter.go",
        "cloudwatch_log_metric_filter",
        "name", "logGroupName",
    ),
    _row(
        "aws:cloudwatch/queryDefinition:QueryDefinition", "logs/query_definition.go",
        "cloudwatch_query_definition",
    ),
    _row(
        "aws:cloudwatch/metricAlarm:MetricAlarm", "cloudwatch/metric_alarm.go",
        "cloudwatch_metric_alarm",
        "name",
        verified="055611a654738da73e7b1e2b5d2b7672c6d4d531",
        on_replace="a new alarm starts in INSUFFICIENT_DATA and forgets its state",
    ),
    _row(
        "aws:cloudwatch/compositeAlarm:CompositeAlarm", "cloudwatch/composite_alarm.go",
        "cloudwatch_composite_alarm",
        "alarmName", autoname=None, unique_key=("alarmName",),
    ),
    _row(
        "aws:cloudwatch/dashboard:Dashboard", "cloudwatch/dashboard.go", "cloudwatch_dashboard",
        "dashboardName", autoname=None, unique_key=("dashboardName",),
    ),
    _row(
        "aws:sns/topic:Topic", "sns/topic.go", "sns_topic",
        "name", "namePrefix", "fifoTopic",
        verified="00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        on_replace="a new topic: every subscription is replaced, e-mail ones must be confirmed again",
    ),
    _row(
        "aws:sns/topicSubscription:TopicSubscription", "sns/topic_subscription.go",
        "sns_topic_subscription",
        "topic", "protocol", "endpoint",
        verified="04a2e6e5bc625ec85ea8c678219b483fc674877e",
        autoname=None,
        on_replace="an e-mail subscription stays pending until the recipient confirms it again",
    ),
    _row(
        "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
        "chatbot/slack_channel_configuration.go", "chatbot_slack_channel_configuration",
        "configurationName", "slackTeamId", autoname=None, unique_key=("configurationName",),
    ),
    # ---------------------------------------------------------------- scaling and schedules
    _row(
        "aws:appautoscaling/target:Target", "appautoscaling/target.go", "appautoscaling_target",
        "resourceId", "scalableDimension", "serviceNamespace",
        verified="0105d2191ae7e43ba37ba011b916843eddf361ed",
        autoname=None,
        unique_key=("resourceId", "scalableDimension", "serviceNamespace"),
    ),
    _row(
        "aws:appautoscaling/policy:Policy", "appautoscaling/policy.go", "appautoscaling_policy",
        "name", "resourceId", "scalableDimension", "serviceNamespace",
    ),
    _row(
        "aws:appautoscaling/scheduledAction:ScheduledAction", "appautoscaling/scheduled_action.go",
        "appautoscaling_scheduled_action",
        "name", "resourceId", "scalableDimension", "serviceNamespace",
    ),
    _row(
        "aws:scheduler/schedule:Schedule", "scheduler/schedule.go", "scheduler_schedule",
        "name", "namePrefix", "groupName",
    ),
    # ---------------------------------------------------------------- S3 (the ALB access-log bucket)
    _row(
        "aws:s3/bucket:Bucket", "s3/bucket.go", "s3_bucket",
        "bucket", "bucketPrefix", "objectLockEnabled", autoname="bucket",
        on_replace="a new, empty bucket; the old one keeps the logs only if retained",
    ),
    *(
        _row(
            f"aws:s3/{kind}:{kind[0].upper()}{kind[1:]}", f"s3/{tf}.go", f"s3_{tf}",
            "bucket", autoname=None, unique_key=("bucket",),
        )
        for kind, tf in (
            ("bucketLifecycleConfiguration", "bucket_lifecycle_configuration"),
            ("bucketOwnershipControls", "bucket_ownership_controls"),
            ("bucketPolicy", "bucket_policy"),
            ("bucketPublicAccessBlock", "bucket_public_access_block"),
            ("bucketServerSideEncryptionConfiguration", "bucket_server_side_encryption_configuration"),
            ("bucketVersioning", "bucket_versioning"),
        )
    ),
)  # fmt: skip

# awsx's ECR image is a remote component (DESIGN.md decision 1): its docker-build child builds
# and pushes. Any change of a build input builds again and yields a new digest, which the task
# definition is pinned to; the child is named after the tag, so a new tag is a new child
# (pulumi/pulumi-awsx awsx/ecr/image.ts; pulumi/pulumi-docker-build#606).
IMAGE_TYPE = "awsx:ecr:Image"
IMAGE_BUILD_INPUTS = ("context", "dockerfile", "platform", "args", "target", "builderVersion")
IMAGE_ROW = TypeRow(
    type=IMAGE_TYPE,
    force_new=("repositoryUrl", "imageTag", *IMAGE_BUILD_INPUTS),
    source="pulumi/pulumi-awsx awsx/ecr/image.ts (a docker-build:index:Image child per tag)",
    docs="https://www.pulumi.com/registry/packages/awsx/api-docs/ecr/image/",
    autoname=None,
    on_replace="a new build pushed under imageTag; the task definition follows the new digest",
    create_minutes=3,
)

# Transforms (tools/offline.py records them per registration) that make the image a build pushed
# outlive its build resource, so a rollback to an older revision still pulls (issue 10 finding 2).
IMAGE_RETAINING_TRANSFORMS = ("components.service.retain_pushed_image",)

TABLE: dict[str, TypeRow] = {row.type: row for row in (*ROWS, IMAGE_ROW)}

# This project's own components register no inputs of their own: nothing to compare.
OWN_COMPONENT_PREFIX = "ecs-fargate:index:"


def row_for(type_token: str) -> TypeRow | None:
    return TABLE.get(type_token)


# --------------------------------------------------------------------------------------------
# docs/changes.md: one representative, valid, non-default change per config key (a change of
# what the stack file sets, so it does something), with the keys it must move together (a new
# VPC CIDR needs subnets inside it). ``app/`` is the content under app/, which is no config key.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeExample:
    key: str
    change: str
    """CHANGE text, as ``make plan CHANGE=...`` takes it."""
    stack: str = "dev"
    note: str = ""


STAGING_TAGS = json.dumps(
    {"tags": {"Project": "ecs-fargate", "Environment": "staging", "ManagedBy": "pulumi",
              "Owner": "platform-team"}}
)  # fmt: skip
NIGHT = json.dumps(
    {"scaleInCron": "cron(0 21 ? * MON-FRI *)", "scaleOutCron": "cron(0 8 ? * MON-FRI *)",
     "timezone": "Asia/Tokyo"}
)  # fmt: skip
# A VPC change replaces the ALB with the VPC (components/service.py, replace_with).
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
