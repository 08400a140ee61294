"""Settings of the VPC: address ranges, availability zones, interface endpoints, flow logs."""

from __future__ import annotations

from dataclasses import dataclass

from components.config.limits import (
    EGRESS_ENDPOINTS,
    EGRESS_IPV6_ONLY,
    IPV6_EGRESS_INTERFACE_ENDPOINTS,
    REQUIRED_INTERFACE_ENDPOINTS,
)
from components.config.resource_types import (
    ECS_SERVICE,
    EGRESS_ONLY_INTERNET_GATEWAY,
    FLOW_LOG,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    LOAD_BALANCER,
    LOG_GROUP,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SUBNET,
    TARGET_GROUP,
    TASK_DEFINITION,
    VPC,
    VPC_ENDPOINT,
)
from components.config.settings import APPEARS, on, setting

# Subnets are named after their AZ, so another AZ set replaces them with everything placed in
# them.
_AZ_SET_CHANGES = (
    *on(ROUTE_TABLE, APPEARS),
    *on(ROUTE_TABLE_ASSOCIATION, APPEARS),
    *on(SUBNET, APPEARS),
    *on(VPC_ENDPOINT, "routeTableIds"),
    *on(ECS_SERVICE, "networkConfiguration"),
    *on(LOAD_BALANCER, "subnets"),
)


@dataclass(frozen=True, kw_only=True)
class NetworkConfig:
    vpc_cidr: str = setting(
        "10.0.0.0/16",
        doc="VPC IPv4 CIDR (/16 to /28)",
        affects=on(VPC, "cidrBlock"),
        example="10.1.0.0/17",
    )
    public_subnet_cidrs: tuple[str, ...] = setting(
        ("10.0.1.0/24", "10.0.2.0/24"),
        doc="one public subnet CIDR per AZ (ALB only), inside vpcCidr",
        affects=on(SUBNET, "cidrBlock"),
        example=["10.1.1.0/24", "10.1.2.0/24", "10.1.4.0/24"],
    )
    private_subnet_cidrs: tuple[str, ...] = setting(
        ("10.0.101.0/24", "10.0.102.0/24"),
        doc="one private subnet CIDR per AZ (tasks and endpoints), inside vpcCidr",
        affects=on(SUBNET, "cidrBlock"),
        example=["10.1.101.0/24", "10.1.102.0/24", "10.1.104.0/24"],
    )
    availability_zone_count: int = setting(
        2,
        doc="how many AZs to use (at least 2), taken from the account's available AZs",
        # (With endpointPlacement every-az the endpoints' subnetIds follow too.)
        affects=_AZ_SET_CHANGES,
        example=3,
        example_with={
            "publicSubnetCidrs": ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
            "privateSubnetCidrs": ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"],
        },
        example_stack="dev",
    )
    availability_zones: tuple[str, ...] = setting(
        (),
        doc="explicit AZ names; when set they replace availabilityZoneCount",
        affects=_AZ_SET_CHANGES,
        # dev's first two available AZs are a and c (tools/offline/zones.py).
        example=["ap-northeast-1a", "ap-northeast-1d"],
        example_stack="dev",
    )
    egress: str = setting(
        EGRESS_ENDPOINTS,
        doc="how private tasks reach AWS: endpoints (interface endpoints, no egress at all) or "
        "ipv6-egress-only (dev: IPv6-only task subnets with an egress-only internet gateway, tcp "
        "443 out, only the logs endpoint; docs/ipv6-egress.md)",
        # The VPC gains an IPv6 block, the task subnets become IPv6-only (a replacement), the ALB
        # turns dual-stack with an IPv6 target group, the ECR endpoints go and the image is pulled
        # from ECR's dual-stack host.
        affects=(
            *on(VPC, "assignGeneratedIpv6CidrBlock"),
            *on(
                SUBNET,
                "cidrBlock",
                "ipv6CidrBlock",
                "ipv6Native",
                "assignIpv6AddressOnCreation",
                "enableDns64",
                "enableResourceNameDnsAaaaRecordOnLaunch",
                "privateDnsHostnameTypeOnLaunch",
            ),
            *on(EGRESS_ONLY_INTERNET_GATEWAY, APPEARS),
            *on(ROUTE, APPEARS),
            *on(VPC_ENDPOINT, APPEARS, "ipAddressType", "dnsOptions"),
            *on(SECURITY_GROUP_INGRESS_RULE, APPEARS),
            *on(SECURITY_GROUP_EGRESS_RULE, APPEARS, "description"),
            # The ALB also waits for the public IPv6 default route (pitfall: alb-igw-route).
            *on(LOAD_BALANCER, "ipAddressType", "dependsOn"),
            *on(TARGET_GROUP, "ipAddressType"),
            *on(TASK_DEFINITION, "containerDefinitions.image"),
            *on(ECS_SERVICE, "dependsOn"),
        ),
        example=EGRESS_IPV6_ONLY,
        example_stack="dev",
    )
    endpoint_placement: str = setting(
        "every-az",
        doc="every-az (HA) or one-az (interface endpoints bill per AZ-hour)",
        affects=on(VPC_ENDPOINT, "subnetIds"),
        example="one-az",
    )
    extra_endpoint_services: tuple[str, ...] = setting(
        (),
        doc="more interface endpoints by service suffix, e.g. ssm, secretsmanager, ssmmessages",
        # The service waits for every endpoint: its tasks pull and log through them.
        affects=(*on(VPC_ENDPOINT, APPEARS), *on(ECS_SERVICE, "dependsOn")),
        example=["ssm"],
    )
    flow_logs: bool = setting(
        False,
        doc="VPC flow logs (REJECT only) to CloudWatch Logs",
        affects=(
            *on(FLOW_LOG, APPEARS),
            *on(LOG_GROUP, APPEARS),
            *on(IAM_ROLE, APPEARS),
            *on(IAM_ROLE_POLICY, APPEARS),
        ),
        example=True,
        example_stack="dev",
    )
    flow_log_retention_days: int = setting(
        14,
        doc="retention of the flow-log group",
        affects=on(LOG_GROUP, "retentionInDays"),
        example=400,
    )

    @property
    def ipv6_egress_only(self) -> bool:
        return self.egress == EGRESS_IPV6_ONLY

    @property
    def interface_endpoint_services(self) -> tuple[str, ...]:
        """The interface endpoints the network creates: the mode's own and the extra ones."""
        required = (
            IPV6_EGRESS_INTERFACE_ENDPOINTS
            if self.ipv6_egress_only
            else REQUIRED_INTERFACE_ENDPOINTS
        )
        return (*required, *self.extra_endpoint_services)
