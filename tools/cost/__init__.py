"""Monthly cost of a stack, priced offline from its resource graph (docs/cost.md)."""

from tools.cost.compare import Comparison, compare
from tools.cost.pricing import Design, Estimate, Line, estimate
from tools.cost.tables import load_prices, load_usage

__all__ = [
    "Comparison",
    "Design",
    "Estimate",
    "Line",
    "compare",
    "estimate",
    "load_prices",
    "load_usage",
]
