"""The policy gate on dev in the ipv6-egress-only network mode (issue 14: the gate passes with no
mandatory violation in the new mode)."""

from __future__ import annotations

from tests.support.graphs import config_with
from tests.support.renders import rendered
from tools.policy_gate import POLICY_DIR, PolicyPackClient, load_policy_config, run_with_client


def test_dev_in_the_ipv6_egress_only_mode_passes_the_gate_with_no_mandatory_violation(
    pack: PolicyPackClient,
) -> None:
    graph = rendered("dev", config_with("dev", {"egress": "ipv6-egress-only"}))
    dev_config = load_policy_config(POLICY_DIR / "config" / "dev.json")
    result = run_with_client(pack, graph, dev_config, "dev")
    assert [d.message for d in result.mandatory] == []
    assert result.passed
