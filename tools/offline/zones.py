"""The availability-zone lookup of the offline mocks (aws.get_availability_zones).

The program chooses its subnets' zones from this answer, so the mock answers as an account does:
per-region zones with their ids, opted-in Local Zones listed beside the AZs, and the request's
state, filters and exclusions applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Zone:
    """One zone as DescribeAvailabilityZones reports it (EC2 API reference)."""

    name: str
    zone_id: str
    opt_in_status: str = "opt-in-not-required"
    zone_type: str = "availability-zone"
    state: str = "available"


# Zones per region as an account sees them (ap-northeast-1b is closed to new accounts). Tokyo
# also lists the Taipei Local Zone, opted in by this account: DescribeAvailabilityZones returns
# opted-in Local Zones beside the AZs by default (not-opted-in ones only with
# AllAvailabilityZones), and promises no order, so it comes first here. A program that drops
# the opt-in-status filter then puts a subnet in it, and tests/program/test_offline_mocks.py fails.
MOCK_ZONES: dict[str, list[Zone]] = {
    "ap-northeast-1": [
        Zone("ap-northeast-1-tpe-1a", "apne1-tpe1-az1", "opted-in", "local-zone"),
        Zone("ap-northeast-1a", "apne1-az4"),
        Zone("ap-northeast-1c", "apne1-az1"),
        Zone("ap-northeast-1d", "apne1-az2"),
    ],
    "us-east-1": [
        *(Zone(f"us-east-1{s}", f"use1-az{i}") for i, s in enumerate("abcdef", start=1)),
        Zone("us-east-1-bos-1a", "use1-bos1-az1", "not-opted-in", "local-zone"),
    ],
}
# Filters of aws.get_availability_zones the mock applies, by the Zone field they read
# (DescribeAvailabilityZones "Filter.N"); any other filter raises rather than being ignored.
ZONE_FILTERS = {
    "opt-in-status": "opt_in_status",
    "zone-type": "zone_type",
    "zone-name": "name",
    "zone-id": "zone_id",
    "state": "state",
}
ZONE_ARGUMENTS = {"state", "filters", "allAvailabilityZones", "excludeNames", "excludeZoneIds"}


def availability_zones(region: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """aws.get_availability_zones as the provider answers it: DescribeAvailabilityZones with
    the request's state and filters applied, then the exclusions (data source
    aws_availability_zones). An argument or filter the mock does not model raises."""
    unknown = set(request) - ZONE_ARGUMENTS
    if unknown:
        raise NotImplementedError(f"getAvailabilityZones: no mock for {sorted(unknown)}")
    zones = MOCK_ZONES.get(region) or [
        Zone(f"{region}{s}", f"{region}-az{i}") for i, s in enumerate("abc", 1)
    ]
    if not request.get("allAvailabilityZones"):
        zones = [z for z in zones if z.opt_in_status != "not-opted-in"]
    if request.get("state"):
        zones = [z for z in zones if z.state == request["state"]]
    for zone_filter in request.get("filters") or []:
        field = ZONE_FILTERS.get(zone_filter["name"])
        if field is None:
            raise NotImplementedError(
                f"getAvailabilityZones: no mock for the filter {zone_filter['name']!r}"
            )
        zones = [z for z in zones if getattr(z, field) in zone_filter["values"]]
    zones = [
        z
        for z in zones
        if z.name not in (request.get("excludeNames") or [])
        and z.zone_id not in (request.get("excludeZoneIds") or [])
    ]
    return {
        "id": region,
        "names": [z.name for z in zones],
        "zoneIds": [z.zone_id for z in zones],
        # A Local Zone's group is its name without the zone letter (ap-northeast-1-tpe-1).
        "groupNames": sorted(
            {z.name[:-1] if z.zone_type == "local-zone" else region for z in zones}
        ),
        "state": request.get("state"),
    }
