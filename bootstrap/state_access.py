"""Every state-bucket path the pinned Pulumi CLI reads or writes, as data: the CI roles' S3 grants
are generated from this table, docs/deploy.md lists it, and tests check both.

Read from the DIY backend of pulumi/pulumi, ``pkg/backend/diy/`` at ``v3.259.0`` (the newest tag
in the reference store; the workflows install the CLI that requirements.txt pins, 3.272.0 today,
whose paths these are unless a later release moved them: re-read the files when the pin moves). The stack-tags read arrived in
v3.211.0 (pulumi/pulumi#19882). There is no journal in the DIY backend: journaling exists only
for the Pulumi Cloud backend, so no role is granted a journal path.

Keys are IAM resource patterns under the bucket, with ``{project}`` and ``{stack}`` filled in per
stack. S3 authorises HEAD as ``s3:GetObject``, CopyObject as ``s3:GetObject`` on the source and
``s3:PutObject`` on the target, and a multipart upload as ``s3:PutObject``. A ``s3:ListBucket``
row names the prefix the CLI lists; the grant is on the bucket itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CLI_SOURCE_TAG = "v3.259.0"

# CLI commands, as the rows and the roles name them
PREVIEW = "preview"
UP = "up"
REFRESH = "refresh"
DESTROY = "destroy"
CANCEL = "cancel"
STACK_SELECT = "stack select"
STACK_OUTPUT = "stack output"
STACK_LS = "stack ls"
# up, refresh and destroy take the lock and write the same objects (backend.go Update, Refresh,
# Destroy all go through Lock and apply)
UPDATES = frozenset({UP, REFRESH, DESTROY})
# every command that opens the stack reads its checkpoint
READERS = frozenset({PREVIEW, STACK_SELECT, STACK_OUTPUT, STACK_LS, *UPDATES})
EVERY_COMMAND = READERS | {CANCEL}

GET, PUT, DELETE, LIST = "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"


def _source(file: str, functions: str) -> str:
    return f"pulumi/pulumi pkg/backend/diy/{file}@{CLI_SOURCE_TAG} ({functions})"


@dataclass(frozen=True)
class StateAccess:
    key: str
    action: str
    commands: frozenset[str]
    source: str
    why: str


STACKS = ".pulumi/stacks/{project}"
LOCKS = ".pulumi/locks/organization/{project}/{stack}"

STATE_ACCESS: tuple[StateAccess, ...] = (
    StateAccess(
        ".pulumi/stacks/",
        LIST,
        EVERY_COMMAND,
        _source("backend.go", "New: legacy-stack warning; store.go ListReferences for stack ls"),
        "opening the backend lists the stacks directory for stacks of the legacy layout",
    ),
    StateAccess(
        ".pulumi/meta.yaml",
        GET,
        EVERY_COMMAND,
        _source("meta.go", "ensurePulumiMeta, readPulumiMeta"),
        "the state layout version, read on every login; the admin's first `stack init` writes it",
    ),
    StateAccess(
        STACKS + "/{stack}.json",
        LIST,
        READERS,
        _source("state.go", "stackPath"),
        "finds which checkpoint variant exists (.json, .json.gz, .json.zst)",
    ),
    StateAccess(
        STACKS + "/{stack}.json*",
        GET,
        READERS,
        _source("state.go", "stackExists, getCheckpoint, backupTarget, addToHistory, backupStack"),
        "the checkpoint: existence check (HEAD), load, and the source of every copy",
    ),
    StateAccess(
        STACKS + "/{stack}.pulumi-tags",
        GET,
        frozenset({PREVIEW, *UPDATES}),
        _source("state.go", "getTarget") + "; " + _source("stack_tags.go", "loadStackTags"),
        "stack tags, read before every preview and update; only NotFound is tolerated, a 403 "
        "stops the command with `failed to load stack tags`",
    ),
    StateAccess(
        STACKS + "/{stack}.json*",
        PUT,
        UPDATES,
        _source("state.go", "saveCheckpoint, backupTarget"),
        "the checkpoint after each step, its `.bak` copy, and `.json.<ns>` copies with "
        "PULUMI_RETAIN_CHECKPOINTS",
    ),
    StateAccess(
        STACKS + "/{stack}.json*",
        DELETE,
        UPDATES,
        _source("state.go", "saveCheckpoint"),
        "removes the previous variant when the checkpoint compression changes",
    ),
    StateAccess(
        LOCKS + "/",
        LIST,
        UPDATES | {CANCEL},
        _source("lock.go", "checkForLock") + "; " + _source("backend.go", "CancelCurrentUpdate"),
        "looks for competing locks before and after writing its own; cancel lists what to delete",
    ),
    StateAccess(
        LOCKS + "/*",
        GET,
        UPDATES,
        _source("lock.go", "checkForLock"),
        "reads a competing lock to name its owner in the error",
    ),
    StateAccess(
        LOCKS + "/*",
        PUT,
        UPDATES,
        _source("lock.go", "Lock"),
        "the lock, `<lock id>.json` (pid, user, host, time)",
    ),
    StateAccess(
        LOCKS + "/*",
        DELETE,
        UPDATES | {CANCEL},
        _source("lock.go", "Unlock") + "; " + _source("backend.go", "CancelCurrentUpdate"),
        "releases the lock; `pulumi cancel` deletes every lock of the stack",
    ),
    StateAccess(
        ".pulumi/history/{project}/{stack}/*",
        PUT,
        UPDATES,
        _source("state.go", "addToHistory"),
        "`<stack>-<ns>.history.json` and a copy of the checkpoint, `.checkpoint.json`",
    ),
    StateAccess(
        ".pulumi/backups/{project}/{stack}/*",
        PUT,
        UPDATES,
        _source("state.go", "backupStack"),
        "`<stack>.<ns>.json`, a backup of the checkpoint after every update",
    ),
)

# What the CLI can do to the bucket that no CI role is granted: the commands are an admin's.
NOT_GRANTED: tuple[StateAccess, ...] = (
    StateAccess(
        ".pulumi/meta.yaml",
        PUT,
        frozenset({"stack init"}),
        _source("meta.go", "ensurePulumiMeta, WriteTo"),
        "written once, by the first command on an empty bucket (the admin's `stack init`)",
    ),
    StateAccess(
        STACKS + "/{stack}.pulumi-tags",
        PUT,
        frozenset({"stack tag set", "stack tag rm"}),
        _source("stack_tags.go", "saveStackTags, deleteStackTags"),
        "only `pulumi stack tag` writes tags; no update does",
    ),
    StateAccess(
        ".pulumi/history/{project}/{stack}/*",
        GET,
        frozenset({"stack history"}),
        _source("state.go", "getHistory"),
        "the update history, read by `pulumi stack history`",
    ),
    StateAccess(
        ".pulumi/backups/{project}/{stack}/*",
        DELETE,
        frozenset({"stack rm", "stack rename"}),
        _source("state.go", "removeStack, renameHistory"),
        "removing or renaming a stack deletes its files",
    ),
)

# What each CI role runs. pulumi/actions selects the stack (`stack select`), runs the command
# and reads the outputs; `cancel` lets the deploy job's role clear its own stack's lock (a person
# runs it with admin credentials: the deploy role trusts only the GitHub environment).
PREVIEW_ROLE_COMMANDS = frozenset({PREVIEW, STACK_SELECT, STACK_LS})
DEPLOY_ROLE_COMMANDS = frozenset({PREVIEW, STACK_SELECT, STACK_OUTPUT, CANCEL, *UPDATES})
# drift.yml runs `pulumi preview --stack <stack> --refresh`: a preview of the kind apitype
# PreviewUpdate, which never locks and writes no snapshot even with --refresh (backend.go Preview
# -> apply with DryRun; only Update, Refresh, Destroy and Import call Lock, and apply creates a
# snapshot manager only when kind != PreviewUpdate and not DryRun). Its lock check is a listing of
# the lock prefix, authorised by the bucket-level s3:ListBucket of the rows above.
DRIFT_ROLE_COMMANDS = frozenset({PREVIEW, STACK_SELECT})


def state_grants(
    bucket_arn: str, project: str, stacks: Iterable[str], commands: Iterable[str]
) -> Mapping[str, tuple[str, ...]]:
    """S3 action -> the resources the ``commands`` need on the ``stacks``' state."""
    wanted = frozenset(commands)
    grants: dict[str, set[str]] = {}
    for row in STATE_ACCESS:
        if not row.commands & wanted:
            continue
        for stack in stacks:
            key = row.key.format(project=project, stack=stack)
            resource = bucket_arn if row.action == LIST else f"{bucket_arn}/{key}"
            grants.setdefault(row.action, set()).add(resource)
    return {action: tuple(sorted(resources)) for action, resources in sorted(grants.items())}


def markdown_table() -> str:
    """The table docs/deploy.md carries (a test keeps the two equal)."""
    lines = [
        "| object (under the bucket) | S3 action | commands | why | source |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows = [(row, "") for row in STATE_ACCESS] + [(row, " (no CI role)") for row in NOT_GRANTED]
    for row, note in rows:
        commands = ", ".join(f"`{c}`" for c in sorted(row.commands))
        source = row.source.replace("pulumi/pulumi pkg/backend/diy/", "")
        lines.append(f"| `{row.key}` | `{row.action}`{note} | {commands} | {row.why} | {source} |")
    return "\n".join(lines)
