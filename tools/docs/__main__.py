"""python -m tools.docs [--check]: rewrite README.md's regions, or say which are stale."""

from __future__ import annotations

import argparse
import sys

from tools.docs import __doc__ as DESCRIPTION
from tools.docs.facts import plan_and_collect
from tools.docs.markers import rewrite, stale
from tools.docs.regions import render
from tools.offline import REPO_ROOT

README = REPO_ROOT / "README.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docs", description=DESCRIPTION)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a region is stale"
    )
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    regions = render(plan_and_collect())
    if args.check:
        names = stale(text, regions)
        for name in names:
            print(f"README.md region {name!r} is stale: run `make docs`", file=sys.stderr)
        return 1 if names else 0
    updated = rewrite(text, regions)
    if updated != text:
        README.write_text(updated, encoding="utf-8")
    print(f"README.md: {len(regions)} regions written ({', '.join(regions)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
