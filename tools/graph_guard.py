"""Refactor guard: the resource graphs a commit renders, kept and compared with a later commit's.

On a live stack a changed URN, parent or type is a delete and a create (the VPC, the ALB, the
service), and a changed input or option is an update, so a refactor must render the same graphs.
"The same graphs" means every graph anything renders: the stack files, and every config variant
the test suite builds (feature flags, blue/green, night pause ...).

    python -m tools.graph_guard capture DIR   run the test suite once, keeping each graph it renders
    python -m tools.graph_guard check DIR     render each kept variant with today's code and compare

``capture`` sets GRAPH_CAPTURE_DIR, which makes tools.offline.run_program write each rendered
variant (its stack, project, config and canonical graph) to DIR. ``check`` needs no test run: it
re-renders those variants in this process, so it takes seconds per hundred variants.

Compared: URNs, types, names, parents, inputs, secret inputs, dependencies, resource options and
the stack's exports; registration order aside. Not compared: the mock's ids and outputs (they
follow from the URN) and the module path of a transform function, which the engine never sees
(only the function runs; moving it to another module changes nothing on the stack).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
CAPTURE_ENV = "GRAPH_CAPTURE_DIR"

# The registration fields a refactor must keep (tools/offline/monitor.py RecordingMonitor).
COMPARED_FIELDS = (
    "type",
    "name",
    "custom",
    "parent",
    "inputs",
    "secretInputs",
    "dependencies",
    "propertyDependencies",
    "options",
)


def canonical(graph: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a graph a refactor must keep, in an order-free form."""
    resources: dict[str, Any] = {}
    for resource in graph["resources"]:
        kept = {field: resource.get(field) for field in COMPARED_FIELDS}
        kept["dependencies"] = sorted(kept["dependencies"] or [])
        kept["propertyDependencies"] = {
            prop: sorted(urns) for prop, urns in (kept["propertyDependencies"] or {}).items()
        }
        options = dict(kept["options"] or {})
        if "transforms" in options:
            options["transforms"] = [name.rsplit(".", 1)[-1] for name in options["transforms"]]
        kept["options"] = options
        resources[resource["urn"]] = kept
    return {"resources": resources, "outputs": graph.get("outputs"), "error": graph.get("error")}


def variant_key(stack: str, project: str, config: Mapping[str, str]) -> str:
    text = json.dumps([stack, project, dict(sorted(config.items()))])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def record(
    graph: Mapping[str, Any],
    *,
    project_dir: Path,
    config: Mapping[str, str],
    secrets: Sequence[str],
    directory: Path,
) -> None:
    """Keep one rendered variant (called by run_program when GRAPH_CAPTURE_DIR is set).

    Projects outside the repository (a test's temporary copy) are not kept: they are gone by the
    time a check runs, and the repository's own projects cover what they render."""
    if not project_dir.resolve().is_relative_to(REPO_ROOT):
        return
    project = str(project_dir.resolve().relative_to(REPO_ROOT))
    stack = str(graph["stack"])
    entry = {
        "stack": stack,
        "project": project,
        "config": dict(config),
        "secrets": list(secrets),
        "graph": canonical(graph),
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{variant_key(stack, project, config)}.json"
    path.write_text(json.dumps(entry, sort_keys=True, indent=1) + "\n")


def differences(before: Any, after: Any, path: str = "") -> Iterator[str]:
    """One line per place where ``after`` differs from ``before``."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            where = f"{path}/{key}" if path else str(key)
            if key not in after:
                yield f"removed {where}"
            elif key not in before:
                yield f"added {where}"
            else:
                yield from differences(before[key], after[key], where)
    elif before != after:
        yield f"changed {path}: {json.dumps(before)[:200]} -> {json.dumps(after)[:200]}"


def check(directory: Path) -> int:
    """Re-render every kept variant with today's code; print what differs; 1 if anything does."""
    from tools.offline import run_program  # imports pulumi: only when rendering

    entries = sorted(directory.glob("*.json"))
    if not entries:
        print(f"graph_guard: no captured variants in {directory}", file=sys.stderr)
        return 2
    changed = 0
    for path in entries:
        entry = json.loads(path.read_text())
        graph = run_program(
            entry["stack"],
            project_dir=REPO_ROOT / entry["project"],
            config=entry["config"],
            secrets=entry["secrets"],
            raise_errors=False,
        )
        found = list(differences(entry["graph"], canonical(graph)))
        if found:
            changed += 1
            print(f"{path.name} ({entry['project']} {entry['stack']}):")
            for line in found[:40]:
                print(f"  {line}")
            if len(found) > 40:
                print(f"  ... {len(found) - 40} more")
    print(f"graph_guard: {len(entries)} variants, {changed} with differences")
    return 1 if changed else 0


def capture(directory: Path, pytest_args: Sequence[str]) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, CAPTURE_ENV: str(directory.resolve())}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    status = subprocess.run(command, cwd=REPO_ROOT, env=env, check=False).returncode
    print(f"graph_guard: {len(list(directory.glob('*.json')))} variants kept in {directory}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("command", choices=("capture", "check"))
    parser.add_argument("directory", type=Path)
    parser.add_argument("pytest_args", nargs="*", help="capture: extra pytest arguments")
    args = parser.parse_args(argv)
    if args.command == "capture":
        return capture(args.directory, args.pytest_args)
    return check(args.directory)


if __name__ == "__main__":
    sys.exit(main())
