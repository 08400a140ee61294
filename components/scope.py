"""Where a component's builders register their resources: under the one component, named from
its name, so every URN and parent is the one the component always gave them; with the account
facts the ARNs and policies they write need, and the one way its builders create a role for an
AWS service. A component whose builders need more (the WebService's protection of stateful
resources) subclasses it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.iam import service_role


@dataclass(frozen=True, kw_only=True)
class ComponentScope:
    name: str
    """The component's name, the prefix of every logical (and so physical) name."""
    component: pulumi.Resource
    region: str
    account_id: str
    partition: str
    """GovCloud and China ARNs start arn:aws-us-gov: and arn:aws-cn:, not arn:aws:."""
    permissions_boundary_arn: str
    """Boundary of every role the component creates; empty for none."""

    @classmethod
    def of(cls, name: str, component: pulumi.Resource, cfg: StackConfig, **extra: Any) -> Self:
        """The scope of ``component`` in the stack ``cfg`` describes, the caller's account
        looked up once; ``extra`` fills a subclass's own fields."""
        return cls(
            name=name,
            component=component,
            region=cfg.region,
            account_id=aws.get_caller_identity().account_id,
            partition=aws.get_partition().partition,
            permissions_boundary_arn=cfg.general.permissions_boundary_arn,
            **extra,
        )

    def named(self, suffix: str) -> str:
        return f"{self.name}-{suffix}"

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.component, **options)

    def service_role(
        self, suffix: str, *, service: str, description: str, acts_for_account: bool = False
    ) -> aws.iam.Role:
        """A role ``service`` assumes, under the stack's boundary. ``acts_for_account``: the
        service acts on behalf of the account (Chatbot, Scheduler), so its trust carries the
        confused-deputy guard on this account."""
        return service_role(
            self.named(suffix),
            service=service,
            description=description,
            permissions_boundary_arn=self.permissions_boundary_arn,
            source_account=self.account_id if acts_for_account else None,
            opts=self.child(),
        )
