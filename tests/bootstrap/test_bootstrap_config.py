"""Bootstrap config validation: the GitHub values become OIDC trust conditions, so a wildcard or
a malformed name must stop the program with a message naming the key."""

from __future__ import annotations

import pulumi
import pytest

from bootstrap.config import BootstrapConfig, parse_config

BASE = {
    "aws:region": "ap-northeast-1",
    "ecs-fargate-bootstrap:githubOwner": "example-org",
    "ecs-fargate-bootstrap:githubRepository": "ecs-fargate-pulumi",
}


def parse(**overrides: str) -> BootstrapConfig:
    return parse_config({**BASE, **{f"ecs-fargate-bootstrap:{k}": v for k, v in overrides.items()}})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("githubOwner", "example-org/*"),
        ("githubOwner", "*"),
        ("githubRepository", "ecs-*"),
        ("githubRepository", "repo?"),
    ],
)
def test_wildcards_are_rejected_naming_the_key(key: str, value: str) -> None:
    with pytest.raises(pulumi.RunError, match=f"ecs-fargate-bootstrap:{key}.*wildcards"):
        parse(**{key: value})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("githubOwner", "example-org/ecs-fargate-pulumi"),
        ("githubOwner", "-leading-hyphen"),
        ("githubRepository", "owner/repo"),
        ("githubRepository", ".."),
    ],
)
def test_malformed_owner_or_repository_is_rejected(key: str, value: str) -> None:
    with pytest.raises(pulumi.RunError, match=f"ecs-fargate-bootstrap:{key}"):
        parse(**{key: value})


def test_immutable_subjects_require_numeric_ids() -> None:
    with pytest.raises(pulumi.RunError, match="githubOwnerId"):
        parse(githubSubjectFormat="immutable", githubRepositoryId="42")


def test_ids_without_the_immutable_format_are_rejected() -> None:
    with pytest.raises(pulumi.RunError, match="githubRepositoryId.*immutable"):
        parse(githubRepositoryId="42")


def test_unknown_subject_format_is_rejected() -> None:
    with pytest.raises(pulumi.RunError, match="githubSubjectFormat.*legacy, immutable"):
        parse(githubSubjectFormat="wildcard")


def test_unknown_setting_is_rejected() -> None:
    with pytest.raises(pulumi.RunError, match="ecs-fargate-bootstrap:githubOrg"):
        parse(githubOrg="example-org")


def test_state_bucket_inside_a_deploy_roles_scope_is_rejected() -> None:
    with pytest.raises(pulumi.RunError, match="stateBucketName.*dev deploy role"):
        parse(stateBucketName="ecs-fargate-dev-state")


def test_a_service_nothing_passes_roles_to_is_rejected() -> None:
    with pytest.raises(pulumi.RunError, match="passedToServices.dev"):
        parse(passedToServices='{"dev": ["lambda.amazonaws.com"]}')


def test_an_invalid_oidc_provider_arn_is_rejected() -> None:
    with pytest.raises(pulumi.RunError, match="existingOidcProviderArn"):
        parse(existingOidcProviderArn="arn:aws:iam::123456789012:oidc-provider/example.com")


def test_valid_immutable_config_parses() -> None:
    cfg = parse(githubSubjectFormat="immutable", githubOwnerId="1", githubRepositoryId="2")
    assert cfg.github.subject_prefix == "repo:example-org@1/ecs-fargate-pulumi@2"


@pytest.mark.parametrize("name", ["githubOwner", "githubRepository"])
def test_an_empty_or_missing_repository_name_is_rejected_as_required(name: str) -> None:
    with pytest.raises(pulumi.RunError, match=f"ecs-fargate-bootstrap:{name} = '': required"):
        parse(**{name: ""})
    without = {k: v for k, v in BASE.items() if k != f"ecs-fargate-bootstrap:{name}"}
    with pytest.raises(pulumi.RunError, match=f"ecs-fargate-bootstrap:{name} = '': required"):
        parse_config(without)
