"""Drift detection for drift.yml: turn `pulumi preview --refresh --expect-no-changes --json` into
a value-free verdict per stack, then open, update or close one GitHub issue per stack.

    python tools/drift.py summarize --stack dev --preview-json preview.json --exit-code 255 \\
        [--locked] --out build/drift/dev.json
    python tools/drift.py report build/drift    # GH_TOKEN, GITHUB_REPOSITORY set

``summarize`` reads the CLI's preview digest (pulumi/pulumi pkg/display/json.go PreviewDigest at
v3.259.0: ``steps[]`` with ``op``, ``urn``, ``diffReasons``, ``replaceReasons`` and the keys of
``detailedDiff``; pkg/backend/display/json.go ShowPreviewDigest fills it) and keeps only URNs,
types, operations and top-level property names. It never copies ``oldState``, ``newState``,
``config``, ``outputs`` or diagnostic messages, which carry values (secrets are blinded there,
but plain config and resource values are not): the verdict file is uploaded as an artifact and
its content becomes an issue anyone with read access sees. Property paths are cut to their
first segment because a map key below it can be user data (a tag's or an environment
variable's name).

Verdicts: ``clean`` (exit 0), ``drift`` (a step that changes something), ``locked`` (a lock
object under the stack's lock prefix before or after the preview, or the CLI's locked-stack
message: the live stack is mid-update, and its changes are not drift), ``error`` (the preview
failed for another reason: no issue is opened or closed on it).

``report`` talks to the GitHub REST API (``GITHUB_API_URL``, default https://api.github.com)
with ``GH_TOKEN``: the job needs ``issues: write``. The open issue of a stack is found by the
``drift`` label and a marker comment in its body, so renaming the title does not lose it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# pulumi/pulumi pkg/engine/update.go HasChanges counts every op but these as a change; "refresh"
# is what a refresh step that found the resource unchanged keeps in the digest (a drifted one
# is rewritten to "update" or "delete" by ShowPreviewDigest).
UNCHANGED_OPS = frozenset({"same", "read", "discard", "read-replacement", "refresh"})
# pkg/backend/diy/lock.go checkForLock (v3.259.0)
LOCKED_MESSAGE = "the stack is currently locked"
LABEL = "drift"
VERDICTS = ("clean", "drift", "locked", "error")


@dataclass(frozen=True)
class Change:
    urn: str
    type: str
    ops: tuple[str, ...]
    properties: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    stack: str
    verdict: str
    changes: tuple[Change, ...] = ()
    reason: str = ""
    run_url: str = ""

    def line(self) -> str:
        """The one line the job summary and the log show."""
        if self.verdict == "locked":
            return f"{self.stack}: skipped: locked ({self.reason})"
        if self.verdict == "drift":
            return f"{self.stack}: drift in {len(self.changes)} resource(s)"
        if self.verdict == "error":
            return f"{self.stack}: error: {self.reason}"
        return f"{self.stack}: no drift"


def resource_type(urn: str) -> str:
    """``urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`` -> the type."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


_QUOTED = re.compile(r'\["((?:[^"\\]|\\.)*)"\]')


def top_level_property(path: str) -> str:
    """``tags.Owner`` -> ``tags``; ``ingress[0].cidrBlocks`` -> ``ingress``; ``["a.b"].c`` ->
    ``a.b`` (pulumi's property path syntax quotes a key that holds a dot or a bracket)."""
    quoted = _QUOTED.match(path)
    if quoted:
        return quoted.group(1)
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def changes_of(digest: Mapping[str, Any]) -> tuple[Change, ...]:
    """One entry per URN with a changing step (a drifted resource appears twice in the digest:
    its refresh step, rewritten to an update, and the update that would undo the drift)."""
    ops: dict[str, set[str]] = {}
    properties: dict[str, set[str]] = {}
    for step in digest.get("steps") or []:
        op, urn = str(step.get("op", "")), str(step.get("urn", ""))
        if op in UNCHANGED_OPS or not urn:
            continue
        ops.setdefault(urn, set()).add(op)
        names = properties.setdefault(urn, set())
        for key in ("diffReasons", "replaceReasons"):
            names.update(top_level_property(str(p)) for p in step.get(key) or [])
        names.update(top_level_property(str(p)) for p in step.get("detailedDiff") or {})
    return tuple(
        Change(urn, resource_type(urn), tuple(sorted(ops[urn])), tuple(sorted(properties[urn])))
        for urn in sorted(ops)
    )


