"""ECR repositories (policy_rules.md §5)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs

from ._common import Finding, needs_referrer, resource_rule, stack_rule
from ._policy_documents import open_to_anyone
from ._resources import as_list, is_true, nested

REPOSITORY = "aws:ecr/repository:Repository"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
REGISTRY_POLICY = "aws:ecr/registryPolicy:RegistryPolicy"
LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"

# --- ECR --------------------------------------------------------------------------------------------


def _scan_on_push(args: ResourceValidationArgs) -> Iterator[str]:
    if not is_true(nested(args.props, "imageScanningConfiguration", "scanOnPush")):
        yield "images are not scanned on push"


scan_on_push = resource_rule(
    name="aws-ecr-enable-image-scans",
    rows=["ECR-01"],
    description="Repositories scan images on push.",
    types=[REPOSITORY],
    fix='set image_scanning_configuration={"scan_on_push": True}',
    severity="high",
    dev="M",
    sources="trivy AWS-0030; checkov CKV_AWS_163; CR aws-ecr-repository-enable-image-scan",
    check=_scan_on_push,
)


def _immutable(args: ResourceValidationArgs) -> Iterator[str]:
    if args.props.get("imageTagMutability") != "IMMUTABLE":
        yield "image tags are mutable, so a pushed tag can be replaced under a running service"


immutable_tags = resource_rule(
    name="aws-ecr-enforce-immutable-repository",
    rows=["ECR-02"],
    description="Repository tags are immutable.",
    types=[REPOSITORY],
    fix='set image_tag_mutability="IMMUTABLE" and tag images with the git SHA',
    severity="high",
    dev="M",
    sources="trivy AWS-0031; checkov CKV_AWS_51; CR aws-ecr-repository-disallow-mutable-image",
    check=_immutable,
)


def _ecr_public(args: ResourceValidationArgs) -> Iterator[str]:
    for _ in open_to_anyone(args.props.get("policy")):
        yield 'the repository policy allows any principal ("*")'


ecr_public = resource_rule(
    name="aws-ecr-no-public-access",
    rows=["ECR-03"],
    description="Repository policies do not grant access to everyone.",
    types=[REPOSITORY_POLICY, REGISTRY_POLICY],
    fix="name the account or the CI role ARN as principal",
    severity="high",
    dev="M",
    sources="trivy AWS-0032; checkov CKV_AWS_32, CKV_AWS_283",
    check=_ecr_public,
)


def _ecr_cmk(args: ResourceValidationArgs) -> Iterator[Finding]:
    encryption = as_list(args.props.get("encryptionConfigurations"))
    kms = [e for e in encryption if e.get("encryptionType") == "KMS" and e.get("kmsKey")]
    if not kms:
        yield Finding("the repository is encrypted with AES256, not a customer-managed key")


ecr_cmk = resource_rule(
    name="aws-ecr-repository-customer-key",
    rows=["ECR-04"],
    description="Repositories use a customer-managed KMS key.",
    types=[REPOSITORY],
    fix="set encryption_configurations=[{encryption_type: KMS, kms_key: cmk.arn}] before the first "
    "deploy (changing it replaces the repository)",
    severity="low",
    dev="A",
    sources="trivy AWS-0033; checkov CKV_AWS_136; CR aws-ecr-repository-configure-customer-"
    "managed-key",
    check=_ecr_cmk,
)


lifecycle = stack_rule(
    name="ecr-lifecycle-policy",
    rows=["ECR-05"],
    description="Every repository has a lifecycle policy.",
    subjects=[REPOSITORY],
    fix="add an aws.ecr.LifecyclePolicy that expires untagged images after 7 days and keeps the "
    "last 20",
    severity="medium",
    dev="M",
    sources="AWS Config ecr-private-lifecycle-policy-configured (Security Hub ECR.3)",
    check=needs_referrer(
        "repository",
        [LIFECYCLE_POLICY],
        "the repository has no lifecycle policy, so images pile up",
    ),
)

POLICIES = [scan_on_push, immutable_tags, ecr_public, ecr_cmk, lifecycle]
