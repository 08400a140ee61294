"""The CrossGuard pack over the bootstrap program's offline graph: the state bucket, key and OIDC
roles pass every rule mandatory, except the deploy-role rules the reference makes advisory
(waived with reasons in bootstrap/policy-config.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap.plan import PROJECT_DIR, plan_bootstrap
from tools.policy_gate import GateResult, PolicyPackClient, load_policy_config, run_with_client

POLICY_CONFIG = PROJECT_DIR / "policy-config.json"


@pytest.fixture(scope="module")
def verdict(pack: PolicyPackClient) -> GateResult:
    config = load_policy_config(Path(POLICY_CONFIG))
    return run_with_client(pack, plan_bootstrap(), config, "bootstrap")


def test_bootstrap_passes_the_policy_pack_with_no_mandatory_violation(verdict: GateResult) -> None:
    assert [f"{d.policy}: {d.message}" for d in verdict.mandatory] == []


def test_every_advisory_finding_is_a_rule_waived_with_a_reason(verdict: GateResult) -> None:
    waived = {k for k in load_policy_config(POLICY_CONFIG) if k != "all"}
    assert {d.policy for d in verdict.advisory} <= waived
