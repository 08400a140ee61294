"""The bootstrap program under mocks: the state backend it creates, the OIDC trust and the
least-privilege CI roles (the portfolio had one role trusted from any branch for everything)."""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pytest
import yaml
from conftest import REPO_ROOT

from bootstrap.ci_permissions import ECR_AUTH, PERMISSIONS, Scope, read_actions
from bootstrap.iam_documents import MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_CHARS
from bootstrap.plan import example_config, plan_bootstrap
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


@pytest.mark.parametrize("suffix", ["preview", "deploy-dev", "deploy-prod"])
def test_no_wildcard_actions_and_star_resources_only_for_unscopable_calls(
    graph: Graph, suffix: str
) -> None:
    for statement in statements(graph, suffix):
        assert statement["Effect"] == "Allow"
        assert all(not a.endswith(("*", ":*")) for a in actions_of(statement))
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


@pytest.mark.parametrize("suffix", ["preview", "deploy-dev", "deploy-prod"])
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
    for github_role in ("preview", "deploy-dev", "deploy-prod"):
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
