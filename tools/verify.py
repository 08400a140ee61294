"""make verify STACK=<stack>: a read-only check of a deployed stack, from its outputs, with boto3
and the caller's credentials (docs/verify.md).

Each check prints PASS, WARN or FAIL with its evidence. Exit 0 when nothing failed, 1 on any FAIL,
2 when the check cannot run at all (no credentials, no outputs), with one line and no traceback.

    python -m tools.verify --stack dev              # outputs from `pulumi stack output --json`
    python -m tools.verify --outputs outputs.json   # outputs from a file (CI, tests)
"""

from __future__ import annotations

import argparse
import json
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    PartialCredentialsError,
    TokenRetrievalError,
)

# Every AWS call this tool makes, as IAM actions. bootstrap/ci_permissions.py grants them to the
# deploy roles (deploy.yml runs verify after `up`); tests/test_verify_permissions.py checks that
# every call the tests record is listed here and that the rendered deploy policies allow each.
AWS_CALLS: tuple[str, ...] = (
    "ecs:DescribeServices",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetHealth",
    "cloudwatch:DescribeAlarms",
    "sns:ListSubscriptionsByTopic",
    "logs:DescribeLogGroups",
)

# Client errors that mean the credentials themselves are bad, not a missing permission.
CREDENTIAL_ERROR_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
# ECS DescribeTasks takes at most 100 task ARNs per call (API reference, DescribeTasks).
DESCRIBE_TASKS_MAX = 100
HTTP_TIMEOUT_SECONDS = 10.0
REDIRECT_CODES = (301, 302, 303, 307, 308)


# Check names, shared by a check and the failure reported when its calls are refused.
SERVICE_ACTIVE = "ECS service active"
RUNNING_EQUALS_DESIRED = "ECS service running = desired"
DEPLOYMENTS_SETTLED = "ECS deployments settled"
TASK_IMAGES = "running tasks use the stack's image"
TARGETS_HEALTHY = "targets healthy"
SUBSCRIPTIONS_CONFIRMED = "alarm e-mail subscriptions confirmed"
SCALED_IN = "service scaled in"


def alarms_check(prefix: str) -> str:
    return f"no alarm {prefix}* in ALARM"


def retention_check(name: str, days: int) -> str:
    return f"log group {name} keeps {days} days"


