"""Shared machinery for the pack: rule metadata, messages, unknown handling, IAM parsing.

Every rule module builds its policies through `resource_rule` / `stack_rule`, so that
- each violation message reads "<name> (<type>): <what is wrong>. Fix: <how>.",
- values unknown during a real `pulumi preview` make the rule skip that resource and say so
  through `not_applicable` instead of reporting a violation (pulumi/pulumi-policy#218),
- the catalogue (`CATALOG`) that feeds README.md and the per-stack config checks is filled in
  the same place the policy is defined.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_policy import (
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

DevColumn = Literal["M", "A", "W", "N/A"]

SEVERITIES: dict[str, Severity] = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}


@dataclass(frozen=True, kw_only=True)
class RuleInfo:
    """One policy of the pack and the reference rows it stands for."""

    name: str
    rows: tuple[str, ...]
    sources: str
    severity: str
    dev: DevColumn
    kind: Literal["resource", "stack"]
    description: str


CATALOG: list[RuleInfo] = []


@dataclass(frozen=True)
class Finding:
    """What is wrong with one resource; `fix` overrides the rule's default fix."""

    problem: str
    fix: str | None = None


@dataclass(frozen=True)
class StackFinding:
    resource: PolicyResource
    problem: str
    fix: str | None = None


def short_type(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def violation_message(name: str, type_token: str, problem: str, fix: str) -> str:
    problem = problem.rstrip(".")
    fix = fix.rstrip(".")
    return f"{name} ({short_type(type_token)}): {problem}. Fix: {fix}."


_REASON_SCHEMA: dict[str, Any] = {
    "reason": {
        "type": "string",
        "description": "Why this stack runs the rule below mandatory (waiver or advisory note).",
    }
}


def _schema(extra: Mapping[str, Any] | None) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={**_REASON_SCHEMA, **(extra or {})})


def _register(
    *,
    name: str,
    rows: Sequence[str],
    sources: str,
    severity: str,
    dev: DevColumn,
    kind: Literal["resource", "stack"],
    description: str,
) -> None:
    if any(info.name == name for info in CATALOG):
        raise ValueError(f"duplicate policy name {name}")
    CATALOG.append(
        RuleInfo(
            name=name,
            rows=tuple(rows),
            sources=sources,
            severity=severity,
            dev=dev,
            kind=kind,
            description=description,
        )
    )


ResourceCheck = Callable[[ResourceValidationArgs], Iterable[Finding | str]]
StackCheck = Callable[["Stack", PolicyResource], Iterable[StackFinding]]


def resource_rule(
    *,
    name: str,
    rows: Sequence[str],
    description: str,
    types: Sequence[str],
    fix: str,
    severity: str,
    dev: DevColumn,
    sources: str,
    check: ResourceCheck,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationPolicy:
    """A policy over single resources of `types` (all types if empty); `check` yields problems."""
    wanted = frozenset(types)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if wanted and args.resource_type not in wanted:
            return
        try:
            findings = list(check(args))
        except UnknownValueError as unknown:
            args.not_applicable(f"{args.name}: skipped, {unknown.message}")
            # not_applicable raises _NotApplicableError (pulumi_policy/policy.py), so this only
            # tells the type checker that `findings` is unbound past here.
            return  # pragma: no cover
        for finding in findings:
            if isinstance(finding, str):
                finding = Finding(finding)
            report_violation(
                violation_message(
                    args.name, args.resource_type, finding.problem, finding.fix or fix
                ),
                args.urn,
            )

    _register(
        name=name,
        rows=rows,
        sources=sources,
        severity=severity,
        dev=dev,
        kind="resource",
        description=description,
    )
    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        config_schema=_schema(config),
        severity=SEVERITIES[severity],
    )


