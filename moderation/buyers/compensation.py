"""Compensation on a claim: asked of the marketplace's payment webhook, paid on confirmation.

Placeholder with the interface the claim decisions call; its owner replaces the body.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from moderation.tables import Claim, Compensation, Decision


def request_compensation(session: Session, *, claim: Claim, decision: Decision,
                         amount: Decimal) -> Compensation:
    """Record what the platform pays on this decision and queue the payment request (outbox),
    in the caller's transaction; asked twice for one decision, returns the first."""
    raise NotImplementedError
