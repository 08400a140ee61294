"""The bootstrap program: state bucket, secrets key, GitHub OIDC trust and the CI roles.

Run once per account with administrator credentials; its own state stays in a local ``file://``
backend (docs/deploy.md), because the bucket it creates cannot hold the state that creates it.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from bootstrap import iam_documents
from bootstrap.config import (
    DRIFT_ENVIRONMENT,
    GITHUB_AUDIENCE,
    GITHUB_OIDC_HOST,
    BootstrapConfig,
    load_config,
)

NAME = "ecs-fargate-bootstrap"
BOUNDARY_POLICY_NAME = "ecs-fargate-permissions-boundary"
DEPLOY_SESSION_SECONDS = 7200


def _state_bucket(cfg: BootstrapConfig, bucket_name: str, key: aws.kms.Key) -> aws.s3.Bucket:
    protected = pulumi.ResourceOptions(protect=True)
    # Losing the backend orphans every stack (policy rule S3-19): protected, never force-destroyed.
    bucket = aws.s3.Bucket(f"{NAME}-state", bucket=bucket_name, force_destroy=False, opts=protected)
    child = pulumi.ResourceOptions(parent=bucket)
    aws.s3.BucketPublicAccessBlock(
        f"{NAME}-state-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(
        f"{NAME}-state-ownership",
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=child,
    )
    versioning = aws.s3.BucketVersioning(
        f"{NAME}-state-versioning",
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{NAME}-state-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                },
                # one KMS call per object per bucket-key period instead of per request (cost)
                "bucket_key_enabled": True,
            }
        ],
        opts=child,
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{NAME}-state-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                # every checkpoint write makes a noncurrent version: keep the newest few for
                # recovery, expire the rest (the portfolio's rule, configurable)
                "id": "expire-old-state-versions",
                "status": "Enabled",
                "filter": {},
                "noncurrent_version_expiration": {
                    "noncurrent_days": cfg.noncurrent_version_days,
                    "newer_noncurrent_versions": cfg.noncurrent_versions_kept,
                },
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ],
        # noncurrent-version rules act only on a versioned bucket
        opts=pulumi.ResourceOptions(parent=bucket, depends_on=[versioning]),
    )
    aws.s3.BucketPolicy(
        f"{NAME}-state-tls-only",
        bucket=bucket.id,
        policy=bucket.arn.apply(lambda arn: json.dumps(iam_documents.state_bucket_policy(arn))),
        opts=child,
    )
    return bucket


def _github_role(
    name: str,
    description: str,
    provider_arn: pulumi.Input[str],
    subject: str,
    policies: pulumi.Output[dict[str, dict[str, Any]]],
    policy_names: list[str],
    max_session_seconds: int = 3600,
) -> aws.iam.Role:
    role = aws.iam.Role(
        name,
        description=description,
        assume_role_policy=pulumi.Output.from_input(provider_arn).apply(
            lambda arn: json.dumps(iam_documents.github_trust_policy(arn, subject))
        ),
        max_session_duration=max_session_seconds,
    )
    for suffix in policy_names:
        policy = aws.iam.Policy(
            f"{name}-{suffix}",
            description=f"{description} ({suffix})",
            policy=policies.apply(lambda docs, s=suffix: iam_documents.compact_json(docs[s])),
            opts=pulumi.ResourceOptions(parent=role),
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-{suffix}",
            role=role.name,
            policy_arn=policy.arn,
            opts=pulumi.ResourceOptions(parent=role),
        )
    return role


def build(cfg: BootstrapConfig) -> dict[str, pulumi.Output[Any]]:
    caller = aws.get_caller_identity()
    partition = aws.get_partition().partition
    bucket_name = cfg.state_bucket_name or f"ecs-fargate-state-{caller.account_id}-{cfg.region}"

    secrets_key = aws.kms.Key(
        f"{NAME}-secrets",
        description="Pulumi secrets provider and state bucket encryption for ecs-fargate stacks",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=json.dumps(iam_documents.secrets_key_policy(partition, caller.account_id)),
        opts=pulumi.ResourceOptions(protect=True),
    )
    alias = aws.kms.Alias(
        f"{NAME}-secrets",
        name=f"alias/{cfg.secrets_key_alias}",
        target_key_id=secrets_key.key_id,
        opts=pulumi.ResourceOptions(parent=secrets_key),
    )
    bucket = _state_bucket(cfg, bucket_name, secrets_key)

    if cfg.existing_oidc_provider_arn:
        # an account holds one provider per URL (pitfall: oidc-provider)
        provider_arn: pulumi.Output[str] = pulumi.Output.from_input(cfg.existing_oidc_provider_arn)
    else:
        provider = aws.iam.OpenIdConnectProvider(
            f"{NAME}-github",
            url=f"https://{GITHUB_OIDC_HOST}",
            # AWS validates GitHub's certificate against its trusted CAs: no thumbprints
            client_id_lists=[GITHUB_AUDIENCE],
        )
        provider_arn = provider.arn

    account_of = pulumi.Output.all(secrets_key.arn, bucket.bucket).apply(
        lambda values: iam_documents.Account(
            partition=partition,
            region=cfg.region,
            account_id=caller.account_id,
            state_bucket=values[1],
            secrets_key_arn=values[0],
            boundary_arn=f"arn:{partition}:iam::{caller.account_id}:policy/{BOUNDARY_POLICY_NAME}",
        )
    )
    boundary = aws.iam.Policy(
        f"{NAME}-boundary",
        name=BOUNDARY_POLICY_NAME,
        description="Permissions boundary of every role the ecs-fargate stacks create",
        policy=account_of.apply(
            lambda a: iam_documents.compact_json(iam_documents.boundary_policy(a))
        ),
    )

    preview = _github_role(
        f"{NAME}-preview",
        "GitHub pull-request previews of the ecs-fargate stacks (read-only)",
        provider_arn,
        cfg.github.pull_request_subject,
        account_of.apply(
            lambda a: {"read": iam_documents.preview_policy(a, list(cfg.environments))}
        ),
        ["read"],
    )
    # One drift role for every stack: it only reads, a scheduled run has no pull-request subject
    # (the preview role's), and one GitHub environment, `drift`, can be limited to main. Per-stack
    # roles would need one environment per stack and would separate nothing a reader cannot see.
    drift = _github_role(
        f"{NAME}-drift",
        "Scheduled drift detection of the ecs-fargate stacks: preview --refresh (read-only)",
        provider_arn,
        cfg.github.environment_subject(DRIFT_ENVIRONMENT),
        account_of.apply(lambda a: iam_documents.drift_policies(a, list(cfg.environments))),
        [*iam_documents.POLICY_GROUPS, "state"],
    )
    deploy_roles: dict[str, aws.iam.Role] = {}
    for environment in cfg.environments:
        services = cfg.passed_to_services[environment]
        policy_names = list(iam_documents.POLICY_GROUPS) + ["state"]
        deploy_roles[environment] = _github_role(
            f"{NAME}-deploy-{environment}",
            f"GitHub deploys of the ecs-fargate {environment} stack",
            provider_arn,
            cfg.github.environment_subject(environment),
            account_of.apply(
                lambda a, env=environment, svc=services: iam_documents.deploy_policies(a, env, svc)
            ),
            policy_names,
            # A first prod `up` (image build, ACM validation, the alarm bake) can outlast an
            # hour; the deploy job asks for the same two hours (deploy.yml role-duration-seconds).
            max_session_seconds=DEPLOY_SESSION_SECONDS,
        )

    region = cfg.region
    return {
        "backendUrl": bucket.bucket.apply(lambda b: f"s3://{b}?region={region}"),
        "secretsProviders": alias.name.apply(
            lambda name: {
                env: f"awskms://{name}?region={region}&context_stack={env}"
                for env in cfg.environments
            }
        ),
        "stateBucketName": bucket.bucket,
        "secretsKeyArn": secrets_key.arn,
        "oidcProviderArn": provider_arn,
        "previewRoleArn": preview.arn,
        "driftRoleArn": drift.arn,
        "deployRoleArns": pulumi.Output.all(
            *[deploy_roles[env].arn for env in cfg.environments]
        ).apply(lambda arns: dict(zip(cfg.environments, arns, strict=True))),
        "permissionsBoundaryArn": boundary.arn,
    }


def main() -> None:
    cfg = load_config()
    for name, value in build(cfg).items():
        pulumi.export(name, value)