def preview_errors(digest: Mapping[str, Any]) -> int:
    return sum(1 for d in digest.get("diagnostics") or [] if d.get("severity") == "error")


def summarize(
    stack: str,
    exit_code: int,
    preview_json: str,
    stderr: str = "",
    locked: bool = False,
    run_url: str = "",
) -> Verdict:
    if locked or LOCKED_MESSAGE in stderr:
        return Verdict(
            stack, "locked", reason="a pulumi update holds the state lock", run_url=run_url
        )
    if exit_code == 0:
        return Verdict(stack, "clean", run_url=run_url)
    try:
        digest = json.loads(preview_json) if preview_json.strip() else {}
    except json.JSONDecodeError:
        digest = None
    if not isinstance(digest, dict):
        reason = f"pulumi preview exited {exit_code} without a JSON digest (see the job log)"
        return Verdict(stack, "error", reason=reason, run_url=run_url)
    errors = preview_errors(digest)
    if errors:
        reason = f"pulumi preview reported {errors} error(s) (see the job log)"
        return Verdict(stack, "error", reason=reason, run_url=run_url)
    changes = changes_of(digest)
    if not changes:
        reason = f"pulumi preview exited {exit_code} without proposing a change (see the job log)"
        return Verdict(stack, "error", reason=reason, run_url=run_url)
    return Verdict(stack, "drift", changes=changes, run_url=run_url)


def to_json(verdict: Verdict) -> str:
    return json.dumps(asdict(verdict), indent=2, sort_keys=True) + "\n"


def from_json(text: str) -> Verdict:
    data = json.loads(text)
    if data.get("verdict") not in VERDICTS:
        raise ValueError(f"not a drift verdict: {data.get('verdict')!r}")
    changes = tuple(
        Change(c["urn"], c["type"], tuple(c["ops"]), tuple(c["properties"]))
        for c in data.get("changes", [])
    )
    return Verdict(
        str(data["stack"]),
        str(data["verdict"]),
        changes,
        str(data.get("reason", "")),
        str(data.get("run_url", "")),
    )


# --- the issue ---------------------------------------------------------------------------------


def marker(stack: str) -> str:
    return f"<!-- ecs-fargate-drift stack={stack} -->"


def title(stack: str) -> str:
    return f"Drift: the {stack} stack differs from its Pulumi state"


def issue_body(verdict: Verdict) -> str:
    lines = [
        marker(verdict.stack),
        f"`pulumi preview --refresh --expect-no-changes` of **{verdict.stack}** proposes "
        f"changes to {len(verdict.changes)} resource(s)"
        + (f" ([run]({verdict.run_url}))" if verdict.run_url else "")
        + ".",
        "",
        "| resource | type | operation | properties |",
        "| --- | --- | --- | --- |",
    ]
    for change in verdict.changes:
        props = ", ".join(f"`{p}`" for p in change.properties) or "(none named)"
        lines.append(f"| `{change.urn}` | `{change.type}` | {', '.join(change.ops)} | {props} |")
    lines += [
        "",
        "Names only, never values. A change here is either drift (someone changed the resource "
        "outside Pulumi) or a commit on main not yet deployed to this stack. To see the values, "
        "run the same preview with the stack's credentials; then either `pulumi up` (the code "
        "wins) or change the code to match (docs/drift.md). This issue is updated by every "
        "drift run and closed by the first one that finds the stack clean.",
    ]
    return "\n".join(lines) + "\n"


