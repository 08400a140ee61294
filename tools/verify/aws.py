"""The AWS side of verify: every call it makes, its boto3 clients, and how a refused call or bad
credentials end a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

from tools.verify.results import CannotVerify, Result, Status

# Every AWS call this tool makes, as IAM actions. bootstrap/ci_permissions.py grants them to the
# deploy roles (deploy.yml runs verify after `up`); tests/tools/test_verify.py checks that every
# call the tests record is listed here and that the rendered deploy policies allow each.
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


def pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def guarded(check: str, run: Callable[[], Result | list[Result]]) -> list[Result]:
    """A refused call fails its check, naming the error; bad credentials stop the whole run."""
    try:
        result = run()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in CREDENTIAL_ERROR_CODES:
            raise CannotVerify(f"AWS rejected the credentials ({code}): log in again") from error
        return [Result(check, Status.FAIL, f"{error.operation_name}: {code}: {error}")]
    return result if isinstance(result, list) else [result]
