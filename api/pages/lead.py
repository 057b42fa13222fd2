"""Leads' pages: escalations, bulk decisions, the team dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.charts import bar_chart_svg
from api.deps import Lead, SessionDep
from api.templating import WARSAW, render
from moderation import cases, programmes
from moderation.accounts.staff import list_staff
from moderation.cases.reasons import reasons_for
from moderation.config import get_settings
from moderation.domain import CaseStatus
from moderation.review import decisions, stats
from moderation.schemas import DecisionIn, Id, parse
from moderation.tables import utcnow

router = APIRouter(include_in_schema=False)
MAX_BULK = 500


@router.get("/escalations")
def escalations(request: Request, session: SessionDep, _caller: Lead) -> Response:
    page = cases.list_cases(session, filters=cases.CaseFilter(
        status=CaseStatus.ESCALATED.value), limit=200)
    return render(request, "escalations.html", {"page": page,
                                                "reasons": reasons_for("screening")})


@router.post("/cases/bulk")
def bulk(request: Request, session: SessionDep, caller: Lead,
         case_ids: Annotated[list[Id], Form(max_length=MAX_BULK)],
         action: Annotated[str, Form()], reason_code: Annotated[str, Form()],
         note: Annotated[str, Form(max_length=5_000)] = "") -> Response:
    body = parse(DecisionIn, {"action": action, "reason_code": reason_code, "note": note})
    outcomes = decisions.decide_many(session, case_ids=case_ids, staff_id=caller.id,
                                     decision=body,
                                     lease=get_settings().lease,
                                     followups=programmes.decision_followups())
    session.commit()
    return render(request, "bulk_result.html", {"outcomes": outcomes, "decision": body})


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep, _caller: Lead) -> Response:
    now = utcnow()
    board = stats.dashboard(session, now=now)
    names = {s.id: s.name for s in list_staff(session)}
    chart = bar_chart_svg(
        [(start.astimezone(WARSAW).strftime("%H:00"), n) for start, n in board.decisions_per_hour],
        title="Decisions per hour, last 24 h")
    team = [(names.get(staff_id, f"#{staff_id}"), n)
            for staff_id, n in stats.decisions_by_moderator(session, now=now)]
    return render(request, "dashboard.html", {"board": board, "chart": chart, "team": team})
