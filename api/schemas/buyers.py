"""What the API shows of buyers' and sellers' accounts, orders and their tracking."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.base import DecimalText, Schema


class AccountView(Schema):
    """An account as registration told it; `activated` null: the marketplace has not said
    (unknown, so not activated)."""

    external_id: str
    account_created_at: datetime | None
    activated: bool | None
    activated_at: datetime | None
    terms_version: str | None
    terms_accepted_at: datetime | None
    account_event_at: datetime | None = Field(
        description="The time of the last account event applied; an older one is stale")


class BuyerView(AccountView):
    subscription_until: datetime | None


class AccountReceipt(Schema):
    """What an account event did."""

    outcome: str = Field(description="`created`, `updated`, `unchanged` (a resend) or "
                                     "`stale` (a newer event was applied before)")
    account: AccountView


class BuyerReceipt(AccountReceipt):
    account: BuyerView


class TrackingEventView(Schema):
    event_id: str
    status: str
    carrier: str | None
    detail: str
    occurred_at: datetime
    received_at: datetime


class OrderView(Schema):
    """An order as the marketplace sent it, with its parcel's tracking so far."""

    marketplace_id: str
    buyer_id: str = Field(description="The buyer's id at the marketplace")
    seller_id: str = Field(description="The seller's id at the marketplace")
    offer_id: str = Field(description="The offer's marketplace id")
    offer_version: int = Field(description="The offer's version as bought")
    quantity: int
    value: DecimalText
    currency: str
    fast_track: bool
    ordered_at: datetime
    delivered_at: datetime | None
    received_at: datetime
    tracking: list[TrackingEventView]


class TrackingReceipt(Schema):
    stored: int = Field(description="Events not received before (a resend stores none)")
    order: OrderView


