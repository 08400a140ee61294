"""The state bucket as the pinned Pulumi CLI uses it, and how a bootstrap graph grants it.

The object keys below are what the DIY backend reads and writes for one `pulumi preview`, `up` and
`cancel` of a stack, traced by hand through pulumi/pulumi ``pkg/backend/diy`` (backend.go,
state.go, stack_tags.go, lock.go, meta.go, store.go at v3.259.0, the newest tag in the reference
store; unchanged in the paths since v3.211.0, which added the stack-tags read). They are written
out here, independently of the table in ``bootstrap/state_access.py``, so a wrong table fails
the tests instead of justifying itself. A 403 on any of them stops the command (the tags file
tolerates only NotFound: ``failed to load stack tags``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.graph import Graph

PROJECT = "ecs-fargate"
LOCK_ID = "5b8d2c3e-1f4a-4b6e-9c0d-7e2f1a3b4c5d"
NANOS = "1764460000000000000"


def keys_of(stack: str) -> dict[str, str]:
    stacks = f".pulumi/stacks/{PROJECT}"
    return {
        "meta": ".pulumi/meta.yaml",
        "checkpoint": f"{stacks}/{stack}.json",
        "checkpoint_backup": f"{stacks}/{stack}.json.bak",
        "checkpoint_gzip": f"{stacks}/{stack}.json.gz",
        "tags": f"{stacks}/{stack}.pulumi-tags",
        "lock": f".pulumi/locks/organization/{PROJECT}/{stack}/{LOCK_ID}.json",
        "other_lock": f".pulumi/locks/organization/{PROJECT}/{stack}/0000-other.json",
        "history": f".pulumi/history/{PROJECT}/{stack}/{stack}-{NANOS}.history.json",
        "history_checkpoint": f".pulumi/history/{PROJECT}/{stack}/{stack}-{NANOS}.checkpoint.json",
        "backup": f".pulumi/backups/{PROJECT}/{stack}/{stack}.{NANOS}.json",
    }


def preview_calls(stack: str) -> list[tuple[str, str]]:
    """(S3 action, key) of `pulumi preview`: opening the backend, the checkpoint and the stack
    tags. A preview takes no lock (diy backend.go Preview calls apply without Lock)."""
    keys = keys_of(stack)
    return [
        ("s3:GetObject", keys["meta"]),  # meta.go readPulumiMeta
        ("s3:GetObject", keys["checkpoint"]),  # state.go stackExists (HEAD), getCheckpoint
        ("s3:GetObject", keys["tags"]),  # state.go getTarget -> stack_tags.go loadStackTags
    ]


def up_calls(stack: str) -> list[tuple[str, str]]:
    """What `pulumi up` adds: the lock, the checkpoint writes with their backup, the history
    record and the checkpoint backup after the update."""
    keys = keys_of(stack)
    return [
        *preview_calls(stack),
        ("s3:PutObject", keys["lock"]),  # lock.go Lock
        ("s3:GetObject", keys["other_lock"]),  # lock.go checkForLock reads a competing lock
        ("s3:DeleteObject", keys["lock"]),  # lock.go Unlock
        ("s3:PutObject", keys["checkpoint_backup"]),  # state.go backupTarget (copy)
        ("s3:PutObject", keys["checkpoint"]),  # state.go saveCheckpoint
        ("s3:DeleteObject", keys["checkpoint_gzip"]),  # saveCheckpoint on a compression change
        ("s3:PutObject", keys["history"]),  # state.go addToHistory
        ("s3:PutObject", keys["history_checkpoint"]),  # addToHistory copies the checkpoint
        ("s3:PutObject", keys["backup"]),  # state.go backupStack
    ]


def cancel_calls(stack: str) -> list[tuple[str, str]]:
    """`pulumi cancel` deletes every lock object of the stack (backend.go CancelCurrentUpdate)."""
    keys = keys_of(stack)
    return [("s3:DeleteObject", keys["lock"]), ("s3:DeleteObject", keys["other_lock"])]


def bucket_arn(graph: Graph) -> str:
    return f"arn:aws:s3:::{graph.data['outputs']['stateBucketName']}"


def conditioned(statement: Mapping[str, Any]) -> bool:
    # the state statements carry no condition; a conditioned one is some other grant
    return "Condition" in statement
