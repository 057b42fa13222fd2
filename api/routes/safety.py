"""The authority channel as JSON: orders and notices in, reports out (JSON, CSV, PDF)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from fpdf import FPDF
from fpdf.fonts import FontFace

from api.deps import MODERATORS, SessionDep, allow
from api.i18n import pick_locale, translations
from api.rate_limits import OrdersLimit
from api.schemas.problems import problems
from api.schemas.safety import OrderList, OrderReportView, OrderView
from moderation.accounts.staff import organisation_scope
from moderation.domain import StaffRole
from moderation.local_time import WARSAW
from moderation.safety import authority
from moderation.safety.authority import OrderReport
from moderation.schemas import Id, Offset
from moderation.tables import Account, utcnow

router = APIRouter(tags=["safety"], responses=problems(401, 403))
Authority = Annotated[Account, Depends(allow(StaffRole.AUTHORITY))]
OrderReader = Annotated[Account, Depends(allow(StaffRole.AUTHORITY, *MODERATORS))]

# Shipped with the code (with its licence) so that a fresh machine prints Polish letters.
FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "DejaVuSans.ttf"
# Excel runs a cell that starts with one of these as a formula; offer titles are sellers' text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is written out."""
    return message


KINDS = {"order": N_("Order (authority)"), "notice": N_("Safety notice (authority)"),
         "consumer": N_("Consumer notice")}
STATES = {"withdrawn": N_("withdrawn"), "awaiting_matching": N_("awaiting matching"),
          "no_offers_found": N_("no offers found"), "in_review": N_("in review"),
          "handled": N_("handled")}
CONFIDENCE = {"high": N_("high confidence"), "medium": N_("medium confidence")}
MATCHED_ON = {"gtin": N_("barcode"), "model": N_("model"), "code": N_("code of the name"),
              "brand": N_("brand"), "name": N_("product name")}
RISK_LEVELS = {"serious": N_("serious risk"), "high": N_("high risk"),
               "medium": N_("medium risk"), "low": N_("low risk")}
ORDER_LABELS = (N_("Reference"), N_("Kind"), N_("Product"), N_("Brand"), N_("Model"),
                N_("Barcodes"), N_("Batch"), N_("Risk"), N_("Risk level"), N_("Legal basis"),
                N_("Requested measure"), N_("Received"), N_("Deadline"), N_("State"),
                N_("Offers matched"), N_("Time zone"))
OFFER_COLUMNS = (N_("Offer"), N_("Title"), N_("Seller"), N_("Offer status"), N_("Score"),
                 N_("Confidence"), N_("Matched on"), N_("Matched at"), N_("Case"),
                 N_("Case status"), N_("Case opened"), N_("Case closed"),
                 N_("Closed by the deadline"), N_("Action"), N_("Reason"), N_("Decided at"))


@router.post("/v1/safety/orders", status_code=201, dependencies=[OrdersLimit],
             responses=problems(400, 404, 409, 413, 422, 429))
def submit_order(body: authority.OrderIn, session: SessionDep, caller: Authority) -> OrderView:
    """Take an order or notice; the answer carries its id, reference and deadline.

    409 when the caller's organisation already sent an order with this reference.
    """
    assert caller.organisation_id is not None
    alert = authority.submit_order(session, organisation_id=caller.organisation_id,
                                   submitted_by=caller.id, data=body)
    session.commit()  # the matching the order declared goes out now
    return OrderView.of(alert, authority.progress_of(session, [alert])[alert.id], now=utcnow())


@router.get("/v1/safety/orders", responses=problems(422))
def list_orders(session: SessionDep, caller: OrderReader,
                limit: int = Query(100, ge=1, le=500),
                offset: Offset = 0) -> OrderList:
    """Orders, newest first: an authority's own, or every authority's for staff."""
    found = authority.list_orders(session, organisation_id=organisation_scope(caller), limit=limit,
                                  offset=offset)
    progress, now = authority.progress_of(session, found), utcnow()
    return OrderList(items=[OrderView.of(a, progress[a.id], now=now) for a in found])


@router.get("/v1/safety/orders/{order_id}", responses=problems(404, 422))
def get_order(order_id: Id, session: SessionDep, caller: OrderReader) -> OrderReportView:
    """One order with the offers matched and the actions taken, with their times."""
    report = authority.order_report(session, order_id, organisation_id=organisation_scope(caller))
    return OrderReportView.of_report(report, now=utcnow())


def _download_of(media_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    """The documentation of a report download: its media type, and the errors it can answer."""
    return {200: {"description": what, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}}}, **problems(404, 422)}


@router.get("/v1/safety/orders/{order_id}/report.csv", response_class=Response,
            responses=_download_of("text/csv", "The report: UTF-8 with a BOM, semicolons"))
def report_csv(order_id: Id, session: SessionDep, caller: OrderReader) -> Response:
    """The report as CSV for Excel: UTF-8 with a BOM, semicolons."""
    report = authority.order_report(session, order_id, organisation_id=organisation_scope(caller))
    locale = pick_locale(caller.locale, None)
    return _download(render_csv(report, locale=locale).encode("utf-8-sig"),
                     "text/csv; charset=utf-8", f"{_file_stem(report)}.csv")


