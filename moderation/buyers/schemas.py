"""What the marketplace sends about accounts, orders and parcels, as checked on arrival."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from moderation.schemas import Moment, Text

# The marketplace's ids: what its offer ids look like, and at most what the tables hold.
MarketplaceId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
]
AccountId = Annotated[Text, StringConstraints(min_length=1, max_length=64)]
# Money as the marketplace charges it: never negative, to the grosz, within Numeric(14, 2).
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# A parcel seldom has more than a few dozen events; more in one request is not a parcel.
MAX_TRACKING_EVENTS = 200


class AccountIn(BaseModel):
    """An account as registration tells it; a field not sent keeps what is known."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # When the marketplace saw the account so: an event older than the last applied is stale.
    at: Moment
    account_created_at: Moment | None = None
    # Activation by a 1.01 zł transfer; not sent is unknown (not activated), never true.
    activated: bool | None = None
    activated_at: Moment | None = None
    terms_version: Annotated[Text, StringConstraints(min_length=1, max_length=32)] | None = None
    terms_accepted_at: Moment | None = None


class BuyerAccountIn(AccountIn):
    """A buyer's account: also the fast-delivery subscription."""

    subscription_until: Moment | None = None


class OrderBuyerIn(BaseModel):
    """The buyer of an order, and what the order event tells of their account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: AccountId
    account: BuyerAccountIn | None = None


class OrderIn(BaseModel):
    """An order as the marketplace sends it: who bought which version of which offer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    marketplace_id: MarketplaceId
    buyer: OrderBuyerIn
    seller_id: AccountId
    offer_id: MarketplaceId
    offer_version: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(default=1, ge=1, le=2**31 - 1)
    value: Money
    currency: Currency = "PLN"
    # A customer of the fast-delivery subscription when ordering: claims take the fast track.
    fast_track: bool = False
    ordered_at: Moment
    delivered_at: Moment | None = None

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class TrackingEventIn(BaseModel):
    """A parcel's event, as the carrier told the marketplace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    event_id: MarketplaceId
    status: Annotated[str, StringConstraints(min_length=1, max_length=32,
                                             pattern=r"^[a-z][a-z_]*$")]
    carrier: Annotated[Text, StringConstraints(min_length=1, max_length=64)] | None = None
    detail: Annotated[Text, StringConstraints(max_length=2_000)] = ""
    occurred_at: Moment


class TrackingBatchIn(BaseModel):
    """Tracking events of one order, as many as the marketplace has gathered."""

    model_config = ConfigDict(extra="forbid")

    events: list[TrackingEventIn] = Field(min_length=1, max_length=MAX_TRACKING_EVENTS)
