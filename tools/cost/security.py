"""Security charges: WAF web ACLs with their rules and requests, KMS keys, Secrets Manager."""

from __future__ import annotations

from tools.cost.ledger import Ledger, format_quantity, inputs_of, name_of
from tools.graph import Resource


def web_acls(ledger: Ledger, acls: list[Resource]) -> None:
    requests = ledger.usage["waf_million_requests_per_month"]
    for acl in acls:
        name = name_of(acl)
        rules = len(inputs_of(acl).get("rules") or [])
        ledger.charge("Security", "WAF web ACL", [name], 1, "waf_web_acl")
        if rules:
            ledger.charge("Security", f"WAF rules x {rules}", [name], rules, "waf_rule")
        ledger.charge(
            "Security",
            f"WAF requests, {format_quantity(requests)} million (usage.json)",
            [name],
            requests,
            "waf_million_requests",
        )


def kms_keys(ledger: Ledger, keys: list[Resource]) -> None:
    ledger.charge_all(
        "Security",
        f"KMS keys x {len(keys)} (requests assumed within the 20k free tier)",
        keys,
        "kms_key_month",
    )


def secrets(ledger: Ledger, stored_secrets: list[Resource]) -> None:
    ledger.charge_all(
        "Security",
        f"Secrets Manager secrets x {len(stored_secrets)}",
        stored_secrets,
        "secretsmanager_secret_month",
    )