def stack_rule(
    *,
    name: str,
    rows: Sequence[str],
    description: str,
    subjects: Sequence[str],
    fix: str,
    severity: str,
    dev: DevColumn,
    sources: str,
    check: StackCheck,
    config: Mapping[str, Any] | None = None,
) -> StackValidationPolicy:
    """A policy over the whole stack, evaluated once per resource of type `subjects`.

    A subject whose evaluation touches an unknown value is skipped on its own, so one
    unknown ARN does not silence the rule for every other resource.
    """
    wanted = frozenset(subjects)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        stack = Stack(args.resources, args.get_config())
        skipped: list[str] = []
        for subject in stack.resources:
            if subject.resource_type not in wanted:
                continue
            try:
                findings = list(check(stack, subject))
            except UnknownValueError as unknown:
                skipped.append(f"{subject.name} ({unknown.message})")
                continue
            for finding in findings:
                report_violation(
                    violation_message(
                        finding.resource.name,
                        finding.resource.resource_type,
                        finding.problem,
                        finding.fix or fix,
                    ),
                    finding.resource.urn,
                )
        if skipped:
            args.not_applicable("skipped: " + "; ".join(skipped))

    _register(
        name=name,
        rows=rows,
        sources=sources,
        severity=severity,
        dev=dev,
        kind="stack",
        description=description,
    )
    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        config_schema=_schema(config),
        severity=SEVERITIES[severity],
    )


# --- stack navigation ---------------------------------------------------------------------------


class Stack:
    """Read-only index over `StackValidationArgs.resources`.

    Links go through `property_dependencies` first (known even when ids are not), then fall
    back to comparing a property's value with the target's id/arn/name outputs.
    """

    def __init__(self, resources: Sequence[PolicyResource], config: Mapping[str, Any]) -> None:
        self.resources = list(resources)
        self.config = config

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [r for r in self.resources if r.resource_type in types]

    def refers_to(self, source: PolicyResource, prop: str, target: PolicyResource) -> bool:
        deps = source.property_dependencies.get(prop, [])
        if any(dep.urn == target.urn for dep in deps):
            return True
        value = source.props.get(prop)
        identities = identities_of(target)
        return bool(identities) and any(v in identities for v in strings_in(value))

    def referencing(self, target: PolicyResource, prop: str, *types: str) -> list[PolicyResource]:
        """Resources of `types` whose `prop` points at `target`."""
        return [r for r in self.of_type(*types) if self.refers_to(r, prop, target)]

    def referenced(self, source: PolicyResource, prop: str, *types: str) -> list[PolicyResource]:
        """Resources of `types` that `source.prop` points at."""
        return [r for r in self.of_type(*types) if self.refers_to(source, prop, r)]


def identities_of(resource: PolicyResource) -> set[str]:
    """The values by which another resource can name this one (id, ARN, physical name)."""
    found: set[str] = set()
    for key in ("id", "arn", "name", "bucket"):
        value = resource.props.get(key)
        if isinstance(value, str) and value:
            found.add(value)
    return found


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a nested input value (lists, dicts, scalars)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, Sequence):
        for item in value:
            yield from strings_in(item)


# --- value helpers --------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """A list of the value's items; a scalar (a JSON boolean or number in an IAM condition such
    as `"Bool": {"aws:SecureTransport": false}`) or a mapping is one item."""
    if value is None:
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def load_json(value: Any) -> Any:
    """IAM documents and container definitions travel as JSON strings (policy_rules.md §14.2)."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def nested(props: Mapping[str, Any], *path: str) -> Any:
    """props[a][b]...; a single-element list on the way is unwrapped (v7 nested blocks)."""
    current: Any = props
    for key in path:
        if isinstance(current, Sequence) and not isinstance(current, str):
            current = current[0] if len(current) > 0 else None
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


PUBLIC_ANY = ("0.0.0.0/0", "::/0")


