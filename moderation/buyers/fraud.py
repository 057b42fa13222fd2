"""Fraud signals on a claim: they raise its priority and show on its case.

Placeholder with the interface claims call when they open; its owner replaces the body.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.tables import Order


def fraud_signals(session: Session, *, order: Order) -> list[dict[str, Any]]:
    """The signals a claim on this order carries: [{code, detail}], most telling first."""
    raise NotImplementedError


def claim_priority(signals: list[dict[str, Any]], *, fast_track: bool) -> int:
    """The priority (1 most urgent) of a claim's case with these signals."""
    raise NotImplementedError
