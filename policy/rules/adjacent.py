"""Secrets Manager, SSM parameters, ACM, and required tags (policy_rules.md §12 and §13)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import Stack, as_list, load_json

SECRET = "aws:secretsmanager/secret:Secret"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
PARAMETER = "aws:ssm/parameter:Parameter"
CERTIFICATE = "aws:acm/certificate:Certificate"


def _secret_cmk(args: ResourceValidationArgs) -> Iterator[str]:
    if not args.props.get("kmsKeyId"):
        yield "the secret uses aws/secretsmanager, not a customer-managed key"


secret_cmk = resource_rule(
    name="aws-ssm-secret-use-customer-key",
    rows=["ADJ-01"],
    description="Secrets use a customer-managed key.",
    types=[SECRET],
    fix="set kms_key_id=app_cmk.arn and grant the execution role kms:Decrypt on it",
    severity="low",
    dev="A",
    sources="trivy AWS-0098; checkov CKV_AWS_149",
    check=_secret_cmk,
)


def _rotation(stack: Stack, secret: PolicyResource) -> Iterator[StackFinding]:
    rotations = stack.referencing(secret, "secretId", SECRET_ROTATION)
    if not rotations:
        yield StackFinding(secret, "the secret is never rotated")
    for rotation in rotations:
        days = (rotation.props.get("rotationRules") or {}).get("automaticallyAfterDays")
        if days and int(days) > 90:
            yield StackFinding(rotation, f"rotation every {days} days, more than 90")


rotation = stack_rule(
    name="secret-rotation",
    rows=["ADJ-02"],
    description="Secrets rotate at least every 90 days.",
    subjects=[SECRET],
    fix='add SecretRotation(rotation_rules={"automatically_after_days": 30}) with a rotation '
    "Lambda",
    severity="medium",
    dev="W",
    sources="checkov CKV2_AWS_57, CKV_AWS_304",
    check=_rotation,
)

SECRET_LIKE = re.compile(r"password|passwd|secret|token|api_?key|private_?key", re.IGNORECASE)


def _securestring(args: ResourceValidationArgs) -> Iterator[str]:
    name = str(args.props.get("name") or args.name)
    if SECRET_LIKE.search(name) and args.props.get("type") != "SecureString":
        yield f"parameter {name} looks like a secret but is stored as {args.props.get('type')}"


securestring = resource_rule(
    name="ssm-parameter-securestring",
    rows=["ADJ-03"],
    description="Secret-looking parameters are SecureString.",
    types=[PARAMETER],
    fix='set type="SecureString"',
    severity="high",
    dev="M",
    sources="checkov CKV2_AWS_34",
    check=_securestring,
)


def _securestring_cmk(args: ResourceValidationArgs) -> Iterator[str]:
    if args.props.get("type") == "SecureString" and not args.props.get("keyId"):
        yield "the SecureString uses alias/aws/ssm, not a customer-managed key"


securestring_cmk = resource_rule(
    name="ssm-parameter-customer-key",
    rows=["ADJ-03"],
    description="SecureString parameters use a customer-managed key.",
    types=[PARAMETER],
    fix="set key_id to a CMK",
    severity="low",
    dev="A",
    sources="checkov CKV_AWS_337 (CMK part of ADJ-03)",
    check=_securestring_cmk,
)


def _certificate(args: ResourceValidationArgs) -> Iterator[str]:
    props = args.props
    if props.get("certificateBody") or props.get("privateKey"):
        yield "an imported certificate does not auto-renew and its expiry cannot be checked offline"
    elif props.get("validationMethod") != "DNS":
        yield f"validation_method is {props.get('validationMethod')}, so renewal needs a human"
    names = [props.get("domainName")] + as_list(props.get("subjectAlternativeNames"))
    wild = [n for n in names if isinstance(n, str) and n.startswith("*.")]
    if wild:
        yield f"wildcard names {', '.join(wild)}"


certificate = resource_rule(
    name="acm-certificate-hygiene",
    rows=["ADJ-04"],
    description="Certificates are ACM-issued, DNS-validated, single-host.",
    types=[CERTIFICATE],
    fix='request Certificate(domain_name="app.<env>.example.com", validation_method="DNS")',
    severity="medium",
    dev="A",
    sources="AWSGuard acm-certificate-expiration; checkov CKV2_AWS_71",
    check=_certificate,
)

REQUIRED_TAGS = ["Project", "Environment", "Owner"]


def _provider_default_tags(args: ResourceValidationArgs) -> Mapping[str, Any]:
    provider = args.provider
    # pulumi_policy types it Optional, but the CLI (and tools/policy_gate.py) always sends the
    # provider of an aws: resource, and only aws: types get here.
    if provider is None:  # pragma: no cover
        return {}
    default_tags = load_json(provider.props.get("defaultTags")) or {}
    return default_tags.get("tags") or {} if isinstance(default_tags, Mapping) else {}


def _required_tags(args: ResourceValidationArgs) -> Iterator[str]:
    if not args.resource_type.startswith("aws:"):
        return
    props = args.props
    if "tags" not in props and "tagsAll" not in props:
        return  # the resource type takes no tags
    present = {
        **_provider_default_tags(args),
        **(props.get("tagsAll") or {}),
        **(props.get("tags") or {}),
    }
    required = args.get_config().get("requiredTags") or REQUIRED_TAGS
    missing = [t for t in required if not present.get(t)]
    if missing:
        yield f"missing tags {', '.join(missing)}"


required_tags = resource_rule(
    name="required-tags",
    rows=["X-01"],
    description="Taggable resources carry Project, Environment and Owner.",
    types=[],  # filled below: every aws: type
    fix="set the provider's default_tags (aws:defaultTags in Pulumi.yaml) with Project, "
    "Environment and Owner",
    severity="low",
    dev="A",
    sources="custom",
    check=_required_tags,
    config={
        "requiredTags": {"type": "array", "items": {"type": "string"}, "default": REQUIRED_TAGS}
    },
)

POLICIES = [secret_cmk, rotation, securestring, securestring_cmk, certificate, required_tags]
