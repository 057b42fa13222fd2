"""The authorities' portal: their orders and notices, deadlines, and what we did about them."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SessionDep, allow
from api.rate_limits import OrdersLimit
from api.routes.safety import CONFIDENCE, KINDS, MATCHED_ON, RISK_LEVELS, STATES
from api.templating import render
from moderation.domain import StaffRole
from moderation.safety import authority, deadlines
from moderation.safety.authority import OrderIn
from moderation.schemas import Id, parse
from moderation.tables import Account

router = APIRouter(include_in_schema=False)
Authority = Annotated[Account, Depends(allow(StaffRole.AUTHORITY))]
# Barcodes are typed one per line or pasted as a list; spaces may be part of a batch code.
_BARCODE_SEPARATORS = re.compile(r"[\n\r,;]+")
_LABELS = {"kinds": KINDS, "states": STATES, "risk_levels": RISK_LEVELS,
           "confidence": CONFIDENCE, "matched_on": MATCHED_ON,
           "reference_of": authority.reference_of, "time_left": deadlines.working_time_left}


@router.get("/authority")
def portal(request: Request, session: SessionDep, caller: Authority) -> Response:
    orders = authority.list_orders(session, organisation_id=caller.organisation_id, limit=200)
    return render(request, "authority.html", {
        "orders": orders, "progress": authority.progress_of(session, orders), **_LABELS})


@router.get("/authority/orders/new")
def new_order(request: Request, session: SessionDep, caller: Authority) -> Response:
    assert caller.organisation_id is not None
    # A consumer ombudsman is offered the consumer notice alone (authority.FILINGS).
    filings = authority.filings_of(session, caller.organisation_id)
    return render(request, "authority_order_new.html", {
        **_LABELS, "kinds": {k: label for k, label in KINDS.items() if k in filings}})


# The form spends the same limit as POST /v1/safety/orders.
@router.post("/authority/orders", dependencies=[OrdersLimit])
def send_order(session: SessionDep, caller: Authority,
               kind: Annotated[str, Form()] = "", reference: Annotated[str, Form()] = "",
               product: Annotated[str, Form()] = "", brand: Annotated[str, Form()] = "",
               model: Annotated[str, Form()] = "",
               barcodes: Annotated[str, Form(max_length=5_000)] = "",
               batch: Annotated[str, Form()] = "",
               risk: Annotated[str, Form(max_length=2_000)] = "",
               risk_level: Annotated[str, Form()] = "",
               legal_basis: Annotated[str, Form(max_length=2_000)] = "",
               requested_measure: Annotated[str, Form(max_length=2_000)] = "",
               contact_email: Annotated[str, Form()] = "") -> Response:
    assert caller.organisation_id is not None
    data = parse(OrderIn, {
        "kind": kind or None, "reference": reference, "product": product, "brand": brand,
        "model": model, "batch": batch, "risk": risk, "risk_level": risk_level or None,
        "barcodes": [b.strip() for b in _BARCODE_SEPARATORS.split(barcodes) if b.strip()],
        "legal_basis": legal_basis, "requested_measure": requested_measure,
        "contact_email": contact_email})
    alert = authority.submit_order(session, organisation_id=caller.organisation_id,
                                   submitted_by=caller.id, data=data)
    session.commit()  # the matching the order declared goes out now
    return RedirectResponse(f"/authority/orders/{alert.id}?sent=1", status_code=303)


@router.get("/authority/orders/{order_id}")
def order_page(order_id: Id, request: Request, session: SessionDep,
               caller: Authority) -> Response:
    report = authority.order_report(session, order_id, organisation_id=caller.organisation_id)
    return render(request, "authority_order.html", {
        "report": report, "order": report.order, "sent": request.query_params.get("sent"),
        **_LABELS})
