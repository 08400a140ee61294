"""docs/changes.md's changes: each declared setting's example (components/config/, the
``example``, ``example_with`` and ``example_stack`` of its ``setting(...)``), so a new key gets its
row from its declaration, then a few scenarios a single example cannot show (the other stack,
turning a feature on in dev, a change the program rejects). ``app/`` is the content under app/,
which is no config key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.config import DeclaredSetting, declared_settings

# The stack an example that names none changes (the config reachability test renders the same:
# prod, where most features are on, so most changes show).
DEFAULT_EXAMPLE_STACK = "prod"


@dataclass(frozen=True)
class ChangeExample:
    """One row of docs/changes.md: a setting and a change of it that shows what it does."""

    key: str
    change: str
    """CHANGE text, as ``make plan CHANGE=...`` takes it."""
    stack: str = "dev"
    note: str = ""
    """Said beside the change in the table (what it stands for, what to expect)."""


def change_text(values: Mapping[str, Any]) -> str:
    """``key=value`` items as ``make plan CHANGE=...`` takes them: what ``pulumi config set``
    stores, plain text for a string and JSON for anything else."""
    return "; ".join(
        f"{key}={value if isinstance(value, str) else json.dumps(value)}"
        for key, value in values.items()
    )


def declared_example(declared: DeclaredSetting) -> ChangeExample:
    declaration = declared.declaration
    return ChangeExample(
        declared.key,
        change_text({declared.key: declaration.example, **declaration.example_with}),
        stack=declaration.example_stack or DEFAULT_EXAMPLE_STACK,
    )


# A VPC change replaces the ALB with the VPC (components/web, replace_with).
VPC_OUTAGE = (
    "a full outage: a new ALB with a new DNS name (albDnsName); with a domain the alias record "
    "follows it, without one clients must move to the new name"
)
SCENARIOS: tuple[ChangeExample, ...] = (
    ChangeExample(
        "vpcCidr",
        'vpcCidr=10.2.0.0/16; publicSubnetCidrs=["10.2.1.0/24", "10.2.2.0/24"]; '
        'privateSubnetCidrs=["10.2.101.0/24", "10.2.102.0/24"]',
        note=VPC_OUTAGE,
    ),
    ChangeExample(
        "domainName",
        "domainName=app.acme-corp.net; hostedZoneId=Z0123456789ABCDEFGHIJ",
        note="on (dev); off is the reverse: the HTTPS listener, certificate and records go",
    ),  # fmt: skip
    ChangeExample("domainName", "domainName=; hostedZoneId=", stack="prod", note="off (prod)"),
    ChangeExample("app/", "app/", note="any edit under app/ (not a config key): a new image tag"),
)

CHANGE_EXAMPLES: tuple[ChangeExample, ...] = (
    *(declared_example(declared) for declared in declared_settings()),
    *SCENARIOS,
)
