"""`make test-bench`: the wall time of each part of `make test` (lint, typecheck, unit), median of
``--runs`` warm runs.

Each part runs through its own make target, so what is timed is what `make test` runs (the unit
target's pytest workers included). The unit part runs once untimed first (byte-code, the workers'
imports, the policy pack's start from a warm disk cache); then the three parts run in turn ``--runs``
times, so each median sees the same machine load. Beside each wall time: the CPU time of the
processes it started (user + system), which another job on the machine barely changes, and the load
average when it began. Issue 12's target is the unit part at or under 60 s on 2 cores; the exit
status is 1 when its median is above ``--max-unit-seconds``, 2 when a part fails (its output's tail
is printed: a failing run's time is not the suite's).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PARTS = ("lint", "typecheck", "unit")


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    load: float
    passed: bool


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_part(part: str) -> Timing:
    """One run of `make <part>`; on failure its output's last lines go to stderr."""
    load = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", part],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).splitlines()[-15:]
        print(f"make {part} failed:\n" + "\n".join(tail), file=sys.stderr)
    return Timing(wall, _children_cpu() - cpu_before, load, done.returncode == 0)


def summary(part: str, timings: Sequence[Timing]) -> str:
    walls = ", ".join(f"{t.wall:.1f}" for t in timings)
    cpus = ", ".join(f"{t.cpu:.1f}" for t in timings)
    loads = ", ".join(f"{t.load:.1f}" for t in timings)
    failed = "" if all(t.passed for t in timings) else " (FAILED runs: not the suite's time)"
    return (
        f"make {part}: median {statistics.median(t.wall for t in timings):.1f} s wall of "
        f"{len(timings)} ({walls}); CPU {cpus} s; load average at start {loads}{failed}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each part")
    parser.add_argument("--max-unit-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} CPUs; warm-up: make unit", flush=True)
    run_part("unit")
    timings: dict[str, list[Timing]] = {part: [] for part in PARTS}
    for _ in range(args.runs):
        for part in PARTS:
            timings[part].append(run_part(part))
    for part in PARTS:
        print(summary(part, timings[part]))
    if not all(t.passed for part in PARTS for t in timings[part]):
        return 2
    unit = statistics.median(t.wall for t in timings["unit"])
    print(f"unit median {unit:.1f} s (target at most {args.max_unit_seconds:.0f} s)")
    return 0 if unit <= args.max_unit_seconds else 1


if __name__ == "__main__":
    sys.exit(main())
