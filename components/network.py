"""Network: a VPC whose private subnets reach AWS only through VPC endpoints (no NAT gateway), or,
in the IPv6 egress-only mode, IPv6-only private subnets with an egress-only internet gateway
(docs/ipv6-egress.md)."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import (
    ConfigError,
    NetworkConfig,
    StackConfig,
    config_key,
)
from components.flow_logs import reject_flow_logs
from components.iam import policy_document

HTTPS = 443
# Subnet /64s of the VPC's Amazon-provided /56 (N3): public subnets count up from the first,
# private ones from the middle, so adding AZs never makes the two tiers collide.
PRIVATE_IPV6_SUBNET_OFFSET = 128


def ipv6_subnet_cidr(vpc_block: str, index: int) -> str:
    """The /64 number ``index`` of the VPC's IPv6 block (AWS requires /64 subnets)."""
    block = ipaddress.IPv6Network(vpc_block)
    available = 2 ** (64 - block.prefixlen)
    if not 0 <= index < available:
        raise ValueError(f"{vpc_block} has {available} /64 subnets, not a number {index}")
    return str(ipaddress.IPv6Network((int(block.network_address) + (index << 64), 64)))


def choose_availability_zones(network: NetworkConfig) -> list[str]:
    """The AZs to use: the configured names, or the first N the account can use.

    AZ names map to different physical zones per account and some are closed to new accounts
    (ap-northeast-1b), so they are looked up rather than hard-coded.
    """
    if network.availability_zones:
        return list(network.availability_zones)
    available = aws.get_availability_zones(
        state="available",
        # Local Zones and Wavelength Zones need opt-in and host no interface endpoints.
        filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
    ).names
    if len(available) < network.availability_zone_count:
        raise ConfigError(
            f"invalid config {config_key('availabilityZoneCount')} = "
            f"{network.availability_zone_count}: this account has only {len(available)} "
            f"available AZs in the region ({', '.join(available)})"
        )
    return list(available[: network.availability_zone_count])


def s3_gateway_policy(region: str) -> dict[str, object]:
    """Endpoint policy of the S3 gateway: read ECR's image layers in this region, nothing else."""
    return policy_document(
        {
            "Sid": "EcrImageLayers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*",
        }
    )