@router.get("/v1/safety/orders/{order_id}/report.pdf", response_class=Response,
            responses=_download_of("application/pdf", "The report on A4 landscape pages"))
def report_pdf(order_id: Id, session: SessionDep, caller: OrderReader) -> Response:
    """The report as a PDF for the authority's file."""
    report = authority.order_report(session, order_id, organisation_id=organisation_scope(caller))
    locale = pick_locale(caller.locale, None)
    return _download(render_pdf(report, locale=locale), "application/pdf",
                     f"{_file_stem(report)}.pdf")


def _file_stem(report: OrderReport) -> str:
    # Header-safe and path-safe: "UOKiK/DNR/12/2026" becomes "UOKiK-DNR-12-2026".
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", report.reference).strip("-.") or str(report.order.id)
    return f"safety-order-{safe}"


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _local(moment: datetime | None) -> str:
    return moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M") if moment else ""


def _order_values(report: OrderReport, _: Callable[[str], str]) -> list[str]:
    alert = report.order
    return [report.reference, _(KINDS.get(alert.kind, alert.kind)), alert.name, alert.brand,
            alert.model, ", ".join(report.barcodes), alert.batch, alert.description,
            _(RISK_LEVELS.get(alert.risk_level, alert.risk_level)) if alert.risk_level else "",
            alert.legal_basis, alert.measures,
            _local(alert.received_at), _local(alert.due_at),
            _(STATES.get(report.progress.state, report.progress.state)),
            str(report.progress.matched), "Europe/Warsaw"]


def _offer_rows(report: OrderReport, _: Callable[[str], str], locale: str
                ) -> Iterator[list[str]]:
    """One row per action taken on a matched offer; an offer with none yet, one row."""
    for m in report.matches:
        offer = [m.marketplace_id, m.title, m.seller, _(m.status),
                 format_decimal(m.score, format="0.00", locale=locale),
                 _(CONFIDENCE.get(m.confidence, m.confidence)),
                 ", ".join(_(MATCHED_ON.get(str(f), str(f))) for f in m.fields),
                 _local(m.matched_at)]
        case = m.case
        if case is None:
            yield offer + [""] * 8
            continue
        in_time = "" if case.in_time is None else _("yes") if case.in_time else _("no")
        head = [str(case.id), _(case.status), _local(case.opened_at), _local(case.closed_at),
                in_time]
        for action in case.actions or (None,):
            yield offer + head + ([_(action.action), action.reason_code,
                                   _local(action.decided_at)] if action else ["", "", ""])


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def render_csv(report: OrderReport, *, locale: str) -> str:
    """The order as label;value lines, an empty line, then one line per action taken."""
    _ = translations(locale).gettext
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for label, value in zip(ORDER_LABELS, _order_values(report, _), strict=True):
        writer.writerow([_(label), _cell(value)])
    writer.writerow([])
    writer.writerow([_(c) for c in OFFER_COLUMNS])
    writer.writerows([_cell(v) for v in row] for row in _offer_rows(report, _, locale))
    return out.getvalue()


def render_pdf(report: OrderReport, *, locale: str) -> bytes:
    """The order and the actions taken, on A4 landscape pages in a Unicode font."""
    _ = translations(locale).gettext
    pdf = FPDF(orientation="landscape", format="A4")
    title = _("Product safety report: %(ref)s") % {"ref": report.reference}
    pdf.set_title(title)
    pdf.set_creator("moderation")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", size=15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    produced = _("Produced %(when)s (Europe/Warsaw)") % {"when": _local(utcnow())}
    pdf.multi_cell(0, 5, produced, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    plain = FontFace(emphasis="", fill_color=(230, 230, 230))  # no bold face is shipped
    # Tables space lines at twice the font size unless told otherwise.
    with pdf.table(col_widths=(45, 225), first_row_as_headings=False, text_align="LEFT",
                   padding=1, line_height=pdf.font_size * 1.35) as table:
        for label, value in zip(ORDER_LABELS, _order_values(report, _), strict=True):
            row = table.row()
            row.cell(_(label), style=plain)
            row.cell(value or "—")
    pdf.ln(5)
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 7, _("Offers matched and actions taken"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=7)
    if not report.matches:
        pdf.multi_cell(0, 5, _("No offers matched."), new_x="LMARGIN", new_y="NEXT")
    else:
        with pdf.table(col_widths=(14, 30, 12, 11, 8, 10, 13, 14, 9, 10, 14, 14, 10, 11, 16, 14),
                       headings_style=plain, text_align="LEFT", padding=0.8,
                       line_height=pdf.font_size * 1.35, repeat_headings=1) as table:
            heading = table.row()
            for column in OFFER_COLUMNS:
                heading.cell(_(column))
            for values in _offer_rows(report, _, locale):
                row = table.row()
                for value in values:
                    row.cell(value)
    return bytes(pdf.output())
