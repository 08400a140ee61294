"""Where Observability's builders register their resources (components/scope.py), and how they
create a role for an AWS service that acts for the account (SNS delivery, Chatbot, Scheduler)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from components.iam import service_role
from components.scope import ComponentScope


@dataclass(frozen=True, kw_only=True)
class Scope(ComponentScope):
    def service_role(self, suffix: str, *, service: str, description: str) -> aws.iam.Role:
        """A role for an AWS service acting for this account, under the stack's boundary."""
        return service_role(
            self.named(suffix),
            service=service,
            description=description,
            permissions_boundary_arn=self.permissions_boundary_arn,
            source_account=self.account_id,
            opts=self.child(),
        )
