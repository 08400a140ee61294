"""`make verify`: read-only checks of a deployed stack with boto3 (docs/verify.md).

One module per part of the stack it checks (ecs, load_balancer, url, monitoring), what they share
(aws: the calls, clients and refused-call handling; results; stack: the outputs), the run's order
(run) and the command line (cli, `python -m tools.verify`).
"""

from tools.verify.aws import AWS_CALLS, Clients
from tools.verify.cli import main
from tools.verify.ecs import service_deployments, task_images
from tools.verify.load_balancer import serving_target_groups, target_health
from tools.verify.monitoring import email_subscriptions, retention_check
from tools.verify.results import CannotVerify, Result, Status
from tools.verify.run import verify
from tools.verify.stack import StackOutputs
from tools.verify.url import health_endpoint, http_get, http_redirects_to_https, url_results

__all__ = [
    "AWS_CALLS",
    "CannotVerify",
    "Clients",
    "Result",
    "StackOutputs",
    "Status",
    "email_subscriptions",
    "health_endpoint",
    "http_get",
    "http_redirects_to_https",
    "main",
    "retention_check",
    "service_deployments",
    "serving_target_groups",
    "target_health",
    "task_images",
    "url_results",
    "verify",
]
