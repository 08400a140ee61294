"""Where the WebService's builders register their resources (components/scope.py), and how they
keep what loses data when deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.scope import ComponentScope


@dataclass(frozen=True, kw_only=True)
class Scope(ComponentScope):
    protect_stateful_resources: bool
    """Protect and retain what loses data when deleted (images, logs); off in dev."""

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
