"""What the CI roles may do, as data: each resource type token of the ecs-fargate stacks mapped to
the IAM actions its create/update/delete needs, and how those actions are confined to one stack.

The deploy role of an environment gets every row; ``tests/bootstrap/test_bootstrap_permissions.py`` fails
when the dev or prod resource graph holds a type with no row here, so a new resource type cannot
reach `pulumi up` without its permissions (the portfolio's "CI cannot create half the stack").

Scoping, in order of preference:

- ``NAME_PREFIX``: the ARN carries the physical name, and every logical name of the stack starts
  with ``ecs-fargate-<env>-`` (auto-naming keeps that prefix), so ``Resource`` is an ARN pattern.
- ``TAG``: the ARN carries only a generated id (EC2, KMS keys, task definitions). Creation is
  allowed when the request carries ``Environment=<env>`` (the stack's provider default tags) and
  every later call when the resource carries it.
- ``ACCOUNT``: calls the provider makes on a resource in the same `up` that creates it, when the
  ARN carries only a generated id (EC2, KMS keys, ACM certificates). A new resource's tags can take
  minutes to count for authorisation (KMS: "up to five minutes", AWS KMS developer guide, "ABAC
  for AWS KMS"; EC2 and ELB: hashicorp/terraform-provider-aws#6055) and the provider does not
  retry AccessDenied, so these calls are never authorised through the resource's own tags:
  ``Resource`` is the account's ARN pattern for the service in the region, and a Deny keeps them
  off anything tagged with another stack's ``Environment`` (a tag that has not propagated reads
  as absent, which the Deny lets through).
- ``UNSCOPED``: AWS offers no resource-level permission or condition for the action (the
  ``reason`` says why); ``Resource`` is ``"*"``.

Rule for the whole table: an action the provider calls on a resource the same `up` has just
created is never in a ``TAG`` grant (``aws:ResourceTag``); ``TAG`` is for creating (the tags are in
the request, ``aws:RequestTag``) and for calls only later updates and deletes make.

ARN templates take ``{partition}``, ``{region}``, ``{account}`` and ``{prefix}`` (the stack's name
prefix, e.g. ``ecs-fargate-dev``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

MAIN_PROJECT = "ecs-fargate"
# The tag key the stacks' provider default tags carry with the environment name (issue 2).
ENVIRONMENT_TAG = "Environment"


class Scope(Enum):
    NAME_PREFIX = "name-prefix"
    TAG = "tag"
    ACCOUNT = "account"
    UNSCOPED = "unscoped"


@dataclass(frozen=True)
class Grant:
    actions: tuple[str, ...]
    scope: Scope
    arns: tuple[str, ...] = ()
    reason: str = ""
    # Extra IAM condition block, merged into the statement (e.g. the permissions boundary).
    condition: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class TypePermissions:
    grants: tuple[Grant, ...]
    # Describe/List calls the provider makes to read the resource back. None of these supports
    # resource-level permissions, so they are granted on "*" in one shared statement.
    reads: tuple[str, ...] = ()
    # For NAME_PREFIX rows: the output that holds the physical name the ARN patterns match, so a
    # test can check every resource of the type really starts with the stack's prefix. None
    # where the ARN holds another resource's name (policies, attachments, bucket settings).
    name_output: str | None = "name"
    # Shell patterns the physical names must match ({prefix} = ecs-fargate-<env>).
    name_patterns: tuple[str, ...] = ("{prefix}-*",)


# Resource types that make no AWS call of their own.
NO_AWS_CALLS_PREFIXES = ("pulumi:", f"{MAIN_PROJECT}:")

# The permissions boundary condition every IAM write on a stack role must carry (IAM-19): the
# deploy role can only create or widen roles that stay inside the bootstrap's boundary.
BOUNDARY_CONDITION_PLACEHOLDER = "{boundary_arn}"
_WITH_BOUNDARY = {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY_CONDITION_PLACEHOLDER}}
# The stack's environment name in a condition value (the tag scopes fill it in themselves).
ENVIRONMENT_CONDITION_PLACEHOLDER = "{environment}"

# EC2 calls that take TagSpecifications: with tags in the request, EC2 also authorises
# ec2:CreateTags with ec2:CreateAction = the call's name (tag-on-create). Authorize* create
# security-group-rule resources, so they belong here although they are not named Create*.
EC2_TAG_ON_CREATE_ACTIONS = (
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:CreateEgressOnlyInternetGateway",
    "ec2:CreateFlowLogs",
    "ec2:CreateInternetGateway",
    "ec2:CreateRouteTable",
    "ec2:CreateSecurityGroup",
    "ec2:CreateSubnet",
    "ec2:CreateVpc",
    "ec2:CreateVpcEndpoint",
)

_EC2 = ("arn:{partition}:ec2:{region}:{account}:*",)
_ROLE = ("arn:{partition}:iam::{account}:role/{prefix}-*",)
_LOAD_BALANCER = (
    "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/app/{prefix}-*/*",
)
_TARGET_GROUP = (
    "arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{prefix}-*/*",
)
_LISTENERS = (
    "arn:{partition}:elasticloadbalancing:{region}:{account}:listener/app/{prefix}-*/*",
    "arn:{partition}:elasticloadbalancing:{region}:{account}:listener-rule/app/{prefix}-*/*",
)
_CLUSTER = ("arn:{partition}:ecs:{region}:{account}:cluster/{prefix}-*",)
_SERVICE = ("arn:{partition}:ecs:{region}:{account}:service/{prefix}-*/{prefix}-*",)
_REPOSITORY = ("arn:{partition}:ecr:{region}:{account}:repository/{prefix}-*",)
_LOG_GROUP = (
    "arn:{partition}:logs:{region}:{account}:log-group:{prefix}-*",
    "arn:{partition}:logs:{region}:{account}:log-group:{prefix}-*:*",
    # WAF logs only to groups named aws-waf-logs-* (an AWS rule)
    "arn:{partition}:logs:{region}:{account}:log-group:aws-waf-logs-{prefix}*",
    "arn:{partition}:logs:{region}:{account}:log-group:aws-waf-logs-{prefix}*:*",
)
_ALARM = ("arn:{partition}:cloudwatch:{region}:{account}:alarm:{prefix}-*",)
_TOPIC = ("arn:{partition}:sns:{region}:{account}:{prefix}-*",)
_BUCKET = ("arn:{partition}:s3:::{prefix}-*",)
_BUCKET_OBJECTS = ("arn:{partition}:s3:::{prefix}-*/*",)
_KMS = ("arn:{partition}:kms:{region}:{account}:key/*",)
_KMS_ALIAS = ("arn:{partition}:kms:{region}:{account}:alias/{prefix}-*",)
_WEB_ACL = ("arn:{partition}:wafv2:{region}:{account}:regional/webacl/{prefix}-*/*",)

_CREATED_WITHOUT_ARN = (
    "the call creates the resource, so there is no ARN to name; aws:RequestTag confines it"
)

_NO_ID_FOR_AUTOSCALING = (
    "scalable targets and policies are addressed by generated ids; Application Auto Scaling "
    "offers no ARN or tag condition to scope them to one stack"
)

_EC2_READS = (
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways",
    # the egress-only internet gateway of ecs-fargate:egress=ipv6-egress-only
    "ec2:DescribeEgressOnlyInternetGateways",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeTags",
)
_ELB_READS = (
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTags",
)
_ELB_TAGS = ("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")
_ECS_TAGS = ("ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource")
_LOGS_TAGS = ("logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource")
_CW_TAGS = (
    "cloudwatch:TagResource",
    "cloudwatch:UntagResource",
    "cloudwatch:ListTagsForResource",
)
_ROLE_READS = (
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListRoleTags",
)
_IMAGE_PUSH = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:DescribeImages",
)
_S3_BUCKET_READ = (
    # resourceBucketRead: HeadBucket (authorised as s3:ListBucket), then one Get per setting
    "s3:ListBucket",
    "s3:GetBucketTagging",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetBucketVersioning",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketPolicy",
)

ECR_AUTH = Grant(
    ("ecr:GetAuthorizationToken",),
    Scope.UNSCOPED,
    reason="ecr:GetAuthorizationToken has no resource-level permissions",
)


def _service_linked_role(service: str) -> Grant:
    """The first load balancer / cluster / scalable target in an account creates the service's
    service-linked role; the condition stops the deploy role from creating any other."""
    return Grant(
        ("iam:CreateServiceLinkedRole",),
        Scope.NAME_PREFIX,
        arns=("arn:{partition}:iam::{account}:role/aws-service-role/*",),
        condition={"StringEquals": {"iam:AWSServiceName": service}},
    )


def _tagged(*actions: str) -> Grant:
    return Grant(tuple(actions), Scope.TAG, arns=_EC2)


_CALLED_ON_NEW = "called in the same `up` that creates the resource, before its tags authorise"


def _on_new_ec2(*actions: str) -> Grant:
    """EC2 calls on a resource the same `up` creates (terraform-provider-aws
    internal/service/ec2: modifyVPCAttributesOnCreate, modifySubnetAttributesOnCreate, the
    internet gateway's attach, routes and associations on new tables and subnets, the default
    egress rule a new security group loses)."""
    return Grant(tuple(actions), Scope.ACCOUNT, arns=_EC2, reason=_CALLED_ON_NEW)


_SG_RULE_ACTIONS = (
    "ec2:ModifySecurityGroupRules",
    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
)

PERMISSIONS: dict[str, TypePermissions] = {
    # --- network (components/network.py): EC2 ARNs hold generated ids -> tag scoped
    "aws:ec2/vpc:Vpc": TypePermissions(
        (
            # A new VPC gets its Amazon-provided IPv6 block inside CreateVpc
            # (AmazonProvidedIpv6CidrBlock); only turning assign_generated_ipv6_cidr_block on or
            # off later (ecs-fargate:egress on a deployed stack) associates or disassociates it
            # (terraform-provider-aws ec2/vpc_.go@00081ce4 resourceVPCUpdate ->
            # modifyVPCIPv6CIDRBlockAssociation): an update of a tagged VPC.
            _tagged(
                "ec2:CreateVpc",
                "ec2:DeleteVpc",
                "ec2:AssociateVpcCidrBlock",
                "ec2:DisassociateVpcCidrBlock",
            ),
            _on_new_ec2("ec2:ModifyVpcAttribute"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/subnet:Subnet": TypePermissions(
        (
            # A new subnet's IPv6 /64 and ipv6_native travel in CreateSubnet; an ipv6_cidr_block
            # added to an existing one (the ALB subnets when the mode is turned on) is associated
            # in place (ec2/vpc_subnet.go@00cda125 resourceSubnetUpdate ->
            # modifySubnetIPv6CIDRBlockAssociation).
            _tagged(
                "ec2:CreateSubnet",
                "ec2:DeleteSubnet",
                "ec2:AssociateSubnetCidrBlock",
                "ec2:DisassociateSubnetCidrBlock",
            ),
            # modifySubnetAttributesOnCreate: assign_ipv6_address_on_creation, enable_dns64 and
            # the IPv4 ones, each its own ModifySubnetAttribute call
            _on_new_ec2("ec2:ModifySubnetAttribute"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/internetGateway:InternetGateway": TypePermissions(
        (
            _tagged(
                "ec2:CreateInternetGateway",
                "ec2:DeleteInternetGateway",
                "ec2:DetachInternetGateway",
            ),
            _on_new_ec2("ec2:AttachInternetGateway"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    # The IPv6 egress-only mode (ecs-fargate:egress, docs/ipv6-egress.md): created with its tags
    # (TagSpecifications) and attached to the VPC by CreateEgressOnlyInternetGateway itself, no
    # attach call; updates are tags only; vpc_id forces a new one
    # (ec2/vpc_egress_only_internet_gateway.go@08923b68).
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": TypePermissions(
        (_tagged("ec2:CreateEgressOnlyInternetGateway", "ec2:DeleteEgressOnlyInternetGateway"),),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/routeTable:RouteTable": TypePermissions(
        (_tagged("ec2:CreateRouteTable", "ec2:DeleteRouteTable"),),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/route:Route": TypePermissions(
        # routes take no tags; the route table is the same `up`'s
        (_tagged("ec2:DeleteRoute", "ec2:ReplaceRoute"), _on_new_ec2("ec2:CreateRoute")),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": TypePermissions(
        (
            _tagged("ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"),
            _on_new_ec2("ec2:AssociateRouteTable"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": TypePermissions(
        (
            _tagged("ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints"),
            # also what attaches the gateway endpoint to the new route tables (below)
            _on_new_ec2("ec2:ModifyVpcEndpoint"),
            # dependent actions of CreateVpcEndpoint with private DNS (service authorization
            # reference): EC2 associates the VPC with the service's private hosted zone
            Grant(
                ("route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"),
                Scope.UNSCOPED,
                reason="the private hosted zone belongs to the AWS service, not to the stack",
            ),
        ),
        reads=(
            *_EC2_READS,
            "ec2:DescribeVpcEndpoints",
            "ec2:DescribeVpcEndpointServices",
            "ec2:DescribePrefixLists",
        ),
        name_output=None,
    ),
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": TypePermissions(
        (_on_new_ec2("ec2:ModifyVpcEndpoint"),),
        reads=("ec2:DescribeVpcEndpoints",),
        name_output=None,
    ),
    "aws:ec2/securityGroup:SecurityGroup": TypePermissions(
        (
            _tagged("ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup"),
            # the provider revokes the default allow-all egress rule of a new group
            _on_new_ec2("ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": TypePermissions(
        (
            _tagged("ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"),
            # the rules EC2 gave the group with the VPC, revoked right after adopting it
            _on_new_ec2("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"),
            # EC2 creates the default group with the VPC, untagged; adopting it starts with a
            # plain CreateTags (no ec2:CreateAction) before the rules are revoked. Only a group
            # no stack has claimed yet (no Environment tag) may be tagged as this stack's.
            Grant(
                ("ec2:CreateTags",),
                Scope.NAME_PREFIX,
                arns=("arn:{partition}:ec2:{region}:{account}:security-group/*",),
                condition={
                    "StringEquals": {
                        f"aws:RequestTag/{ENVIRONMENT_TAG}": ENVIRONMENT_CONDITION_PLACEHOLDER
                    },
                    "Null": {f"aws:ResourceTag/{ENVIRONMENT_TAG}": "true"},
                },
            ),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": TypePermissions(
        (
            _tagged("ec2:AuthorizeSecurityGroupIngress", *_SG_RULE_ACTIONS),
            _on_new_ec2("ec2:RevokeSecurityGroupIngress"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": TypePermissions(
        (
            _tagged("ec2:AuthorizeSecurityGroupEgress", *_SG_RULE_ACTIONS),
            _on_new_ec2("ec2:RevokeSecurityGroupEgress"),
        ),
        reads=_EC2_READS,
        name_output=None,
    ),
    "aws:ec2/flowLog:FlowLog": TypePermissions(
        (_tagged("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs"),),
        reads=("ec2:DescribeFlowLogs",),
        name_output=None,
    ),
    # --- load balancer (components/web/load_balancer.py)
    "aws:lb/loadBalancer:LoadBalancer": TypePermissions(
        (
            Grant(
                (
                    "elasticloadbalancing:CreateLoadBalancer",
                    "elasticloadbalancing:DeleteLoadBalancer",
                    "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    "elasticloadbalancing:SetSecurityGroups",
                    "elasticloadbalancing:SetSubnets",
                    "elasticloadbalancing:SetIpAddressType",
                    *_ELB_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=_LOAD_BALANCER,
            ),
            _service_linked_role("elasticloadbalancing.amazonaws.com"),
        ),
        reads=_ELB_READS,
    ),
    "aws:lb/targetGroup:TargetGroup": TypePermissions(
        (
            Grant(
                (
                    "elasticloadbalancing:CreateTargetGroup",
                    "elasticloadbalancing:DeleteTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroupAttributes",
                    *_ELB_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=_TARGET_GROUP,
            ),
        ),
        reads=_ELB_READS,
    ),
    "aws:lb/listener:Listener": TypePermissions(
        (
            Grant(
                (
                    "elasticloadbalancing:CreateListener",
                    "elasticloadbalancing:DeleteListener",
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:ModifyListenerAttributes",
                    "elasticloadbalancing:AddListenerCertificates",
                    "elasticloadbalancing:RemoveListenerCertificates",
                    *_ELB_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=(*_LOAD_BALANCER, *_LISTENERS, *_TARGET_GROUP),
            ),
        ),
        reads=_ELB_READS,
        # a listener's ARN carries its load balancer's name, not a name of its own
        name_output=None,
    ),
    "aws:lb/listenerRule:ListenerRule": TypePermissions(
        (
            Grant(
                (
                    "elasticloadbalancing:CreateRule",
                    "elasticloadbalancing:DeleteRule",
                    "elasticloadbalancing:ModifyRule",
                    "elasticloadbalancing:SetRulePriorities",
                    *_ELB_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=(*_LISTENERS, *_TARGET_GROUP),
            ),
        ),
        reads=_ELB_READS,
        name_output=None,
    ),
    # --- compute (components/web/ecs.py)
    "aws:ecs/cluster:Cluster": TypePermissions(
        (
            Grant(
                (
                    "ecs:CreateCluster",
                    "ecs:DeleteCluster",
                    "ecs:UpdateCluster",
                    "ecs:UpdateClusterSettings",
                    "ecs:PutClusterCapacityProviders",
                    *_ECS_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=_CLUSTER,
            ),
            _service_linked_role("ecs.amazonaws.com"),
        ),
        reads=("ecs:DescribeClusters",),
    ),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": TypePermissions(
        (Grant(("ecs:PutClusterCapacityProviders",), Scope.NAME_PREFIX, arns=_CLUSTER),),
        reads=("ecs:DescribeClusters",),
        name_output=None,
    ),
    "aws:ecs/taskDefinition:TaskDefinition": TypePermissions(
        (
            Grant(
                ("ecs:RegisterTaskDefinition", "ecs:TagResource"),
                Scope.TAG,
                arns=("*",),
                reason=_CREATED_WITHOUT_ARN,
            ),
            Grant(
                ("ecs:DeleteTaskDefinitions", *_ECS_TAGS),
                Scope.TAG,
                arns=("arn:{partition}:ecs:{region}:{account}:task-definition/{prefix}-*",),
            ),
            # every image change replaces the task definition, deregistering the old revision
            Grant(
                ("ecs:DeregisterTaskDefinition",),
                Scope.UNSCOPED,
                reason="ecs:DeregisterTaskDefinition has no resource-level permissions",
            ),
        ),
        reads=("ecs:DescribeTaskDefinition",),
        name_output="family",
    ),
    "aws:ecs/service:Service": TypePermissions(
        (
            Grant(
                ("ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", *_ECS_TAGS),
                Scope.NAME_PREFIX,
                arns=_SERVICE,
            ),
            # make verify after `up` (tools/verify/aws.py AWS_CALLS; tests/tools/test_verify.py checks the
            # rendered policies allow each): the digest each running task pulled. The task ARN
            # carries the cluster's name (the long ARN format, default since 2021)
            Grant(
                ("ecs:DescribeTasks",),
                Scope.NAME_PREFIX,
                arns=("arn:{partition}:ecs:{region}:{account}:task/{prefix}-*/*",),
            ),
            Grant(
                ("ecs:ListTasks",),
                Scope.UNSCOPED,
                reason="ecs:ListTasks is authorised against a container instance, which Fargate "
                "tasks have none of (service authorization reference; "
                "awsdocs/amazon-ecs-developer-guide#211: only Resource '*' works)",
            ),
        ),
        # DescribeServices is also what deploy.yml polls: `aws ecs wait services-stable`, then
        # the rollout state until the deployment alarms' bake ends
        reads=("ecs:DescribeServices", "ecs:DescribeTaskDefinition"),
    ),
    # --- registry and image (components/web/image.py)
    "aws:ecr/repository:Repository": TypePermissions(
        (
            Grant(
                (
                    "ecr:CreateRepository",
                    "ecr:DeleteRepository",
                    "ecr:DescribeRepositories",
                    "ecr:PutImageTagMutability",
                    "ecr:PutImageScanningConfiguration",
                    "ecr:ListImages",
                    # force_delete in dev empties the repository first
                    "ecr:BatchDeleteImage",
                    "ecr:TagResource",
                    "ecr:UntagResource",
                    "ecr:ListTagsForResource",
                ),
                Scope.NAME_PREFIX,
                arns=_REPOSITORY,
            ),
        ),
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": TypePermissions(
        (
            Grant(
                ("ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy"),
                Scope.NAME_PREFIX,
                arns=_REPOSITORY,
            ),
        ),
        name_output=None,
    ),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": TypePermissions(
        (
            Grant(
                (
                    "ecr:SetRepositoryPolicy",
                    "ecr:GetRepositoryPolicy",
                    "ecr:DeleteRepositoryPolicy",
                ),
                Scope.NAME_PREFIX,
                arns=_REPOSITORY,
            ),
        ),
        name_output=None,
    ),
    # awsx builds app/ and pushes it: the push goes to the stack's own repository only.
    "awsx:ecr:Image": TypePermissions(
        (Grant(_IMAGE_PUSH, Scope.NAME_PREFIX, arns=_REPOSITORY), ECR_AUTH),
        name_output=None,
    ),
    # --- IAM for the stack's own roles (task, execution, flow logs, ECS infrastructure, Chatbot,
    # the night schedule's alarm pause)
    "aws:iam/role:Role": TypePermissions(
        (
            Grant(
                (
                    "iam:CreateRole",
                    "iam:PutRolePermissionsBoundary",
                    "iam:PutRolePolicy",
                    "iam:DeleteRolePolicy",
                    "iam:AttachRolePolicy",
                    "iam:DetachRolePolicy",
                ),
                Scope.NAME_PREFIX,
                arns=_ROLE,
                condition=_WITH_BOUNDARY,
            ),
            Grant(
                (
                    "iam:DeleteRole",
                    "iam:UpdateRole",
                    "iam:UpdateRoleDescription",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:TagRole",
                    "iam:UntagRole",
                    *_ROLE_READS,
                ),
                Scope.NAME_PREFIX,
                arns=_ROLE,
            ),
        ),
    ),
    "aws:iam/rolePolicy:RolePolicy": TypePermissions(
        (
            Grant(
                ("iam:PutRolePolicy", "iam:DeleteRolePolicy"),
                Scope.NAME_PREFIX,
                arns=_ROLE,
                condition=_WITH_BOUNDARY,
            ),
            Grant(_ROLE_READS, Scope.NAME_PREFIX, arns=_ROLE),
        ),
        name_output=None,
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": TypePermissions(
        (
            Grant(
                ("iam:AttachRolePolicy", "iam:DetachRolePolicy"),
                Scope.NAME_PREFIX,
                arns=_ROLE,
                condition=_WITH_BOUNDARY,
            ),
            Grant(_ROLE_READS, Scope.NAME_PREFIX, arns=_ROLE),
        ),
        name_output=None,
    ),
    "aws:iam/policy:Policy": TypePermissions(
        (
            Grant(
                (
                    "iam:CreatePolicy",
                    "iam:DeletePolicy",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion",
                    "iam:ListPolicyVersions",
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicyVersion",
                    "iam:TagPolicy",
                    "iam:UntagPolicy",
                ),
                Scope.NAME_PREFIX,
                arns=("arn:{partition}:iam::{account}:policy/{prefix}-*",),
            ),
        ),
    ),
    # --- autoscaling (components/web/scaling.py)
    "aws:appautoscaling/target:Target": TypePermissions(
        (
            Grant(
                (
                    "application-autoscaling:RegisterScalableTarget",
                    "application-autoscaling:DeregisterScalableTarget",
                    "application-autoscaling:TagResource",
                    "application-autoscaling:UntagResource",
                    "application-autoscaling:ListTagsForResource",
                ),
                Scope.UNSCOPED,
                reason=_NO_ID_FOR_AUTOSCALING,
            ),
            _service_linked_role("ecs.application-autoscaling.amazonaws.com"),
        ),
        reads=("application-autoscaling:DescribeScalableTargets",),
        name_output=None,
    ),
    "aws:appautoscaling/policy:Policy": TypePermissions(
        (
            Grant(
                (
                    "application-autoscaling:PutScalingPolicy",
                    "application-autoscaling:DeleteScalingPolicy",
                ),
                Scope.UNSCOPED,
                reason=_NO_ID_FOR_AUTOSCALING,
            ),
            # target tracking creates and deletes its alarms with the caller's permissions
            Grant(
                ("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"),
                Scope.NAME_PREFIX,
                arns=(
                    "arn:{partition}:cloudwatch:{region}:{account}:alarm:"
                    "TargetTracking-service/{prefix}-*",
                ),
            ),
        ),
        reads=("application-autoscaling:DescribeScalingPolicies", "cloudwatch:DescribeAlarms"),
        name_output=None,
    ),
    "aws:appautoscaling/scheduledAction:ScheduledAction": TypePermissions(
        (
            Grant(
                (
                    "application-autoscaling:PutScheduledAction",
                    "application-autoscaling:DeleteScheduledAction",
                ),
                Scope.UNSCOPED,
                reason=_NO_ID_FOR_AUTOSCALING,
            ),
        ),
        reads=("application-autoscaling:DescribeScheduledActions",),
        name_output=None,
    ),
    # --- logs and alarms (components/web/, components/observability/)
    "aws:cloudwatch/logGroup:LogGroup": TypePermissions(
        (
            Grant(
                (
                    "logs:CreateLogGroup",
                    "logs:DeleteLogGroup",
                    "logs:PutRetentionPolicy",
                    "logs:DeleteRetentionPolicy",
                    "logs:AssociateKmsKey",
                    "logs:DisassociateKmsKey",
                    *_LOGS_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=_LOG_GROUP,
            ),
        ),
        reads=("logs:DescribeLogGroups",),
        name_patterns=("{prefix}-*", "aws-waf-logs-{prefix}*"),
    ),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": TypePermissions(
        (
            Grant(
                ("logs:PutMetricFilter", "logs:DeleteMetricFilter"),
                Scope.NAME_PREFIX,
                arns=_LOG_GROUP,
            ),
        ),
        reads=("logs:DescribeMetricFilters",),
        name_output=None,
    ),
    "aws:cloudwatch/queryDefinition:QueryDefinition": TypePermissions(
        (
            Grant(
                ("logs:PutQueryDefinition", "logs:DeleteQueryDefinition"),
                Scope.UNSCOPED,
                reason="saved Logs Insights queries have no ARN of their own",
            ),
        ),
        reads=("logs:DescribeQueryDefinitions",),
        name_output=None,
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": TypePermissions(
        (
            Grant(
                (
                    "cloudwatch:PutMetricAlarm",
                    "cloudwatch:DeleteAlarms",
                    "cloudwatch:EnableAlarmActions",
                    "cloudwatch:DisableAlarmActions",
                    *_CW_TAGS,
                ),
                Scope.NAME_PREFIX,
                arns=_ALARM,
            ),
        ),
        reads=("cloudwatch:DescribeAlarms",),
    ),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": TypePermissions(
        (
            Grant(
                ("cloudwatch:PutCompositeAlarm", "cloudwatch:DeleteAlarms", *_CW_TAGS),
                Scope.NAME_PREFIX,
                arns=_ALARM,
            ),
        ),
        reads=("cloudwatch:DescribeAlarms",),
        name_output="alarmName",
    ),
    "aws:cloudwatch/dashboard:Dashboard": TypePermissions(
        (
            Grant(
                (
                    "cloudwatch:PutDashboard",
                    "cloudwatch:DeleteDashboards",
                    "cloudwatch:GetDashboard",
                ),
                Scope.NAME_PREFIX,
                arns=("arn:{partition}:cloudwatch::{account}:dashboard/{prefix}-*",),
            ),
        ),
        name_output="dashboardName",
    ),
    # --- notification (components/observability/notification.py)
    "aws:sns/topic:Topic": TypePermissions(
        (
            Grant(
                (
                    "sns:CreateTopic",
                    "sns:DeleteTopic",
                    "sns:GetTopicAttributes",
                    "sns:SetTopicAttributes",
                    "sns:TagResource",
                    "sns:UntagResource",
                    "sns:ListTagsForResource",
                ),
                Scope.NAME_PREFIX,
                arns=_TOPIC,
            ),
        ),
    ),
    "aws:sns/topicPolicy:TopicPolicy": TypePermissions(
        (
            Grant(
                ("sns:SetTopicAttributes", "sns:GetTopicAttributes"),
                Scope.NAME_PREFIX,
                arns=_TOPIC,
            ),
        ),
        name_output=None,
    ),
    "aws:sns/topicSubscription:TopicSubscription": TypePermissions(
        (
            Grant(
                ("sns:Subscribe", "sns:ListSubscriptionsByTopic"), Scope.NAME_PREFIX, arns=_TOPIC
            ),
            Grant(
                (
                    "sns:Unsubscribe",
                    "sns:GetSubscriptionAttributes",
                    "sns:SetSubscriptionAttributes",
                ),
                Scope.UNSCOPED,
                reason="subscription calls have no resource-level permissions",
            ),
        ),
        name_output=None,
    ),
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": TypePermissions(
        (
            Grant(
                ("chatbot:CreateSlackChannelConfiguration", "chatbot:TagResource"),
                Scope.TAG,
                arns=("*",),
                reason=_CREATED_WITHOUT_ARN,
            ),
            Grant(
                (
                    "chatbot:UpdateSlackChannelConfiguration",
                    "chatbot:DeleteSlackChannelConfiguration",
                    "chatbot:TagResource",
                    "chatbot:UntagResource",
                ),
                Scope.NAME_PREFIX,
                arns=(
                    "arn:{partition}:chatbot::{account}:chat-configuration/slack-channel/{prefix}-*",
                ),
            ),
            # the account's first channel configuration creates AWSServiceRoleForAWSChatbot
            # (https://docs.aws.amazon.com/chatbot/latest/adminguide/slr-permissions.html)
            _service_linked_role("management.chatbot.amazonaws.com"),
        ),
        reads=("chatbot:DescribeSlackChannelConfigurations", "chatbot:ListTagsForResource"),
        name_output="configurationName",
    ),
    # --- dev night schedule (components/observability/night_pause.py): pauses the availability alarms
    "aws:scheduler/schedule:Schedule": TypePermissions(
        (
            Grant(
                (
                    "scheduler:CreateSchedule",
                    "scheduler:UpdateSchedule",
                    "scheduler:DeleteSchedule",
                    "scheduler:GetSchedule",
                ),
                Scope.NAME_PREFIX,
                # schedules take no tags (only schedule groups do); the stack's go to the
                # account's "default" group
                arns=("arn:{partition}:scheduler:{region}:{account}:schedule/default/{prefix}-*",),
            ),
        ),
    ),
    # --- encryption (SNS and log CMKs)
    "aws:kms/key:Key": TypePermissions(
        (
            Grant(
                ("kms:CreateKey", "kms:TagResource"),
                Scope.TAG,
                arns=("*",),
                reason=_CREATED_WITHOUT_ARN,
            ),
            # resourceKeyCreate and its read-back (terraform-provider-aws internal/service/kms
            # key.go, findKeyInfo) call these on the key it has just created; KMS documents up
            # to five minutes before a new key's tags authorise (developer guide, "ABAC for AWS
            # KMS"). Reads, and turning rotation on: harmless on any key of the account.
            Grant(
                (
                    "kms:EnableKeyRotation",
                    "kms:DescribeKey",
                    "kms:GetKeyPolicy",
                    "kms:GetKeyRotationStatus",
                    "kms:ListResourceTags",
                ),
                Scope.ACCOUNT,
                arns=_KMS,
                reason=_CALLED_ON_NEW,
            ),
            # only later updates and the delete make these
            Grant(
                (
                    "kms:PutKeyPolicy",
                    "kms:UpdateKeyDescription",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:ScheduleKeyDeletion",
                ),
                Scope.TAG,
                arns=_KMS,
            ),
        ),
        name_output=None,
    ),
    "aws:kms/alias:Alias": TypePermissions(
        (
            Grant(
                ("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
                Scope.NAME_PREFIX,
                arns=_KMS_ALIAS,
            ),
            # the same calls are also authorised against the target key, which the same `up`
            # may just have created
            Grant(
                ("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
                Scope.ACCOUNT,
                arns=_KMS,
                reason=_CALLED_ON_NEW,
            ),
        ),
        reads=("kms:ListAliases",),
    ),
    # --- optional ALB access-log bucket (policy rule ALB-06)
    "aws:s3/bucket:Bucket": TypePermissions(
        (
            Grant(
                (
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    *_S3_BUCKET_READ,
                    "s3:ListBucketVersions",
                    "s3:PutBucketTagging",
                    "s3:GetBucketOwnershipControls",
                    "s3:GetBucketPublicAccessBlock",
                ),
                Scope.NAME_PREFIX,
                arns=_BUCKET,
            ),
            # force_destroy on a disposable log bucket deletes its objects first
            Grant(
                ("s3:DeleteObject", "s3:DeleteObjectVersion"),
                Scope.NAME_PREFIX,
                arns=_BUCKET_OBJECTS,
            ),
        ),
    ),
    "aws:s3/bucketVersioning:BucketVersioning": TypePermissions(
        (
            Grant(
                ("s3:PutBucketVersioning", "s3:GetBucketVersioning"),
                Scope.NAME_PREFIX,
                arns=_BUCKET,
            ),
        ),
        name_output=None,
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": TypePermissions(
        (
            Grant(
                ("s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
                Scope.NAME_PREFIX,
                arns=_BUCKET,
            ),
        ),
        name_output=None,
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        TypePermissions(
            (
                Grant(
                    ("s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"),
                    Scope.NAME_PREFIX,
                    arns=_BUCKET,
                ),
            ),
            name_output=None,
        )
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": TypePermissions(
        (
            Grant(
                ("s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
                Scope.NAME_PREFIX,
                arns=_BUCKET,
            ),
        ),
        name_output=None,
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": TypePermissions(
        (
            Grant(
                ("s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
                Scope.NAME_PREFIX,
                arns=_BUCKET,
            ),
        ),
        name_output=None,
    ),
    "aws:s3/bucketPolicy:BucketPolicy": TypePermissions(
        (
            Grant(
                ("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),
                Scope.NAME_PREFIX,
                arns=_BUCKET,
            ),
        ),
        name_output=None,
    ),
    # --- edge protection (components/web/waf.py)
    "aws:wafv2/webAcl:WebAcl": TypePermissions(
        (
            Grant(
                (
                    "wafv2:CreateWebACL",
                    "wafv2:UpdateWebACL",
                    "wafv2:DeleteWebACL",
                    "wafv2:GetWebACL",
                    "wafv2:TagResource",
                    "wafv2:UntagResource",
                    "wafv2:ListTagsForResource",
                ),
                Scope.NAME_PREFIX,
                arns=(
                    *_WEB_ACL,
                    # AWS managed rule groups referenced by the ACL
                    "arn:{partition}:wafv2:{region}:{account}:regional/managedruleset/*/*",
                ),
            ),
        ),
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": TypePermissions(
        (
            Grant(
                ("wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:GetWebACLForResource"),
                Scope.NAME_PREFIX,
                arns=(*_WEB_ACL, *_LOAD_BALANCER),
            ),
            # dependent actions of wafv2:AssociateWebACL on an ALB
            Grant(
                (
                    "elasticloadbalancing:CreateWebACLAssociation",
                    "elasticloadbalancing:DeleteWebACLAssociation",
                    "elasticloadbalancing:GetLoadBalancerWebACL",
                ),
                Scope.NAME_PREFIX,
                arns=_LOAD_BALANCER,
            ),
            Grant(
                ("elasticloadbalancing:SetWebAcl",),
                Scope.UNSCOPED,
                reason="elasticloadbalancing:SetWebAcl has no resource-level permissions",
            ),
        ),
        name_output=None,
    ),
    # --- HTTPS for prod (components/web/load_balancer.py): certificate validated through DNS
    "aws:acm/certificate:Certificate": TypePermissions(
        (
            Grant(
                ("acm:RequestCertificate", "acm:AddTagsToCertificate"),
                Scope.TAG,
                arns=("*",),
                reason=_CREATED_WITHOUT_ARN,
            ),
            Grant(
                (
                    "acm:DeleteCertificate",
                    "acm:AddTagsToCertificate",
                    "acm:RemoveTagsFromCertificate",
                ),
                Scope.TAG,
                arns=("arn:{partition}:acm:{region}:{account}:certificate/*",),
            ),
            # the read-back right after RequestCertificate lists the new certificate's tags
            Grant(
                ("acm:ListTagsForCertificate",),
                Scope.ACCOUNT,
                arns=("arn:{partition}:acm:{region}:{account}:certificate/*",),
                reason=_CALLED_ON_NEW,
            ),
        ),
        reads=("acm:DescribeCertificate",),
        name_output=None,
    ),
    "aws:acm/certificateValidation:CertificateValidation": TypePermissions(
        (), reads=("acm:DescribeCertificate",), name_output=None
    ),
    # The hosted zone is the stack's config (hostedZoneId), unknown here: any zone of the account.
    "aws:route53/record:Record": TypePermissions(
        (
            Grant(
                (
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    "route53:GetHostedZone",
                ),
                Scope.NAME_PREFIX,
                arns=("arn:{partition}:route53:::hostedzone/*",),
            ),
            Grant(
                ("route53:GetChange",),
                Scope.NAME_PREFIX,
                arns=("arn:{partition}:route53:::change/*",),
            ),
        ),
        name_output=None,
    ),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": TypePermissions(
        (
            Grant(
                (
                    "wafv2:PutLoggingConfiguration",
                    "wafv2:DeleteLoggingConfiguration",
                    "wafv2:GetLoggingConfiguration",
                ),
                Scope.NAME_PREFIX,
                arns=_WEB_ACL,
            ),
            # WAF delivers to CloudWatch Logs through vended log deliveries
            Grant(
                (
                    "logs:CreateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:GetLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies",
                ),
                Scope.UNSCOPED,
                reason="log-delivery and resource-policy calls have no resource-level permissions",
            ),
            _service_linked_role("wafv2.amazonaws.com"),
        ),
        name_output=None,
    ),
}

# Invokes the program makes (not resources, so not in the graph's resource list).
INVOKE_READS: tuple[str, ...] = ("ec2:DescribeAvailabilityZones",)


def needs_permissions(resource_type: str) -> bool:
    return not resource_type.startswith(NO_AWS_CALLS_PREFIXES)


def missing_types(resource_types: set[str]) -> list[str]:
    """The types in ``resource_types`` that make AWS calls but have no row in the table."""
    return sorted(t for t in resource_types if needs_permissions(t) and t not in PERMISSIONS)


def read_actions() -> tuple[str, ...]:
    """Every describe/list call any row needs, deduplicated and sorted."""
    reads = {a for row in PERMISSIONS.values() for a in row.reads} | set(INVOKE_READS)
    return tuple(sorted(reads))


# ---------------------------------------------------------------------------------------------
# Drift detection (drift.yml): `pulumi preview --refresh` reads every resource back through the
# provider's Read. These are the calls each type's Read makes (terraform-provider-aws, which
# pulumi-aws wraps: internal/service/<service>/<resource>.go, the resource...Read functions and the
# find... helpers they call; tags come back through the service's ListTagsForResource or inside the
# describe answer). The drift role gets exactly these, plus INVOKE_READS and the state reads of a
# preview; tests/bootstrap/test_bootstrap_drift.py fails when a type of the stacks has no row. Checked
# against the provider source (main branch, 2026): vpc_.go resourceVPCRead (DescribeVpcAttribute
# x3, findVPCDefaultNetworkACL, findVPCMainRouteTable, findVPCDefaultSecurityGroup), elbv2
# listener.go resourceListenerRead (findListenerAttributesByARN), route53 record.go
# (findHostedZoneByID on every path); the other rows are read from the Read functions' names.
# ---------------------------------------------------------------------------------------------

# A read call's verb; anything else in the drift role must be one of the named exceptions.
DRIFT_READ_VERBS = ("Describe", "Get", "List", "BatchGet", "BatchCheck")
# kms:Decrypt: the stack's config secrets (encryption context stack=<stack>) and the SSE-KMS
# state objects. It changes nothing.
DRIFT_READ_EXCEPTIONS = frozenset({"kms:Decrypt"})


REFRESH_READS: dict[str, tuple[str, ...]] = {
    # ec2 vpc_.go resourceVPCRead: the VPC, its DNS attributes, the main route table, the
    # default security group and network ACL it reports
    "aws:ec2/vpc:Vpc": (
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNetworkAcls",
    ),
    "aws:ec2/subnet:Subnet": ("ec2:DescribeSubnets",),
    "aws:ec2/internetGateway:InternetGateway": ("ec2:DescribeInternetGateways",),
    # vpc_egress_only_internet_gateway.go FindEgressOnlyInternetGatewayByID (tags in the answer)
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": (
        "ec2:DescribeEgressOnlyInternetGateways",
    ),
    "aws:ec2/routeTable:RouteTable": ("ec2:DescribeRouteTables",),
    "aws:ec2/route:Route": ("ec2:DescribeRouteTables",),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ("ec2:DescribeRouteTables",),
    # vpc_endpoint.go: a gateway endpoint's cidr_blocks come from its prefix list, and (read at
    # 008db85a) every endpoint's subnet_configuration (its IPv4/IPv6 address per subnet) from its
    # network interfaces (findSubnetConfigurationsByNetworkInterfaceIDs)
    "aws:ec2/vpcEndpoint:VpcEndpoint": (
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribePrefixLists",
        "ec2:DescribeNetworkInterfaces",
    ),
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": (
        "ec2:DescribeVpcEndpoints",
    ),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2:DescribeSecurityGroups",),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ("ec2:DescribeSecurityGroups",),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "ec2:DescribeSecurityGroupRules",
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("ec2:DescribeSecurityGroupRules",),
    "aws:ec2/flowLog:FlowLog": ("ec2:DescribeFlowLogs",),
    # elbv2 load_balancer.go, target_group.go, listener.go, listener_rule.go
    "aws:lb/loadBalancer:LoadBalancer": (
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeTags",
    ),
    "aws:lb/targetGroup:TargetGroup": (
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTags",
    ),
    "aws:lb/listener:Listener": (
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeTags",
    ),
    "aws:lb/listenerRule:ListenerRule": (
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTags",
    ),
    # ecs cluster.go, cluster_capacity_providers.go, task_definition.go, service.go (tags are
    # asked for in the describe call: include=TAGS)
    "aws:ecs/cluster:Cluster": ("ecs:DescribeClusters",),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ("ecs:DescribeClusters",),
    "aws:ecs/taskDefinition:TaskDefinition": ("ecs:DescribeTaskDefinition",),
    "aws:ecs/service:Service": ("ecs:DescribeServices",),
    # ecr repository.go, lifecycle_policy.go, repository_policy.go
    "aws:ecr/repository:Repository": ("ecr:DescribeRepositories", "ecr:ListTagsForResource"),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ("ecr:GetLifecyclePolicy",),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("ecr:GetRepositoryPolicy",),
    # awsx's image (pulumi-docker-build provider/image.go Read): logs in to the registry
    # (awsx calls aws.ecr.getAuthorizationToken) and inspects the pushed manifest
    "awsx:ecr:Image": (
        "ecr:GetAuthorizationToken",
        "ecr:BatchGetImage",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
    ),
    # iam role.go (inline and managed policies are role attributes), role_policy.go,
    # role_policy_attachment.go, policy.go
    "aws:iam/role:Role": (
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
    ),
    "aws:iam/rolePolicy:RolePolicy": ("iam:GetRolePolicy",),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("iam:ListAttachedRolePolicies",),
    "aws:iam/policy:Policy": ("iam:GetPolicy", "iam:GetPolicyVersion"),
    # appautoscaling target.go, policy.go, scheduled_action.go
    "aws:appautoscaling/target:Target": (
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:ListTagsForResource",
    ),
    "aws:appautoscaling/policy:Policy": ("application-autoscaling:DescribeScalingPolicies",),
    "aws:appautoscaling/scheduledAction:ScheduledAction": (
        "application-autoscaling:DescribeScheduledActions",
    ),
    # logs group.go, metric_filter.go, query_definition.go
    "aws:cloudwatch/logGroup:LogGroup": ("logs:DescribeLogGroups", "logs:ListTagsForResource"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ("logs:DescribeMetricFilters",),
    "aws:cloudwatch/queryDefinition:QueryDefinition": ("logs:DescribeQueryDefinitions",),
    # cloudwatch metric_alarm.go, composite_alarm.go, dashboard.go
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
    ),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": (
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
    ),
    "aws:cloudwatch/dashboard:Dashboard": ("cloudwatch:GetDashboard",),
    # sns topic.go, topic_policy.go, topic_subscription.go
    "aws:sns/topic:Topic": ("sns:GetTopicAttributes", "sns:ListTagsForResource"),
    "aws:sns/topicPolicy:TopicPolicy": ("sns:GetTopicAttributes",),
    "aws:sns/topicSubscription:TopicSubscription": ("sns:GetSubscriptionAttributes",),
    # chatbot slack_channel_configuration.go
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": (
        "chatbot:DescribeSlackChannelConfigurations",
        "chatbot:ListTagsForResource",
    ),
    "aws:scheduler/schedule:Schedule": ("scheduler:GetSchedule",),
    # kms key.go findKeyInfo, alias.go
    "aws:kms/key:Key": (
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
    ),
    "aws:kms/alias:Alias": ("kms:ListAliases",),
    # s3 bucket.go and the bucket-setting resources
    "aws:s3/bucket:Bucket": _S3_BUCKET_READ,
    "aws:s3/bucketVersioning:BucketVersioning": ("s3:GetBucketVersioning",),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "s3:GetLifecycleConfiguration",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "s3:GetEncryptionConfiguration",
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("s3:GetBucketPublicAccessBlock",),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("s3:GetBucketOwnershipControls",),
    "aws:s3/bucketPolicy:BucketPolicy": ("s3:GetBucketPolicy",),
    # wafv2 web_acl.go, web_acl_association.go, web_acl_logging_configuration.go
    "aws:wafv2/webAcl:WebAcl": ("wafv2:GetWebACL", "wafv2:ListTagsForResource"),
    "aws:wafv2/webAclAssociation:WebAclAssociation": ("wafv2:GetWebACLForResource",),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": (
        "wafv2:GetLoggingConfiguration",
    ),
    # acm certificate.go, certificate_validation.go
    "aws:acm/certificate:Certificate": ("acm:DescribeCertificate", "acm:ListTagsForCertificate"),
    "aws:acm/certificateValidation:CertificateValidation": ("acm:DescribeCertificate",),
    # route53 record.go: the record set, and the zone's name to qualify it
    "aws:route53/record:Record": ("route53:ListResourceRecordSets", "route53:GetHostedZone"),
}


def missing_refresh_types(resource_types: set[str]) -> list[str]:
    """The types in ``resource_types`` that make AWS calls but have no REFRESH_READS row."""
    return sorted(t for t in resource_types if needs_permissions(t) and t not in REFRESH_READS)


def refresh_read_grants() -> dict[str, tuple[str, ...]]:
    """Read action -> the deploy table's ARN templates for it ("*" when no row scopes it by ARN:
    such reads have no resource-level permission, or the row names only the created resource)."""
    arns: dict[str, set[str]] = {}
    for resource_type, actions in REFRESH_READS.items():
        row = PERMISSIONS.get(resource_type)
        for action in actions:
            scoped = {
                arn
                for grant in (row.grants if row else ())
                if action in grant.actions and grant.scope is not Scope.UNSCOPED
                for arn in grant.arns
            }
            arns.setdefault(action, set()).update(scoped - {"*"} or {"*"})
    for action in INVOKE_READS:
        arns.setdefault(action, set()).add("*")
    # an action scoped in one row and unscoped in another is unscoped
    return {
        action: ("*",) if "*" in templates else tuple(sorted(templates))
        for action, templates in sorted(arns.items())
    }
