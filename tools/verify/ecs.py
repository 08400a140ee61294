"""The ECS service: active, running its desired count, deployments settled, and every running task
on the stack's image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.verify.aws import pages
from tools.verify.results import Result, Status
from tools.verify.stack import StackOutputs

# ECS DescribeTasks takes at most 100 task ARNs per call (API reference, DescribeTasks).
DESCRIBE_TASKS_MAX = 100

# Check names, shared by a check and the failure reported when its calls are refused.
SERVICE_ACTIVE = "ECS service active"
RUNNING_EQUALS_DESIRED = "ECS service running = desired"
DEPLOYMENTS_SETTLED = "ECS deployments settled"
TASK_IMAGES = "running tasks use the stack's image"
SCALED_IN = "service scaled in"


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


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
        pages(
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
