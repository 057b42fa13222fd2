"""How a rule hit is stored and shown: one JSON shape for screenings, shadows and dry runs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rules.types import Hit


def hit_json(hit: Hit) -> dict[str, Any]:
    """Serialise a hit with its spans for storage and the API."""
    data = asdict(hit)
    data["outcome"] = hit.outcome.value
    data["severity"] = hit.severity.value
    return data
