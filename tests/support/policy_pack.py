"""The `pack` fixture: one policy pack process per test session, registered by tests/conftest.py.

With POLICY_PACK_COVERAGE=<rcfile> the pack runs under `coverage run --rcfile <rcfile>`, so the
rules are measured in the process that really evaluates them, behind the gRPC interface the Pulumi
CLI uses (tools/policy_coverage.py sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tools.policy_gate import PolicyPackClient, policy_pack

COVERAGE_ENV = "POLICY_PACK_COVERAGE"


@pytest.fixture(scope="session")
def pack() -> Iterator[PolicyPackClient]:
    rcfile = os.environ.get(COVERAGE_ENV)
    prefix = ("-m", "coverage", "run", f"--rcfile={rcfile}") if rcfile else ()
    with policy_pack(prefix=prefix) as client:
        yield client
