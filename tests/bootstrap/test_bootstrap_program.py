"""The bootstrap program under mocks: the state backend it creates, the OIDC trust and the
least-privilege CI roles (the portfolio had one role trusted from any branch for everything)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pytest
import yaml

from bootstrap.ci_permissions import ECR_AUTH, PERMISSIONS, Scope, read_actions
from bootstrap.iam_documents import MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_CHARS
from bootstrap.plan import example_config, plan_bootstrap
from tests.support.iam import allowed, covers
from tests.support.paths import REPO_ROOT
from tools.graph import Graph, Resource

BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
OIDC = "token.actions.githubusercontent.com"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph(plan_bootstrap())


def plan_with(**overrides: str) -> Graph:
    config = example_config()
    config.update({f"ecs-fargate-bootstrap:{k}": v for k, v in overrides.items()})
    return Graph(plan_bootstrap(config))


def role(graph: Graph, suffix: str) -> Resource:
    return graph.named(f"ecs-fargate-bootstrap-{suffix}")


def trust(resource: Resource) -> dict[str, Any]:
    return json.loads(resource["inputs"]["assumeRolePolicy"])


def role_policies(graph: Graph, suffix: str) -> dict[str, dict[str, Any]]:
    prefix = f"ecs-fargate-bootstrap-{suffix}-"
    return {
        p["name"].removeprefix(prefix): json.loads(p["inputs"]["policy"])
        for p in graph.of_type(POLICY)
        if p["name"].startswith(prefix)
    }


def statements(graph: Graph, suffix: str) -> list[dict[str, Any]]:
    return [s for doc in role_policies(graph, suffix).values() for s in doc["Statement"]]


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def side(graph: Graph, type_token: str) -> dict[str, Any]:
    return graph.one(type_token)["inputs"]


# --- state backend -------------------------------------------------------------------------


def test_state_bucket_is_protected_and_never_force_destroyed(graph: Graph) -> None:
    bucket = graph.one(BUCKET)
    assert bucket["options"]["protect"] is True
    assert bucket["inputs"].get("forceDestroy") is False


def test_state_bucket_keeps_versions(graph: Graph) -> None:
    versioning = side(graph, "aws:s3/bucketVersioning:BucketVersioning")
    assert versioning["versioningConfiguration"]["status"] == "Enabled"


def test_noncurrent_versions_expire_after_the_configured_days_keeping_the_newest() -> None:
    planned = plan_with(noncurrentVersionDays="30", noncurrentVersionsKept="5")
    lifecycle = side(planned, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    (rule,) = lifecycle["rules"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrentVersionExpiration"] == {
        "noncurrentDays": 30,
        "newerNoncurrentVersions": 5,
    }
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7


def test_state_is_encrypted_with_the_cmk_and_a_bucket_key(graph: Graph) -> None:
    encryption = side(
        graph,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )
    (rule,) = encryption["rules"]
    key = graph.one("aws:kms/key:Key")
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": key["outputs"]["arn"],
    }
    assert rule["bucketKeyEnabled"] is True


def test_state_bucket_blocks_every_kind_of_public_access(graph: Graph) -> None:
    block = side(graph, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert all(block[flag] is True for flag in flags)


def test_state_bucket_disables_acls(graph: Graph) -> None:
    ownership = side(graph, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"


def test_state_bucket_policy_denies_requests_without_tls(graph: Graph) -> None:
    policy = json.loads(side(graph, "aws:s3/bucketPolicy:BucketPolicy")["policy"])
    (deny,) = policy["Statement"]
    bucket_arn = graph.one(BUCKET)["outputs"]["arn"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {bucket_arn, f"{bucket_arn}/*"}


def test_secrets_key_rotates_and_is_protected(graph: Graph) -> None:
    key = graph.one("aws:kms/key:Key")
    assert key["inputs"]["enableKeyRotation"] is True
    assert key["options"]["protect"] is True


# --- GitHub OIDC ---------------------------------------------------------------------------


def test_oidc_provider_trusts_only_the_sts_audience(graph: Graph) -> None:
    provider = graph.one(PROVIDER)["inputs"]
    assert provider["url"] == f"https://{OIDC}"
    assert provider["clientIdLists"] == ["sts.amazonaws.com"]
    assert "thumbprintLists" not in provider


def test_an_existing_provider_is_trusted_instead_of_creating_a_second() -> None:
    existing = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}"
    planned = plan_with(existingOidcProviderArn=existing)
    assert planned.of_type(PROVIDER) == []
    for github_role in planned.of_type(ROLE):
        (statement,) = trust(github_role)["Statement"]
        assert statement["Principal"] == {"Federated": existing}


def test_every_role_pins_audience_and_subject_with_string_equals(graph: Graph) -> None:
    for github_role in graph.of_type(ROLE):
        (statement,) = trust(github_role)["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert set(statement["Condition"]) == {"StringEquals"}
        assert statement["Condition"]["StringEquals"][f"{OIDC}:aud"] == "sts.amazonaws.com"
        assert "*" not in statement["Condition"]["StringEquals"][f"{OIDC}:sub"]


def subject(resource: Resource) -> str:
    return trust(resource)["Statement"][0]["Condition"]["StringEquals"][f"{OIDC}:sub"]


def test_preview_role_is_trusted_only_from_pull_requests(graph: Graph) -> None:
    assert subject(role(graph, "preview")) == "repo:example-org/ecs-fargate-pulumi:pull_request"


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_deploy_role_is_trusted_only_from_its_github_environment(
    graph: Graph, environment: str
) -> None:
    assert subject(role(graph, f"deploy-{environment}")) == (
        f"repo:example-org/ecs-fargate-pulumi:environment:{environment}"
    )


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_deploy_role_sessions_outlast_the_deploy_job(graph: Graph, environment: str) -> None:
    deploy = yaml.safe_load((REPO_ROOT / ".github/workflows/deploy.yml").read_text())
    (job,) = deploy["jobs"].values()
    (credentials,) = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    requested = int(credentials["with"]["role-duration-seconds"])
    assert requested > job["timeout-minutes"] * 60
    assert role(graph, f"deploy-{environment}")["inputs"]["maxSessionDuration"] >= requested


def test_immutable_subjects_carry_owner_and_repository_ids() -> None:
    planned = plan_with(
        githubSubjectFormat="immutable", githubOwnerId="1234", githubRepositoryId="98765"
    )
    assert subject(role(planned, "deploy-prod")) == (
        "repo:example-org@1234/ecs-fargate-pulumi@98765:environment:prod"
    )


# --- permissions ---------------------------------------------------------------------------

UNSCOPABLE = (
    set(read_actions())
    | set(ECR_AUTH.actions)
    | {
        a
        for row in PERMISSIONS.values()
        for g in row.grants
        if g.scope is Scope.UNSCOPED
        for a in g.actions
    }
)


@pytest.mark.parametrize("suffix", ["preview", "drift", "deploy-dev", "deploy-prod"])
def test_no_wildcard_actions_and_star_resources_only_for_unscopable_calls(
    graph: Graph, suffix: str
) -> None:
    for statement in statements(graph, suffix):
        assert all(not a.endswith(("*", ":*")) for a in actions_of(statement))
        if statement["Effect"] == "Deny":
            # the only Deny: account-wide grants stay off other stacks' tagged resources
            assert set(statement["Condition"]) == {"Null", "StringNotEquals"}
            continue
        if statement["Resource"] in ("*", ["*"]):
            tag_confined = "aws:RequestTag/Environment" in json.dumps(statement.get("Condition"))
            assert tag_confined or set(actions_of(statement)) <= UNSCOPABLE


# Actions of the CI and boundary policies that the service authorization reference lists with no
# resource type: AWS evaluates them only against Resource "*", so a statement naming an ARN
# never matches them and the call is denied however right the ARN looks.
RESOURCE_STAR_ONLY = frozenset(
    {
        "acm:RequestCertificate",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "application-autoscaling:DescribeScheduledActions",
        "chatbot:CreateSlackChannelConfiguration",
        "chatbot:DescribeSlackChannelConfigurations",
        "chatbot:ListTagsForResource",
        "cloudwatch:GetMetricData",
        "cloudwatch:GetMetricWidgetImage",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribePrefixLists",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroupRules",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeVpcEndpointServices",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeVpcs",
        "ecr:GetAuthorizationToken",
        "ecs:DeregisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:SetWebAcl",
        "kms:CreateKey",
        "kms:ListAliases",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:DeleteQueryDefinition",
        "logs:DescribeLogGroups",
        "logs:DescribeQueryDefinitions",
        "logs:DescribeResourcePolicies",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutQueryDefinition",
        "logs:PutResourcePolicy",
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
        "sns:Unsubscribe",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
)


@pytest.mark.parametrize("suffix", ["preview", "drift", "deploy-dev", "deploy-prod"])
def test_actions_without_resource_level_permissions_are_granted_on_star(
    graph: Graph, suffix: str
) -> None:
    boundary = json.loads(graph.named("ecs-fargate-bootstrap-boundary")["inputs"]["policy"])
    for statement in [*statements(graph, suffix), *boundary["Statement"]]:
        if statement["Resource"] not in ("*", ["*"]):
            assert not RESOURCE_STAR_ONLY & set(actions_of(statement)), statement


def test_ec2_tag_on_create_covers_every_call_that_creates_a_tagged_resource(graph: Graph) -> None:
    create_actions = {
        value
        for statement in statements(graph, "deploy-dev")
        if "ec2:CreateTags" in actions_of(statement)
        for value in statement.get("Condition", {})
        .get("StringEquals", {})
        .get("ec2:CreateAction", [])
    }
    # the stack's security group rules carry tags: EC2 authorises them as CreateTags inside
    # AuthorizeSecurityGroupIngress/Egress
    assert {
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "CreateSecurityGroup",
        "CreateVpc",
        "CreateVpcEndpoint",
    } <= create_actions


def test_deploy_role_can_tag_the_untagged_default_security_group_it_adopts(graph: Graph) -> None:
    claims = [
        s
        for s in statements(graph, "deploy-dev")
        if "ec2:CreateTags" in actions_of(s) and "Null" in s.get("Condition", {})
    ]
    assert claims == [
        {
            "Effect": "Allow",
            "Action": ["ec2:CreateTags"],
            "Resource": [f"arn:aws:ec2:ap-northeast-1:{ACCOUNT}:security-group/*"],
            "Condition": {
                "StringEquals": {"aws:RequestTag/Environment": "dev"},
                "Null": {"aws:ResourceTag/Environment": "true"},
            },
        }
    ]


def test_interface_endpoints_with_private_dns_may_join_the_services_hosted_zone(
    graph: Graph,
) -> None:
    granted = {a for s in statements(graph, "deploy-dev") for a in actions_of(s)}
    assert "route53:AssociateVPCWithHostedZone" in granted


def test_policies_fit_iams_managed_policy_limits(graph: Graph) -> None:
    for github_role in ("preview", "drift", "deploy-dev", "deploy-prod"):
        policies = role_policies(graph, github_role)
        assert len(policies) <= MANAGED_POLICIES_PER_ROLE
        for name, doc in policies.items():
            size = len(re.sub(r"\s", "", json.dumps(doc)))
            assert size <= MANAGED_POLICY_MAX_CHARS, f"{github_role}-{name}: {size} characters"


def test_preview_role_cannot_write_anything(graph: Graph) -> None:
    read_only = ("Describe", "List", "Get", "BatchGet", "BatchCheck", "Decrypt")
    for statement in statements(graph, "preview"):
        for action in actions_of(statement):
            assert action.split(":")[1].startswith(read_only), action


def test_role_writes_require_the_permissions_boundary(graph: Graph) -> None:
    boundary = graph.named("ecs-fargate-bootstrap-boundary")["outputs"]["arn"]
    escalating = {
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:PutRolePermissionsBoundary",
    }
    for statement in statements(graph, "deploy-dev"):
        if escalating & set(actions_of(statement)):
            assert statement["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": boundary}}
            assert statement["Resource"] == [f"arn:aws:iam::{ACCOUNT}:role/ecs-fargate-dev-*"]


def test_pass_role_is_limited_to_the_stacks_own_roles(graph: Graph) -> None:
    (pass_role,) = [s for s in statements(graph, "deploy-prod") if "iam:PassRole" in s["Action"]]
    assert pass_role["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/ecs-fargate-prod-*"


def test_deploy_role_writes_only_its_own_stacks_state(graph: Graph) -> None:
    writes = [s for s in statements(graph, "deploy-dev") if "s3:PutObject" in s["Action"]]
    resources = [r for s in writes for r in s["Resource"]]
    assert resources and all("/ecs-fargate/dev" in r for r in resources)
    assert any("/locks/organization/ecs-fargate/dev/" in r for r in resources)
    deletes = [
        r
        for s in statements(graph, "deploy-dev")
        if "s3:DeleteObject" in s["Action"]
        for r in s["Resource"]
    ]
    # or every `up` leaves its lock behind (pulumi/actions#1316)
    assert any(r.endswith("/locks/organization/ecs-fargate/dev/*") for r in deletes)


def test_secrets_decrypt_is_limited_to_the_stacks_encryption_context(graph: Graph) -> None:
    decrypts = [
        s["Condition"]["StringEquals"]["kms:EncryptionContext:stack"]
        for s in statements(graph, "deploy-prod")
        if "kms:EncryptionContext:stack" in s.get("Condition", {}).get("StringEquals", {})
    ]
    assert decrypts == [["prod"]]


def test_boundary_grants_no_iam_and_denies_boundary_tampering(graph: Graph) -> None:
    doc = json.loads(graph.named("ecs-fargate-bootstrap-boundary")["inputs"]["policy"])
    allowed = {a for s in doc["Statement"] if s["Effect"] == "Allow" for a in actions_of(s)}
    denied = {a for s in doc["Statement"] if s["Effect"] == "Deny" for a in actions_of(s)}
    assert not any(a.startswith("iam:") for a in allowed)
    assert {"iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion"} <= denied


# --- outputs and config errors -------------------------------------------------------------


def test_outputs_give_the_backend_and_secrets_provider_urls(graph: Graph) -> None:
    outputs = graph.data["outputs"]
    bucket = f"ecs-fargate-state-{ACCOUNT}-ap-northeast-1"
    assert outputs["backendUrl"] == f"s3://{bucket}?region=ap-northeast-1"
    assert outputs["secretsProviders"] == {
        env: f"awskms://alias/ecs-fargate-secrets?region=ap-northeast-1&context_stack={env}"
        for env in ("dev", "prod")
    }


def test_outputs_give_the_role_and_boundary_arns(graph: Graph) -> None:
    outputs = graph.data["outputs"]
    assert outputs["previewRoleArn"] == role(graph, "preview")["outputs"]["arn"]
    assert set(outputs["deployRoleArns"]) == {"dev", "prod"}
    assert outputs["permissionsBoundaryArn"].endswith(":policy/ecs-fargate-permissions-boundary")


def test_a_config_error_stops_the_program_naming_the_key() -> None:
    with pytest.raises(pulumi.RunError, match="ecs-fargate-bootstrap:githubOwner"):
        plan_with(githubOwner="example-org/*")


def service_linked_roles_creatable(graph: Graph, suffix: str) -> set[str]:
    services: set[str] = set()
    for statement in statements(graph, suffix):
        if "iam:CreateServiceLinkedRole" in actions_of(statement):
            names = statement["Condition"]["StringEquals"]["iam:AWSServiceName"]
            services |= {names} if isinstance(names, str) else set(names)
    return services


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_deploy_role_can_create_chatbots_service_linked_role(
    graph: Graph, environment: str
) -> None:
    # The first Slack channel configuration of an account creates AWSServiceRoleForAWSChatbot,
    # trusted by management.chatbot.amazonaws.com (Chatbot admin guide, slr-permissions)
    services = service_linked_roles_creatable(graph, f"deploy-{environment}")
    assert "management.chatbot.amazonaws.com" in services


# --- calls on a resource the same `up` just created are never authorised by its tags ----------

# What the provider calls on a resource right after creating it, in the same `up` (read from
# terraform-provider-aws internal/service/...: ec2 vpc_.go modifyVPCAttributesOnCreate,
# vpc_subnet.go modifySubnetAttributesOnCreate (when an attribute differs from the default),
# vpc_internet_gateway.go attach, vpc_route.go, vpc_route_table_association.go,
# vpc_endpoint_route_table_association.go, vpc_security_group.go (revokes the default egress
# rule), vpc_default_security_group.go (revokes the rules EC2 made); kms key.go resourceKeyCreate
# and findKeyInfo, alias.go; acm certificate.go read). Tags of a new resource can take minutes to
# authorise (KMS: "up to five minutes", AWS KMS developer guide, ABAC; EC2/ELB:
# hashicorp/terraform-provider-aws#6055) and the provider does not retry AccessDenied.
REGION = "ap-northeast-1"
NEW_RESOURCE_CALLS: dict[str, tuple[str, ...]] = {
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0123456789abcdef0": ("ec2:ModifyVpcAttribute",),
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0123456789abcdef0": (
        "ec2:ModifySubnetAttribute",
        "ec2:AssociateRouteTable",
    ),
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/igw-0123456789abcdef0": (
        "ec2:AttachInternetGateway",
    ),
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:route-table/rtb-0123456789abcdef0": (
        "ec2:CreateRoute",
        "ec2:AssociateRouteTable",
        "ec2:ModifyVpcEndpoint",
    ),
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-endpoint/vpce-0123456789abcdef0": (
        "ec2:ModifyVpcEndpoint",
    ),
    f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0": (
        "ec2:RevokeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
    ),
    f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab": (
        "kms:EnableKeyRotation",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
        "kms:CreateAlias",
    ),
    f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/1234abcd-12ab-34cd-56ef-1234567890ab": (
        "acm:ListTagsForCertificate",
    ),
}


def tag_keys(statement: Mapping[str, Any]) -> set[str]:
    """Condition keys that authorise by a resource's own tags (a Null check on absence does not:
    a tag that has not propagated yet reads as absent)."""
    return {
        key
        for operator, keys in statement.get("Condition", {}).items()
        if operator != "Null"
        for key in keys
        if key.startswith(("aws:ResourceTag/", "ec2:ResourceTag/"))
    }


def authorised_by_tags(statement: Mapping[str, Any]) -> bool:
    return bool(tag_keys(statement)) or "aws:RequestTag/Environment" in json.dumps(statement)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_calls_on_a_just_created_resource_need_no_tag_to_be_allowed(
    graph: Graph, environment: str
) -> None:
    deploy = statements(graph, f"deploy-{environment}")
    missing = [
        (action, arn)
        for arn, actions in NEW_RESOURCE_CALLS.items()
        for action in actions
        if not allowed(deploy, action, arn, skip=authorised_by_tags)
    ]
    assert missing == []


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_no_statement_authorises_a_just_created_resources_calls_by_its_tags(
    graph: Graph, environment: str
) -> None:
    new_resource_calls = {a for actions in NEW_RESOURCE_CALLS.values() for a in actions}
    by_tags = [
        sorted(new_resource_calls & set(actions_of(s)))
        for s in statements(graph, f"deploy-{environment}")
        if s["Effect"] == "Allow" and tag_keys(s) and new_resource_calls & set(actions_of(s))
    ]
    assert by_tags == [], "these calls would fail until the new resource's tags propagate"


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_calls_allowed_account_wide_are_denied_on_another_stacks_resources(
    graph: Graph, environment: str
) -> None:
    tag = "aws:ResourceTag/Environment"
    guard = {"Null": {tag: "false"}, "StringNotEquals": {tag: environment}}
    denies = [
        s
        for s in statements(graph, f"deploy-{environment}")
        if s["Effect"] == "Deny" and s["Condition"] == guard
    ]
    unguarded = [
        (action, arn)
        for arn, actions in NEW_RESOURCE_CALLS.items()
        for action in actions
        if not any(covers(d, action, arn) for d in denies)
    ]
    assert unguarded == []
