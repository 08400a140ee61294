"""IAM's matching of an action and a resource ARN against policy statements, for the tests of
the CI roles and the permissions boundary: ``*`` in a Resource pattern spans ``/``, as
fnmatch's does. Conditions are not evaluated; callers skip the statements whose conditions the
request would not meet."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Statement = Mapping[str, Any]


def as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def covers(statement: Statement, action: str, resource: str) -> bool:
    """The statement names the action and a Resource pattern matching the ARN."""
    return action in as_list(statement["Action"]) and any(
        fnmatch.fnmatchcase(resource, pattern) for pattern in as_list(statement["Resource"])
    )


def allowed(
    statements: Iterable[Statement],
    action: str,
    resource: str,
    skip: Callable[[Statement], bool] = lambda _: False,
) -> bool:
    """Some Allow statement not ``skip``ped covers the call."""
    return any(
        s["Effect"] == "Allow" and not skip(s) and covers(s, action, resource) for s in statements
    )