class Network(pulumi.ComponentResource):
    """VPC with one public and one private subnet per AZ; private subnets have no internet route
    and reach ECR, S3 and CloudWatch Logs through endpoints. In the IPv6 egress-only mode the
    private subnets are IPv6-only and leave through an egress-only internet gateway, and only the
    logs endpoint stays (docs/ipv6-egress.md, section 1)."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    public_route_table_id: pulumi.Output[str]
    private_route_table_ids: pulumi.Output[list[str]]
    endpoint_security_group_id: pulumi.Output[str]
    s3_prefix_list_id: pulumi.Output[str]
    """Managed prefix list of the S3 gateway: task egress to image layers targets it."""
    internet_route: aws.ec2.Route
    """The public default route: an internet-facing ALB must wait for it (pitfall: alb-igw-route)."""
    ipv6_egress_only: bool
    ipv6_internet_route: aws.ec2.Route | None
    """The public ``::/0`` route in the IPv6 egress-only mode (None otherwise): a dual-stack ALB
    waits for it as for ``internet_route``."""
    ipv6_egress_routes: list[aws.ec2.Route]
    """The private tables' ``::/0`` routes to the egress-only gateway (empty outside the mode):
    tasks pull their image through them, as they do through the endpoints in the default mode."""
    interface_endpoints: list[aws.ec2.VpcEndpoint]
    vpc: aws.ec2.Vpc
    """Exposed so what ELB binds to it for life (the ALB) can be replaced with it (replace_with)."""
    log_groups: list[aws.cloudwatch.LogGroup]
    """The flow logs' group when flow logs are on (tools/verify/monitoring.py checks its retention)."""

    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        *,
        endpoint_clients_from_vpc_cidr: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``endpoint_clients_from_vpc_cidr`` admits 443 to the endpoints from the whole VPC.
        Leave it off when a task security group will be attached (WebService adds its own
        rule), so only the tasks reach the endpoints."""
        net = cfg.network
        # Looked up first: too few available AZs is a config error, raised before any resource.
        availability_zones = choose_availability_zones(net)
        super().__init__("ecs-fargate:index:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc_cidr = net.vpc_cidr
        self.availability_zones = availability_zones

        ipv6 = net.ipv6_egress_only
        self.ipv6_egress_only = ipv6
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=net.vpc_cidr,
            # Private DNS on interface endpoints needs both (pitfall: vpc-dns-attrs).
            enable_dns_support=True,
            enable_dns_hostnames=True,
            # An Amazon-provided /56 (N3); the ALB's subnets keep their IPv4 ranges as well.
            assign_generated_ipv6_cidr_block=True if ipv6 else None,
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )
        # Adopting the default security group with no rules strips its allow-from-self and
        # allow-all egress, so nothing placed in it by accident can talk (policy SG-08).
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, tags={"Name": f"{name}-default-sg"}, opts=child
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags={"Name": f"{name}-igw"}, opts=child
        )

        def tier_subnet(tier: str, az: str, **addressing: Any) -> aws.ec2.Subnet:
            return aws.ec2.Subnet(
                f"{name}-{tier}-{az}",
                vpc_id=vpc.id,
                availability_zone=az,
                # The ALB's ENIs get public addresses without it, and nothing else may have one.
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-{tier}-{az}", "Tier": tier},
                opts=child,
                **addressing,
            )

        def vpc_ipv6_subnet(index: int) -> pulumi.Output[str]:
            return vpc.ipv6_cidr_block.apply(lambda block: ipv6_subnet_cidr(block, index))

        public_subnets = [
            tier_subnet(
                "public",
                az,
                cidr_block=cidr,
                # A dual-stack ALB needs an IPv6 range on its subnets (A1), not auto-assignment,
                # and nothing but the ALB runs here. With it off, a new /64 (a new VPC block) is
                # re-associated in place; the provider replaces a subnet that auto-assigns IPv6,
                # and the ALB with it (N8).
                ipv6_cidr_block=vpc_ipv6_subnet(index) if ipv6 else None,
                assign_ipv6_address_on_creation=False if ipv6 else None,
            )
            for index, (az, cidr) in enumerate(
                zip(self.availability_zones, net.public_subnet_cidrs, strict=True)
            )
        ]
        if ipv6:
            # IPv6-only, not dual-stack: in a dual-stack subnet Fargate fetches its registry
            # token from the IPv4-only ECR API and times out without NAT (E1, R3).
            private_subnets = [
                tier_subnet(
                    "private",
                    az,
                    ipv6_native=True,
                    ipv6_cidr_block=vpc_ipv6_subnet(PRIVATE_IPV6_SUBNET_OFFSET + index),
                    assign_ipv6_address_on_creation=True,
                    # No NAT64 behind it: an IPv4-only name should fail to resolve at once
                    # rather than time out toward a synthetic address.
                    enable_dns64=False,
                    # EC2 names hosts in IPv6-only subnets by resource id only, and answers those
                    # names with AAAA records only when asked (N7); both stated, so the provider,
                    # whose AAAA default is false, never switches off what the subnet needs.
                    private_dns_hostname_type_on_launch="resource-name",
                    enable_resource_name_dns_aaaa_record_on_launch=True,
                )
                for index, az in enumerate(self.availability_zones)
            ]
        else:
            private_subnets = [
                tier_subnet("private", az, cidr_block=cidr)
                for az, cidr in zip(self.availability_zones, net.private_subnet_cidrs, strict=True)
            ]

        public_route_table = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id, tags={"Name": f"{name}-public-rt"}, opts=child
        )
        self.internet_route = aws.ec2.Route(
            f"{name}-public-default-route",
            route_table_id=public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child,
        )
        # Only the public table routes IPv6 to the internet gateway (A1): the tasks' tables get
        # the egress-only gateway below, never this one.
        self.ipv6_internet_route = (
            aws.ec2.Route(
                f"{name}-public-ipv6-default-route",
                route_table_id=public_route_table.id,
                destination_ipv6_cidr_block="::/0",
                gateway_id=igw.id,
                opts=child,
            )
            if ipv6
            else None
        )
        for az, subnet in zip(self.availability_zones, public_subnets, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{az}",
                subnet_id=subnet.id,
                route_table_id=public_route_table.id,
                opts=child,
            )

        # One private table per AZ, none with a route to the internet: the tasks' only way out
        # is the endpoints below, or in the IPv6 mode the egress-only gateway, which lets
        # nothing outside the VPC open a connection in (N1).
        egress_only_gateway = (
            aws.ec2.EgressOnlyInternetGateway(
                f"{name}-eigw", vpc_id=vpc.id, tags={"Name": f"{name}-eigw"}, opts=child
            )
            if ipv6
            else None
        )
        self.ipv6_egress_routes = []
        private_route_tables: list[aws.ec2.RouteTable] = []
        for az, subnet in zip(self.availability_zones, private_subnets, strict=True):
            table = aws.ec2.RouteTable(
                f"{name}-private-rt-{az}",
                vpc_id=vpc.id,
                tags={"Name": f"{name}-private-rt-{az}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{az}", subnet_id=subnet.id, route_table_id=table.id, opts=child
            )
            if egress_only_gateway is not None:
                self.ipv6_egress_routes.append(
                    aws.ec2.Route(
                        f"{name}-private-ipv6-default-route-{az}",
                        route_table_id=table.id,
                        destination_ipv6_cidr_block="::/0",
                        egress_only_gateway_id=egress_only_gateway.id,
                        opts=child,
                    )
                )
            private_route_tables.append(table)

        # ECR serves image layers from S3: without this gateway on every private table, pulls
        # time out (pitfall: s3-gateway-path). Gateway endpoints are free.
        # In the IPv6 mode it stays IPv4 (ip_address_type unset; the provider reads AWS's value
        # back): which S3 host ECR's dual-stack registry sends layers to is not documented (R7),
        # and S3 gateways with IPv6 are new (2025-11) with a provider create error fixed only in
        # 2026-01 (R9). IPv6 layer downloads leave through the egress-only gateway instead, which
        # the tasks' 443 egress already allows.
        s3_gateway = aws.ec2.VpcEndpoint(
            f"{name}-s3-gateway",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{cfg.region}.s3",
            vpc_endpoint_type="Gateway",  # pitfall: endpoint-type
            route_table_ids=[table.id for table in private_route_tables],
            # Only ECR's layer bucket: the tasks read image layers and nothing else from S3, so
            # a compromised task cannot use the endpoint to reach other buckets (policy VPC-09).
            # An endpoint policy must keep an Allow (pitfall: endpoint-access).
            policy=json.dumps(s3_gateway_policy(cfg.region)),
            tags={"Name": f"{name}-s3-gateway"},
            opts=child,
        )

        # No inline rules: every rule is a standalone resource, so WebService can add its own
        # without a perpetual diff on this group.
        endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            vpc_id=vpc.id,
            description="Interface VPC endpoints: HTTPS from the workloads of this VPC",
            tags={"Name": f"{name}-endpoints-sg"},
            opts=child,
        )
        if endpoint_clients_from_vpc_cidr:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-endpoints-https-from-vpc",
                security_group_id=endpoint_security_group.id,
                description="HTTPS from the VPC to the interface endpoints",
                ip_protocol="tcp",
                from_port=HTTPS,
                to_port=HTTPS,
                # The IPv6 mode's endpoint has only IPv6 addresses, reached from IPv6-only subnets.
                cidr_ipv4=None if ipv6 else net.vpc_cidr,
                cidr_ipv6=vpc.ipv6_cidr_block if ipv6 else None,
                opts=child,
            )

        # One AZ halves or thirds the endpoint bill; tasks in other AZs then cross AZs to reach
        # them and lose image pulls and log shipping if that AZ fails (README: endpoint placement).
        endpoint_subnets = (
            private_subnets if net.endpoint_placement == "every-az" else private_subnets[:1]
        )
        self.interface_endpoints = [
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}-endpoint",
                vpc_id=vpc.id,
                service_name=f"com.amazonaws.{cfg.region}.{service}",
                vpc_endpoint_type="Interface",  # pitfall: endpoint-type
                # Without private DNS the SDKs resolve the public endpoints and time out
                # (pitfall: endpoint-private-dns).
                private_dns_enabled=True,
                subnet_ids=[subnet.id for subnet in endpoint_subnets],
                security_group_ids=[endpoint_security_group.id],
                # IPv6 addresses need IPv6-only subnets, and AAAA records for the service's own
                # name let the awslogs driver reach it whichever name it resolves (L5, section 1).
                ip_address_type="ipv6" if ipv6 else None,
                dns_options={"dns_record_ip_type": "ipv6"} if ipv6 else None,
                tags={"Name": f"{name}-{service}"},
                opts=child,
            )
            for service in net.interface_endpoint_services
        ]

        self.log_groups = [reject_flow_logs(name, cfg, vpc, parent=self)] if net.flow_logs else []

        self.vpc = vpc
        self.vpc_id = vpc.id
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in public_subnets])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in private_subnets])
        self.public_route_table_id = public_route_table.id
        self.private_route_table_ids = pulumi.Output.all(*[t.id for t in private_route_tables])
        self.endpoint_security_group_id = endpoint_security_group.id
        self.s3_prefix_list_id = s3_gateway.prefix_list_id
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "publicSubnetIds": self.public_subnet_ids,
                "privateSubnetIds": self.private_subnet_ids,
                "publicRouteTableId": self.public_route_table_id,
                "privateRouteTableIds": self.private_route_table_ids,
                "endpointSecurityGroupId": self.endpoint_security_group_id,
                "s3PrefixListId": self.s3_prefix_list_id,
            }
        )
