"""Discussions: a buyer takes a problem with an order up with the seller, before the platform.

The marketplace relays every step (the buyer's opening and messages, the seller's answer or
refusal, a settlement). The seller is to answer by the policy's deadline; after it, or once
the seller refused, the buyer may escalate to a claim (buyers/claims.py). Most discussions
settle between the two and close without the platform.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, policy
from moderation.buyers.schemas import MarketplaceId
from moderation.domain import BuyerReason, DiscussionStatus
from moderation.errors import Conflict, NotFound
from moderation.schemas import Moment, Text
from moderation.tables import Discussion, DiscussionMessage, Order

Author = Literal["buyer", "seller", "platform"]
# Attachments are described, never sent: the marketplace keeps the files.
MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 2**31 - 1


class AttachmentIn(BaseModel):
    """A file a message carries, by its metadata alone."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[Text, StringConstraints(min_length=1, max_length=255)]
    content_type: Annotated[str, StringConstraints(max_length=127,
                                                   pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")]
    size: int = Field(ge=0, le=MAX_ATTACHMENT_BYTES)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class MessageIn(BaseModel):
    """One message of a discussion; `message_id` is the marketplace's, a resent one is kept once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message_id: MarketplaceId
    author: Author
    body: Annotated[Text, StringConstraints(max_length=10_000)] = ""
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    sent_at: Moment


class DiscussionIn(BaseModel):
    """A buyer opening a discussion about an order, with the first message."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    marketplace_id: MarketplaceId
    order_id: MarketplaceId  # the order's marketplace id
    reason: BuyerReason
    opened_at: Moment
    message: MessageIn


class StepIn(BaseModel):
    """A seller's answer or refusal, a settlement or an escalation, with an optional message."""

    model_config = ConfigDict(extra="forbid")

    at: Moment
    message: MessageIn | None = None


def get_discussion(session: Session, discussion_id: int, *, for_update: bool = False
                   ) -> Discussion:
    """One discussion, or NotFound."""
    discussion = session.get(Discussion, discussion_id, with_for_update=for_update)
    if discussion is None:
        raise NotFound(f"discussion {discussion_id} not found")
    return discussion


def messages_of(session: Session, discussion_id: int) -> list[DiscussionMessage]:
    """The discussion's messages in the order they were sent."""
    return list(session.scalars(
        select(DiscussionMessage).where(DiscussionMessage.discussion_id == discussion_id)
        .order_by(DiscussionMessage.sent_at, DiscussionMessage.id)))


def open_discussion(session: Session, data: DiscussionIn) -> Discussion:
    """Open a discussion on an order with its first message; the seller's answer is due by
    the policy's deadline. The same discussion sent again returns the stored one."""
    order = session.scalar(select(Order).where(Order.marketplace_id == data.order_id))
    if order is None:
        raise NotFound(f"order {data.order_id} not found", field="order_id")
    known = session.scalar(select(Discussion).where(
        Discussion.marketplace_id == data.marketplace_id))
    if known is not None:
        if known.order_id != order.id or known.reason != data.reason.value:
            raise Conflict(f"discussion {data.marketplace_id} was opened on another order or "
                           "for another reason", field="marketplace_id")
        return known
    discussion = Discussion(marketplace_id=data.marketplace_id, order_id=order.id,
                            reason=data.reason.value, status=DiscussionStatus.OPEN.value,
                            opened_at=data.opened_at,
                            seller_answer_due_at=data.opened_at + policy.SELLER_ANSWER_DUE)
    session.add(discussion)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="discussion.opened", entity="discussion",
                 entity_id=discussion.id,
                 after={"order": order.marketplace_id, "reason": discussion.reason,
                        "seller_answer_due_at": discussion.seller_answer_due_at.isoformat()})
    record_message(session, discussion, data.message)
    return discussion


def add_message(session: Session, discussion_id: int, data: MessageIn) -> DiscussionMessage:
    """Add a message to a discussion (kept after it closed too: the record is the evidence)."""
    return record_message(session, get_discussion(session, discussion_id, for_update=True), data)


def answer(session: Session, discussion_id: int, data: StepIn) -> Discussion:
    """Record the seller's answer (the first counts; the deadline no longer runs)."""
    discussion = _open(session, discussion_id, "answered")
    if discussion.seller_answered_at is None:
        discussion.seller_answered_at = data.at
        _step(session, discussion, "discussion.answered", data)
    elif data.message is not None:
        record_message(session, discussion, data.message)
    return discussion


def refuse(session: Session, discussion_id: int, data: StepIn) -> Discussion:
    """Record the seller's refusal: the buyer may escalate at once."""
    discussion = _open(session, discussion_id, "refused")
    if discussion.seller_refused_at is None:
        discussion.seller_refused_at = data.at
        _step(session, discussion, "discussion.refused", data)
    return discussion


def settle(session: Session, discussion_id: int, data: StepIn) -> Discussion:
    """Close a discussion buyer and seller settled between them, without the platform."""
    discussion = get_discussion(session, discussion_id, for_update=True)
    if discussion.status == DiscussionStatus.SETTLED.value:
        return discussion  # sent again
    if discussion.status != DiscussionStatus.OPEN.value:
        raise Conflict(f"discussion {discussion_id} is a claim already: the platform decides it")
    discussion.status = DiscussionStatus.SETTLED.value
    discussion.settled_at = data.at
    _step(session, discussion, "discussion.settled", data)
    return discussion


def may_escalate(discussion: Discussion, now: datetime) -> str | None:
    """Why the buyer may not escalate yet, or None when they may."""
    if discussion.status == DiscussionStatus.SETTLED.value:
        return "the discussion was settled between buyer and seller"
    if discussion.seller_refused_at is not None or now >= discussion.seller_answer_due_at:
        return None
    return ("the seller may answer until "
            f"{discussion.seller_answer_due_at.isoformat(timespec='minutes')} and has not "
            "refused: the buyer may escalate after that, or once the seller refuses")


def _open(session: Session, discussion_id: int, verb: str) -> Discussion:
    discussion = get_discussion(session, discussion_id, for_update=True)
    if discussion.status != DiscussionStatus.OPEN.value:
        raise Conflict(f"discussion {discussion_id} is {discussion.status}: it cannot be "
                       f"{verb} any more")
    return discussion


def _step(session: Session, discussion: Discussion, action: str, data: StepIn) -> None:
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action=action, entity="discussion",
                 entity_id=discussion.id, after={"status": discussion.status,
                                                 "at": data.at.isoformat()})
    if data.message is not None:
        record_message(session, discussion, data.message)


def record_message(session: Session, discussion: Discussion, data: MessageIn) -> DiscussionMessage:
    known = session.scalar(select(DiscussionMessage).where(
        DiscussionMessage.discussion_id == discussion.id,
        DiscussionMessage.message_id == data.message_id))
    if known is not None:
        return known  # resent by the marketplace
    message = DiscussionMessage(discussion_id=discussion.id, message_id=data.message_id,
                                author=data.author, body=data.body,
                                attachments=[a.model_dump() for a in data.attachments],
                                sent_at=data.sent_at)
    session.add(message)
    session.flush()
    return message
