"""Feedback from buyers: a rating of an order (positive or negative, no neutral), given only
by an activated account within the window after ordering, with a comment screened by the
rule engine; the buyer may correct the comment or withdraw the feedback.

A comment that breaks a rule is held: not shown, its hits kept, and the buyer is told why
and that a corrected comment is screened again. No moderator sees it unless the seller
reports a published one (feedback_reports.py): the buyer is the one who can fix a held
comment, and a false hold costs them one rewrite, where a review of every flagged comment
would cost a person's time on each.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.domain import FeedbackStatus, Rating
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.schemas import Text
from moderation.tables import Buyer, Feedback, Order
from rules.comments import COMMENT_FIELD, comment_text, load_comment_ruleset
from rules.engine import RuleSet
from rules.types import Hit

COMMENT_MAX = 2_000
MarketplaceId = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1,
                                                  max_length=64)]
Comment = Annotated[Text, StringConstraints(strip_whitespace=True, max_length=COMMENT_MAX)]
HELD_MESSAGE = "buyer.feedback_held"
# Messages to buyers go through the marketplace's webhook: this service has no buyer's
# address, the marketplace does.
BUYER_RECIPIENT = "buyer:{}"  # as claims write it (moderation/buyers/claims.py)


class FeedbackIn(BaseModel):
    """A rating as the marketplace relays it."""

    model_config = ConfigDict(extra="forbid")

    feedback_id: MarketplaceId
    order_id: MarketplaceId  # the order's marketplace id
    rating: Rating
    comment: Comment = ""


class CorrectionIn(BaseModel):
    """The buyer's corrected comment."""

    model_config = ConfigDict(extra="forbid")

    comment: Comment


@cache
def comment_rules() -> RuleSet:
    """The feedback packs, loaded once per process."""
    return load_comment_ruleset()


def hits_of(hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits as stored and shown: which rule, why, and the words of the comment."""
    return [{"rule_id": h.rule_id, "outcome": h.outcome.value, "reason_code": h.reason_code,
             "statement_category": h.statement_category,
             "spans": [{"start": s.start, "end": s.end, "text": s.text}
                       for s in h.spans if s.field == COMMENT_FIELD]}
            for h in hits]


def screen(rules: RuleSet, comment: str) -> tuple[str, list[dict[str, Any]]]:
    """The status a comment earns and its hits; no comment, nothing to screen."""
    hits = hits_of(rules.evaluate(comment_text(comment))) if comment else []
    return (FeedbackStatus.HELD.value if hits else FeedbackStatus.PUBLISHED.value), hits


def get_feedback(session: Session, marketplace_id: str, *, for_update: bool = False
                 ) -> Feedback:
    """One feedback by the marketplace's id, or NotFound."""
    query = select(Feedback).where(Feedback.marketplace_id == marketplace_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None:
        raise NotFound(f"feedback {marketplace_id} not found")
    return row


def _rateable_order(session: Session, marketplace_id: str, *, now: datetime
                    ) -> tuple[Order, Buyer]:
    order = session.scalar(select(Order).where(Order.marketplace_id == marketplace_id))
    if order is None:
        raise NotFound(f"order {marketplace_id} not found", field="order_id")
    buyer = session.get_one(Buyer, order.buyer_id)
    # Unknown (None) is not activated: only the 1.01 zł transfer makes an account real.
    if buyer.activated is not True:
        raise InvalidInput("only a buyer with an activated account may rate an order",
                           field="order_id")
    closes = order.ordered_at + policy.FEEDBACK_WINDOW
    if now > closes:
        raise InvalidInput(f"the order may be rated until {closes.isoformat()}; that has "
                           "passed", field="order_id")
    return order, buyer


def submit_feedback(session: Session, data: FeedbackIn, *, rules: RuleSet, now: datetime
                    ) -> tuple[Feedback, bool]:
    """Take a rating in, its comment screened; the same feedback sent again is answered
    with what was stored. Returns the row and whether it is new."""
    known = session.scalar(select(Feedback).where(Feedback.marketplace_id == data.feedback_id))
    if known is not None:
        rated = session.scalar(select(Order.marketplace_id).where(Order.id == known.order_id))
        if rated != data.order_id:
            raise Conflict(f"feedback {data.feedback_id} is on another order",
                           field="feedback_id")
        return known, False
    order, buyer = _rateable_order(session, data.order_id, now=now)
    if session.scalar(select(Feedback.id).where(Feedback.order_id == order.id)) is not None:
        raise Conflict(f"order {data.order_id} is already rated: one rating per order",
                       field="order_id")
    status, hits = screen(rules, data.comment)
    row = Feedback(marketplace_id=data.feedback_id, order_id=order.id, buyer_id=buyer.id,
                   seller_id=order.seller_id, rating=data.rating.value, comment=data.comment,
                   status=status, hits=hits, rules_version=rules.version, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="feedback.received", entity="feedback",
                 entity_id=row.id, after={"rating": row.rating, "status": status,
                                          "rules": [h["rule_id"] for h in hits]})
    if status == FeedbackStatus.HELD.value:
        _tell_held(session, row, buyer)
    return row, True


def correct_feedback(session: Session, marketplace_id: str, data: CorrectionIn, *,
                     rules: RuleSet, now: datetime) -> Feedback:
    """Replace the comment with the buyer's correction, screened again."""
    row = get_feedback(session, marketplace_id, for_update=True)
    if row.status == FeedbackStatus.REMOVED.value:
        raise Conflict(f"feedback {marketplace_id} was removed; there is nothing to correct")
    before = {"status": row.status, "comment": row.comment}
    row.status, row.hits = screen(rules, data.comment)
    row.comment = data.comment
    row.rules_version = rules.version
    row.corrected_at = now
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="feedback.corrected", entity="feedback",
                 entity_id=row.id, before=before,
                 after={"status": row.status, "rules": [h["rule_id"] for h in row.hits]})
    if row.status == FeedbackStatus.HELD.value:
        _tell_held(session, row, session.get_one(Buyer, row.buyer_id))
    return row


def remove_feedback(session: Session, marketplace_id: str, *, now: datetime) -> Feedback:
    """Withdraw the feedback at the buyer's wish: it no longer counts; twice is once."""
    row = get_feedback(session, marketplace_id, for_update=True)
    if row.status == FeedbackStatus.REMOVED.value:
        return row
    before = {"status": row.status}
    mark_removed(row, by="buyer", now=now)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="feedback.removed", entity="feedback",
                 entity_id=row.id, before=before, after={"status": row.status, "by": "buyer"})
    return row


def mark_removed(row: Feedback, *, by: str, now: datetime) -> None:
    """Take the feedback down: not shown, not counted."""
    row.status = FeedbackStatus.REMOVED.value
    row.removed_at = now
    row.removed_by = by


def _tell_held(session: Session, row: Feedback, buyer: Buyer) -> None:
    """Tell the buyer the comment is not shown, which words broke which rule, and how to
    put it right."""
    outbox.notify(session, kind=HELD_MESSAGE, recipient=BUYER_RECIPIENT.format(buyer.external_id),
                  payload={"feedback_id": row.marketplace_id, "buyer_id": buyer.external_id,
                           "rating": row.rating, "comment": row.comment, "hits": row.hits,
                           "may_correct": True,
                           "how": f"PUT /v1/feedback/{row.marketplace_id} with the corrected "
                                  "comment: it is screened again and shown if it passes"})
