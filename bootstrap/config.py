"""Typed, validated config of the bootstrap project (namespace ``ecs-fargate-bootstrap``).

Each setting is declared once, as a field of GitHubRepository or BootstrapConfig, the way the main
project declares its settings (components/config/settings.py): bootstrap/Pulumi.yaml's config
block is generated from these declarations (``make config-block``) and the config reachability
test renders each example. The same parser reads them; a bad value stops the program before any
resource is registered, with a ``pulumi.RunError`` naming the key, the value and what is allowed. GitHub names are validated strictly because they
end up in OIDC trust policies: a wildcard there would let other repositories or branches deploy.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.config import config_error, raw_stack_config
from components.config.parse import (
    parse_region,
    parse_section,
    parse_settings,
    reject_undeclared,
    require_choice,
    require_match,
    require_range,
)
from components.config.resource_types import (
    IAM_OPENID_CONNECT_PROVIDER,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY_ATTACHMENT,
    KMS_ALIAS,
    S3_BUCKET,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_VERSIONING,
)
from components.config.settings import APPEARS, on, required_setting, setting

PROJECT = "ecs-fargate-bootstrap"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"
SUBJECT_FORMATS = ("legacy", "immutable")
# The GitHub environment drift.yml runs in; the read-only drift role trusts its subject.
DRIFT_ENVIRONMENT = "drift"

# The stack features that hand one of the stack's roles to another AWS service (by the resource
# that takes the role's ARN), and that service. Turning a feature on in a stack means adding its
# service to passedToServices.<env> (docs/deploy.md); tests/bootstrap/test_bootstrap_permissions.py
# plans every feature and fails naming the entry when this table or the defaults below fall behind.
# Application Auto Scaling uses its service-linked role, which is never passed.
FEATURE_PASSED_TO_SERVICES: dict[str, str] = {
    "flowLogs": "vpc-flow-logs.amazonaws.com",
    "slackWorkspaceId + slackChannelId": "chatbot.amazonaws.com",
    "nightSchedule": "scheduler.amazonaws.com",
    "deploymentStrategy: blue_green": "ecs.amazonaws.com",
}
# Every stack passes its task definitions' execution and task roles to ECS tasks.
PASSABLE_SERVICES = ("ecs-tasks.amazonaws.com", *FEATURE_PASSED_TO_SERVICES.values())
# What the repository's own Pulumi.dev.yaml / Pulumi.prod.yaml pass; a test derives the same sets
# from the offline graphs, so this cannot drift from the program.
DEFAULT_PASSED_TO_SERVICES: dict[str, tuple[str, ...]] = {
    "dev": ("ecs-tasks.amazonaws.com",),
    "prod": ("ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"),
}

# GitHub's rules: owner 1-39 alphanumerics or single inner hyphens; repository 1-100 of
# [A-Za-z0-9._-], not "." or "..".
_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}")
_NUMERIC_ID = re.compile(r"[1-9][0-9]{0,19}")
_ENVIRONMENT = re.compile(r"[a-z][a-z0-9]{0,7}")
_WILDCARDS = ("*", "?")
_OIDC_PROVIDER_ARN = re.compile(
    rf"arn:aws[a-z-]*:iam::\d{{12}}:oidc-provider/{re.escape(GITHUB_OIDC_HOST)}"
)
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
_ALIAS = re.compile(r"[A-Za-z0-9/_-]{1,250}")


# The CI roles trust the repository's OIDC subjects (the drift role, the preview role and one
# deploy role per environment).
_TRUST = on(IAM_ROLE, "assumeRolePolicy")
# Every part of the state bucket names it; the bucket policy and the deploy roles' policies name
# its ARN.
_STATE_BUCKET_NAME = (
    *on(S3_BUCKET, "bucket"),
    *on(S3_BUCKET_LIFECYCLE, "bucket"),
    *on(S3_BUCKET_OWNERSHIP, "bucket"),
    *on(S3_BUCKET_POLICY, "bucket", "policy"),
    *on(S3_BUCKET_PUBLIC_ACCESS_BLOCK, "bucket"),
    *on(S3_BUCKET_ENCRYPTION, "bucket"),
    *on(S3_BUCKET_VERSIONING, "bucket"),
)


def key(name: str) -> str:
    return f"{PROJECT}:{name}"


@dataclass(frozen=True, kw_only=True)
class GitHubRepository:
    owner: str = required_setting(
        key="githubOwner",
        doc="GitHub user or organisation that owns the repository (no wildcards).",
        affects=_TRUST,
        example="other-org",
    )
    name: str = required_setting(
        key="githubRepository",
        doc="Repository name without the owner (no wildcards).",
        affects=_TRUST,
        example="other-repository",
    )
    subject_format: str = setting(
        "legacy",
        key="githubSubjectFormat",
        doc="legacy (sub = repo:OWNER/REPO:...) or immutable (repo:OWNER@ID/REPO@ID:..., "
        "repositories created after 2026-07-15 or opted in).",
        affects=_TRUST,
        example="immutable",
        example_with={"githubOwnerId": "1", "githubRepositoryId": "2"},
    )
    owner_id: str = setting(
        "",
        key="githubOwnerId",
        doc="Numeric owner id, required with githubSubjectFormat immutable.",
        affects=_TRUST,
        example="1",
        example_with={"githubSubjectFormat": "immutable", "githubRepositoryId": "2"},
    )
    repository_id: str = setting(
        "",
        key="githubRepositoryId",
        doc="Numeric repository id, required with githubSubjectFormat immutable.",
        affects=_TRUST,
        example="2",
        example_with={"githubSubjectFormat": "immutable", "githubOwnerId": "1"},
    )

    @property
    def subject_prefix(self) -> str:
        """``repo:O/R`` or, for repositories on immutable subject claims, ``repo:O@id/R@id``."""
        if self.subject_format == "immutable":
            return f"repo:{self.owner}@{self.owner_id}/{self.name}@{self.repository_id}"
        return f"repo:{self.owner}/{self.name}"

    @property
    def pull_request_subject(self) -> str:
        return f"{self.subject_prefix}:pull_request"

    def environment_subject(self, environment: str) -> str:
        return f"{self.subject_prefix}:environment:{environment}"


@dataclass(frozen=True, kw_only=True)
class BootstrapConfig:
    region: str
    github: GitHubRepository
    environments: tuple[str, ...] = setting(
        ("dev", "prod"),
        doc="Stacks of the ecs-fargate project that get a deploy role and a secrets context.",
        affects=(
            *on(IAM_ROLE, APPEARS),
            *on(IAM_POLICY, APPEARS, "policy"),
            *on(IAM_ROLE_POLICY_ATTACHMENT, APPEARS),
        ),
        example=["dev", "staging", "prod"],
    )
    existing_oidc_provider_arn: str = setting(
        "",
        doc="ARN of the account's GitHub OIDC provider if it exists already (one per account).",
        affects=on(IAM_OPENID_CONNECT_PROVIDER, APPEARS),
        example=f"arn:aws:iam::123456789012:oidc-provider/{GITHUB_OIDC_HOST}",
    )
    state_bucket_name: str = setting(
        "",
        doc="State bucket name; empty means ecs-fargate-state-<account>-<region>.",
        affects=(*on(IAM_POLICY, "policy"), *_STATE_BUCKET_NAME),
        example="acme-pulumi-state",
    )
    noncurrent_version_days: int = setting(
        90,
        doc="Days after which a noncurrent state object version expires.",
        affects=on(S3_BUCKET_LIFECYCLE, "rules"),
        example=30,
    )
    noncurrent_versions_kept: int = setting(
        10,
        doc="Newest noncurrent versions of each state object kept regardless of age.",
        affects=on(S3_BUCKET_LIFECYCLE, "rules"),
        example=5,
    )
    secrets_key_alias: str = setting(
        "ecs-fargate-secrets",
        doc="KMS alias (without alias/) of the stacks' secrets provider key.",
        affects=on(KMS_ALIAS, "name"),
        example="acme-pulumi-secrets",
    )
    passed_to_services: Mapping[str, tuple[str, ...]] = setting(
        {},
        doc="per environment, the AWS service principals its deploy role may pass the stack's "
        "roles to: ecs-tasks.amazonaws.com and one per stack feature that needs it "
        "(docs/deploy.md); an environment left out gets what the repository's stack files need",
        affects=on(IAM_POLICY, "policy"),
        example={"dev": ["ecs-tasks.amazonaws.com", "scheduler.amazonaws.com"]},
    )

    def stack_prefix(self, environment: str) -> str:
        """Every physical name of that stack starts with this (the lead's naming rule)."""
        return f"ecs-fargate-{environment}"


SECTIONS: tuple[type, ...] = (GitHubRepository, BootstrapConfig)


def _no_wildcard(name: str, value: str) -> None:
    if any(w in value for w in _WILDCARDS):
        raise config_error(
            key(name),
            value,
            "wildcards are not allowed: the value becomes an OIDC trust condition, and a "
            "wildcard would let other repositories or branches assume the CI roles",
        )


def _validate_github(github: GitHubRepository) -> None:
    _no_wildcard("githubOwner", github.owner)
    if not _OWNER.fullmatch(github.owner):
        raise config_error(
            key("githubOwner"),
            github.owner,
            "a GitHub owner: 1-39 letters, digits or single inner hyphens (no slash)",
        )
    _no_wildcard("githubRepository", github.name)
    if not _REPO.fullmatch(github.name) or github.name in (".", ".."):
        raise config_error(
            key("githubRepository"),
            github.name,
            "a repository name: 1-100 letters, digits, '.', '_' or '-' (no owner, no slash)",
        )
    require_choice(key("githubSubjectFormat"), github.subject_format, SUBJECT_FORMATS)
    if github.subject_format == "immutable":
        for id_name, id_value in (
            ("githubOwnerId", github.owner_id),
            ("githubRepositoryId", github.repository_id),
        ):
            _no_wildcard(id_name, id_value)
            if not _NUMERIC_ID.fullmatch(id_value):
                raise config_error(
                    key(id_name),
                    id_value,
                    "the numeric id GitHub puts in immutable subjects (required when "
                    "githubSubjectFormat is immutable; see docs/deploy.md)",
                )
    elif github.owner_id or github.repository_id:
        raise config_error(
            key("githubOwnerId" if github.owner_id else "githubRepositoryId"),
            github.owner_id or github.repository_id,
            "only used with githubSubjectFormat: immutable",
        )


def _validate_environments(environments: tuple[str, ...]) -> None:
    if not environments:
        raise config_error(key("environments"), [], "a non-empty list of stack names")
    for environment in environments:
        if not _ENVIRONMENT.fullmatch(environment):
            raise config_error(
                key("environments"),
                environment,
                "stack names of the ecs-fargate project: lower-case letters and digits, "
                "at most 8 characters",
            )
    if len(set(environments)) != len(environments):
        raise config_error(key("environments"), list(environments), "each environment once")
    if DRIFT_ENVIRONMENT in environments:
        # its deploy role would trust the drift environment's tokens, which a schedule gets
        raise config_error(
            key("environments"),
            DRIFT_ENVIRONMENT,
            f"{DRIFT_ENVIRONMENT!r} is the GitHub environment of the read-only drift role "
            "(drift.yml); name the stack otherwise",
        )


def _passed_to_services(
    configured: Mapping[str, tuple[str, ...]], environments: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Each environment's services: as configured, else the repository's stack files' needs."""
    unknown = sorted(set(configured) - set(environments))
    if unknown:
        raise config_error(
            f"{key('passedToServices')}.{unknown[0]}",
            list(configured[unknown[0]]),
            f"not one of environments ({', '.join(environments)})",
        )
    result: dict[str, tuple[str, ...]] = {}
    for environment in environments:
        services = configured.get(environment, DEFAULT_PASSED_TO_SERVICES.get(environment, ()))
        for service in services:
            require_choice(f"{key('passedToServices')}.{environment}", service, PASSABLE_SERVICES)
        result[environment] = tuple(sorted(set(services)))
    return result


def _validate_backend_names(cfg: BootstrapConfig) -> None:
    require_match(
        key("existingOidcProviderArn"),
        cfg.existing_oidc_provider_arn,
        _OIDC_PROVIDER_ARN,
        f"empty (create the provider) or arn:aws:iam::<account>:oidc-provider/{GITHUB_OIDC_HOST}",
    )
    bucket = cfg.state_bucket_name
    if bucket and (not _BUCKET_NAME.fullmatch(bucket) or "--" in bucket):
        raise config_error(
            key("stateBucketName"),
            bucket,
            "empty (ecs-fargate-state-<account>-<region>) or a DNS-compliant bucket name: "
            "3-63 lower-case letters, digits and hyphens, no dots (policy rule S3-14)",
        )
    alias = cfg.secrets_key_alias
    if not _ALIAS.fullmatch(alias) or alias.startswith("aws/"):
        raise config_error(
            key("secretsKeyAlias"), alias, "an alias name without 'alias/', not under 'aws/'"
        )
    # The deploy roles manage everything named ecs-fargate-<env>-*: the backend must not be in reach.
    for environment in cfg.environments:
        prefix = f"ecs-fargate-{environment}-"
        for name, value in (("stateBucketName", bucket), ("secretsKeyAlias", alias)):
            if value.startswith(prefix):
                raise config_error(
                    key(name),
                    value,
                    f"must not start with {prefix!r}: the {environment} deploy role manages "
                    "every resource named so, and could delete the backend",
                )
    require_range(key("noncurrentVersionDays"), cfg.noncurrent_version_days, 1, 3650)
    require_range(key("noncurrentVersionsKept"), cfg.noncurrent_versions_kept, 1, 100)


def parse_config(raw: Mapping[str, Any]) -> BootstrapConfig:
    reject_undeclared(raw, PROJECT, SECTIONS)
    region = parse_region(raw)
    github = parse_section(GitHubRepository, raw, PROJECT)
    _validate_github(github)
    cfg = BootstrapConfig(
        region=region, github=github, **parse_settings(BootstrapConfig, raw, PROJECT)
    )
    _validate_environments(cfg.environments)
    _validate_backend_names(cfg)
    passed = _passed_to_services(cfg.passed_to_services, cfg.environments)
    return dataclasses.replace(cfg, passed_to_services=passed)


def load_config() -> BootstrapConfig:
    return parse_config(raw_stack_config())
