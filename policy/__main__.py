"""Entry point the Pulumi CLI (and tools/policy_gate.py) runs; it only builds the pack.

Every policy defaults to mandatory; per-stack levels come from policy/config/<stack>.json.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import ALL_POLICIES, PACK_NAME

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
)
