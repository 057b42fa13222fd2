"""What the API shows of feedback, a seller's report of a comment, and a seller's quality."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.base import Schema


class FeedbackView(Schema):
    feedback_id: str = Field(validation_alias="marketplace_id")
    rating: str
    comment: str
    status: str = Field(description="published, held (broke a rule: the buyer may correct "
                                    "it) or removed")
    hits: list[dict[str, Any]] = Field(description="The rules the comment broke, with its "
                                                   "words that did")
    created_at: datetime
    corrected_at: datetime | None
    removed_at: datetime | None
    removed_by: str | None


class FeedbackReportView(Schema):
    case_id: int
    reason: str
    reported_at: datetime
    outcome: str | None
    decided_at: datetime | None


class FeedbackReportDetail(Schema):
    """A report as the moderator reads it: the comment as reported and as it stands now."""

    report: FeedbackReportView
    explanation: str = Field(description="The seller's reasons")
    reported_comment: str
    feedback: FeedbackView


class SellerQualityView(Schema):
    seller_id: str
    since: datetime
    until: datetime
    positive: int
    negative: int
    ratings: int
    share_positive: float | None = Field(description="Positive of the ratings that stand; "
                                                     "null without any")
    upheld_claims: int
