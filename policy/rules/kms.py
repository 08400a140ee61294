"""KMS keys (policy_rules.md §10)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._policy_documents import open_to_anyone
from ._resources import Stack, is_false, is_true

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"


def _rotation(args: ResourceValidationArgs) -> Iterator[str]:
    spec = (
        args.props.get("customerMasterKeySpec") or args.props.get("keySpec") or "SYMMETRIC_DEFAULT"
    )
    if spec != "SYMMETRIC_DEFAULT" or args.props.get("keyUsage") == "SIGN_VERIFY":
        return
    if not is_true(args.props.get("enableKeyRotation")):
        yield "automatic key rotation is off"


rotation = resource_rule(
    name="aws-kms-auto-rotate-keys",
    rows=["KMS-01"],
    description="Symmetric keys rotate automatically.",
    types=[KEY],
    fix="set enable_key_rotation=True",
    severity="medium",
    dev="M",
    sources="trivy AWS-0065; checkov CKV_AWS_7; AWSGuard cmk-backing-key-rotation-enabled",
    check=_rotation,
)


def _wildcard_principal(args: ResourceValidationArgs) -> Iterator[str]:
    for i in open_to_anyone(args.props.get("policy"), unless_conditioned=True):
        yield f"key policy statement {i} allows any principal with no condition"


wildcard_principal = resource_rule(
    name="kms-key-policy-no-wildcard-principal",
    rows=["KMS-02"],
    description='Key policies never allow "*" without a restricting condition.',
    types=[KEY, KEY_POLICY],
    fix="grant the account root plus named service principals with aws:SourceAccount or "
    "encryption-context conditions",
    severity="high",
    dev="M",
    sources="checkov CKV_AWS_33, CKV_AWS_283",
    check=_wildcard_principal,
)


def _policy_defined(stack: Stack, key: PolicyResource) -> Iterator[StackFinding]:
    if key.props.get("policy") or stack.referencing(key, "keyId", KEY_POLICY):
        return
    yield StackFinding(key, "the key uses the default key policy")


policy_defined = stack_rule(
    name="kms-key-policy-defined",
    rows=["KMS-03"],
    description="Keys have an explicit key policy.",
    subjects=[KEY],
    fix="set policy= on the key (CW-01 and SNS-02 need service grants anyway)",
    severity="low",
    dev="A",
    sources="checkov CKV2_AWS_64",
    check=_policy_defined,
)


def _bypass_lockout(args: ResourceValidationArgs) -> Iterator[str]:
    if is_true(args.props.get("bypassPolicyLockoutSafetyCheck")):
        yield "bypass_policy_lockout_safety_check is true"


bypass_lockout = resource_rule(
    name="kms-no-bypass-lockout-safety-check",
    rows=["KMS-04"],
    description="The key-policy lockout safety check stays on.",
    types=[KEY, KEY_POLICY],
    fix="omit bypass_policy_lockout_safety_check",
    severity="critical",
    dev="M",
    sources="CR aws-kms-key-disallow-bypass-policy-lockout-safety-check",
    check=_bypass_lockout,
)


def _enabled(args: ResourceValidationArgs) -> Iterator[str]:
    if is_false(args.props.get("isEnabled")):
        yield "the key is disabled: still billed, and everything encrypted with it breaks"


enabled = resource_rule(
    name="kms-key-enabled",
    rows=["KMS-05"],
    description="Keys are enabled.",
    types=[KEY],
    fix="omit is_enabled, or delete the key",
    severity="low",
    dev="M",
    sources="checkov CKV_AWS_227",
    check=_enabled,
)


def _description(args: ResourceValidationArgs) -> Iterator[str]:
    if not str(args.props.get("description") or "").strip():
        yield "the key has no description"


description = resource_rule(
    name="kms-key-description",
    rows=["KMS-06"],
    description="Keys say what they encrypt.",
    types=[KEY],
    fix='set description (e.g. "CMK for app log groups (dev)")',
    severity="low",
    dev="M",
    sources="CR aws-kms-key-missing-description",
    check=_description,
)

POLICIES = [rotation, wildcard_principal, policy_defined, bypass_lockout, enabled, description]
