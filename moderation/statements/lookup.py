"""Reading statements back: an offer's, a seller's, one by its PUID."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.errors import NotFound
from moderation.tables import Offer, Statement


def statements_of_offer(session: Session, offer_id: int) -> list[Statement]:
    """The offer's statements and its seller's account statements, newest first."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} not found")
    return list(session.scalars(
        select(Statement).where(or_(
            Statement.offer_id == offer_id,
            (Statement.seller_id == offer.seller_id) & Statement.offer_id.is_(None)))
        .order_by(Statement.created_at.desc(), Statement.id.desc())))


def get_statement(session: Session, puid: str) -> Statement:
    """One statement by its PUID, or NotFound."""
    row = session.scalar(select(Statement).where(Statement.puid == puid))
    if row is None:
        raise NotFound(f"statement {puid} not found")
    return row
