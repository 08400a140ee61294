"""README.md's generated regions: find them, compare them, rewrite their bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping

REGION = re.compile(
    r"^<!-- make docs: (?P<name>[a-z0-9-]+) -->\n(?P<body>.*?)^<!-- /make docs -->$",
    re.MULTILINE | re.DOTALL,
)
OPENING = re.compile(r"^<!-- make docs: (?P<name>[^ ]+) -->$", re.MULTILINE)


class RegionError(ValueError):
    """README.md's markers do not match the regions tools/docs/regions.py writes."""


def rewrite(text: str, regions: Mapping[str, str]) -> str:
    """``text`` with each marked region's body replaced; markers that name no region, an opening
    marker without its closing one, or a region the text lacks raise RegionError."""
    opened = OPENING.findall(text)
    closed = [match["name"] for match in REGION.finditer(text)]
    if opened != closed:
        raise RegionError(f"unclosed marker: {sorted(set(opened) - set(closed))}")
    unknown = sorted(set(opened) - set(regions))
    missing = sorted(set(regions) - set(opened))
    if unknown or missing or len(opened) != len(set(opened)):
        raise RegionError(
            f"README regions differ from tools/docs/regions.py: unknown {unknown}, missing {missing}, "
            f"repeated {sorted({n for n in opened if opened.count(n) > 1})}"
        )

    def replaced(match: re.Match[str]) -> str:
        name = match["name"]
        return f"<!-- make docs: {name} -->\n{regions[name]}<!-- /make docs -->"

    return REGION.sub(replaced, text)


def stale(text: str, regions: Mapping[str, str]) -> list[str]:
    """The regions whose text differs from what ``regions`` would write."""
    current = {match["name"]: match["body"] for match in REGION.finditer(text)}
    rewrite(text, regions)  # the markers must be sound before bodies are compared
    return [name for name in regions if current.get(name) != regions[name]]
