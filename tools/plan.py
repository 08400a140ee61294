"""`make plan`: what `pulumi up --stack <stack>` would create, computed offline under mocks.

Prints the resource tree (component -> children, type, key settings) and writes the full graph to
build/<stack>/graph.json for the policy gate and the cost report. With ``--change`` (``make plan
CHANGE='key=value; ...'``) it prints instead what that config change does on the next `up`
(tools/day2/impact.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.day2.impact import parse_change, plan_change, render  # noqa: E402
from tools.day2.readback import format_changes, predict_second_up  # noqa: E402
from tools.graph import Graph, Resource  # noqa: E402
from tools.offline import REPO_ROOT, graph_path, plan_stack, write_graph  # noqa: E402

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--project-dir", type=Path, default=REPO_ROOT)
    parser.add_argument("--quiet", action="store_true", help="no resource tree")
    parser.add_argument(
        "--change",
        help="key=value items separated by ';' (app/ for a change under app/): print what the "
        "change does on the next up instead of the tree",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        graph = plan_stack(args.stack, args.project_dir)
        if args.change:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
