"""The egress setting: what each mode accepts, and the defaults that differ in ipv6-egress-only
(docs/ipv6-egress.md, config validation). Every mistake stops before any resource."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, parse_stack_config
from components.ecr_image import dual_stack_image, repository_arn_of_image
from tests.support.graphs import config_with

IPV6 = {"egress": "ipv6-egress-only"}
DIGEST = "sha256:" + "a" * 64
IPV4_IMAGE = f"123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-web@{DIGEST}"
DUAL_STACK_IMAGE = f"123456789012.dkr-ecr.ap-northeast-1.on.aws/ecs-fargate-web@{DIGEST}"


def parse(stack: str = "dev", **overrides: Any):
    return parse_stack_config(config_with(stack, overrides), stack=stack)


def test_endpoints_is_the_default_mode_of_both_stacks() -> None:
    assert parse("dev").network.egress == "endpoints"
    assert parse("prod").network.egress == "endpoints"


def test_ipv6_mode_creates_only_the_logs_interface_endpoint() -> None:
    assert parse(**IPV6).network.interface_endpoint_services == ("logs",)
    assert parse().network.interface_endpoint_services == ("ecr.api", "ecr.dkr", "logs")


def test_ipv6_mode_gives_the_task_subnets_no_ipv4_range() -> None:
    assert parse(**IPV6).network.private_subnet_cidrs == ()


def test_ipv6_mode_admits_both_address_families_to_the_alb_by_default() -> None:
    assert parse(**IPV6).service.alb_ingress_cidrs == ("0.0.0.0/0", "::/0")


def test_ipv6_mode_keeps_the_alb_clients_a_stack_names() -> None:
    cfg = parse(**IPV6, albIngressCidrs=["2001:db8::/32"])
    assert cfg.service.alb_ingress_cidrs == ("2001:db8::/32",)


def test_ipv6_mode_accepts_an_image_on_the_dual_stack_registry_host() -> None:
    assert parse(**IPV6, image=DUAL_STACK_IMAGE).service.image == DUAL_STACK_IMAGE


# Each case: the overrides, the key the message names and a fragment of what is allowed.
EGRESS_ERRORS: list[tuple[str, dict[str, Any], str, str]] = [
    ("dev", {"egress": "nat"}, "ecs-fargate:egress", "endpoints, ipv6-egress-only"),
    ("prod", IPV6, "ecs-fargate:egress", "endpoints for prod"),
    (
        "dev",
        {**IPV6, "privateSubnetCidrs": ["10.0.111.0/24", "10.0.112.0/24"]},
        "ecs-fargate:privateSubnetCidrs",
        "IPv6-only",
    ),
    ("dev", {**IPV6, "extraEndpointServices": ["ssm"]}, "extraEndpointServices", "only the logs"),
    (
        "dev",
        {**IPV6, "enableExecuteCommand": True},
        "ecs-fargate:enableExecuteCommand",
        "ECS Exec",
    ),
    ("dev", {**IPV6, "image": IPV4_IMAGE}, "ecs-fargate:image", "dkr-ecr.<region>.on.aws"),
    ("dev", {"image": DUAL_STACK_IMAGE}, "ecs-fargate:image", "not served through"),
    ("dev", {"albIngressCidrs": ["::/0"]}, "ecs-fargate:albIngressCidrs", "IPv4 CIDRs only"),
    ("dev", {**IPV6, "albIngressCidrs": ["2001:db8::1/32"]}, "albIngressCidrs[0]", "IPv6"),
    (
        "dev",
        {**IPV6, "albIngressCidrs": ["2001:DB8:0::/32"]},
        "albIngressCidrs[0]",
        "as AWS returns it: 2001:db8::/32",
    ),
    (
        "dev",
        {**IPV6, "albIngressCidrs": ["2001:db8::0/32"]},
        "albIngressCidrs[0]",
        "as AWS returns it: 2001:db8::/32",
    ),
    (
        "dev",
        {**IPV6, "image": DUAL_STACK_IMAGE.replace("ap-northeast-1", "us-east-1")},
        "ecs-fargate:image",
        "stack region",
    ),
]


@pytest.mark.parametrize(
    ("stack", "overrides", "key", "allowed"),
    EGRESS_ERRORS,
    ids=[f"{key}-{i}" for i, (_, _, key, _) in enumerate(EGRESS_ERRORS)],
)
def test_an_egress_mistake_names_the_key_and_what_is_allowed(
    stack: str, overrides: dict[str, Any], key: str, allowed: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(stack, **overrides)
    assert key in str(raised.value)
    assert allowed in str(raised.value)


def test_dual_stack_image_changes_only_the_registry_host() -> None:
    assert dual_stack_image(IPV4_IMAGE) == DUAL_STACK_IMAGE
    assert dual_stack_image(DUAL_STACK_IMAGE) == DUAL_STACK_IMAGE
    repository = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-web"
    assert dual_stack_image(repository) == (
        "123456789012.dkr-ecr.ap-northeast-1.on.aws/ecs-fargate-web"
    )


def test_dual_stack_image_rejects_a_registry_that_is_not_ecr() -> None:
    with pytest.raises(ValueError, match="not an ECR registry host"):
        dual_stack_image("docker.io/library/nginx:1.27")


def test_both_registry_hosts_point_into_the_same_repository() -> None:
    expected = "arn:aws:ecr:ap-northeast-1:123456789012:repository/ecs-fargate-web"
    assert repository_arn_of_image(IPV4_IMAGE, partition="aws") == expected
    assert repository_arn_of_image(DUAL_STACK_IMAGE, partition="aws") == expected
