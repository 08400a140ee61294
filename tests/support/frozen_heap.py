"""Keep Python's cyclic garbage collector off the objects that live for the whole test process.

A render imports pulumi_aws's modules on first use: about 190,000 long-lived objects (classes,
functions, type hints) that each later full collection would walk again, a third of every render's
time. So after a full collection, when modules were imported since the last time, what survived it
is frozen (``gc.freeze``): mostly those modules, which live on anyway. It happens a few times per
process, and mid-test too (a module fixture that renders fifty variants imports pulumi_aws in its
first); what else was alive at that moment stays allocated, a few MB in all. Registered by
tests/conftest.py.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import pytest


class _FreezeAfterImports:
    def __init__(self) -> None:
        self.modules_at_last_freeze = len(sys.modules)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            if len(sys.modules) != self.modules_at_last_freeze:
                gc.freeze()
                self.modules_at_last_freeze = len(sys.modules)


_freeze_after_imports = _FreezeAfterImports()


def pytest_configure(config: pytest.Config) -> None:
    gc.callbacks.append(_freeze_after_imports)


def pytest_unconfigure(config: pytest.Config) -> None:
    gc.callbacks.remove(_freeze_after_imports)
