"""The drift role: what `pulumi preview --refresh` of dev and prod needs and nothing that writes.

The preview role trusts pull-request tokens only, and a scheduled run has none, so drift.yml
assumes its own role through the `drift` GitHub environment. Its read calls come from a table of
the provider's Read per resource type (``REFRESH_READS`` in bootstrap/ci_permissions.py); these
tests fail when a type of the dev or prod graph, or of an optional feature, has no row, when the
role cannot make a row's calls, and when anything in the role could change the account or the
state."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from bootstrap.ci_permissions import (
    DRIFT_READ_EXCEPTIONS,
    DRIFT_READ_VERBS,
    INVOKE_READS,
    PERMISSIONS,
    REFRESH_READS,
    missing_refresh_types,
    read_actions,
)
from bootstrap.config import DRIFT_ENVIRONMENT, parse_config
from bootstrap.iam_documents import MANAGED_POLICY_MAX_CHARS
from bootstrap.plan import example_config, plan_bootstrap

# the feature variants of the deploy table's test, as a fixture
from tests.support.graphs import FeatureVariant
from tests.support.iam import allowed, as_list
from tests.support.state_bucket import bucket_arn, conditioned, keys_of, preview_calls
from tools.graph import Graph

OIDC = "token.actions.githubusercontent.com"
POLICY = "aws:iam/policy:Policy"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph(plan_bootstrap())


def drift_statements(graph: Graph) -> list[dict[str, Any]]:
    return [
        statement
        for policy in graph.of_type(POLICY)
        if policy["name"].startswith("ecs-fargate-bootstrap-drift-")
        for statement in json.loads(policy["inputs"]["policy"])["Statement"]
    ]


def drift_actions(graph: Graph) -> set[str]:
    return {action for s in drift_statements(graph) for action in as_list(s["Action"])}


# --- trust ----------------------------------------------------------------------------------


def test_the_drift_role_is_trusted_only_from_the_drift_environment(graph: Graph) -> None:
    role = graph.named("ecs-fargate-bootstrap-drift")
    (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            f"{OIDC}:aud": "sts.amazonaws.com",
            f"{OIDC}:sub": "repo:example-org/ecs-fargate-pulumi:environment:drift",
        }
    }


def test_the_drift_subject_follows_the_immutable_subject_format() -> None:
    config = example_config()
    config.update(
        {
            "ecs-fargate-bootstrap:githubSubjectFormat": "immutable",
            "ecs-fargate-bootstrap:githubOwnerId": "1234",
            "ecs-fargate-bootstrap:githubRepositoryId": "98765",
        }
    )
    role = Graph(plan_bootstrap(config)).named("ecs-fargate-bootstrap-drift")
    (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert statement["Condition"]["StringEquals"][f"{OIDC}:sub"] == (
        "repo:example-org@1234/ecs-fargate-pulumi@98765:environment:drift"
    )


def test_a_stack_named_like_the_drift_environment_is_rejected() -> None:
    # its deploy role would trust the drift environment's tokens: a read-only schedule could
    # assume a role that writes
    config = {
        "aws:region": "ap-northeast-1",
        "ecs-fargate-bootstrap:githubOwner": "example-org",
        "ecs-fargate-bootstrap:githubRepository": "ecs-fargate-pulumi",
        "ecs-fargate-bootstrap:environments": json.dumps(["dev", DRIFT_ENVIRONMENT]),
    }
    with pytest.raises(pulumi.RunError, match="ecs-fargate-bootstrap:environments.*drift"):
        parse_config(config)


def test_outputs_give_the_drift_role_arn(graph: Graph) -> None:
    role = graph.named("ecs-fargate-bootstrap-drift")
    assert graph.data["outputs"]["driftRoleArn"] == role["outputs"]["arn"]


# --- the read table covers every type the stacks can hold ------------------------------------


def test_every_resource_type_of_the_stack_has_its_refresh_reads(stack_graph: Graph) -> None:
    types = {r["type"] for r in stack_graph.resources}
    assert missing_refresh_types(types) == [], (
        "add the provider's Read calls of these types to REFRESH_READS in "
        "bootstrap/ci_permissions.py, or drift.yml's refresh stops at AccessDenied"
    )


def test_every_resource_type_of_every_optional_feature_has_its_refresh_reads(
    feature_variant: tuple[FeatureVariant, Graph],
) -> None:
    variant, graph = feature_variant
    types = {r["type"] for r in graph.resources}
    assert missing_refresh_types(types) == [], f"{variant.id}: add REFRESH_READS rows"


def test_every_type_the_deploy_role_manages_has_refresh_reads() -> None:
    assert sorted(set(PERMISSIONS) - set(REFRESH_READS)) == []


def test_every_refresh_read_is_also_in_the_deploy_table() -> None:
    # `up` reads every resource back after writing it: a read the deploy table lacks would fail
    # there first
    deploy = set(read_actions()) | {
        a for row in PERMISSIONS.values() for grant in row.grants for a in grant.actions
    }
    reads = {a for actions in REFRESH_READS.values() for a in actions}
    assert sorted(reads - deploy) == []


def test_refresh_reads_are_read_calls() -> None:
    writes = sorted(
        (resource_type, action)
        for resource_type, actions in REFRESH_READS.items()
        for action in actions
        if not action.split(":")[1].startswith(DRIFT_READ_VERBS)
        and action not in DRIFT_READ_EXCEPTIONS
    )
    assert writes == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_drift_role_may_make_every_refresh_read_of_the_stacks_resources(
    graph: Graph, stack: str
) -> None:
    statements = drift_statements(graph)
    arns = sample_arns(stack)
    missing = [
        (resource_type, action)
        for resource_type, actions in REFRESH_READS.items()
        for action in actions
        if not allowed(statements, action, arns.get(action.split(":")[0], {}).get(action, "*"))
    ]
    missing += [(None, a) for a in INVOKE_READS if not allowed(statements, a, "*")]
    assert missing == []


def sample_arns(stack: str) -> dict[str, dict[str, str]]:
    """service -> read action -> an ARN of the stack that the call is authorised on (service
    authorization reference: the action's resource type); every other read has no resource
    type and is authorised on "*". Written out independently of the permission table."""
    region, account, prefix = "ap-northeast-1", "123456789012", f"ecs-fargate-{stack}"
    role = f"arn:aws:iam::{account}:role/{prefix}-web-task"
    policy = f"arn:aws:iam::{account}:policy/{prefix}-deploy-alarms"
    repository = f"arn:aws:ecr:{region}:{account}:repository/{prefix}-web-repo"
    topic = f"arn:aws:sns:{region}:{account}:{prefix}-alarms-8f3a"
    bucket = f"arn:aws:s3:::{prefix}-alb-logs-1a2b"
    web_acl = f"arn:aws:wafv2:{region}:{account}:regional/webacl/{prefix}-web-waf/1a2b"
    key = f"arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    log_group = f"arn:aws:logs:{region}:{account}:log-group:{prefix}-web-app"
    return {
        "acm": {"acm:ListTagsForCertificate": f"arn:aws:acm:{region}:{account}:certificate/1a2b"},
        "cloudwatch": {
            "cloudwatch:GetDashboard": f"arn:aws:cloudwatch::{account}:dashboard/{prefix}-slo",
            "cloudwatch:ListTagsForResource": (
                f"arn:aws:cloudwatch:{region}:{account}:alarm:{prefix}-web-5xx"
            ),
        },
        "ecr": {
            a: repository
            for a in (
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:DescribeRepositories",
                "ecr:GetDownloadUrlForLayer",
                "ecr:GetLifecyclePolicy",
                "ecr:GetRepositoryPolicy",
                "ecr:ListTagsForResource",
            )
        },
        "iam": {
            "iam:GetPolicy": policy,
            "iam:GetPolicyVersion": policy,
            "iam:GetRole": role,
            "iam:GetRolePolicy": role,
            "iam:ListAttachedRolePolicies": role,
            "iam:ListRolePolicies": role,
        },
        "kms": {
            a: key
            for a in (
                "kms:DescribeKey",
                "kms:GetKeyPolicy",
                "kms:GetKeyRotationStatus",
                "kms:ListResourceTags",
            )
        },
        "logs": {"logs:ListTagsForResource": log_group},
        "route53": {
            "route53:GetHostedZone": "arn:aws:route53:::hostedzone/Z0123456789ABC",
            "route53:ListResourceRecordSets": "arn:aws:route53:::hostedzone/Z0123456789ABC",
        },
        "s3": {a: bucket for a in REFRESH_READS["aws:s3/bucket:Bucket"]}
        | {
            "s3:GetBucketOwnershipControls": bucket,
            "s3:GetBucketPublicAccessBlock": bucket,
        },
        "scheduler": {
            "scheduler:GetSchedule": (
                f"arn:aws:scheduler:{region}:{account}:schedule/default/{prefix}-night-in"
            )
        },
        "sns": {"sns:GetTopicAttributes": topic, "sns:ListTagsForResource": topic},
        "wafv2": {
            "wafv2:GetLoggingConfiguration": web_acl,
            "wafv2:GetWebACL": web_acl,
            "wafv2:GetWebACLForResource": web_acl,
            "wafv2:ListTagsForResource": web_acl,
        },
    }


# --- nothing that writes --------------------------------------------------------------------


def test_the_drift_role_makes_no_call_that_writes(graph: Graph) -> None:
    writes = sorted(
        a
        for a in drift_actions(graph)
        if not a.split(":")[1].startswith(DRIFT_READ_VERBS) and a not in DRIFT_READ_EXCEPTIONS
    )
    assert writes == []
    assert DRIFT_READ_EXCEPTIONS == frozenset({"kms:Decrypt"})


def test_the_drift_role_holds_no_state_write(graph: Graph) -> None:
    actions = drift_actions(graph)
    assert not {"s3:PutObject", "s3:DeleteObject"} & actions


def test_the_drift_role_has_no_deny_and_no_wildcard_action(graph: Graph) -> None:
    for statement in drift_statements(graph):
        assert statement["Effect"] == "Allow"
        assert all("*" not in a for a in as_list(statement["Action"]))


def test_drift_policies_fit_iams_managed_policy_limit(graph: Graph) -> None:
    for policy in graph.of_type(POLICY):
        if policy["name"].startswith("ecs-fargate-bootstrap-drift-"):
            size = len(json.dumps(json.loads(policy["inputs"]["policy"]), separators=(",", ":")))
            assert size <= MANAGED_POLICY_MAX_CHARS, f"{policy['name']}: {size} characters"


# --- the state: a preview's reads, and the lock check ---------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_drift_role_reads_what_a_preview_reads(graph: Graph, stack: str) -> None:
    statements, bucket = drift_statements(graph), bucket_arn(graph)
    denied = [
        (a, k)
        for a, k in preview_calls(stack)
        if not allowed(statements, a, f"{bucket}/{k}", conditioned)
    ]
    assert denied == []


def test_the_drift_role_may_list_the_lock_prefix(graph: Graph) -> None:
    # drift.yml lists .pulumi/locks/organization/ecs-fargate/<stack>/ before and after the
    # preview; ListBucket is authorised on the bucket itself
    assert allowed(drift_statements(graph), "s3:ListBucket", bucket_arn(graph), conditioned)


def test_the_drift_role_reads_no_lock_object(graph: Graph) -> None:
    lock = keys_of("dev")["lock"]
    statements = drift_statements(graph)
    assert not allowed(statements, "s3:GetObject", f"{bucket_arn(graph)}/{lock}")


def test_the_drift_role_decrypts_only_the_stacks_secrets(graph: Graph) -> None:
    contexts = [
        s["Condition"]["StringEquals"]["kms:EncryptionContext:stack"]
        for s in drift_statements(graph)
        if "kms:EncryptionContext:stack" in s.get("Condition", {}).get("StringEquals", {})
    ]
    assert contexts == [["dev", "prod"]]
