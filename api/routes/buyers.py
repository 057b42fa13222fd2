"""Accounts, orders and tracking as the marketplace sends them (the programme's intake)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from api.deps import Intake, Reader, SessionDep
from api.rate_limits import IntakeLimit
from api.schemas.buyers import AccountReceipt, BuyerReceipt, OrderView, TrackingReceipt
from api.schemas.problems import problems
from moderation import audit
from moderation.buyers import accounts, orders, tracking
from moderation.buyers.accounts import AccountOutcome
from moderation.buyers.schemas import (
    AccountId,
    AccountIn,
    BuyerAccountIn,
    MarketplaceId,
    OrderIn,
    TrackingBatchIn,
)
from moderation.tables import Buyer, Offer, Order, Seller

router = APIRouter(tags=["buyers"], dependencies=[IntakeLimit], responses=problems(401, 403, 429))


@router.put("/v1/buyers/{buyer_id}", responses={
    201: {"model": BuyerReceipt, "description": "A buyer not known before: created"},
    **problems(400, 413, 422)})
def put_buyer(buyer_id: AccountId, body: BuyerAccountIn, session: SessionDep,
              caller: Intake, response: Response) -> BuyerReceipt:
    """Apply a buyer's account event; an event older than the last applied changes nothing.

    A field not sent keeps what is known; an activation never sent is unknown (not
    activated). Answered 201 when the buyer was not known, else 200 with the outcome.
    """
    result = accounts.upsert_buyer(session, buyer_id, body, actor=audit.actor_of(caller.id))
    session.commit()
    return BuyerReceipt.model_validate(_receipt(result, response))


@router.put("/v1/sellers/{seller_id}/account", responses={
    201: {"model": AccountReceipt, "description": "A seller not known before: created"},
    **problems(400, 413, 422)})
def put_seller_account(seller_id: AccountId, body: AccountIn, session: SessionDep,
                       caller: Intake, response: Response) -> AccountReceipt:
    """Apply a seller's account event, as PUT /v1/buyers/{buyer_id} does for a buyer."""
    result = accounts.upsert_seller(session, seller_id, body, actor=audit.actor_of(caller.id))
    session.commit()
    return AccountReceipt.model_validate(_receipt(result, response))


@router.post("/v1/orders", status_code=201, responses={
    200: {"model": OrderView, "description": "Received before with the same content"},
    **problems(400, 409, 413, 422)})
def post_order(body: OrderIn, session: SessionDep, caller: Intake,
               response: Response) -> OrderView:
    """Store an order once, on an offer version that was received; the buyer is created or
    updated from it.

    422 naming `offer_id`, `offer_version` or `seller_id` when the offer, that version of it,
    or its seller as bought is not what was received; 409 naming the field when the order was
    received before with other content.
    """
    result = orders.record_order(session, body, actor=audit.actor_of(caller.id))
    session.commit()
    if not result.created:
        response.status_code = 200
    return OrderView.model_validate(_order(session, result.order))


@router.post("/v1/orders/{order_id}/tracking", responses=problems(400, 404, 413, 422))
def post_tracking(order_id: MarketplaceId, body: TrackingBatchIn, session: SessionDep,
                  caller: Intake) -> TrackingReceipt:
    """Store an order's tracking events, each once; `delivered` records the delivery."""
    order = orders.get_order(session, order_id)
    stored = tracking.record_events(session, order, body.events,
                                    actor=audit.actor_of(caller.id))
    session.commit()
    return TrackingReceipt(stored=stored, order=OrderView.model_validate(_order(session, order)))


@router.get("/v1/orders/{order_id}", responses=problems(404, 422))
def get_order(order_id: MarketplaceId, session: SessionDep, _caller: Reader) -> OrderView:
    """One order as received, with its tracking events oldest first."""
    return OrderView.model_validate(_order(session, orders.get_order(session, order_id)))


def _receipt(result: accounts.AccountResult, response: Response) -> dict[str, Any]:
    if result.outcome is AccountOutcome.CREATED:
        response.status_code = 201
    return {"outcome": result.outcome.value, "account": result.account}


def _order(session: Session, order: Order) -> dict[str, Any]:
    """The order with the marketplace's ids of whom and what it names."""
    ids = {"buyer_id": session.get_one(Buyer, order.buyer_id).external_id,
           "seller_id": session.get_one(Seller, order.seller_id).external_id,
           "offer_id": session.get_one(Offer, order.offer_id).marketplace_id}
    facts = {name: getattr(order, name) for name in OrderView.model_fields
             if name not in ids and name != "tracking"}
    return {**facts, **ids, "tracking": tracking.events_of(session, order)}

