"""Graphs rendered at most once per test process.

Rendering a stack under mocks takes about a second; the same variant (a stack file, a feature turned
on) is wanted by many modules. The program is deterministic for a stack and its config (the graph
guard relies on it), so a second request gets a copy of the first graph. Not for a test that patches
the program's code or data before rendering: its graph depends on more than these arguments, so it
calls run_program itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from tools.offline import run_program

_RENDERED: dict[str, dict[str, Any]] = {}


def rendered(
    stack: str, config: Mapping[str, str] | None = None, *, raise_errors: bool = True
) -> dict[str, Any]:
    """run_program's graph of this repository's ``stack`` with ``config`` (``None``: its stack
    files), a copy each call so that a test may change what it gets. A program error raises each
    time (nothing is kept), or with ``raise_errors=False`` is kept as the graph's ``error``."""
    key = json.dumps([stack, None if config is None else sorted(config.items()), raise_errors])
    if key not in _RENDERED:
        _RENDERED[key] = run_program(stack, config=config, raise_errors=raise_errors)
    return copy.deepcopy(_RENDERED[key])
