"""Statements of reasons written straight into the table, as the statements room writes them."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from moderation.domain import (
    AutomatedDecision,
    Restriction,
    StatementCategory,
    StatementGround,
    StatementSource,
    StatementSubject,
)
from moderation.tables import Offer, Seller, Statement, utcnow

_seq = itertools.count(1)
ACCOUNT_RESTRICTIONS = {Restriction.STRIKE, Restriction.SUSPENSION, Restriction.TERMINATION}


def make_seller(session: Session) -> Seller:
    """A seller of its own."""
    seller = Seller(external_id=f"tdb-seller-{next(_seq)}-{uuid.uuid4().hex[:6]}")
    session.add(seller)
    session.flush()
    return seller


def make_bare_offer(session: Session, *, gtins: list[str] | None = None,
                    seller: Seller | None = None) -> Offer:
    """An offer row without its intake (statements read no more of it)."""
    seller = seller or make_seller(session)
    offer = Offer(marketplace_id=f"tdb-{next(_seq)}-{uuid.uuid4().hex[:8]}", seller_id=seller.id,
                  version=1, title="Zegarek", gtins=list(gtins or []), needs_screening=False,
                  created_at=utcnow() - timedelta(days=3))
    session.add(offer)
    session.flush()
    return offer


def make_statement(session: Session, *, offer: Offer | None = None,
                   restriction: Restriction = Restriction.REMOVAL, **overrides: Any
                   ) -> Statement:
    """A statement of reasons on an offer (or on its seller's account), illegal content by
    default, with its content as the seller got it."""
    account = restriction in ACCOUNT_RESTRICTIONS
    if offer is None and not account:
        offer = make_bare_offer(session)
    seller_id = offer.seller_id if offer is not None else make_seller(session).id
    ground = overrides.get("ground", StatementGround.ILLEGAL.value)
    content: dict[str, Any] = (
        {"legal_ground": "Art. 9 Regulation (EU) 2017/1001 (EU trade mark)",
         "legal_ground_explanation": "The offer sells goods bearing a sign identical to the "
                                     "registered mark without the owner's consent."}
        if ground == StatementGround.ILLEGAL.value else
        {"terms_ground": "Marketplace terms § 4.2 (prohibited goods)",
         "terms_explanation": "Replicas of branded goods may not be offered."})
    values: dict[str, Any] = {
        "puid": f"sor-{uuid.uuid4().hex}",
        "subject": (StatementSubject.ACCOUNT if account else StatementSubject.OFFER).value,
        "restriction": restriction.value,
        "offer_id": None if account else offer.id if offer is not None else None,
        "seller_id": seller_id,
        "territorial_scope": ["PL"],
        "starts_at": utcnow(),
        "ends_at": None,
        "ground": ground,
        "category": StatementCategory.INTELLECTUAL_PROPERTY.value,
        "category_specification": ["KEYWORD_TRADEMARK_INFRINGEMENT"],
        "source_type": StatementSource.OWN_INITIATIVE.value,
        "automated_detection": True,
        "automated_decision": AutomatedDecision.FULLY.value,
        "language": "pl",
        "content": content,
        "facts": "Rule counterfeit.replica_marker matched the title (reason REPLICA).",
    }
    values.update(overrides)
    statement = Statement(**values)
    session.add(statement)
    session.flush()
    return statement
