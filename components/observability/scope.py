"""Where Observability's builders register their resources: under the one component, named from
its name, so every URN and parent is the one the component always gave them."""

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

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.component, **options)

    def service_role(self, suffix: str, *, service: str, description: str) -> aws.iam.Role:
        """A role for an AWS service acting for this account, under the stack's boundary."""
        return service_role(
            f"{self.name}-{suffix}",
            service=service,
            description=description,
            permissions_boundary_arn=self.permissions_boundary_arn,
            source_account=self.account_id,
            opts=self.child(),
        )
