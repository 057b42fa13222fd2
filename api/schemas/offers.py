"""What the API shows of an offer and its screenings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    AliasPath,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

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


RawOffer = Annotated[Any, WithJsonSchema({"$ref": "#/components/schemas/OfferIn"})]


class OfferBatchIn(BaseModel):
    """Offer events sent together: each is validated and answered on its own, so one that
    does not validate is answered `invalid` and the rest are still taken in."""

    model_config = ConfigDict(extra="forbid")

    # Each item as raw JSON (its schema shown as OfferIn's): validated one by one in the route.
    offers: list[RawOffer] = Field(
        min_length=1, description="Offer events as POST /v1/offers takes them (OfferIn), at "
        "most MAX_BATCH_OFFERS; an item that does not validate does not stop the others")


BatchOutcome = Literal["created", "updated", "duplicate", "stale", "conflict", "invalid"]


class BatchItemReceipt(Schema):
    """What became of one offer event of a batch, at its place in the request."""

    index: int = Field(description="The item's position in `offers`, from 0")
    marketplace_id: str | None = Field(description="As sent, when it was readable")
    version: int | None
    id: int | None = Field(description="The offer's id, when it was stored or known")
    outcome: BatchOutcome = Field(description="`created`, `updated` (queued for screening), "
                                  "`duplicate`, `stale` (nothing changed), `conflict` (this "
                                  "version was received with other content), `invalid`")
    field: str | None = Field(default=None, description="For `invalid` and `conflict`: the "
                              "field at fault, as `offers[3].title`")
    detail: str | None = Field(default=None, description="What is wrong, for `invalid` and "
                               "`conflict`")


class BatchReceipt(Schema):
    """One receipt per offer event sent, in the order sent, and how many of each outcome."""

    items: list[BatchItemReceipt]
    counts: dict[BatchOutcome, int]
