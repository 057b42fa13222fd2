"""A rule: conditions plus what a hit means (outcome, severity, reason, DSA category)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.conditions import Condition
from rules.types import Outcome, Severity


@dataclass(frozen=True, slots=True)
class Examples:
    """Offers (as pack dicts) that must and must not make the rule hit."""

    match: tuple[dict[str, Any], ...]
    no_match: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack."""

    id: str
    description: str
    severity: Severity
    outcome: Outcome
    priority: int | None
    reason_code: str
    statement_category: str
    when: Condition
    examples: Examples
    source: str = "<inline>"  # the pack file, for error messages and example failures
    pack: str = ""
    pack_version: str = ""