class Status(Enum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Result:
    check: str
    status: Status
    evidence: str

    def line(self) -> str:
        return f"{self.status.value}  {self.check}: {self.evidence}"


class CannotVerify(Exception):
    """The check cannot run at all (exit 2): its message is the one line the user sees."""


@dataclass(frozen=True)
class StackOutputs:
    """The outputs of __main__.py that verify reads."""

    cluster_name: str
    service_name: str
    image_uri: str
    task_definition_arn: str
    url: str
    alarm_topic_arn: str
    alarm_name_prefix: str
    log_retention_days: Mapping[str, int]

    @classmethod
    def from_mapping(cls, outputs: Mapping[str, Any]) -> StackOutputs:
        keys = {
            "clusterName": "cluster_name",
            "serviceName": "service_name",
            "imageUri": "image_uri",
            "taskDefinitionArn": "task_definition_arn",
            "url": "url",
            "alarmTopicArn": "alarm_topic_arn",
            "alarmNamePrefix": "alarm_name_prefix",
            "logRetentionDays": "log_retention_days",
        }
        missing = sorted(k for k in keys if k not in outputs)
        if missing:
            raise CannotVerify(
                f"the stack outputs lack {', '.join(missing)}: run `pulumi up` with this "
                "version of the program first"
            )
        retention = outputs["logRetentionDays"]
        # pulumi/actions hands non-string outputs to the workflow as JSON text
        if isinstance(retention, str):
            retention = json.loads(retention)
        return cls(
            **{
                field: str(outputs[key]) for key, field in keys.items() if key != "logRetentionDays"
            },
            log_retention_days={str(k): int(v) for k, v in retention.items()},
        )

    @property
    def region(self) -> str:
        # arn:aws:ecs:<region>:<account>:task-definition/...
        return self.task_definition_arn.split(":")[3]

    @property
    def image_digest(self) -> str:
        # the task is pinned to <repository>@sha256:<hex> (components/service.py)
        return self.image_uri.partition("@")[2]


@dataclass(frozen=True)
class Clients:
    """boto3 clients, typed Any: boto3-stubs are not a dependency."""

    ecs: Any
    elbv2: Any
    cloudwatch: Any
    sns: Any
    logs: Any

    @classmethod
    def from_session(cls, session: Any) -> Clients:
        return cls(
            ecs=session.client("ecs"),
            elbv2=session.client("elbv2"),
            cloudwatch=session.client("cloudwatch"),
            sns=session.client("sns"),
            logs=session.client("logs"),
        )

    @classmethod
    def for_region(cls, region: str) -> Clients:
        """The caller's credentials (the usual chain), in the stack's region."""
        return cls.from_session(boto3.Session(region_name=region))


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


# --- ECS service --------------------------------------------------------------------------------


def describe_service(ecs: Any, outputs: StackOutputs) -> dict[str, Any] | None:
    response = ecs.describe_services(cluster=outputs.cluster_name, services=[outputs.service_name])
    active = [s for s in response.get("services", []) if s.get("status") == "ACTIVE"]
    return active[0] if active else None


def service_counts(service: Mapping[str, Any]) -> Result:
    running, desired = service.get("runningCount", 0), service.get("desiredCount", 0)
    evidence = f"running {running}, desired {desired}, pending {service.get('pendingCount', 0)}"
    return Result(
        RUNNING_EQUALS_DESIRED,
        Status.PASS if running == desired else Status.FAIL,
        evidence,
    )


def service_deployments(service: Mapping[str, Any], outputs: StackOutputs) -> Result:
    """Steady: no deployment FAILED (the circuit breaker or a deployment alarm rolled it back) or
    IN_PROGRESS (a rollout or its rollback still running), and the PRIMARY one runs the task
    definition this stack's `up` registered (a rollback during `up` leaves an older one)."""
    deployments = service.get("deployments", [])
    described = "; ".join(
        f"{d.get('id')} {d.get('status')} {d.get('rolloutState', '-')} "
        f"{_short(d.get('taskDefinition', ''))}"
        + (f" ({d['rolloutStateReason']})" if d.get("rolloutStateReason") else "")
        for d in deployments
    )
    unsettled = [d for d in deployments if d.get("rolloutState") in ("FAILED", "IN_PROGRESS")]
    if unsettled:
        return Result(DEPLOYMENTS_SETTLED, Status.FAIL, described)
    primary = [d for d in deployments if d.get("status") == "PRIMARY"]
    if not primary or primary[0].get("taskDefinition") != outputs.task_definition_arn:
        return Result(
            DEPLOYMENTS_SETTLED,
            Status.FAIL,
            f"the PRIMARY deployment does not run {_short(outputs.task_definition_arn)}, the "
            f"revision the stack deployed (rolled back?): {described or 'no deployment'}",
        )
    return Result(DEPLOYMENTS_SETTLED, Status.PASS, described)


def _container_digest(container: Mapping[str, Any]) -> str:
    # imageDigest is the digest ECS resolved; with a digest-pinned image the reference says it too
    return container.get("imageDigest") or container.get("image", "").partition("@")[2] or "?"


def task_images(ecs: Any, service: Mapping[str, Any], outputs: StackOutputs) -> Result:
    check = TASK_IMAGES
    task_arns = list(
        _pages(
            ecs,
            "list_tasks",
            "taskArns",
            cluster=outputs.cluster_name,
            serviceName=outputs.service_name,
            desiredStatus="RUNNING",
        )
    )
    if not task_arns:
        return Result(check, Status.FAIL, "no running task")
    names = {lb.get("containerName") for lb in service.get("loadBalancers", [])} - {None}
    wrong: list[str] = []
    for start in range(0, len(task_arns), DESCRIBE_TASKS_MAX):
        chunk = task_arns[start : start + DESCRIBE_TASKS_MAX]
        for task in ecs.describe_tasks(cluster=outputs.cluster_name, tasks=chunk)["tasks"]:
            containers = [c for c in task.get("containers", []) if c.get("name") in names]
            digests = sorted({_container_digest(c) for c in containers or task["containers"]})
            status = task.get("lastStatus", "?")
            if digests != [outputs.image_digest] or status != "RUNNING":
                wrong.append(f"{_short(task['taskArn'])} {status} {', '.join(digests)}")
    if wrong:
        return Result(
            check, Status.FAIL, f"expected {outputs.image_digest}; {'; '.join(sorted(wrong))}"
        )
    return Result(check, Status.PASS, f"{len(task_arns)} task(s) run {outputs.image_digest}")


# --- target groups ------------------------------------------------------------------------------


def serving_target_groups(elbv2: Any, service: Mapping[str, Any]) -> list[str]:
    """The target groups that receive traffic. Blue/green: ECS moves the production listener
    rule's weights between the two groups, so the serving one is the rule's with weight > 0
    (ECS developer guide, "Amazon ECS blue/green deployments": advancedConfiguration)."""
    groups: list[str] = []
    for load_balancer in service.get("loadBalancers", []):
        rule_arn = (load_balancer.get("advancedConfiguration") or {}).get("productionListenerRule")
        if not rule_arn:
            groups.append(load_balancer["targetGroupArn"])
            continue
        for rule in elbv2.describe_rules(RuleArns=[rule_arn])["Rules"]:
            for action in rule.get("Actions", []):
                if action.get("Type") != "forward":
                    continue
                weighted = action.get("ForwardConfig", {}).get("TargetGroups", [])
                groups += [g["TargetGroupArn"] for g in weighted if g.get("Weight", 1) > 0]
                if not weighted and action.get("TargetGroupArn"):
                    groups.append(action["TargetGroupArn"])
    return list(dict.fromkeys(groups))


def target_health(elbv2: Any, target_group_arn: str) -> Result:
    name = target_group_arn.split(":")[-1].split("/")[1]
    check = f"targets of {name} healthy"
    described = elbv2.describe_target_health(TargetGroupArn=target_group_arn)
    targets = described.get("TargetHealthDescriptions", [])
    if not targets:
        return Result(check, Status.FAIL, "no registered target")
    states = [
        (
            f"{t['Target']['Id']}:{t['Target'].get('Port', '-')}",
            t["TargetHealth"]["State"],
            t["TargetHealth"].get("Reason", ""),
        )
        for t in targets
    ]
    unhealthy = [
        f"{target} {state} {reason}".strip()
        for target, state, reason in states
        if state != "healthy"
    ]
    if unhealthy:
        return Result(check, Status.FAIL, "; ".join(unhealthy))
    return Result(
        check, Status.PASS, f"{len(targets)} healthy: {', '.join(t for t, _, _ in states)}"
    )


# --- URL ----------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # report the redirect instead of following it


def http_get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str]:
    """(status, Location header) of one GET, redirects not followed."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


Fetch = Callable[[str], tuple[int, str]]


def health_endpoint(url: str, fetch: Fetch = http_get) -> Result:
    target = url.rstrip("/") + "/health"
    check = "/health answers 200"
    try:
        status, _ = fetch(target)
    except (urllib.error.URLError, OSError) as error:
        return Result(check, Status.FAIL, f"GET {target}: {getattr(error, 'reason', error)}")
    return Result(check, Status.PASS if status == 200 else Status.FAIL, f"GET {target} -> {status}")


def http_redirects_to_https(url: str, fetch: Fetch = http_get) -> Result:
    """With a domain, port 80 only redirects (components/service.py, the HTTP listener)."""
    parts = urlsplit(url)
    plain = f"http://{parts.hostname}/health"
    check = "HTTP redirects to HTTPS"
    try:
        status, location = fetch(plain)
    except (urllib.error.URLError, OSError) as error:
        return Result(check, Status.FAIL, f"GET {plain}: {getattr(error, 'reason', error)}")
    ok = status in REDIRECT_CODES and location.startswith("https://")
    return Result(
        check, Status.PASS if ok else Status.FAIL, f"GET {plain} -> {status} {location}".strip()
    )


def url_results(url: str, fetch: Fetch = http_get) -> list[Result]:
    results = [health_endpoint(url, fetch)]
    if url.startswith("https://"):
        results.append(http_redirects_to_https(url, fetch))
    return results


# --- alarms, subscriptions, logs ----------------------------------------------------------------


def alarms_not_in_alarm(cloudwatch: Any, prefix: str) -> Result:
    """The stack's alarms are those named with its prefix. Target tracking's alarms are named
    TargetTracking-... by Application Auto Scaling and sit in ALARM by design (AlarmLow at the
    minimum capacity), so the prefix leaves them out."""
    check = alarms_check(prefix)
    alarms: list[Mapping[str, Any]] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(
        AlarmNamePrefix=prefix, AlarmTypes=["CompositeAlarm", "MetricAlarm"]
    ):
        alarms += [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]
    if not alarms:
        return Result(check, Status.FAIL, "no alarm has the prefix: wrong region or account?")
    firing = sorted(a["AlarmName"] for a in alarms if a["StateValue"] == "ALARM")
    if firing:
        return Result(check, Status.FAIL, f"in ALARM: {', '.join(firing)}")
    no_data = sum(1 for a in alarms if a["StateValue"] == "INSUFFICIENT_DATA")
    return Result(
        check, Status.PASS, f"{len(alarms)} alarms, none in ALARM ({no_data} INSUFFICIENT_DATA)"
    )


def email_subscriptions(sns: Any, topic_arn: str) -> Result:
    check = SUBSCRIPTIONS_CONFIRMED
    subscriptions = list(
        _pages(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn)
    )
    emails = [s for s in subscriptions if s.get("Protocol") in ("email", "email-json")]
    pending = sorted(s["Endpoint"] for s in emails if s["SubscriptionArn"] == "PendingConfirmation")
    if pending:
        return Result(
            check,
            Status.WARN,
            f"pending confirmation: {', '.join(pending)} (alarms reach them only after they "
            "click the link AWS sent)",
        )
    if not subscriptions:
        return Result(
            check, Status.WARN, "the alarm topic has no subscription: alarms reach nobody"
        )
    confirmed = ", ".join(sorted(s["Endpoint"] for s in emails)) or "none (other protocols only)"
    return Result(check, Status.PASS, f"confirmed: {confirmed}")


def log_retention(logs: Any, name: str, days: int) -> Result:
    check = retention_check(name, days)
    groups = [
        g
        for g in _pages(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=name)
        if g["logGroupName"] == name
    ]
    if not groups:
        return Result(check, Status.FAIL, "no such log group")
    actual = groups[0].get("retentionInDays")  # absent: the group never expires
    evidence = f"retention {actual if actual is not None else 'never expire'}"
    return Result(check, Status.PASS if actual == days else Status.FAIL, evidence)


# --- the run ------------------------------------------------------------------------------------


def _guarded(check: str, run: Callable[[], Result | list[Result]]) -> list[Result]:
    """A refused call fails its check, naming the error; bad credentials stop the whole run."""
    try:
        result = run()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in CREDENTIAL_ERROR_CODES:
            raise CannotVerify(f"AWS rejected the credentials ({code}): log in again") from error
        return [Result(check, Status.FAIL, f"{error.operation_name}: {code}: {error}")]
    return result if isinstance(result, list) else [result]


def _service_traffic(
    clients: Clients, service: Mapping[str, Any], outputs: StackOutputs
) -> list[Result]:
    results = _guarded(TASK_IMAGES, lambda: task_images(clients.ecs, service, outputs))

    def targets() -> list[Result]:
        groups = serving_target_groups(clients.elbv2, service)
        if not groups:
            return [Result(TARGETS_HEALTHY, Status.FAIL, "the service has no target group")]
        return [target_health(clients.elbv2, group) for group in groups]

    return results + _guarded(TARGETS_HEALTHY, targets)


def verify(outputs: StackOutputs, clients: Clients, fetch: Fetch = http_get) -> list[Result]:
    results: list[Result] = []
    service_box: list[dict[str, Any]] = []

    def service_checks() -> list[Result]:
        service = describe_service(clients.ecs, outputs)
        if service is None:
            return [
                Result(
                    SERVICE_ACTIVE,
                    Status.FAIL,
                    f"{outputs.service_name} not found in {outputs.cluster_name}",
                )
            ]
        service_box.append(service)
        return [service_counts(service), service_deployments(service, outputs)]

    results += _guarded(SERVICE_ACTIVE, service_checks)
    service = service_box[0] if service_box else None
    if service is not None and service.get("desiredCount", 0) == 0:
        # dev's night schedule scales the service to zero; the ALB answers 503 until morning
        results.append(
            Result(
                SCALED_IN,
                Status.WARN,
                "desired 0: the service is scaled in (night schedule?); its tasks, targets and "
                "URL were not checked",
            )
        )
    else:
        if service is not None:
            results += _service_traffic(clients, service, outputs)
        results += url_results(outputs.url, fetch)
    results += _guarded(
        alarms_check(outputs.alarm_name_prefix),
        lambda: alarms_not_in_alarm(clients.cloudwatch, outputs.alarm_name_prefix),
    )
    results += _guarded(
        SUBSCRIPTIONS_CONFIRMED,
        lambda: email_subscriptions(clients.sns, outputs.alarm_topic_arn),
    )
    for name, days in sorted(outputs.log_retention_days.items()):
        results += _guarded(
            retention_check(name, days), lambda n=name, d=days: log_retention(clients.logs, n, d)
        )
    return results


def read_outputs(stack: str | None, outputs_file: str | None) -> StackOutputs:
    if outputs_file:
        try:
            with open(outputs_file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise CannotVerify(f"cannot read the outputs file {outputs_file}: {error}") from error
        return StackOutputs.from_mapping(data)
    if not stack:
        raise CannotVerify("name the stack (--stack dev) or pass --outputs <file.json>")
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise CannotVerify(
            "the Pulumi CLI is not on PATH: pass --outputs <file.json> "
            "(pulumi stack output --json --stack <stack> > file.json elsewhere)"
        )
    run = subprocess.run(
        [pulumi, "stack", "output", "--json", "--stack", stack],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no message"])[-1]
        raise CannotVerify(f"pulumi stack output --stack {stack} failed: {last}")
    return StackOutputs.from_mapping(json.loads(run.stdout))


def main(
    argv: Sequence[str] | None = None,
    clients_for: Callable[[str], Clients] = Clients.for_region,
    fetch: Fetch = http_get,
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", help="read the outputs with `pulumi stack output --json`")
    parser.add_argument("--outputs", help="a JSON file of the stack outputs instead")
    args = parser.parse_args(argv)
    try:
        outputs = read_outputs(args.stack, args.outputs)
        results = verify(outputs, clients_for(outputs.region), fetch)
    except CannotVerify as error:
        print(f"verify: {error}", file=sys.stderr)
        return 2
    except (
        NoCredentialsError,
        PartialCredentialsError,
        CredentialRetrievalError,
        TokenRetrievalError,
    ) as error:
        print(
            f"verify: no usable AWS credentials ({error}); log in (aws sso login, a profile, or "
            "AWS_* variables) and run it again",
            file=sys.stderr,
        )
        return 2
    except BotoCoreError as error:
        print(f"verify: cannot reach AWS: {error}", file=sys.stderr)
        return 2
    for result in results:
        print(result.line())
    failed = [r for r in results if r.status is Status.FAIL]
    warned = [r for r in results if r.status is Status.WARN]
    print(f"{len(results)} checks: {len(failed)} failed, {len(warned)} warnings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
