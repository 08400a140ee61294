"""Where the WebService's builders register their resources: under the one component, named
from its name, so every URN and parent is the one the component always gave them; with the
account facts the ARNs and policies they write need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.iam import service_role


@dataclass(frozen=True, kw_only=True)
class Scope:
    name: str
    """The component's name, the prefix of every logical (and so physical) name."""
    component: pulumi.Resource
    region: str
    account_id: str
    partition: str
    """GovCloud and China ARNs start arn:aws-us-gov: and arn:aws-cn:, not arn:aws:."""
    permissions_boundary_arn: str
    """Boundary of every role the component creates; empty for none."""
    protect_stateful_resources: bool
    """Protect and retain what loses data when deleted (images, logs); off in dev."""

    def named(self, suffix: str) -> str:
        return f"{self.name}-{suffix}"

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.component, **options)

    def stateful(self, **options: Any) -> pulumi.ResourceOptions:
        """Options for resources whose loss loses data: protected and retained in prod."""
        keep = self.protect_stateful_resources
        return self.child(protect=keep, retain_on_delete=keep, **options)

    def service_role(self, suffix: str, *, service: str, description: str) -> aws.iam.Role:
        """A role an AWS service assumes for the app, under the stack's boundary."""
        return service_role(
            self.named(suffix),
            service=service,
            description=description,
            permissions_boundary_arn=self.permissions_boundary_arn,
            opts=self.child(),
        )


def log_group(
    scope: Scope, suffix: str, *, retention_days: int, name_prefix: str | None = None
) -> aws.cloudwatch.LogGroup:
    return aws.cloudwatch.LogGroup(
        scope.named(suffix),
        name_prefix=name_prefix,
        retention_in_days=retention_days,
        opts=scope.stateful(),
    )