def is_private_cidr(cidr: str) -> bool:
    """RFC 1918, CGNAT, link-local and IPv6 ULA ranges count as non-public sources."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    if network.version == 4:
        private = [
            ipaddress.ip_network("10.0.0.0/8"),
            ipaddress.ip_network("172.16.0.0/12"),
            ipaddress.ip_network("192.168.0.0/16"),
            ipaddress.ip_network("100.64.0.0/10"),
        ]
    else:
        private = [ipaddress.ip_network("fc00::/7")]
    return any(network.subnet_of(p) for p in private)  # type: ignore[arg-type]


def account_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    if len(parts) >= 5 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None


# --- IAM documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: list[str]
    not_actions: list[str]
    resources: list[str]
    not_resources: list[str]
    principals: dict[str, list[str]]
    principal_star: bool
    not_principal: bool
    conditions: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


def statements(document: Any) -> list[Statement]:
    doc = load_json(document)
    if not isinstance(doc, Mapping):
        return []
    result: list[Statement] = []
    for raw in as_list(doc.get("Statement")):
        if not isinstance(raw, Mapping):
            continue
        principal = raw.get("Principal")
        principals: dict[str, list[str]] = {}
        principal_star = principal == "*"
        if isinstance(principal, Mapping):
            for kind, values in principal.items():
                principals[str(kind)] = [str(v) for v in as_list(values)]
        conditions: dict[str, dict[str, list[str]]] = {}
        for operator, block in (raw.get("Condition") or {}).items():
            if isinstance(block, Mapping):
                conditions[str(operator)] = {
                    str(k): [str(v).lower() if isinstance(v, bool) else str(v) for v in as_list(vs)]
                    for k, vs in block.items()
                }
        result.append(
            Statement(
                effect=str(raw.get("Effect", "")),
                actions=[str(a) for a in as_list(raw.get("Action"))],
                not_actions=[str(a) for a in as_list(raw.get("NotAction"))],
                resources=[str(r) for r in as_list(raw.get("Resource"))],
                not_resources=[str(r) for r in as_list(raw.get("NotResource"))],
                principals=principals,
                principal_star=principal_star,
                not_principal=raw.get("NotPrincipal") is not None,
                conditions=conditions,
            )
        )
    return result


def condition_keys(statement: Statement) -> set[str]:
    return {key.lower() for block in statement.conditions.values() for key in block}


def anyone_principal(statement: Statement) -> bool:
    return statement.principal_star or "*" in statement.principals.get("AWS", [])


IDENTITY_DOCUMENT_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/role:Role",
)


def identity_documents(type_token: str, props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(label, document) pairs of an identity-policy carrier; Role carries inline policies."""
    if type_token == "aws:iam/role:Role":
        docs: list[tuple[str, Any]] = []
        for inline in as_list(props.get("inlinePolicies")):
            if isinstance(inline, Mapping) and inline.get("policy"):
                docs.append((f"inline policy {inline.get('name', '')}".strip(), inline["policy"]))
        return docs
    if props.get("policy") is None:
        return []
    return [("policy", props.get("policy"))]


def action_matches(pattern: str, action: str) -> bool:
    """IAM action globbing (case-insensitive, `*` and `?`)."""
    import fnmatch

    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def allows_action(statement: Statement, action: str) -> bool:
    if not statement.allows:
        return False
    if statement.not_actions:
        return not any(action_matches(p, action) for p in statement.not_actions)
    return any(action_matches(p, action) for p in statement.actions)


def wildcard_resource(resource: str) -> bool:
    """A resource with `*` other than an S3 object path or log-stream suffix (defsec rule)."""
    if "*" not in resource:
        return False
    head = resource[:-2]
    if "*" in head:
        return True
    s3_object_path = resource.startswith("arn:aws:s3:::") and resource.endswith("/*")
    log_stream_suffix = resource.endswith(":*") and resource != "*"
    return not (s3_object_path or log_stream_suffix)


def on_any_resource(statement: Statement) -> bool:
    return bool(statement.not_resources) or any(wildcard_resource(r) for r in statement.resources)
