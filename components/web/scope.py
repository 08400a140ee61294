"""Where the WebService's builders register their resources: under the one component, named
from its name, so every URN and parent is the one the component always gave them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True, kw_only=True)
class Scope:
    name: str
    """The component's name, the prefix of every logical (and so physical) name."""
    component: pulumi.Resource
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


def log_group(
    scope: Scope, suffix: str, *, retention_days: int, name_prefix: str | None = None
) -> aws.cloudwatch.LogGroup:
    return aws.cloudwatch.LogGroup(
        scope.named(suffix),
        name_prefix=name_prefix,
        retention_in_days=retention_days,
        opts=scope.stateful(),
    )
