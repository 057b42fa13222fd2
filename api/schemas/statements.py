"""What the API shows of a statement of reasons (DSA art. 17)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.base import Schema


class StatementView(Schema):
    """A statement as the seller got it: the JSON of its webhook message, and its text."""

    puid: str = Field(description="The platform's unique id of the statement, never reused")
    subject: str = Field(description="`offer` or `account`")
    restriction: str = Field(description="removal, disabling, hold, strike, suspension, "
                                         "termination")
    decision_id: int | None
    offer_id: int | None
    territorial_scope: list[str] = Field(description="ISO 3166 country codes")
    starts_at: datetime
    ends_at: datetime | None = Field(description="None: no end date (a hold: until decided)")
    ground: str = Field(description="`illegal` (a legal ground) or `terms`")
    category: str = Field(description="The Transparency Database's STATEMENT_CATEGORY_...")
    category_specification: list[str]
    source_type: str = Field(description="notice, trusted_flagger, other_notification, "
                                         "own_initiative")
    automated_detection: bool
    automated_decision: str = Field(description="fully, partially or not")
    language: str = Field(description="The language the seller got it in (pl, en)")
    facts: str = Field(description="The facts and circumstances, in English")
    content: dict[str, Any] = Field(description="The statement as the webhook carried it")
    text: str = Field(default="", description="The statement as text, in `language` or "
                                  "the one asked for")
    created_at: datetime
