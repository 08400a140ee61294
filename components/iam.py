"""IAM documents as plain dicts, and the one way this project creates a role.

Documents stay dicts until they are serialised, so mocks, tests and the policy pack read exactly
what AWS will receive (DESIGN decision 4).
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

Statement = dict[str, Any]


def policy_document(*statements: Statement) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_insecure_transport(sid: str, bucket_arn: str) -> Statement:
    """A bucket policy statement denying every request to the bucket and its objects that does
    not use TLS (policy rule S3-08). ``sid`` stays what each bucket has always had: a changed
    policy text is an update of the live bucket policy."""
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def service_trust_policy(service: str, *, source_account: str | None = None) -> dict[str, Any]:
    """Trust policy letting one AWS service principal assume the role.

    ``source_account`` adds the confused-deputy guard AWS recommends for services that act on
    behalf of an account (VPC Flow Logs, Chatbot).
    """
    statement: Statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return policy_document(statement)


def service_role(
    name: str,
    *,
    service: str,
    description: str,
    permissions_boundary_arn: str,
    source_account: str | None = None,
    opts: pulumi.ResourceOptions,
) -> aws.iam.Role:
    """A role for an AWS service, carrying the stack's permissions boundary when one is set."""
    return aws.iam.Role(
        name,
        description=description,
        assume_role_policy=json.dumps(service_trust_policy(service, source_account=source_account)),
        permissions_boundary=permissions_boundary_arn or None,
        opts=opts,
    )
