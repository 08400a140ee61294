"""Private subnets, where the tasks and interface endpoints run: no internet route, and the
endpoints that stand in for one (ECR, CloudWatch Logs, secrets, the S3 gateway) (policy_rules.md
§1, VPC-07 to VPC-09). A VPC with an egress-only internet gateway and IPv6-only task subnets is
the `ipv6-egress-only` network mode (docs/ipv6-egress.md): there VPC-08 asks for the logs
endpoint only, and for images on ECR's dual-stack registry host."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import Finding, StackFinding, resource_rule, stack_rule
from ._policy_documents import statements
from ._resources import PUBLIC_ANY, Stack, as_list, is_false, is_true, load_json, nested
from .ecs import containers

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
RT_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
EGRESS_ONLY_IGW = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"


def task_subnets(stack: Stack) -> list[PolicyResource]:
    """Subnets an ECS service runs its tasks in."""
    services = stack.of_type(ECS_SERVICE)
    return [
        subnet
        for subnet in stack.of_type(SUBNET)
        if any(stack.refers_to(service, "networkConfiguration", subnet) for service in services)
    ]


def private_subnets(stack: Stack) -> list[PolicyResource]:
    """Subnets the tasks or the interface endpoints run in (what makes a subnet private here)."""
    used_by_tasks = task_subnets(stack)
    interface_endpoints = [
        endpoint
        for endpoint in stack.of_type(ENDPOINT)
        if str(endpoint.props.get("vpcEndpointType", "")).lower() == "interface"
    ]
    return [
        subnet
        for subnet in stack.of_type(SUBNET)
        if subnet in used_by_tasks
        or any(stack.refers_to(endpoint, "subnetIds", subnet) for endpoint in interface_endpoints)
    ]


def has_egress_only_gateway(stack: Stack, vpc: PolicyResource) -> bool:
    return bool(stack.referencing(vpc, "vpcId", EGRESS_ONLY_IGW))


def is_ipv6_only(subnet: PolicyResource) -> bool:
    return is_true(subnet.props.get("ipv6Native")) and not subnet.props.get("cidrBlock")


def route_tables_of(stack: Stack, subnets: list[PolicyResource]) -> list[PolicyResource]:
    """The route tables associated with any of `subnets`."""
    tables: list[PolicyResource] = []
    for table in stack.of_type(ROUTE_TABLE):
        associations = stack.referencing(table, "routeTableId", RT_ASSOCIATION)
        if any(stack.refers_to(a, "subnetId", s) for a in associations for s in subnets):
            tables.append(table)
    return tables


def private_route_tables(stack: Stack) -> list[PolicyResource]:
    return route_tables_of(stack, private_subnets(stack))


def _is_default_route(route: Mapping[str, Any]) -> bool:
    return (
        route.get("destinationCidrBlock") in PUBLIC_ANY
        or route.get("cidrBlock") in PUBLIC_ANY
        or route.get("destinationIpv6CidrBlock") in PUBLIC_ANY
        or route.get("ipv6CidrBlock") in PUBLIC_ANY
    )


def _private_rt_no_igw(stack: Stack, table: PolicyResource) -> Iterator[StackFinding]:
    if table not in private_route_tables(stack):
        return
    gateways = stack.of_type(IGW)
    for route in stack.referencing(table, "routeTableId", ROUTE):
        to_igw = any(stack.refers_to(route, "gatewayId", igw) for igw in gateways) or str(
            route.props.get("gatewayId", "")
        ).startswith("igw-")
        if _is_default_route(route.props) and to_igw:
            yield StackFinding(
                route, f"default route to an internet gateway in private route table {table.name}"
            )
    inline_igw = any(stack.refers_to(table, "routes", igw) for igw in gateways)
    for inline in as_list(table.props.get("routes")):
        gateway = str(inline.get("gatewayId") or "")
        if _is_default_route(inline) and (gateway.startswith("igw-") or (gateway and inline_igw)):
            yield StackFinding(table, "an inline default route to an internet gateway")


private_rt_no_igw = stack_rule(
    name="private-subnet-no-igw-route",
    rows=["VPC-07"],
    description="Route tables of task and endpoint subnets have no internet route.",
    subjects=[ROUTE_TABLE],
    fix="give private subnets their own route table with only the local route and the S3 "
    "gateway endpoint; keep the IGW route on the public (ALB) route table",
    severity="high",
    dev="M",
    sources="custom (CKV2_AWS_35/44 cover NAT instances and peering only)",
    check=_private_rt_no_igw,
)


# --- endpoints --------------------------------------------------------------------------------------

REQUIRED_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")
# IPv6-only tasks pull over the egress-only gateway from ECR's dual-stack hosts, which PrivateLink
# does not serve; no AWS document says Fargate's awslogs driver finds the dual-stack Logs endpoint,
# so Logs keeps its endpoint (docs/ipv6-egress.md section 1; claims R1, R2, L2).
IPV6_ONLY_INTERFACE_ENDPOINTS = ("logs",)
# Any region's dual-stack host answers over IPv6; ECS-13 and the config pin the repository.
DUAL_STACK_ECR_IMAGE = re.compile(r"^\d{12}\.dkr-ecr\.[a-z0-9-]+\.on\.aws/")


def _service_suffix(endpoint: PolicyResource) -> str:
    name = str(endpoint.props.get("serviceName", ""))
    parts = name.split(".")
    # com.amazonaws.<region>.<service...>
    return (
        ".".join(parts[3:])
        if len(parts) > 3  # pragma: no mutate (> 2, >= 3, != 3: service names have 4+ parts)
        else name
    )


def _secret_services(stack: Stack) -> set[str]:
    """Endpoints needed by `secrets[].valueFrom` in the task definitions."""
    needed: set[str] = set()
    for task in stack.of_type(TASK_DEFINITION):
        containers = load_json(task.props.get("containerDefinitions")) or []
        for container in containers if isinstance(containers, list) else []:
            for secret in container.get("secrets") or []:
                source = str(secret.get("valueFrom", ""))
                if source.startswith("arn:aws:secretsmanager:"):
                    needed.add("secretsmanager")
                elif source.startswith("arn:aws:ssm:") or not source.startswith("arn:"):
                    needed.add("ssm")
    return needed


def _endpoint_ingress_ok(stack: Stack, sg: PolicyResource, vpc_cidrs: set[str]) -> list[str]:
    problems: list[str] = []
    for rule in stack.referencing(sg, "securityGroupId", SG_INGRESS, SG_RULE):
        props = rule.props
        if (
            rule.resource_type == SG_RULE  # pragma: no mutate (<=: SG_INGRESS sorts above SG_RULE)
            and props.get("type") != "ingress"  # pragma: no mutate (<: "egress" sorts below)
        ):
            continue
        protocol = str(props.get("ipProtocol", props.get("protocol", ""))).lower()
        port_ok = protocol in ("tcp", "6") and props.get("fromPort") == 443 == props.get("toPort")
        cidrs = [c for c in (props.get("cidrIpv4"), props.get("cidrIpv6")) if c] + [
            c for c in as_list(props.get("cidrBlocks")) if c
        ]
        source_ok = all(c in vpc_cidrs for c in cidrs)
        if not (port_ok and source_ok):
            problems.append(f"{rule.name} is not tcp 443 from the task SG or VPC CIDR")
    return problems


def _ipv6_egress_only(
    stack: Stack, vpc: PolicyResource, private_tasks: list[PolicyResource]
) -> bool:
    """The VPC has an egress-only internet gateway and every private task runs in IPv6-only
    subnets: the ipv6-egress-only network mode."""
    if not has_egress_only_gateway(stack, vpc):
        return False
    subnets = [
        subnet
        for service in private_tasks
        for subnet in stack.referenced(service, "networkConfiguration", SUBNET)
    ]
    return bool(subnets) and all(is_ipv6_only(subnet) for subnet in subnets)


def _images_off_the_dual_stack_host(
    stack: Stack, private_tasks: list[PolicyResource]
) -> Iterator[StackFinding]:
    for task in stack.of_type(TASK_DEFINITION):
        if not any(stack.refers_to(service, "taskDefinition", task) for service in private_tasks):
            continue
        for container in containers(task.props):
            image = str(container.get("image", ""))
            if not DUAL_STACK_ECR_IMAGE.match(image):
                yield StackFinding(
                    task,
                    f"container {container.get('name', '?')!r} image {image!r} is not on ECR's "
                    "dual-stack registry host, the only ECR host IPv6-only tasks can pull from",
                    fix="name the image as <account>.dkr-ecr.<region>.on.aws/<repository>@sha256:"
                    "<digest> (components.ecr_image.dual_stack_image)",
                )


def _endpoints_for_tasks(stack: Stack, vpc: PolicyResource) -> Iterator[StackFinding]:
    props = vpc.props
    if is_false(props.get("enableDnsSupport")) or not is_true(props.get("enableDnsHostnames")):
        yield StackFinding(
            vpc,
            "enable_dns_support and enable_dns_hostnames must both be true for endpoint private DNS",
        )
    private_tasks = [
        s
        for s in stack.of_type(ECS_SERVICE)
        if not is_true(nested(s.props, "networkConfiguration", "assignPublicIp"))
    ]
    endpoints = [
        e
        for e in stack.referencing(vpc, "vpcId", ENDPOINT)
        if str(e.props.get("vpcEndpointType", "Gateway")).lower() == "interface"
    ]
    if private_tasks:
        present = {_service_suffix(e) for e in endpoints}
        ipv6_only = _ipv6_egress_only(stack, vpc, private_tasks)
        required = IPV6_ONLY_INTERFACE_ENDPOINTS if ipv6_only else REQUIRED_INTERFACE_ENDPOINTS
        missing = sorted(
            (set(required) | _secret_services(stack))  # pragma: no mutate (^: disjoint sets)
            - present
        )
        if missing and ipv6_only:
            yield StackFinding(
                vpc,
                "IPv6-only tasks reach ECR through the egress-only gateway but still need "
                "interface endpoints for " + ", ".join(missing),
                fix="create the logs interface endpoint (plus secretsmanager/ssm when secrets "
                'are used) in the IPv6-only subnets with ip_address_type="ipv6" and '
                "private_dns_enabled=True",
            )
        elif missing:
            yield StackFinding(
                vpc,
                "private tasks cannot pull images or ship logs without interface endpoints for "
                + ", ".join(missing),
            )
        if ipv6_only:
            yield from _images_off_the_dual_stack_host(stack, private_tasks)
    vpc_cidrs = {c for c in (props.get("cidrBlock"), props.get("ipv6CidrBlock")) if c}
    for endpoint in endpoints:
        e = endpoint.props
        if not is_true(e.get("privateDnsEnabled")):
            yield StackFinding(endpoint, "private_dns_enabled is not true")
        if not as_list(e.get("subnetIds")):
            yield StackFinding(endpoint, "no subnet_ids")
        groups = stack.referenced(endpoint, "securityGroupIds", SECURITY_GROUP)
        if not as_list(e.get("securityGroupIds")):
            yield StackFinding(endpoint, "no security_group_ids")
        for group in groups:
            for problem in _endpoint_ingress_ok(stack, group, vpc_cidrs):
                yield StackFinding(endpoint, f"endpoint SG {group.name}: {problem}")


endpoints_for_tasks = stack_rule(
    name="vpc-endpoint-interface-private-dns",
    rows=["VPC-08"],
    description="Private tasks have private-DNS interface endpoints for ECR and CloudWatch Logs "
    "(IPv6-only tasks behind an egress-only gateway: Logs, and images on ECR's dual-stack host).",
    subjects=[VPC],
    fix="create ecr.api, ecr.dkr and logs interface endpoints (plus secretsmanager/ssm when "
    "secrets are used) with private_dns_enabled=True, private subnet_ids and an endpoint SG that "
    "admits only tcp 443 from the task SG",
    severity="medium",
    dev="M",
    sources="custom (function and security; CKV_AWS_123 covers endpoint services only)",
    check=_endpoints_for_tasks,
)


def _s3_gateways(stack: Stack) -> list[PolicyResource]:
    return [
        e
        for e in stack.of_type(ENDPOINT)
        if str(e.props.get("vpcEndpointType", "Gateway")).lower() == "gateway"
        and str(e.props.get("serviceName", "")).endswith(".s3")
    ]


def _s3_gateway_routes(stack: Stack, table: PolicyResource) -> Iterator[StackFinding]:
    if table not in private_route_tables(stack):
        return
    gateways = _s3_gateways(stack)
    if not any(stack.refers_to(g, "routeTableIds", table) for g in gateways):
        yield StackFinding(
            table,
            "no S3 gateway endpoint routes this private table, so ECR image layers (served "
            "from S3) cannot be pulled without NAT",
        )


s3_gateway_routes = stack_rule(
    name="vpc-endpoint-s3-gateway-on-private-rts",
    rows=["VPC-09"],
    description="An S3 gateway endpoint serves every private route table.",
    subjects=[ROUTE_TABLE],
    fix="add the private route table to the S3 gateway endpoint's route_table_ids",
    severity="medium",
    dev="M",
    sources="custom",
    check=_s3_gateway_routes,
)


def _s3_gateway_policy(args: ResourceValidationArgs) -> Iterator[Finding]:
    props = args.props
    if (
        str(props.get("vpcEndpointType", "Gateway")).lower()
        != "gateway"  # pragma: no mutate (>: every other endpoint type sorts above "gateway")
    ):
        return
    if not str(props.get("serviceName", "")).endswith(".s3"):
        return
    policy = props.get("policy")
    if not policy:
        yield Finding("the S3 gateway endpoint has no endpoint policy, so it reaches every bucket")
        return
    for statement in statements(policy):
        if statement.allows and ("*" in statement.resources or statement.not_resources):
            yield Finding('the endpoint policy allows every bucket (Resource "*")')


s3_gateway_policy = resource_rule(
    name="vpc-endpoint-s3-gateway-policy",
    rows=["VPC-09"],
    description="The S3 gateway endpoint policy is limited to the ECR layer bucket and ours.",
    types=[ENDPOINT],
    fix="set an endpoint policy allowing s3:GetObject on arn:aws:s3:::prod-<region>-starport-"
    "layer-bucket/* plus the stack's own buckets",
    severity="low",
    dev="A",
    sources="custom",
    check=_s3_gateway_policy,
)


POLICIES = [
    private_rt_no_igw,
    endpoints_for_tasks,
    s3_gateway_routes,
    s3_gateway_policy,
]
