"""The VPC and what lives in it: subnets, routes, security groups, endpoints, flow logs."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

NETWORK_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:ec2/vpc:Vpc", "ec2/vpc_.go", "vpc",
        "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength",
        verified="00081ce41cc691433ac19bf42227cdabffd0454d",
        autoname=None,
        interrupts_traffic=True,
        on_replace="a new VPC: every subnet, security group, endpoint and the target group in it "
        "are replaced, and the ALB with it (replace_with: ELB cannot move a load balancer to "
        "another VPC), so a new DNS name: a full outage",
    ),
    type_row(
        "aws:ec2/subnet:Subnet", "ec2/vpc_subnet.go", "subnet",
        "availabilityZone", "availabilityZoneId", "cidrBlock", "vpcId", "ipv6Native",
        "ipv4IpamPoolId", "ipv4NetmaskLength", "outpostArn",
        verified="00cda125a19d31754cb0d073cf551264c57955cb",
        autoname=None,
        interrupts_traffic=True, create_minutes=0.5,
        on_replace="tasks, endpoints and the ALB move to the new subnet; deleting the old one waits "
        "for their network interfaces to go (provider delete timeout 20 min)",
    ),
    type_row(
        "aws:ec2/routeTable:RouteTable", "ec2/vpc_route_table.go", "route_table",
        "vpcId",
        verified="022092419b7cda11527df3c6b51cbfe1876c1722",
        autoname=None, interrupts_traffic=True,
        on_replace="subnets use the VPC main route table until the new association exists",
    ),
    type_row(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "ec2/vpc_route_table_association.go", "route_table_association",
        "subnetId", "gatewayId",
        verified="0be71beb458ad8875e0acc5c91519c0ceeb214aa",
        autoname=None,
        unique_key=("subnetId",), interrupts_traffic=True,
    ),
    type_row(
        "aws:ec2/route:Route", "ec2/vpc_route.go", "route",
        "routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock",
        "destinationPrefixListId", autoname=None,
        unique_key=("routeTableId", "destinationCidrBlock"), interrupts_traffic=True,
    ),
    type_row(
        "aws:ec2/internetGateway:InternetGateway", "ec2/vpc_internet_gateway.go",
        "internet_gateway", autoname=None, interrupts_traffic=True,
        on_replace="vpcId is updated in place (detach, attach): the ALB is unreachable in between",
    ),
    type_row(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "ec2/vpc_default_security_group.go", "default_security_group",
        "vpcId", autoname=None, unique_key=("vpcId",),
        on_replace="adopts the new VPC's default group (it is not created or deleted)",
    ),
    type_row(
        "aws:ec2/securityGroup:SecurityGroup", "ec2/vpc_security_group.go", "security_group",
        "name", "namePrefix", "description", "vpcId",
        verified="01606926a0c0ab9174aec440f976a48b0baee722",
        interrupts_traffic=True,
        on_replace="its rules are replaced with it; what uses the group (ALB, tasks, endpoints) "
        "is updated to the new one, and the old one can only be deleted once nothing uses it",
    ),
    type_row(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "ec2/vpc_security_group_ingress_rule.go", "vpc_security_group_ingress_rule",
        "securityGroupId",
        verified="00a322094b4b9ade8a81b244345dbcf4b52ee8d6",
        autoname=None, interrupts_traffic=True,
        # Its ModifyPlan also replaces it when the source kind changes (cidrIpv4 <->
        # referencedSecurityGroupId <-> prefixListId); the program never switches kinds.
        on_replace="the rule is revoked and authorised again on the new group",
    ),
    type_row(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "ec2/vpc_security_group_egress_rule.go", "vpc_security_group_egress_rule",
        "securityGroupId", autoname=None, interrupts_traffic=True,
    ),
    type_row(
        "aws:ec2/vpcEndpoint:VpcEndpoint", "ec2/vpc_endpoint.go", "vpc_endpoint",
        "vpcId", "serviceName", "vpcEndpointType", "serviceRegion", "resourceConfigurationArn",
        "serviceNetworkArn", "dnsOptions.privateDnsPreference",
        "dnsOptions.privateDnsSpecifiedDomains",
        verified="008db85aad5e56627b1eecab8830464a282552ed",
        autoname=None,
        interrupts_traffic=True, create_minutes=2,
        on_replace="tasks pull images and write logs only through the endpoints (no NAT): a task "
        "started while one is missing cannot start",
    ),
    type_row(
        "aws:ec2/flowLog:FlowLog", "ec2/vpc_flow_log.go", "flow_log",
        "iamRoleArn", "logDestination", "logDestinationType", "trafficType", "vpcId",
        "maxAggregationInterval", "logFormat", "destinationOptions", "deliverCrossAccountRole",
        autoname=None,
    ),
)  # fmt: skip
