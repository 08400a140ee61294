"""Network lines: load balancers and their public IPv4, VPC endpoints by type and AZ, NAT data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cost import charged, price
from tools.cost.ledger import Design
from tools.cost.portfolio import hand_resource

HOURS = 730
IPV4_HOUR = 0.005
ENDPOINT_AZ_HOUR = 0.014
NAT_GB = 0.062


def endpoint(name: str, service_name: str, kind: str, **inputs: Any) -> dict[str, Any]:
    return hand_resource(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        name,
        serviceName=service_name,
        vpcEndpointType=kind,
        **inputs,
    )


def test_an_alb_without_public_ipv4_bills_no_address() -> None:
    alb = hand_resource(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        subnets=["public-a-id", "public-c-id"],
        ipAddressType="dualstack-without-public-ipv4",
    )
    assert charged(price([alb]), "ALB public IPv4") == 0


def test_an_unpriced_load_balancer_type_does_not_stop_the_next_from_being_priced() -> None:
    gateway = hand_resource("aws:lb/loadBalancer:LoadBalancer", "gwlb", loadBalancerType="gateway")
    alb = hand_resource("aws:lb/loadBalancer:LoadBalancer", "alb", subnets=["public-a-id"])
    result = price([gateway, alb])
    assert [line.item for line in result.not_priced] == ["gateway load balancer"]
    assert charged(result, "ALB public IPv4") == pytest.approx(HOURS * IPV4_HOUR)


def test_a_service_name_outside_com_amazonaws_is_shown_whole() -> None:
    # SageMaker's notebook endpoint service is named aws.sagemaker.<region>.notebook.
    notebook = endpoint(
        "notebook",
        "aws.sagemaker.ap-northeast-1.notebook",
        "Interface",
        subnetIds=["private-a-id"],
    )
    items = [line.item for line in price([notebook]).of_kind("charge")]
    assert "Interface endpoint aws.sagemaker.ap-northeast-1.notebook x 1 AZ" in items


def test_a_gateway_load_balancer_endpoint_is_reported_not_priced() -> None:
    appliance = endpoint(
        "inspection", "com.amazonaws.vpce.ap-northeast-1.vpce-svc-0abc", "GatewayLoadBalancer"
    )
    result = price([appliance])
    assert [line.item for line in result.not_priced] == [
        "GatewayLoadBalancer endpoint ap-northeast-1.vpce-svc-0abc"
    ]
    assert result.total_usd == 0


def test_an_interface_endpoint_without_subnets_bills_one_az() -> None:
    logs = endpoint("logs", "com.amazonaws.ap-northeast-1.logs", "Interface")
    assert charged(price([logs]), "Interface endpoint logs") == pytest.approx(
        HOURS * ENDPOINT_AZ_HOUR
    )


def test_a_nat_design_on_a_graph_that_has_a_nat_gateway_sends_the_api_traffic_through_it() -> None:
    nat = hand_resource("aws:ec2/natGateway:NatGateway", "nat", allocationId="nat-ip-id")
    logs = endpoint("logs", "com.amazonaws.ap-northeast-1.logs", "Interface", subnetIds=["a"])
    result = price([nat, logs], design=Design("NAT", nat_gateways_instead_of_endpoints=1))
    [data] = [line for line in result.of_kind("charge") if line.item.startswith("NAT gateway data")]
    assert data.resources == ("nat",)
    assert data.monthly_usd == pytest.approx(10 * NAT_GB)


def test_a_resource_endpoint_is_reported_not_priced_and_carries_no_interface_traffic() -> None:
    # vpcEndpointType "Resource": a VPC Lattice resource configuration, not in the price table.
    database = endpoint(
        "database", "com.amazonaws.ap-northeast-1.rds", "Resource", subnetIds=["private-a-id"]
    )
    result = price([database])
    assert [line.item for line in result.not_priced] == ["Resource endpoint rds"]
    assert result.total_usd == 0


def test_a_gateway_endpoint_line_counts_the_one_endpoint_at_no_price() -> None:
    s3 = endpoint("s3", "com.amazonaws.ap-northeast-1.s3", "Gateway")
    [line] = price([s3]).of_kind("charge")
    assert (line.quantity, line.unit, line.unit_usd) == (1, "endpoint", 0.0)


def test_a_nat_design_still_lists_the_free_gateway_endpoints() -> None:
    logs = endpoint("logs", "com.amazonaws.ap-northeast-1.logs", "Interface", subnetIds=["a"])
    s3 = endpoint("s3", "com.amazonaws.ap-northeast-1.s3", "Gateway")
    result = price([logs, s3], design=Design("NAT", nat_gateways_instead_of_endpoints=1))
    items = [line.item for line in result.of_kind("charge")]
    assert "Gateway endpoint s3: free" in items
    assert not [item for item in items if item.startswith("Interface endpoint")]


ENDPOINT_GB = 0.01


def test_only_the_log_stream_crosses_a_logs_only_endpoint() -> None:
    # ecs-fargate:egress=ipv6-egress-only keeps logs alone; ECR leaves through the egress-only
    # gateway, so the basis is usage.json's 2 GB of logs, not its 10 GB of AWS-API traffic
    logs = endpoint("logs", "com.amazonaws.ap-northeast-1.logs", "Interface", subnetIds=["a"])
    assert charged(price([logs]), "Interface endpoint data") == pytest.approx(2 * ENDPOINT_GB)


def test_all_aws_api_traffic_crosses_the_endpoints_when_ecr_has_them() -> None:
    endpoints = [
        endpoint(service, f"com.amazonaws.ap-northeast-1.{service}", "Interface", subnetIds=["a"])
        for service in ("ecr.api", "ecr.dkr", "logs")
    ]
    assert charged(price(endpoints), "Interface endpoint data") == pytest.approx(10 * ENDPOINT_GB)


def test_the_logs_only_endpoint_data_line_states_its_basis() -> None:
    logs = endpoint("logs", "com.amazonaws.ap-northeast-1.logs", "Interface", subnetIds=["a"])
    [line] = [
        line for line in price([logs]).lines if line.item.startswith("Interface endpoint data")
    ]
    assert line.note.startswith("log_ingest_gb_per_month: only the log stream")


def test_an_egress_only_internet_gateway_is_free_with_its_unverified_basis() -> None:
    gateway = hand_resource(
        "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "eigw", vpcId="vpc-id"
    )
    result = price([gateway])
    [line] = result.of_kind("free")
    assert (result.not_priced, line.monthly_usd) == ([], 0)
    assert "UNVERIFIED on the AWS VPC pricing page" in line.note
