"""`make plan`: what `pulumi up --stack <stack>` would create, computed offline under mocks.

Prints the resource tree (component -> children, type, key settings), writes the full graph to
build/<stack>/graph.json, then runs the policy gate (tools/policy_gate.py) and prices the graph
(tools/cost) in the same process: exit status 1 on a config error or a failed gate. With
``--quiet`` it only writes the graph. With ``--change`` (``make plan CHANGE='key=value; ...'``) it
prints instead what that config change does on the next `up` (tools/day2/impact.py).

One process instead of three (issue 13: `make plan` within 2.0x the import floor, measured by
`make plan-bench`): the policy pack's server starts from a thread first, so its start-up (a
second Python importing pulumi_policy and the rules) runs beside the program, and the gate and the
cost report run in this process, which has already imported what they need.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.cost.__main__ import main as cost_main  # noqa: E402
from tools.day2.readback import format_changes, predict_second_up  # noqa: E402
from tools.graph import Graph, Resource  # noqa: E402
from tools.offline import (  # noqa: E402
    REPO_ROOT,
    StackSetupError,
    graph_path,
    plan_stack,
    stack_config_map,
    stack_file,
    write_graph,
)
from tools.policy_gate import (  # noqa: E402
    POLICY_DIR,
    PolicyConfigMissing,
    PolicyPackClient,
    format_result,
    load_policy_config,
    policy_pack,
    run_with_client,
)

# The inputs worth a glance per type; everything else is in the JSON graph.
KEY_SETTINGS: dict[str, tuple[str, ...]] = {
    "aws:ec2/vpc:Vpc": ("cidrBlock", "enableDnsHostnames"),
    "aws:ec2/subnet:Subnet": ("cidrBlock", "availabilityZone"),
    "aws:ec2/route:Route": ("destinationCidrBlock",),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("serviceName", "vpcEndpointType", "privateDnsEnabled"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "fromPort", "toPort", "cidrIpv4", "referencedSecurityGroupId", "prefixListId",
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (
        "fromPort", "toPort", "cidrIpv4", "referencedSecurityGroupId", "prefixListId",
    ),
    "aws:ec2/flowLog:FlowLog": ("trafficType",),
    "aws:lb/loadBalancer:LoadBalancer": ("internal", "dropInvalidHeaderFields"),
    "aws:lb/targetGroup:TargetGroup": ("targetType", "port", "deregistrationDelay"),
    "aws:lb/listener:Listener": ("protocol", "port", "sslPolicy"),
    "aws:ecs/taskDefinition:TaskDefinition": ("cpu", "memory"),
    "aws:ecs/service:Service": ("desiredCount",),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "threshold"),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays",),
    "aws:ecr/repository:Repository": ("imageTagMutability",),
}  # fmt: skip


def describe(resource: Resource) -> str:
    settings = [
        f"{key}={resource['inputs'][key]}"
        for key in KEY_SETTINGS.get(resource["type"], ())
        if resource["inputs"].get(key) not in (None, "")
    ]
    options = [name for name, value in resource["options"].items() if value]
    parts = [resource["type"], resource["name"], *settings]
    if options:
        parts.append("[" + ", ".join(options) + "]")
    return "  ".join(str(part) for part in parts)


def print_tree(graph: dict[str, Any]) -> None:
    for depth, resource in Graph(graph).walk():
        print("  " * depth + describe(resource))


class PackInBackground:
    """policy/__main__.py started on a worker thread: its start-up overlaps the program's run
    (the thread only waits on the pack's stdout and channel, so it holds the GIL for moments)."""

    def __init__(self) -> None:
        self._exits = ExitStack()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-pack")
        self._client: Future[PolicyPackClient] = self._pool.submit(
            self._exits.enter_context, policy_pack()
        )

    def client(self) -> PolicyPackClient:
        return self._client.result()

    def close(self) -> None:
        # Wait until the pack has started (or failed to): only then is its stop registered.
        self._pool.shutdown(wait=True)
        self._exits.close()


def gate_and_cost(
    client: PolicyPackClient, stack: str, policy_config: dict[str, Any], out: Path
) -> int:
    """What `make policy` and `make cost` printed as the recipe's next two commands: the gate's
    report, then (only after a passing gate) the cost line and its headroom to the stack's budget,
    both from the graph file just written."""
    started = time.monotonic()
    # Read back rather than handed over in memory: the gate sees the graph as policy_gate.py
    # reads it (JSON types, sorted keys), so its messages are the ones `make policy` prints.
    graph = json.loads(out.read_text())
    result = run_with_client(client, graph, policy_config, stack)
    print(format_result(result, stack))
    print(f"({time.monotonic() - started:.2f} s)")
    if not result.passed:
        return 1
    return cost_main(["--stack", stack, "--graph", str(out), "--total-only", "--budget"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--project-dir", type=Path, default=REPO_ROOT)
    parser.add_argument(
        "--quiet", action="store_true", help="write the graph only: no tree, gate or cost"
    )
    parser.add_argument(
        "--policy-config", type=Path, help="default policy/config/<stack>.json (policy_gate.py)"
    )
    parser.add_argument(
        "--change",
        help="key=value items separated by ';' (app/ for a change under app/): print what the "
        "change does on the next up instead of the tree",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.quiet or args.change:
        return plan(args, started)
    # A new stack's missing files stop the plan before the program runs, each with one line
    # naming the file to create: the stack file first, then its policy config.
    try:
        stack_file(args.stack, args.project_dir)
        policy_config = load_policy_config(
            args.policy_config or POLICY_DIR / "config" / f"{args.stack}.json"
        )
    except (StackSetupError, PolicyConfigMissing) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    pack = PackInBackground()
    try:
        status = plan(args, started)
        if status:
            return status
        out = graph_path(args.stack, args.project_dir)
        return gate_and_cost(pack.client(), args.stack, policy_config, out)
    finally:
        pack.close()


def plan(args: argparse.Namespace, started: float) -> int:
    """The program's run: the graph file and (unless quiet) the tree, or with ``--change`` what
    the change does."""
    try:
        graph = plan_stack(args.stack, args.project_dir)
        if args.change:
            # Only here: make plan without CHANGE does not pay for importing the change model.
            from tools.day2.impact import parse_change, plan_change, render

            impact = plan_change(
                args.stack, parse_change(args.change), project_dir=args.project_dir, base=graph
            )
            print("\n".join(render(impact)))
            print(f"({time.perf_counter() - started:.1f} s)")
            return 0
    except pulumi.RunError as error:  # a config error: one line, no stack trace
        print(f"error: {error}", file=sys.stderr)
        return 1
    out = graph_path(args.stack, args.project_dir)
    write_graph(graph, out)
    if not args.quiet:
        print_tree(graph)
        # What an unchanged second `up` would change once AWS has answered (docs/offline-graph.md).
        print("\n" + format_changes(predict_second_up(graph)))
    custom = sum(1 for r in graph["resources"] if r["custom"])
    print(
        f"\nplan {graph['project']}/{args.stack} ({graph['region']}): {custom} resources in "
        f"{len(graph['resources']) - custom} components; graph: {out.relative_to(REPO_ROOT)} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for key, value in graph["outputs"].items():
        print(f"  output {key}: {value}")
    for path in graph["secrets"]:
        print(f"secret {path} not decrypted offline: planned with a placeholder")
    for key, value in lent_values(args.stack, args.project_dir).items():
        print(
            f"{key} is left to the stack's owner: planned offline with {value}; "
            f"`pulumi up` stops until Pulumi.{args.stack}.yaml sets it"
        )
    return 0


def lent_values(stack: str, project_dir: Path) -> dict[str, str]:
    """The settings the offline plan lends a stack that leaves them to its owner
    (tools/offline/stack_config.py OWNER_VALUES), so the output never passes them off as the stack's own."""
    own = stack_config_map(stack, project_dir, owner_values=False)
    planned = stack_config_map(stack, project_dir)
    return {key: value for key, value in planned.items() if own.get(key) != value}


if __name__ == "__main__":
    # A short-lived process: the cyclic collector would only re-scan the hundreds of thousands of
    # objects importing pulumi_aws creates, about a tenth of the run's CPU (make plan-bench).
    gc.disable()
    sys.exit(main())
