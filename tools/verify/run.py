"""One verify run: every check in report order, and what a scaled-in service skips."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.verify.aws import Clients, guarded
from tools.verify.ecs import (
    SCALED_IN,
    SERVICE_ACTIVE,
    TASK_IMAGES,
    describe_service,
    service_counts,
    service_deployments,
    task_images,
)
from tools.verify.load_balancer import TARGETS_HEALTHY, serving_targets_health
from tools.verify.monitoring import (
    SUBSCRIPTIONS_CONFIRMED,
    alarms_check,
    alarms_not_in_alarm,
    email_subscriptions,
    log_retention,
    retention_check,
)
from tools.verify.results import Result, Status
from tools.verify.stack import StackOutputs
from tools.verify.url import Fetch, http_get, url_results


def _service_traffic(
    clients: Clients, service: Mapping[str, Any], outputs: StackOutputs
) -> list[Result]:
    return guarded(TASK_IMAGES, lambda: task_images(clients.ecs, service, outputs)) + guarded(
        TARGETS_HEALTHY, lambda: serving_targets_health(clients.elbv2, service)
    )


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

    results += guarded(SERVICE_ACTIVE, service_checks)
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
    results += guarded(
        alarms_check(outputs.alarm_name_prefix),
        lambda: alarms_not_in_alarm(clients.cloudwatch, outputs.alarm_name_prefix),
    )
    results += guarded(
        SUBSCRIPTIONS_CONFIRMED,
        lambda: email_subscriptions(clients.sns, outputs.alarm_topic_arn),
    )
    for name, days in sorted(outputs.log_retention_days.items()):
        results += guarded(
            retention_check(name, days), lambda n=name, d=days: log_retention(clients.logs, n, d)
        )
    return results
