"""The price table and usage assumptions, loaded from the JSON files next to this module."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent
REPO_ROOT = DATA_DIR.parent.parent
PRICES_FILE = DATA_DIR / "prices.json"
USAGE_FILE = DATA_DIR / "usage.json"
# Each stack's monthly ceiling: list price before free tiers, always on. A table here rather than a
# Pulumi config key because no resource reads it: it limits what the estimate may reach, and
# `make plan` prints the headroom to it, the tests hold each stack within it and the README quotes
# it. Issue 10 raised dev's from $70 for the error ratio's HTTPCode_ELB_503_Count; prod has none.
BUDGETS_USD: dict[str, float] = {"dev": 70.50}


@dataclass(frozen=True)
class UnitPrice:
    usd: float
    unit: str
    source: str
    as_of: str


@dataclass(frozen=True)
class PriceTable:
    region: str
    prices: dict[str, UnitPrice]
    free_tiers: dict[str, float]
    free_types: frozenset[str]
    prices_seen: str
    free_tier_source: str
    free_type_bases: dict[str, str] = field(default_factory=dict)
    """Why a free type is free, where cost_model.md section 1 does not say it (with its doubts)."""

    def get(self, item: str) -> UnitPrice | None:
        return self.prices.get(item)


@dataclass(frozen=True)
class Usage:
    values: dict[str, float]
    basis: dict[str, str]

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def with_values(self, **overrides: float) -> Usage:
        return Usage(values={**self.values, **overrides}, basis=self.basis)


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


class NoPriceTable(LookupError):
    """The region has no price table: `make cost`, `make plan` and `make cost-table` print this
    one line and exit 1 rather than a $0.00 estimate with every line unpriced."""


def load_prices(region: str, path: Path = PRICES_FILE) -> PriceTable:
    """The table for one region; a region the file lacks raises NoPriceTable naming those it has."""
    raw = _read_json(path)
    if region not in raw["regions"]:
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        raise NoPriceTable(
            f"no price table for {region} ({shown} has {', '.join(sorted(raw['regions']))})"
        )
    regional = raw["regions"][region]
    prices = {item: UnitPrice(**entry) for item, entry in regional.items()}
    free_tiers = {k: float(v) for k, v in raw["free_tiers"].items() if k != "source"}
    return PriceTable(
        region=region,
        prices=prices,
        free_tiers=free_tiers,
        free_types=frozenset(raw["free_types"]["types"]),
        prices_seen=raw["prices_seen"],
        free_tier_source=str(raw["free_tiers"]["source"]),
        free_type_bases=dict(raw["free_types"].get("bases", {})),
    )


def price_regions(path: Path = PRICES_FILE) -> list[str]:
    return sorted(_read_json(path)["regions"])


def load_usage(path: Path = USAGE_FILE) -> Usage:
    raw = _read_json(path)
    entries = {k: v for k, v in raw.items() if isinstance(v, dict)}
    return Usage(
        values={k: float(v["value"]) for k, v in entries.items()},
        basis={k: str(v["basis"]) for k, v in entries.items()},
    )
