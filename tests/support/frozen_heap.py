"""Keep Python's cyclic garbage collector off the objects that live for the whole test process.

A render imports pulumi_aws's modules on first use: about 190,000 long-lived objects (classes,
functions, type hints) that each full collection would walk again, a third of every later render's
time. Before a test, when modules were imported since the last time or a new test module begins,
this plugin collects the garbage and freezes what survives (``gc.freeze``): the survivors are
modules and fixtures that live on anyway, and later garbage is collected as before. Registered by
tests/conftest.py.
"""

from __future__ import annotations

import gc
import sys

import pytest

_modules_at_last_freeze = 0
_module_at_last_freeze: object = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _modules_at_last_freeze, _module_at_last_freeze
    test_module = item.module if isinstance(item, pytest.Function) else None
    if len(sys.modules) == _modules_at_last_freeze and test_module is _module_at_last_freeze:
        return
    gc.collect()
    gc.freeze()
    _modules_at_last_freeze, _module_at_last_freeze = len(sys.modules), test_module
