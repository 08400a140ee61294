"""Monthly cost lines for a resource graph: one formula per priced charge, stated on the line."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tools.cost.schedule import (
    ScalingEvent,
    UnsupportedSchedule,
    WeekPeriod,
    fixed_nightly_periods,
    parse_cron,
    week_periods,
)
from tools.cost.tables import PriceTable, UnitPrice, Usage
from tools.graph import Graph, Resource


def inputs_of(resource: Resource) -> Mapping[str, Any]:
    return resource.get("inputs") or {}


def name_of(resource: Resource) -> str:
    return str(resource.get("name", "?"))


def physical_names(resource: Resource) -> set[str]:
    """Names AWS may know the resource by: the auto-named physical name, an explicit one, logical."""
    names = {name_of(resource)}
    for source in (resource.get("outputs") or {}, inputs_of(resource)):
        if isinstance(source.get("name"), str):
            names.add(source["name"])
    return names


LineKind = Literal["charge", "free_tier", "not_priced", "free"]

ON_DEMAND = "FARGATE"
SPOT = "FARGATE_SPOT"
X86 = "X86_64"
ARM = "ARM64"

T_ALB = "aws:lb/loadBalancer:LoadBalancer"
T_SERVICE = "aws:ecs/service:Service"
T_CLUSTER = "aws:ecs/cluster:Cluster"
T_CLUSTER_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
T_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
T_NAT = "aws:ec2/natGateway:NatGateway"
T_EIP = "aws:ec2/eip:Eip"
T_SUBNET = "aws:ec2/subnet:Subnet"
T_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
T_COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
T_METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
T_DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
T_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
T_FLOW_LOG = "aws:ec2/flowLog:FlowLog"
T_WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
T_SCALING_POLICY = "aws:appautoscaling/policy:Policy"
T_SCALING_TARGET = "aws:appautoscaling/target:Target"
T_SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
T_WEB_ACL = "aws:wafv2/webAcl:WebAcl"
T_KMS_KEY = "aws:kms/key:Key"
T_ECR_REPOSITORY = "aws:ecr/repository:Repository"
T_S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
T_ZONE = "aws:route53/zone:Zone"
T_TOPIC = "aws:sns/topic:Topic"
T_DYNAMODB_TABLE = "aws:dynamodb/table:Table"
T_SECRET = "aws:secretsmanager/secret:Secret"

# Types priced below; the ones also in the free list (cluster, scaling policy) only imply charges.
PRICED_TYPES = frozenset(
    {
        T_ALB,
        T_SERVICE,
        T_ENDPOINT,
        T_NAT,
        T_EIP,
        T_ALARM,
        T_COMPOSITE,
        T_METRIC_FILTER,
        T_DASHBOARD,
        T_LOG_GROUP,
        T_FLOW_LOG,
        T_WAF_LOGGING,
        T_WEB_ACL,
        T_KMS_KEY,
        T_ECR_REPOSITORY,
        *T_S3_BUCKETS,
        T_ZONE,
        T_TOPIC,
        T_DYNAMODB_TABLE,
        T_SECRET,
    }
)
# Logs AWS services deliver to CloudWatch Logs at the vended rate, with their volume key.
VENDED_LOG_USAGE = {T_FLOW_LOG: "flow_log_gb_per_month", T_WAF_LOGGING: "waf_log_gb_per_month"}


@dataclass(frozen=True)
class Line:
    section: str
    item: str
    resources: tuple[str, ...]
    quantity: float
    unit: str
    unit_usd: float
    source: str
    kind: LineKind = "charge"
    note: str = ""

    @property
    def monthly_usd(self) -> float:
        return self.quantity * self.unit_usd


@dataclass(frozen=True)
class Design:
    """Substitutions --compare applies to the stack as configured (None = as configured)."""

    label: str = "as configured"
    endpoint_azs: int | None = None
    nat_gateways_instead_of_endpoints: int | None = None
    cpu_architecture: str | None = None
    capacity_provider: str | None = None
    # "configured": the graph's scheduled actions; "always_on": ignore them; "nightly": the
    # usage file's default off-hours every day.
    schedule: Literal["configured", "always_on", "nightly"] = "configured"


AS_CONFIGURED = Design()


@dataclass(frozen=True)
class Estimate:
    stack: str
    region: str
    prices_seen: str
    design: Design
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = field(default=())

    def of_kind(self, kind: LineKind) -> list[Line]:
        return [line for line in self.lines if line.kind == kind]

    @property
    def total_usd(self) -> float:
        """The headline: list price before free tiers."""
        return sum(line.monthly_usd for line in self.of_kind("charge"))

    @property
    def free_tier_usd(self) -> float:
        return sum(line.monthly_usd for line in self.of_kind("free_tier"))

    @property
    def total_after_free_tiers_usd(self) -> float:
        return self.total_usd + self.free_tier_usd

    @property
    def not_priced(self) -> list[Line]:
        return self.of_kind("not_priced")


def estimate(
    graph: Graph,
    prices: PriceTable,
    usage: Usage,
    design: Design = AS_CONFIGURED,
) -> Estimate:
    pricer = _Pricer(graph, prices, usage, design)
    return pricer.run()


def fargate_size(cpu: object, memory: object) -> tuple[float, float]:
    """(vCPU, GB) from task-definition strings: cpu 256 = 0.25 vCPU, memory 512 MiB = 0.5 GB."""
    return _parse_size(cpu, "vcpu", 1024), _parse_size(memory, "gb", 1024)


def _parse_size(value: object, word: str, units_per_whole: int) -> float:
    text = str(value).strip().lower()
    if re.fullmatch(r"\d+", text):
        return int(text) / units_per_whole
    match = re.fullmatch(rf"(\d+(?:\.\d+)?)\s*{word}", text)
    if match is None:
        raise ValueError(f"cannot read {value!r} as a Fargate size")
    return float(match[1])


def split_tasks(count: int, strategy: Sequence[tuple[str, int, int]]) -> dict[str, int]:
    """Tasks per capacity provider as ECS places them: `base` first, the rest by weight.

    The weighted remainder is split by largest remainder (ties to the earlier provider), the
    integer placement ECS converges to.
    """
    placed = {provider: 0 for provider, _, _ in strategy}
    remaining = count
    for provider, base, _ in strategy:
        given = min(base, remaining)
        placed[provider] += given
        remaining -= given
    total_weight = sum(weight for _, _, weight in strategy)
    if remaining <= 0:
        return placed
    if total_weight <= 0:
        placed[strategy[0][0]] += remaining
        return placed
    shares = [(provider, remaining * weight / total_weight) for provider, _, weight in strategy]
    floors = {provider: math.floor(share) for provider, share in shares}
    leftover = remaining - sum(floors.values())
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i][1] - floors[shares[i][0]]), i))
    for index in order[:leftover]:
        floors[shares[index][0]] += 1
    for provider, extra in floors.items():
        placed[provider] += extra
    return placed


def dated(as_of: str) -> str:
    return as_of if as_of.startswith("seen") else f"as of {as_of}"


def endpoint_service(service_name: str) -> str:
    """'com.amazonaws.ap-northeast-1.ecr.api' -> 'ecr.api'."""
    parts = service_name.split(".", 3)
    return parts[3] if len(parts) == 4 and parts[0] == "com" else service_name


def alarm_metric_count(alarm: Resource) -> int:
    """Alarm metrics AWS bills: 1 for a standard alarm, one per metric a math expression reads."""
    queries = inputs_of(alarm).get("metricQueries") or []
    if not queries:
        return 1
    return sum(1 for query in queries if query.get("metric"))


def is_high_resolution(alarm: Resource) -> bool:
    inputs = inputs_of(alarm)
    periods = [inputs.get("period")]
    periods += [(q.get("metric") or {}).get("period") for q in inputs.get("metricQueries") or []]
    return any(isinstance(p, int | float) and p < 60 for p in periods)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def format_quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


class _Pricer:
    def __init__(self, graph: Graph, prices: PriceTable, usage: Usage, design: Design) -> None:
        self.graph = graph
        self.prices = prices
        self.usage = usage
        self.design = design
        self.hours = usage["hours_per_month"]
        self.lines: list[Line] = []
        self.notes: list[str] = []
        # Quantities the free-tier lines deduct from.
        self.alarm_metrics_standard = 0.0
        self.custom_metrics = 0.0
        self.dashboards = 0.0
        self.log_ingest_gb = 0.0
        self.log_storage_gb = 0.0
        self.sns_notifications = 0.0
        self.task_hours_by_service: dict[str, float] = {}

    # -- line helpers -------------------------------------------------------------------------

    def charge(
        self,
        section: str,
        item: str,
        resources: Iterable[str],
        quantity: float,
        price_item: str,
        note: str = "",
        *,
        unit_price: UnitPrice | None = None,
    ) -> bool:
        price = unit_price or self.prices.get(price_item)
        names = tuple(resources)
        if price is None:
            self.not_priced(
                section, item, names, f"no '{price_item}' price for {self.prices.region}"
            )
            return False
        self.lines.append(
            Line(
                section=section,
                item=item,
                resources=names,
                quantity=quantity,
                unit=price.unit,
                unit_usd=price.usd,
                source=f"{price.source} ({dated(price.as_of)})",
                note=note,
            )
        )
        return True

    def not_priced(self, section: str, item: str, resources: Iterable[str], why: str) -> None:
        self.lines.append(
            Line(section, item, tuple(resources), 0, "", 0.0, "", kind="not_priced", note=why)
        )

    # -- main ---------------------------------------------------------------------------------

    def run(self) -> Estimate:
        handlers: dict[str, Callable[[list[Resource]], None]] = {
            T_ALB: self.load_balancers,
            T_SERVICE: self.services,
            T_ENDPOINT: self.endpoints,
            T_NAT: self.nat_gateways,
            T_EIP: self.elastic_ips,
            T_ALARM: self.alarms,
            T_COMPOSITE: self.composite_alarms,
            T_METRIC_FILTER: self.metric_filters,
            T_DASHBOARD: self.dashboards_,
            T_LOG_GROUP: self.log_groups,
            T_WEB_ACL: self.web_acls,
            T_KMS_KEY: self.kms_keys,
            T_ECR_REPOSITORY: self.ecr_repositories,
            T_ZONE: self.zones,
            T_TOPIC: self.topics,
            T_DYNAMODB_TABLE: self.dynamodb_tables,
            T_SECRET: self.secrets,
        }
        for type_token, handler in handlers.items():
            handler(self.graph.of_type(type_token))
        self.s3_buckets([r for t in T_S3_BUCKETS for r in self.graph.of_type(t)])
        self.endpoint_traffic()
        self.vended_logs()
        self.design_nat_gateways()
        self.target_tracking_alarms()
        self.container_insights()
        self.unclassified()
        self.free_tiers()
        return Estimate(
            stack=str(self.graph.data.get("stack", "")),
            region=self.prices.region,
            prices_seen=self.prices.prices_seen,
            design=self.design,
            lines=tuple(self.lines),
            notes=tuple(self.notes),
        )

    # -- load balancing -------------------------------------------------------------------

    def load_balancers(self, balancers: list[Resource]) -> None:
        lcu = self.usage["alb_lcu_average"]
        for lb in balancers:
            inputs = inputs_of(lb)
            name = name_of(lb)
            kind = inputs.get("loadBalancerType") or "application"
            if kind not in ("application", "network"):
                self.not_priced(
                    "Load balancing", f"{kind} load balancer", [name], "type not in table"
                )
                continue
            prefix, hour_item, capacity_item = (
                ("ALB", "alb_hour", "alb_lcu_hour")
                if kind == "application"
                else ("NLB", "nlb_hour", "nlb_nlcu_hour")
            )
            self.charge("Load balancing", f"{prefix} hours", [name], self.hours, hour_item)
            self.charge(
                "Load balancing",
                f"{prefix} capacity units ({format_quantity(lcu)} average, usage.json)",
                [name],
                lcu * self.hours,
                capacity_item,
            )
            addresses = self.public_ipv4_count(inputs)
            if addresses:
                self.charge(
                    "Load balancing",
                    f"{prefix} public IPv4, {addresses} (one per AZ, internet-facing)",
                    [name],
                    addresses * self.hours,
                    "public_ipv4_hour",
                    "minimum; a scaled-out ALB can hold more",
                )

    @staticmethod
    def public_ipv4_count(inputs: Mapping[str, Any]) -> int:
        if inputs.get("internal") or inputs.get("ipAddressType") == "dualstack-without-public-ipv4":
            return 0
        mappings = inputs.get("subnetMappings") or []
        # Mappings with an allocationId use an Elastic IP, which is priced as its own resource.
        mapped = sum(1 for m in mappings if not m.get("allocationId"))
        return mapped or len(inputs.get("subnets") or [])

    # -- compute ----------------------------------------------------------------------------

    def services(self, services: list[Resource]) -> None:
        for service in services:
            self.price_service(service)

    def price_service(self, service: Resource) -> None:
        inputs = inputs_of(service)
        name = name_of(service)
        task_definition = self.graph.resolve(inputs.get("taskDefinition"))
        if task_definition is None:
            self.not_priced("Compute", "Fargate tasks", [name], "task definition not in the graph")
            return
        td = inputs_of(task_definition)
        platform = td.get("runtimePlatform") or {}
        if (platform.get("operatingSystemFamily") or "LINUX") != "LINUX":
            self.not_priced(
                "Compute", "Fargate tasks", [name], "only Linux Fargate is in the table"
            )
            return
        try:
            vcpu, memory_gb = fargate_size(td.get("cpu"), td.get("memory"))
        except ValueError as error:
            self.not_priced("Compute", "Fargate tasks", [name], str(error))
            return
        architecture = self.design.cpu_architecture or platform.get("cpuArchitecture") or X86
        strategy = self.capacity_strategy(service)
        if strategy is None:
            self.not_priced("Compute", "ECS tasks", [name], "launch type is not Fargate")
            return
        unknown = [p for p, _, _ in strategy if p not in (ON_DEMAND, SPOT)]
        if unknown:
            self.not_priced("Compute", "ECS tasks", [name], f"capacity provider {unknown[0]}")
            return
        desired = _as_int(inputs.get("desiredCount"))
        target = self.scalable_target(service)
        if desired is None and target is not None:
            desired = _as_int(inputs_of(target).get("minCapacity"))
        if desired is None:
            self.not_priced("Compute", "Fargate tasks", [name], "no desiredCount")
            return
        periods, schedule_text = self.periods(service, desired, target)
        task_hours: dict[str, float] = {provider: 0.0 for provider, _, _ in strategy}
        for period in periods:
            for provider, tasks in split_tasks(period.tasks, strategy).items():
                task_hours[provider] += tasks * period.fraction_of_week * self.hours
        self.task_hours_by_service[name] = sum(task_hours.values())
        resources = (name, name_of(task_definition))
        size = f"{vcpu:g} vCPU / {memory_gb:g} GB"
        for provider, hours in task_hours.items():
            if hours == 0:
                continue
            task_note = f"{format_quantity(hours)} task-h x {size}, {schedule_text}"
            for dimension, per_task in (("vcpu", vcpu), ("gb", memory_gb)):
                price = self.fargate_price(architecture, provider, dimension)
                item = (
                    f"Fargate {provider} {architecture} {'vCPU' if dimension == 'vcpu' else 'GB'}-h"
                )
                if price is None:
                    self.not_priced("Compute", item, resources, "no price")
                    continue
                self.charge(
                    "Compute",
                    f"{item}, {format_quantity(hours)} task-h",
                    resources,
                    hours * per_task,
                    "",
                    task_note,
                    unit_price=price,
                )
            extra_storage = (
                _as_int((td.get("ephemeralStorage") or {}).get("sizeInGib")) or 20
            ) - 20
            if extra_storage > 0:
                self.charge(
                    "Compute",
                    f"Fargate ephemeral storage above 20 GB, {extra_storage} GB x {format_quantity(hours)} task-h",
                    resources,
                    extra_storage * hours,
                    "fargate_ephemeral_gb_hour",
                )

    def fargate_price(self, architecture: str, provider: str, dimension: str) -> UnitPrice | None:
        arch_key = "arm" if architecture == ARM else "x86"
        on_demand = self.prices.get(f"fargate_{arch_key}_{dimension}_hour")
        if on_demand is None or provider == ON_DEMAND:
            return on_demand
        observed = self.prices.get("fargate_spot_x86_vcpu_hour")
        x86_vcpu = self.prices.get("fargate_x86_vcpu_hour")
        if observed is None or x86_vcpu is None:
            return None
        if arch_key == "x86" and dimension == "vcpu":
            return observed
        discount = 1 - observed.usd / x86_vcpu.usd
        return UnitPrice(
            usd=on_demand.usd * (1 - discount),
            unit=on_demand.unit,
            source=(
                f"assumption: on-demand price less the observed x86 vCPU Spot discount "
                f"({discount:.1%}); {observed.source}"
            ),
            as_of=observed.as_of,
        )

    def capacity_strategy(self, service: Resource) -> list[tuple[str, int, int]] | None:
        if self.design.capacity_provider:
            return [(self.design.capacity_provider, 0, 1)]
        inputs = inputs_of(service)
        entries = inputs.get("capacityProviderStrategies") or []
        if not entries:
            launch_type = inputs.get("launchType")
            if launch_type:
                return [(ON_DEMAND, 0, 1)] if launch_type == "FARGATE" else None
            entries = self.cluster_default_strategy(inputs.get("cluster"))
        if not entries:
            return [(ON_DEMAND, 0, 1)]
        return [
            (
                str(e.get("capacityProvider")),
                _as_int(e.get("base")) or 0,
                _as_int(e.get("weight")) or 0,
            )
            for e in entries
        ]

    def cluster_default_strategy(self, cluster_reference: object) -> list[Mapping[str, Any]]:
        cluster = self.graph.resolve(cluster_reference)
        names = physical_names(cluster) if cluster else {str(cluster_reference)}
        for providers in self.graph.of_type(T_CLUSTER_PROVIDERS):
            if inputs_of(providers).get("clusterName") in names:
                return list(inputs_of(providers).get("defaultCapacityProviderStrategies") or [])
        return []

    def matches_service(self, resource: Resource, service: Resource) -> bool:
        resource_id = str(inputs_of(resource).get("resourceId") or "")
        return resource_id.startswith("service/") and (
            resource_id.rsplit("/", 1)[-1] in physical_names(service)
        )

    def scalable_target(self, service: Resource) -> Resource | None:
        for target in self.graph.of_type(T_SCALING_TARGET):
            if self.matches_service(target, service):
                return target
        return None

    def periods(
        self, service: Resource, desired: int, target: Resource | None
    ) -> tuple[list[WeekPeriod], str]:
        if self.design.schedule == "always_on":
            return [WeekPeriod(1.0, desired)], "always on"
        if self.design.schedule == "nightly":
            off = self.usage["default_night_off_hours_per_day"]
            return fixed_nightly_periods(desired, off), f"0 tasks {off:g} h/day"
        actions = [
            a for a in self.graph.of_type(T_SCHEDULED_ACTION) if self.matches_service(a, service)
        ]
        if not actions:
            return [WeekPeriod(1.0, desired)], "always on"
        events: list[ScalingEvent] = []
        for action in actions:
            inputs = inputs_of(action)
            bounds = inputs.get("scalableTargetAction") or {}
            try:
                times = parse_cron(str(inputs.get("schedule", "")))
            except UnsupportedSchedule as error:
                self.notes.append(
                    f"{name_of(action)}: schedule not understood ({error}); "
                    f"{name_of(service)} priced always on"
                )
                return [WeekPeriod(1.0, desired)], "always on: schedule not understood"
            events.append(
                ScalingEvent(
                    times=times,
                    min_capacity=_as_int(bounds.get("minCapacity")),
                    max_capacity=_as_int(bounds.get("maxCapacity")),
                    name=name_of(action),
                )
            )
        target_inputs = inputs_of(target) if target else {}
        periods = week_periods(
            desired,
            events,
            initial_min=_as_int(target_inputs.get("minCapacity")) or 0,
            initial_max=_as_int(target_inputs.get("maxCapacity")),
        )
        reduced = sum(p.fraction_of_week for p in periods if p.tasks < desired) * 168
        return periods, f"scheduled: fewer tasks {reduced:g} h/week"

    # -- network ----------------------------------------------------------------------------

    def interface_endpoints(self) -> list[Resource]:
        if self.design.nat_gateways_instead_of_endpoints is not None:
            return []
        return [
            e
            for e in self.graph.of_type(T_ENDPOINT)
            if inputs_of(e).get("vpcEndpointType") == "Interface"
        ]

    def endpoints(self, endpoints: list[Resource]) -> None:
        interface = self.interface_endpoints()
        for endpoint in endpoints:
            inputs = inputs_of(endpoint)
            name = name_of(endpoint)
            service = endpoint_service(str(inputs.get("serviceName", "?")))
            # The AWS API defaults vpcEndpointType to Gateway.
            kind = inputs.get("vpcEndpointType") or "Gateway"
            if kind == "Gateway":
                self.lines.append(
                    Line(
                        "Network",
                        f"Gateway endpoint {service}: free",
                        (name,),
                        1,
                        "endpoint",
                        0.0,
                        "cost_model.md §1 (gateway endpoints are free)",
                    )
                )
            elif kind == "Interface":
                if endpoint not in interface:
                    continue
                azs = self.design.endpoint_azs or len(inputs.get("subnetIds") or []) or 1
                self.charge(
                    "Network",
                    f"Interface endpoint {service} x {azs} AZ",
                    [name],
                    azs * self.hours,
                    "interface_endpoint_az_hour",
                    "billed per AZ; partial hour = full hour",
                )
            else:
                self.not_priced(
                    "Network", f"{kind} endpoint {service}", [name], "type not in table"
                )

    def endpoint_traffic(self) -> None:
        gb = self.usage["aws_api_egress_gb_per_month"]
        interface = self.interface_endpoints()
        nat_count = len(self.graph.of_type(T_NAT)) + (
            self.design.nat_gateways_instead_of_endpoints or 0
        )
        if interface:
            self.charge(
                "Network",
                f"Interface endpoint data, {format_quantity(gb)} GB (usage.json)",
                [name_of(e) for e in interface],
                gb,
                "interface_endpoint_gb",
            )
        elif nat_count:
            nats = [name_of(n) for n in self.graph.of_type(T_NAT)] or ["(design alternative)"]
            self.charge(
                "Network",
                f"NAT gateway data, {format_quantity(gb)} GB (usage.json)",
                nats,
                gb,
                "nat_gateway_gb",
            )

    def nat_gateways(self, gateways: list[Resource]) -> None:
        for gateway in gateways:
            self.charge(
                "Network", "NAT gateway hours", [name_of(gateway)], self.hours, "nat_gateway_hour"
            )

    def design_nat_gateways(self) -> None:
        count = self.design.nat_gateways_instead_of_endpoints
        if not count:
            return
        label = ["(design alternative)"]
        self.charge(
            "Network", f"NAT gateway hours x {count}", label, count * self.hours, "nat_gateway_hour"
        )
        self.charge(
            "Network",
            f"NAT gateway Elastic IP public IPv4 x {count}",
            label,
            count * self.hours,
            "public_ipv4_hour",
        )

    def elastic_ips(self, addresses: list[Resource]) -> None:
        if addresses:
            self.charge(
                "Network",
                f"Elastic IP public IPv4 x {len(addresses)}",
                [name_of(a) for a in addresses],
                len(addresses) * self.hours,
                "public_ipv4_hour",
                "billed in use or idle",
            )

    # -- observability ------------------------------------------------------------------------

    def alarms(self, alarms: list[Resource]) -> None:
        standard = [
            a for a in alarms if not inputs_of(a).get("metricQueries") and not is_high_resolution(a)
        ]
        math_alarms = [
            a for a in alarms if inputs_of(a).get("metricQueries") and not is_high_resolution(a)
        ]
        high_res = [a for a in alarms if is_high_resolution(a)]
        if standard:
            self.alarm_metrics_standard += len(standard)
            self.charge(
                "Observability",
                f"Standard alarms x {len(standard)} (1 metric each)",
                [name_of(a) for a in standard],
                len(standard),
                "cw_alarm_metric",
            )
        if math_alarms:
            metrics = sum(alarm_metric_count(a) for a in math_alarms)
            self.alarm_metrics_standard += metrics
            self.charge(
                "Observability",
                f"Metric-math alarms x {len(math_alarms)}, {metrics} metrics read (billed per metric)",
                [name_of(a) for a in math_alarms],
                metrics,
                "cw_alarm_metric",
            )
        if high_res:
            metrics = sum(alarm_metric_count(a) for a in high_res)
            self.charge(
                "Observability",
                f"High-resolution alarms x {len(high_res)}, {metrics} metrics",
                [name_of(a) for a in high_res],
                metrics,
                "cw_alarm_metric_high_resolution",
            )

    def composite_alarms(self, alarms: list[Resource]) -> None:
        if alarms:
            self.charge(
                "Observability",
                f"Composite alarms x {len(alarms)} (members billed separately)",
                [name_of(a) for a in alarms],
                len(alarms),
                "cw_composite_alarm",
            )

    def metric_filters(self, filters: list[Resource]) -> None:
        if filters:
            self.custom_metrics += len(filters)
            self.charge(
                "Observability",
                f"Custom metrics from log metric filters x {len(filters)}",
                [name_of(f) for f in filters],
                len(filters),
                "cw_custom_metric",
                "one metric per filter; dimensions would add more",
            )

    def dashboards_(self, dashboards: list[Resource]) -> None:
        if dashboards:
            self.dashboards += len(dashboards)
            self.charge(
                "Observability",
                f"Dashboards x {len(dashboards)}",
                [name_of(d) for d in dashboards],
                len(dashboards),
                "cw_dashboard",
            )

    def stored_months(self, group: Resource) -> float:
        retention = _as_int(inputs_of(group).get("retentionInDays")) or 0
        return retention / 30 if retention else self.usage["log_storage_months_if_never_expire"]

    def vended_log_destinations(self, source: Resource) -> list[Resource]:
        inputs = inputs_of(source)
        references = [inputs.get("logDestination"), *(inputs.get("logDestinationConfigs") or [])]
        found = [self.graph.resolve(reference) for reference in references]
        return [g for g in found if g is not None and g.get("type") == T_LOG_GROUP]

    def vended_log_sources(self) -> list[tuple[Resource, float]]:
        """Flow logs and WAF logging, each with its assumed monthly GB (usage.json)."""
        return [
            (source, self.usage[usage_key])
            for type_token, usage_key in VENDED_LOG_USAGE.items()
            for source in self.graph.of_type(type_token)
        ]

    def log_groups(self, groups: list[Resource]) -> None:
        vended = {
            name_of(group): (group, gb)
            for source, gb in self.vended_log_sources()
            for group in self.vended_log_destinations(source)
        }
        app_groups = [g for g in groups if name_of(g) not in vended]
        if app_groups:
            ingest = self.usage["log_ingest_gb_per_month"]
            share = ingest / len(app_groups)
            self.log_ingest_gb += ingest
            self.charge(
                "Observability",
                f"Log ingestion, {format_quantity(ingest)} GB/month over {len(app_groups)} log groups "
                "(usage.json)",
                [name_of(g) for g in app_groups],
                ingest,
                "cw_logs_ingest_gb",
            )
            self.log_storage(app_groups, share)
        for group, gb in vended.values():
            self.log_storage([group], gb)

    def log_storage(self, groups: list[Resource], gb_per_group: float) -> None:
        stored = sum(gb_per_group * self.stored_months(g) for g in groups)
        self.log_storage_gb += stored
        self.charge(
            "Observability",
            f"Log storage, {format_quantity(stored)} GB held (GB/month x retention days / 30)",
            [name_of(g) for g in groups],
            stored,
            "cw_logs_storage_gb_month",
        )

    def vended_logs(self) -> None:
        for source, gb in self.vended_log_sources():
            inputs = inputs_of(source)
            name = name_of(source)
            kind = "VPC flow log" if source.get("type") == T_FLOW_LOG else "WAF log"
            if not self.vended_log_destinations(source):
                self.not_priced(
                    "Observability",
                    f"{kind} delivery",
                    [name],
                    "destination is not CloudWatch Logs",
                )
                continue
            detail = f" ({inputs['trafficType']})" if inputs.get("trafficType") else ""
            self.charge(
                "Observability",
                f"{kind} delivery{detail}, {format_quantity(gb)} GB (usage.json assumption)",
                [name],
                gb,
                "cw_vended_logs_gb",
            )

    def target_tracking_alarms(self) -> None:
        policies = [
            p
            for p in self.graph.of_type(T_SCALING_POLICY)
            if inputs_of(p).get("policyType") == "TargetTrackingScaling"
        ]
        if policies:
            self.alarm_metrics_standard += 2 * len(policies)
            self.charge(
                "Observability (implied)",
                f"Alarms AWS creates for target tracking, 2 x {len(policies)} policies",
                [name_of(p) for p in policies],
                2 * len(policies),
                "cw_alarm_metric",
            )

    def container_insights(self) -> None:
        for cluster in self.graph.of_type(T_CLUSTER):
            settings = inputs_of(cluster).get("settings") or []
            mode = next(
                (s.get("value") for s in settings if s.get("name") == "containerInsights"),
                "disabled",
            )
            if mode not in ("enabled", "enhanced"):
                continue
            services = [
                s
                for s in self.graph.of_type(T_SERVICE)
                if self.graph.resolve(inputs_of(s).get("cluster")) is cluster
            ]
            metrics = self.usage["container_insights_metrics_per_cluster"] + self.usage[
                "container_insights_metrics_per_service"
            ] * len(services)
            self.custom_metrics += metrics
            resources = [name_of(cluster), *(name_of(s) for s in services)]
            self.charge(
                "Observability (implied)",
                f"Container Insights ({mode}) metrics: {format_quantity(metrics)} custom metrics "
                f"for 1 cluster + {len(services)} services (usage.json assumption)",
                resources,
                metrics,
                "cw_custom_metric",
            )
            task_months = self.fargate_task_hours(services) / self.hours
            gb = task_months * self.usage["container_insights_log_gb_per_task_month"]
            if gb:
                self.log_ingest_gb += gb
                self.charge(
                    "Observability (implied)",
                    f"Container Insights performance logs, {format_quantity(gb)} GB "
                    f"({format_quantity(task_months)} task-months, usage.json assumption)",
                    resources,
                    gb,
                    "cw_logs_ingest_gb",
                )
            if mode == "enhanced":
                self.not_priced(
                    "Observability (implied)",
                    "Container Insights enhanced observability: per-observation charge",
                    resources,
                    "per-observation rate not in cost_model.md (§7 open item)",
                )

    def fargate_task_hours(self, services: list[Resource]) -> float:
        return sum(self.task_hours_by_service.get(name_of(s), 0.0) for s in services)

    # -- security, storage, messaging --------------------------------------------------------

    def web_acls(self, acls: list[Resource]) -> None:
        requests = self.usage["waf_million_requests_per_month"]
        for acl in acls:
            name = name_of(acl)
            rules = len(inputs_of(acl).get("rules") or [])
            self.charge("Security", "WAF web ACL", [name], 1, "waf_web_acl")
            if rules:
                self.charge("Security", f"WAF rules x {rules}", [name], rules, "waf_rule")
            self.charge(
                "Security",
                f"WAF requests, {format_quantity(requests)} million (usage.json)",
                [name],
                requests,
                "waf_million_requests",
            )

    def kms_keys(self, keys: list[Resource]) -> None:
        if keys:
            self.charge(
                "Security",
                f"KMS keys x {len(keys)} (requests assumed within the 20k free tier)",
                [name_of(k) for k in keys],
                len(keys),
                "kms_key_month",
            )

    def secrets(self, secrets: list[Resource]) -> None:
        if secrets:
            self.charge(
                "Security",
                f"Secrets Manager secrets x {len(secrets)}",
                [name_of(s) for s in secrets],
                len(secrets),
                "secretsmanager_secret_month",
            )

    def ecr_repositories(self, repositories: list[Resource]) -> None:
        gb = self.usage["ecr_storage_gb_per_repository"]
        if repositories:
            self.charge(
                "Storage",
                f"ECR storage, {format_quantity(gb)} GB x {len(repositories)} repositories (usage.json)",
                [name_of(r) for r in repositories],
                gb * len(repositories),
                "ecr_storage_gb_month",
            )

    def s3_buckets(self, buckets: list[Resource]) -> None:
        gb = self.usage["s3_storage_gb_per_bucket"]
        if buckets:
            self.charge(
                "Storage",
                f"S3 Standard storage, {format_quantity(gb)} GB x {len(buckets)} buckets (usage.json)",
                [name_of(b) for b in buckets],
                gb * len(buckets),
                "s3_standard_gb_month",
            )

    def dynamodb_tables(self, tables: list[Resource]) -> None:
        for table in tables:
            name = name_of(table)
            # The AWS API defaults billingMode to PROVISIONED, whose capacity prices are not in the table.
            if inputs_of(table).get("billingMode") != "PAY_PER_REQUEST":
                self.not_priced("Storage", "DynamoDB provisioned capacity", [name], "not in table")
                continue
            writes = self.usage["dynamodb_million_writes_per_month"]
            reads = self.usage["dynamodb_million_reads_per_month"]
            self.charge(
                "Storage",
                f"DynamoDB on-demand writes, {format_quantity(writes)}M (usage.json)",
                [name],
                writes,
                "dynamodb_million_write_units",
            )
            self.charge(
                "Storage",
                f"DynamoDB on-demand reads, {format_quantity(reads)}M (usage.json)",
                [name],
                reads,
                "dynamodb_million_read_units",
            )

    def zones(self, zones: list[Resource]) -> None:
        if zones:
            self.charge(
                "DNS",
                f"Route 53 hosted zones x {len(zones)}",
                [name_of(z) for z in zones],
                len(zones),
                "route53_hosted_zone_month",
            )

    def topics(self, topics: list[Resource]) -> None:
        if topics:
            count = self.usage["sns_email_notifications_per_month"]
            self.sns_notifications += count
            self.charge(
                "Messaging",
                f"SNS e-mail notifications, {format_quantity(count)}/month (usage.json)",
                [name_of(t) for t in topics],
                count,
                "sns_email",
            )

    # -- classification and free tiers -------------------------------------------------------

    def unclassified(self) -> None:
        free: dict[str, list[str]] = {}
        unknown: dict[str, list[str]] = {}
        for resource in self.graph.resources:
            # Component resources bill nothing themselves; their children carry the cost.
            if resource.get("custom") is False:
                continue
            type_token = str(resource.get("type", ""))
            if type_token in PRICED_TYPES or type_token.startswith("pulumi:"):
                continue
            bucket = free if type_token in self.prices.free_types else unknown
            bucket.setdefault(type_token, []).append(name_of(resource))
        for type_token, names in sorted(free.items()):
            self.lines.append(
                Line(
                    "No charge",
                    type_token,
                    tuple(names),
                    len(names),
                    "resource",
                    0.0,
                    "prices.json free_types",
                    kind="free",
                )
            )
        for type_token, names in sorted(unknown.items()):
            self.not_priced(
                "Unclassified", type_token, names, "type is neither priced nor in free_types"
            )

    def free_tiers(self) -> None:
        tiers = self.prices.free_tiers
        source = self.prices.free_tier_source
        for quantity, tier_key, price_item, item in (
            (self.alarm_metrics_standard, "cw_alarm_metrics", "cw_alarm_metric", "alarm metrics"),
            (self.dashboards, "cw_dashboards", "cw_dashboard", "dashboards"),
            (self.custom_metrics, "cw_custom_metrics", "cw_custom_metric", "custom metrics"),
            (self.sns_notifications, "sns_email_notifications", "sns_email", "SNS e-mails"),
        ):
            self.free_tier_line(quantity, tiers.get(tier_key, 0), price_item, item, source)
        logs_free = tiers.get("cw_logs_gb", 0)
        # The 5 GB covers ingestion, storage and Insights scans together; ingestion is dearer.
        ingest_free = min(logs_free, self.log_ingest_gb)
        self.free_tier_line(
            self.log_ingest_gb, ingest_free, "cw_logs_ingest_gb", "log GB ingested", source
        )
        self.free_tier_line(
            self.log_storage_gb,
            logs_free - ingest_free,
            "cw_logs_storage_gb_month",
            "log GB stored",
            source,
        )

    def free_tier_line(
        self, used: float, allowance: float, price_item: str, item: str, source: str
    ) -> None:
        price = self.prices.get(price_item)
        covered = min(used, allowance)
        if price is None or covered <= 0:
            return
        self.lines.append(
            Line(
                "Free tier",
                f"Always-free {item}: {format_quantity(covered)} of {format_quantity(used)}",
                (),
                covered,
                price.unit,
                -price.usd,
                source,
                kind="free_tier",
            )
        )
