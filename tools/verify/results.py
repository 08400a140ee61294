"""What a check reports: PASS, WARN or FAIL with its evidence, and the error that stops the run."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Status(Enum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Result:
    check: str
    status: Status
    evidence: str

    def line(self) -> str:
        return f"{self.status.value}  {self.check}: {self.evidence}"


class CannotVerify(Exception):
    """The check cannot run at all (exit 2): its message is the one line the user sees."""
