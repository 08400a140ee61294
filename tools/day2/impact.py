"""Change impact: what a config change does on the next `pulumi up`, computed offline.

``make plan STACK=dev CHANGE='cpuArchitecture=X86_64'`` renders the stack twice under mocks (as it
is, and with the change), diffs the two graphs by URN and input, and classifies each difference
with the table of tools/day2/replacements/: create, delete, update in place, or replace
(create-before-delete or delete-before-create), and for the ECS service whether the update starts
a new deployment. Replacements cascade (DESIGN.md decision 9): a replaced resource gets a new id and
ARN, so an input that refers to it (``propertyDependencies``) changes too, and replaces its owner
when that input is replace-forcing. The report flags the hazards a real `up` runs into.

This module plans a change and each example of docs/changes.md; the pieces are in tools/day2/:
change.py (the CHANGE syntax, the changed config and graph), cascade.py (the diff and its
cascade), hazards.py, report.py (this output), changes_doc.py (docs/changes.md) and
impact_model.py (what they share).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from tools.day2.cascade import diff_graphs  # noqa: E402
from tools.day2.change import (  # noqa: E402
    ConfigChange,
    changed_config,
    parse_change,
    provider_impact,
    with_new_app_content,
)
from tools.day2.changes_doc import changes_doc  # noqa: E402
from tools.day2.impact_model import ExampleResult, Graph, Impact  # noqa: E402
from tools.day2.replacements import CHANGE_EXAMPLES, ChangeExample  # noqa: E402
from tools.day2.report import render  # noqa: E402
from tools.offline import REPO_ROOT, read_stack_config, run_program  # noqa: E402

# make plan (tools/plan.py) imports parse_change and render from here with plan_change, which
# renders through this module's run_program (a test records the graphs there).
__all__ = ["main", "parse_change", "plan_change", "render", "render_examples"]


def plan_change(
    stack: str,
    change: ConfigChange,
    *,
    project_dir: Path = REPO_ROOT,
    base: Graph | None = None,
) -> Impact:
    """Render ``stack`` as configured and with ``change``; the impact of the difference.
    A config error in the change propagates as the program raised it (a ConfigError)."""
    base = base if base is not None else run_program(stack, project_dir=project_dir)
    changed: Graph = (
        run_program(
            stack,
            project_dir=project_dir,
            config=changed_config(stack, change, project_dir),
            # the stack file's secure values stay secret in the changed graph too
            secrets=read_stack_config(stack, project_dir).secrets,
        )
        if change.settings
        else base
    )
    if change.app_content:
        changed = with_new_app_content(changed)
    impact = diff_graphs(base, changed, change=change.describe(), stack=stack)
    provider = provider_impact(change, base.get("config") or {})
    if provider is not None:
        impact.resources.insert(0, provider)
    return impact


def render_examples(examples: Iterable[ChangeExample] = CHANGE_EXAMPLES) -> list[ExampleResult]:
    """Each example change planned against its stack (each stack rendered once as the base)."""
    bases: dict[str, Graph] = {}
    results = []
    for example in examples:
        try:
            if example.stack not in bases:
                bases[example.stack] = run_program(example.stack)
            change = parse_change(example.change)
            impact = plan_change(example.stack, change, base=bases[example.stack])
        except pulumi.RunError as error:
            results.append(ExampleResult(example, None, str(error)))
            continue
        results.append(ExampleResult(example, impact))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--change")
    parser.add_argument("--doc", action="store_true", help="print docs/changes.md")
    parser.add_argument("--project-dir", type=Path, default=REPO_ROOT)
    args = parser.parse_args(argv)
    if args.doc:
        print(changes_doc(render_examples()), end="")
        return 0
    if not args.change:
        parser.error("--change or --doc")
    try:
        impact = plan_change(args.stack, parse_change(args.change), project_dir=args.project_dir)
    except pulumi.RunError as error:  # a config error: one line, as the stack files give it
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(render(impact)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
