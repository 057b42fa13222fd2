"""Presentation helpers for the console: highlighted evidence, deadlines, durations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Time left before a case's deadline: at least this much is green, less is amber.
AMBER_BELOW = timedelta(hours=4)
RED_BELOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    rules: tuple[str, ...]  # rule ids whose evidence covers this stretch; empty: plain text


def highlight(text: str, field: str, hits: Iterable[dict[str, Any]]) -> list[Segment]:
    """Cut a field's original text at the matched spans, so a template can mark them."""
    covering: list[set[str]] = [set() for _ in text]
    for hit in hits:
        for span in hit.get("spans", ()):
            if span.get("field") != field:
                continue
            for i in range(max(0, span["start"]), min(len(text), span["end"])):
                covering[i].add(hit["rule_id"])
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or covering[i] != covering[start]:
            segments.append(Segment(text[start:i], tuple(sorted(covering[start]))))
            start = i
    return segments


def deadline_colour(due_at: datetime, now: datetime) -> str:
    """green / amber / red for the time left before a deadline."""
    left = due_at - now
    if left < RED_BELOW:
        return "red"
    if left < AMBER_BELOW:
        return "amber"
    return "green"


def duration(delta: timedelta | None) -> str:
    """A short duration such as "2 h 05 min", "-35 min" (overdue) or "—"."""
    if delta is None:
        return "—"
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, minutes = divmod(abs(minutes), 60)
    if hours >= 48:
        return f"{sign}{hours // 24} d {hours % 24} h"
    return f"{sign}{hours} h {minutes:02d} min" if hours else f"{sign}{minutes} min"
