"""Write one statement: its row and its message to the seller, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import outbox, transparency_db
from moderation.statements.content import Draft, build
from moderation.statements.render import facts_text, language_of, render_text
from moderation.tables import OutboxMessage, Seller, Statement, utcnow

# The outbox kinds: a restriction of an offer; the account's rungs keep the kinds the
# marketplace already reads.
OFFER_MESSAGE = "seller.statement_of_reasons"


@dataclass(frozen=True, slots=True)
class Recipient:
    """The seller a statement goes to: our id, the marketplace's, and the language."""

    seller_id: int
    external_id: str
    language: str


@dataclass(frozen=True, slots=True)
class Written:
    """A statement and the message that carries it to the seller."""

    statement: Statement
    message: OutboxMessage


def new_puid() -> str:
    """A platform unique identifier, never reused (random, not a counter: no two databases,
    no restored backup, can hand out the same one)."""
    return f"sor-{uuid.uuid4().hex}"


def recipients(session: Session, seller_ids: Iterable[int]) -> dict[int, Recipient]:
    """The sellers' external ids and languages, in one query."""
    ids = sorted(set(seller_ids))
    return {sid: Recipient(sid, ext, language_of(lang)) for sid, ext, lang in session.execute(
        select(Seller.id, Seller.external_id, Seller.language).where(Seller.id.in_(ids)))}


def write(session: Session, draft: Draft, to: Recipient, *, kind: str = OFFER_MESSAGE,
          offer_id: int | None = None, strike_id: int | None = None,
          message: dict[str, Any] | None = None, report: bool = True) -> Written:
    """Add the statement's row and its outbox message (the JSON and its text), and its
    submission to the Transparency Database (a caller writing many reports them at once)."""
    puid = new_puid()
    content = build(draft, puid=puid, language=to.language)
    row = Statement(
        puid=puid, subject=draft.subject.value, restriction=draft.restriction.value,
        decision_id=draft.decision_id, offer_id=offer_id, seller_id=to.seller_id,
        strike_id=strike_id, territorial_scope=content["territorial_scope"],
        starts_at=draft.starts_at, ends_at=draft.ends_at, ground=draft.ground.ground.value,
        category=draft.category, category_specification=content["category_specification"],
        source_type=draft.source_type.value, automated_detection=draft.automated_detection,
        automated_decision=draft.automated_decision.value, language=to.language,
        content=content, facts=facts_text(draft.facts), created_at=utcnow())
    session.add(row)
    sent = outbox.notify(session, kind=kind, recipient=f"seller:{to.external_id}",
                         payload={**(message or {}), **content, "text": render_text(content)})
    if report:
        transparency_db.enqueue_statements(session, [row], now=row.created_at)
    return Written(row, sent)
