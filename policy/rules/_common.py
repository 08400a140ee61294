"""How a rule is declared and reports: catalogue metadata, messages, unknown values.

Every rule module builds its policies through `resource_rule` / `stack_rule`, so that
- each violation message reads "<name> (<type>): <what is wrong>. Fix: <how>.",
- values unknown during a real `pulumi preview` make the rule skip that resource and say so
  through `not_applicable` instead of reporting a violation (pulumi/pulumi-policy#218),
- the catalogue (`CATALOG`) that feeds README.md and the per-stack config checks is filled in
  the same place the policy is defined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, Unpack

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

from ._resources import Stack

# A `# pragma: no mutate (annotation)` line holds only annotations, which stay unevaluated
# strings under `from __future__ import annotations`: no operator mutated in one can change
# what runs.

DevColumn = Literal["M", "A", "W", "N/A"]

SEVERITIES: dict[str, Severity] = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}


@dataclass(frozen=True, kw_only=True)  # pragma: no mutate (built by keyword, never hashed)
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


@dataclass(frozen=True)  # pragma: no mutate (never assigned to or hashed)
class Finding:
    """What is wrong with one resource; `fix` overrides the rule's default fix."""

    problem: str
    fix: str | None = None  # pragma: no mutate (annotation)


@dataclass(frozen=True)  # pragma: no mutate (never assigned to or hashed)
class StackFinding:
    resource: PolicyResource
    problem: str
    fix: str | None = None  # pragma: no mutate (annotation)


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


def _schema(
    extra: Mapping[str, Any] | None,  # pragma: no mutate (annotation)
) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={**_REASON_SCHEMA, **(extra or {})})


class RuleText(TypedDict):
    """What a rule says about itself: the catalogue row, the description and the default fix."""

    name: str
    rows: Sequence[str]
    description: str
    fix: str
    severity: str
    dev: DevColumn
    sources: str


def _declare(
    kind: Literal["resource", "stack"],
    text: RuleText,
    config: Mapping[str, Any] | None,  # pragma: no mutate (annotation)
) -> dict[str, Any]:
    """Catalogue the rule and return the arguments every pulumi_policy Policy takes."""
    name = text["name"]
    if any(info.name == name for info in CATALOG):
        raise ValueError(f"duplicate policy name {name}")
    CATALOG.append(
        RuleInfo(
            name=name,
            rows=tuple(text["rows"]),
            sources=text["sources"],
            severity=text["severity"],
            dev=text["dev"],
            kind=kind,
            description=text["description"],
        )
    )
    return {
        "name": name,
        "description": text["description"],
        "config_schema": _schema(config),
        "severity": SEVERITIES[text["severity"]],
    }


ResourceCheck = Callable[[ResourceValidationArgs], Iterable[Finding | str]]
StackCheck = Callable[[Stack, PolicyResource], Iterable[StackFinding]]


def resource_rule(
    *,
    types: Sequence[str],
    check: ResourceCheck,
    config: Mapping[str, Any] | None = None,  # pragma: no mutate (annotation)
    **text: Unpack[RuleText],
) -> ResourceValidationPolicy:
    """A policy over single resources of `types` (all types if empty); `check` yields problems."""
    wanted = frozenset(types)
    fix = text["fix"]

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

    return ResourceValidationPolicy(validate=validate, **_declare("resource", text, config))


def stack_rule(
    *,
    subjects: Sequence[str],
    check: StackCheck,
    config: Mapping[str, Any] | None = None,  # pragma: no mutate (annotation)
    **text: Unpack[RuleText],
) -> StackValidationPolicy:
    """A policy over the whole stack, evaluated once per resource of type `subjects`.

    A subject whose evaluation touches an unknown value is skipped on its own, so one
    unknown ARN does not silence the rule for every other resource.
    """
    wanted = frozenset(subjects)
    fix = text["fix"]

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

    return StackValidationPolicy(validate=validate, **_declare("stack", text, config))


def needs_referrer(
    prop: str,
    types: Sequence[str],
    problem: str,
    *,  # pragma: no mutate (every caller passes unless by keyword: `/` changes nothing)
    unless: Callable[[Stack, PolicyResource], bool] | None = None,  # pragma: no mutate (annotation)
) -> StackCheck:
    """A check that reports `problem` on a subject no resource of `types` points at through
    `prop` (a VPC without a flow log, a bucket without its public access block); subjects
    `unless` holds for are skipped."""

    def check(stack: Stack, subject: PolicyResource) -> Iterator[StackFinding]:
        if unless is not None and unless(stack, subject):
            return
        if not stack.referencing(subject, prop, *types):
            yield StackFinding(subject, problem)

    return check
