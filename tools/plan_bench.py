"""`make plan-bench`: the wall time of `make plan` beside its import floor, in one run.

The floor is what no offline plan can beat: a fresh Python importing exactly the pulumi_aws classes
the dev graph declares (``aws:ec2/vpc:Vpc`` -> ``from pulumi_aws.ec2 import Vpc``). Importing one
class runs its whole service package (pulumi_aws/ec2/__init__.py imports every ec2 class), so that
import dominates both. Each command runs once untimed (disk cache, build/dev/graph.json), then
``--runs`` times, alternating, so both medians see the same machine load. Issue 13's target is a
ratio of at most 2.0; the exit status is 1 above ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FLOOR_GRAPH = REPO_ROOT / "build" / "dev" / "graph.json"


def pulumi_aws_class(type_token: str) -> tuple[str, str] | None:
    """``aws:ec2/vpc:Vpc`` -> (``pulumi_aws.ec2``, ``Vpc``); None for a type of another package
    (awsx, components). The Python SDK's module is the token's module before its '/'."""
    package, module_path, class_name = type_token.split(":")
    if package != "aws":
        return None
    return f"pulumi_aws.{module_path.split('/')[0]}", class_name


def floor_source(type_tokens: Iterable[str]) -> str:
    """Python source importing the pulumi_aws class of each type token, one line per module."""
    by_module: dict[str, set[str]] = {}
    for token in type_tokens:
        found = pulumi_aws_class(token)
        if found is not None:
            by_module.setdefault(found[0], set()).add(found[1])
    return "\n".join(
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(by_module.items())
    )


def wall_time(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--stack", default="dev", help="the stack `make plan` plans")
    parser.add_argument("--max-ratio", type=float, default=2.0)
    args = parser.parse_args(argv)
    plan = ["make", "--no-print-directory", "-s", "plan", f"STACK={args.stack}"]
    wall_time(plan)  # warm-up; it also writes the dev graph the floor is derived from
    if args.stack != "dev":
        wall_time(["make", "--no-print-directory", "-s", "graph", "STACK=dev"])
    types = {r["type"] for r in json.loads(FLOOR_GRAPH.read_text())["resources"]}
    source = floor_source(types)
    floor = [sys.executable, "-c", source]
    wall_time(floor)
    floor_times: list[float] = []
    plan_times: list[float] = []
    for _ in range(args.runs):
        floor_times.append(wall_time(floor))
        plan_times.append(wall_time(plan))
    floor_median = statistics.median(floor_times)
    plan_median = statistics.median(plan_times)
    ratio = plan_median / floor_median
    classes = sum(len(line.split(", ")) for line in source.splitlines())
    print(
        f"import floor ({classes} pulumi_aws classes of {FLOOR_GRAPH.relative_to(REPO_ROOT)}): "
        f"median {floor_median:.2f} s of {args.runs} ({', '.join(f'{t:.2f}' for t in floor_times)})"
    )
    print(
        f"make plan STACK={args.stack}: median {plan_median:.2f} s of {args.runs} "
        f"({', '.join(f'{t:.2f}' for t in plan_times)})"
    )
    print(f"ratio {ratio:.2f}x (target at most {args.max_ratio:.1f}x)")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
