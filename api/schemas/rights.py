"""What the API shows of the rights registry."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from api.schemas.base import Schema


class DocumentView(Schema):
    """A proof's metadata; the content is downloaded on its own."""

    id: int
    right_id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: int | None
    created_at: datetime


class RightView(Schema):
    id: int
    organisation_id: int
    type: str
    office: str
    number: str
    owner: str
    territory: str
    valid_from: date | None
    valid_until: date | None
    brands: list[str]
    keywords: list[str]
    reference_price: Decimal | None
    agent: bool
    status: str
    verified_by: int | None
    verified_at: datetime | None
    review_note: str
    created_at: datetime
    updated_at: datetime


class RightDetail(Schema):
    """A right with its documents' metadata."""

    right: RightView
    documents: list[DocumentView]


class RightList(Schema):
    items: list[RightView]


class RightResult(Schema):
    right: RightView


class DocumentResult(Schema):
    document: DocumentView
