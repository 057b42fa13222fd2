"""What the API shows of discussions and claims: the marketplace's view and the case's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasPath, Field

from api.schemas.base import DecimalText, Schema


class AttachmentView(Schema):
    name: str
    content_type: str
    size: int
    sha256: str


class MessageView(Schema):
    message_id: str
    author: str = Field(description="`buyer`, `seller` or `platform`")
    body: str
    attachments: list[AttachmentView] = Field(description="Metadata only: the marketplace "
                                                          "keeps the files")
    sent_at: datetime


class DiscussionView(Schema):
    id: int
    marketplace_id: str
    reason: str
    status: str = Field(description="`open`, `settled` or `escalated`")
    opened_at: datetime
    seller_answer_due_at: datetime
    seller_answered_at: datetime | None
    seller_refused_at: datetime | None
    settled_at: datetime | None
    escalated_at: datetime | None


class DiscussionDetail(Schema):
    """A discussion with its messages, and the claim it became, if escalated."""

    discussion: DiscussionView
    messages: list[MessageView]
    may_escalate: bool = Field(description="The seller's deadline passed or the seller "
                                           "refused, and the discussion is still open")
    claim_id: int | None


class FraudSignalView(Schema):
    code: str
    detail: str


class ClaimView(Schema):
    id: int
    discussion_id: int
    case_id: int | None
    reason: str
    status: str = Field(description="`open`, `compensated`, `partial` or `rejected`")
    fast_track: bool
    fraud_signals: list[FraudSignalView]
    opened_at: datetime
    decided_at: datetime | None
    decision_id: int | None
    upheld: bool | None


class ClaimOrderView(Schema):
    marketplace_id: str
    offer_version: int
    quantity: int
    value: DecimalText
    currency: str
    fast_track: bool
    ordered_at: datetime
    delivered_at: datetime | None


class ClaimTrackingView(Schema):
    event_id: str
    status: str
    carrier: str | None
    detail: str
    occurred_at: datetime


class CompensationView(Schema):
    amount: DecimalText
    currency: str
    requested_at: datetime
    paid_at: datetime | None


class ClaimEvidenceView(Schema):
    """A claim with what a moderator reads to decide it."""

    claim: ClaimView
    discussion: DiscussionView
    messages: list[MessageView]
    order: ClaimOrderView
    buyer: str = Field(validation_alias=AliasPath("buyer", "external_id"))
    seller: str = Field(validation_alias=AliasPath("seller", "external_id"))
    offer_as_bought: dict[str, Any] | None = Field(
        description="The offer's version the buyer bought, as the marketplace sent it then")
    tracking: list[ClaimTrackingView]
    compensations: list[CompensationView]
