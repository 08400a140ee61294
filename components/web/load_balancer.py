"""The internet-facing ALB: its listeners (HTTPS on a validated certificate when a domain is set),
target groups and DNS alias."""

from __future__ import annotations

from components.config import ServiceConfig

HTTP, HTTPS = 80, 443


def serves_https(service: ServiceConfig) -> bool:
    """A domain (config requires its hosted zone with it) puts HTTPS in front of the service."""
    return bool(service.domain_name and service.hosted_zone_id)


def listener_ports(service: ServiceConfig) -> tuple[int, ...]:
    """The ports clients reach: with HTTPS, port 80 only redirects to 443."""
    return (HTTP, HTTPS) if serves_https(service) else (HTTP,)
