"""What the API shows of an offer and its screenings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, AliasPath, BeforeValidator, Field

from api.schemas.base import DecimalText, Schema


def _listed(value: Any) -> Any:
    return [] if value is None else value


class BarcodeFlagView(Schema):
    """A barcode the offer gave that is not a valid GTIN, as written."""

    value: str
    problem: str = Field(description="`check_digit` (wrong GS1 check digit) or `not_a_gtin`")
    source: str = Field(description="`gtins`, or the `title` / `description` it was read from")


class OfferView(Schema):
    id: int
    marketplace_id: str
    version: int
    status: str
    # The seller's id at the marketplace (the row's seller_id is ours).
    seller_id: str = Field(validation_alias=AliasPath("seller", "external_id"))
    title: str
    description: str
    category: str | None
    brand: str | None
    price: DecimalText | None
    currency: str | None
    gtins: Annotated[list[str], BeforeValidator(_listed)]
    barcode_flags: Annotated[list[BarcodeFlagView], BeforeValidator(_listed)]
    screened_version: int | None
    updated_at: datetime


class ScreeningView(Schema):
    id: int
    offer_version: int
    route: str
    priority: int | None
    reason_code: str
    score: float
    score_features: list[Any]
    hits: list[dict[str, Any]]
    rules_version: str
    model_version: str
    created_at: datetime


class OfferReceipt(Schema):
    """What became of an offer event: 201 created, 202 updated, 200 duplicate or stale."""

    id: int | None = Field(validation_alias=AliasChoices("id", "offer_id"))
    marketplace_id: str
    version: int
    outcome: Literal["created", "updated", "duplicate", "stale"]
