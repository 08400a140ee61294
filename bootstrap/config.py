"""Typed, validated config of the bootstrap project (namespace ``ecs-fargate-bootstrap``).

A bad value stops the program before any resource is registered, with a ``pulumi.RunError``
naming the key, the value and what is allowed. GitHub names are validated strictly because they
end up in OIDC trust policies: a wildcard there would let other repositories or branches deploy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.config import config_error, raw_stack_config

PROJECT = "ecs-fargate-bootstrap"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"
SUBJECT_FORMATS = ("legacy", "immutable")
# The GitHub environment drift.yml runs in; the read-only drift role trusts its subject.
DRIFT_ENVIRONMENT = "drift"

# The stack features that hand one of the stack's roles to another AWS service (by the resource
# that takes the role's ARN), and that service. Turning a feature on in a stack means adding its
# service to passedToServices.<env> (docs/deploy.md); tests/test_bootstrap_permissions.py plans
# every feature and fails naming the entry when this table or the defaults below fall behind.
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


def key(name: str) -> str:
    return f"{PROJECT}:{name}"


@dataclass(frozen=True)
class GitHubRepository:
    owner: str
    name: str
    subject_format: str = "legacy"
    owner_id: str = ""
    repository_id: str = ""

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


@dataclass(frozen=True)
class BootstrapConfig:
    region: str
    github: GitHubRepository
    environments: tuple[str, ...] = ("dev", "prod")
    existing_oidc_provider_arn: str = ""
    state_bucket_name: str = ""
    noncurrent_version_days: int = 90
    noncurrent_versions_kept: int = 10
    secrets_key_alias: str = "ecs-fargate-secrets"
    passed_to_services: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def stack_prefix(self, environment: str) -> str:
        """Every physical name of that stack starts with this (the lead's naming rule)."""
        return f"ecs-fargate-{environment}"


DECLARED_KEYS = (
    "githubOwner",
    "githubRepository",
    "githubSubjectFormat",
    "githubOwnerId",
    "githubRepositoryId",
    "environments",
    "existingOidcProviderArn",
    "stateBucketName",
    "noncurrentVersionDays",
    "noncurrentVersionsKept",
    "secretsKeyAlias",
    "passedToServices",
)


def _string(raw: Mapping[str, Any], name: str, default: str = "") -> str:
    value = raw.get(key(name), default)
    if not isinstance(value, str):
        raise config_error(key(name), value, "expected a string")
    return value


def _required(raw: Mapping[str, Any], name: str, allowed: str) -> str:
    value = _string(raw, name)
    if not value:
        raise config_error(key(name), value, f"required: {allowed}")
    return value


def _integer(raw: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = raw.get(key(name), default)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise config_error(key(name), value, f"a whole number from {low} to {high}")
    return value


def _structured(raw: Mapping[str, Any], name: str, default: Any) -> Any:
    value = raw.get(key(name))
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise config_error(key(name), value, "expected a YAML list or object") from None
    return value


def _no_wildcard(name: str, value: str) -> None:
    if any(w in value for w in _WILDCARDS):
        raise config_error(
            key(name),
            value,
            "wildcards are not allowed: the value becomes an OIDC trust condition, and a "
            "wildcard would let other repositories or branches assume the CI roles",
        )


def _github(raw: Mapping[str, Any]) -> GitHubRepository:
    owner = _required(raw, "githubOwner", "the GitHub user or organisation owning the repo")
    _no_wildcard("githubOwner", owner)
    if not _OWNER.fullmatch(owner):
        raise config_error(
            key("githubOwner"),
            owner,
            "a GitHub owner: 1-39 letters, digits or single inner hyphens (no slash)",
        )
    name = _required(raw, "githubRepository", "the repository name without the owner")
    _no_wildcard("githubRepository", name)
    if not _REPO.fullmatch(name) or name in (".", ".."):
        raise config_error(
            key("githubRepository"),
            name,
            "a repository name: 1-100 letters, digits, '.', '_' or '-' (no owner, no slash)",
        )
    subject_format = _string(raw, "githubSubjectFormat", "legacy")
    if subject_format not in SUBJECT_FORMATS:
        raise config_error(
            key("githubSubjectFormat"),
            subject_format,
            f"allowed values: {', '.join(SUBJECT_FORMATS)}",
        )
    owner_id = _string(raw, "githubOwnerId")
    repository_id = _string(raw, "githubRepositoryId")
    if subject_format == "immutable":
        for id_name, id_value in (
            ("githubOwnerId", owner_id),
            ("githubRepositoryId", repository_id),
        ):
            _no_wildcard(id_name, id_value)
            if not _NUMERIC_ID.fullmatch(id_value):
                raise config_error(
                    key(id_name),
                    id_value,
                    "the numeric id GitHub puts in immutable subjects (required when "
                    "githubSubjectFormat is immutable; see docs/deploy.md)",
                )
    elif owner_id or repository_id:
        raise config_error(
            key("githubOwnerId" if owner_id else "githubRepositoryId"),
            owner_id or repository_id,
            "only used with githubSubjectFormat: immutable",
        )
    return GitHubRepository(owner, name, subject_format, owner_id, repository_id)


def _environments(raw: Mapping[str, Any]) -> tuple[str, ...]:
    value = _structured(raw, "environments", ["dev", "prod"])
    if not isinstance(value, list) or not value:
        raise config_error(key("environments"), value, "a non-empty list of stack names")
    for environment in value:
        if not isinstance(environment, str) or not _ENVIRONMENT.fullmatch(environment):
            raise config_error(
                key("environments"),
                environment,
                "stack names of the ecs-fargate project: lower-case letters and digits, "
                "at most 8 characters",
            )
    if len(set(value)) != len(value):
        raise config_error(key("environments"), value, "each environment once")
    if DRIFT_ENVIRONMENT in value:
        # its deploy role would trust the drift environment's tokens, which a schedule gets
        raise config_error(
            key("environments"),
            DRIFT_ENVIRONMENT,
            f"{DRIFT_ENVIRONMENT!r} is the GitHub environment of the read-only drift role "
            "(drift.yml); name the stack otherwise",
        )
    return tuple(value)


def _passed_to_services(
    raw: Mapping[str, Any], environments: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    defaults = {env: list(DEFAULT_PASSED_TO_SERVICES.get(env, ())) for env in environments}
    value = _structured(raw, "passedToServices", defaults)
    if not isinstance(value, dict):
        raise config_error(key("passedToServices"), value, "an object: environment -> services")
    unknown = sorted(set(value) - set(environments))
    if unknown:
        raise config_error(
            f"{key('passedToServices')}.{unknown[0]}",
            value[unknown[0]],
            f"not one of environments ({', '.join(environments)})",
        )
    result: dict[str, tuple[str, ...]] = {}
    for environment in environments:
        services = value.get(environment, defaults[environment])
        if not isinstance(services, list):
            raise config_error(
                f"{key('passedToServices')}.{environment}", services, "a list of service principals"
            )
        for service in services:
            if service not in PASSABLE_SERVICES:
                raise config_error(
                    f"{key('passedToServices')}.{environment}",
                    service,
                    f"allowed values: {', '.join(PASSABLE_SERVICES)}",
                )
        result[environment] = tuple(sorted(set(services)))
    return result


def _reject_undeclared(raw: Mapping[str, Any]) -> None:
    for full_key in sorted(raw):
        namespace, _, name = full_key.partition(":")
        if namespace == PROJECT and name not in DECLARED_KEYS:
            raise config_error(
                full_key,
                raw[full_key],
                f"unknown setting; allowed: {', '.join(DECLARED_KEYS)}",
            )


def parse_config(raw: Mapping[str, Any]) -> BootstrapConfig:
    _reject_undeclared(raw)
    region = raw.get("aws:region")
    if not isinstance(region, str) or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        raise config_error("aws:region", region or "", "an AWS region such as ap-northeast-1")
    github = _github(raw)
    environments = _environments(raw)
    provider_arn = _string(raw, "existingOidcProviderArn")
    if provider_arn and not _OIDC_PROVIDER_ARN.fullmatch(provider_arn):
        raise config_error(
            key("existingOidcProviderArn"),
            provider_arn,
            f"empty (create the provider) or arn:aws:iam::<account>:oidc-provider/{GITHUB_OIDC_HOST}",
        )
    bucket = _string(raw, "stateBucketName")
    if bucket and (not _BUCKET_NAME.fullmatch(bucket) or "--" in bucket):
        raise config_error(
            key("stateBucketName"),
            bucket,
            "empty (ecs-fargate-state-<account>-<region>) or a DNS-compliant bucket name: "
            "3-63 lower-case letters, digits and hyphens, no dots (policy rule S3-14)",
        )
    alias = _string(raw, "secretsKeyAlias", "ecs-fargate-secrets")
    if not _ALIAS.fullmatch(alias) or alias.startswith("aws/"):
        raise config_error(
            key("secretsKeyAlias"), alias, "an alias name without 'alias/', not under 'aws/'"
        )
    # The deploy roles manage everything named ecs-fargate-<env>-*: the backend must not be in reach.
    for environment in environments:
        prefix = f"ecs-fargate-{environment}-"
        for name, value in (("stateBucketName", bucket), ("secretsKeyAlias", alias)):
            if value.startswith(prefix):
                raise config_error(
                    key(name),
                    value,
                    f"must not start with {prefix!r}: the {environment} deploy role manages "
                    "every resource named so, and could delete the backend",
                )
    return BootstrapConfig(
        region=region,
        github=github,
        environments=environments,
        existing_oidc_provider_arn=provider_arn,
        state_bucket_name=bucket,
        noncurrent_version_days=_integer(raw, "noncurrentVersionDays", 90, 1, 3650),
        noncurrent_versions_kept=_integer(raw, "noncurrentVersionsKept", 10, 1, 100),
        secrets_key_alias=alias,
        passed_to_services=_passed_to_services(raw, environments),
    )


def load_config() -> BootstrapConfig:
    return parse_config(raw_stack_config())