class GitHub:
    """The few REST calls the report makes (docs.github.com/rest/issues)."""

    def __init__(self, repository: str, token: str, api_url: str = "https://api.github.com"):
        self.repository = repository
        self.token = token
        self.api_url = api_url.rstrip("/")

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.api_url}/repos/{self.repository}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def ensure_label(self) -> None:
        try:
            self.call("GET", f"/labels/{LABEL}")
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            self.call(
                "POST",
                "/labels",
                {"name": LABEL, "color": "d93f0b", "description": "live stack differs from code"},
            )

    def open_issue(self, stack: str) -> Mapping[str, Any] | None:
        query = urllib.parse.urlencode({"state": "open", "labels": LABEL, "per_page": 100})
        for issue in self.call("GET", f"/issues?{query}") or []:
            if marker(stack) in (issue.get("body") or "") and "pull_request" not in issue:
                return issue
        return None


def report(verdict: Verdict, github: GitHub) -> str:
    """Open, update or close the stack's issue; returns what was done, in one line."""
    if verdict.verdict in ("locked", "error"):
        return f"{verdict.line()}; issue left as it is"
    issue = github.open_issue(verdict.stack)
    if verdict.verdict == "clean":
        if issue is None:
            return verdict.line()
        number = issue["number"]
        note = "No drift any more" + (f" ([run]({verdict.run_url}))" if verdict.run_url else "")
        github.call("POST", f"/issues/{number}/comments", {"body": f"{note}: closing."})
        github.call("PATCH", f"/issues/{number}", {"state": "closed", "state_reason": "completed"})
        return f"{verdict.line()}; closed #{number}"
    body = issue_body(verdict)
    if issue is None:
        github.ensure_label()
        created = github.call(
            "POST", "/issues", {"title": title(verdict.stack), "body": body, "labels": [LABEL]}
        )
        return f"{verdict.line()}; opened #{created['number']}"
    if issue.get("body") != body:
        github.call("PATCH", f"/issues/{issue['number']}", {"body": body})
        return f"{verdict.line()}; updated #{issue['number']}"
    return f"{verdict.line()}; #{issue['number']} already says so"


# --- command line ------------------------------------------------------------------------------


def _summary(lines: Iterable[str]) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as summary:
            summary.writelines(f"- {line}\n" for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    summarize_cmd = commands.add_parser("summarize", help="preview digest -> value-free verdict")
    summarize_cmd.add_argument("--stack", required=True)
    summarize_cmd.add_argument("--preview-json", type=Path, required=True)
    summarize_cmd.add_argument("--stderr", type=Path)
    summarize_cmd.add_argument("--exit-code", type=int, required=True)
    summarize_cmd.add_argument("--locked", action="store_true")
    summarize_cmd.add_argument("--run-url", default="")
    summarize_cmd.add_argument("--out", type=Path, required=True)
    report_cmd = commands.add_parser("report", help="open, update or close the stacks' issues")
    report_cmd.add_argument(
        "verdicts", nargs="+", type=Path, help="verdict files, or directories holding them"
    )
    args = parser.parse_args(argv)

    if args.command == "summarize":
        preview = args.preview_json.read_text() if args.preview_json.exists() else ""
        stderr = args.stderr.read_text() if args.stderr and args.stderr.exists() else ""
        verdict = summarize(
            args.stack, args.exit_code, preview, stderr, locked=args.locked, run_url=args.run_url
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(to_json(verdict))
        print(verdict.line())
        _summary([verdict.line()])
        return 1 if verdict.verdict == "error" else 0

    token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN")
    repository = os.environ.get("GITHUB_REPOSITORY")
    if not token or not repository:
        print("drift report: GH_TOKEN and GITHUB_REPOSITORY must be set", file=sys.stderr)
        return 2
    github = GitHub(repository, token, os.environ.get("GITHUB_API_URL", "https://api.github.com"))
    files = verdict_files(args.verdicts)
    if not files:
        print("drift report: no verdict to report (every stack's preview failed before one)")
        return 0
    done = []
    for path in files:
        done.append(report(from_json(path.read_text()), github))
        print(done[-1])
    _summary(done)
    return 0


def verdict_files(paths: Iterable[Path]) -> list[Path]:
    """The files given, and the *.json under the directories given (artifact downloads)."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.json")) if path.is_dir() else [path] if path.exists() else []
    return found


if __name__ == "__main__":
    sys.exit(main())
