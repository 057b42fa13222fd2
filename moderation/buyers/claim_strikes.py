"""Upheld claims past the policy's threshold count as strikes on the seller.

Placeholder with the interface claim decisions call; its owner replaces the body.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation.tables import Claim, Decision


def count_upheld_claim(session: Session, *, claim: Claim, decision: Decision) -> None:
    """After a claim is upheld (compensate or partial): strike the seller when their upheld
    claims in the policy's window pass its threshold; in the caller's transaction."""
    raise NotImplementedError
