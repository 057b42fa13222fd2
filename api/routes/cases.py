"""The review queue as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from api.deps import Lead, Moderator, SessionDep
from api.views import CaseView, DecisionView, OfferView, ScreeningView
from moderation import cases, programmes
from moderation.config import get_settings
from moderation.domain import LEADS
from moderation.review import decisions, evidence
from moderation.schemas import BulkDecisionIn, ClaimIn, DecisionIn, ReassignIn

router = APIRouter(prefix="/v1/cases", tags=["cases"])



@router.get("")
def list_cases(
    session: SessionDep, _caller: Moderator, kind: str | None = None,
    status: str | None = None, limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Cases in queue order; open and escalated ones unless a status is named."""
    page = cases.list_cases(session, filters=cases.CaseFilter(kind=kind, status=status),
                            limit=limit, offset=offset)
    return {"total": page.total, "items": [CaseView.of(c) for c in page.items]}


@router.get("/{case_id}")
def get_case(case_id: int, session: SessionDep, _caller: Moderator) -> dict[str, Any]:
    """One case with all its evidence."""
    ev = evidence.case_evidence(session, case_id)
    return {
        "case": CaseView.of(ev.case),
        "offer": OfferView.of(ev.offer),
        "screening": ScreeningView.of(ev.screening) if ev.screening else None,
        "offer_cases": [CaseView.of(c) for c in ev.history.cases],
        "decisions": [DecisionView.of(d) for d in ev.history.decisions],
        "audit": [
            {"at": a.at, "actor": a.actor, "action": a.action, "entity": a.entity,
             "entity_id": a.entity_id, "before": a.before, "after": a.after}
            for a in ev.audit
        ],
    }


@router.post("/claim-next", response_model=None)
def claim_next(session: SessionDep, caller: Moderator,
               body: ClaimIn | None = None) -> dict[str, Any] | Response:
    """Lease the best unclaimed case to the caller; 204 when the queue is empty."""
    case = cases.claim_next(session, staff_id=caller.id, lease=get_settings().lease,
                            kind=body.kind if body else None)
    session.commit()
    if case is None:
        return Response(status_code=204)
    return {"case": CaseView.of(case)}


@router.post("/{case_id}/claim")
def claim(case_id: int, session: SessionDep, caller: Moderator) -> dict[str, Any]:
    """Lease a chosen case (leads may take escalated ones); 409 if someone else holds it."""
    case = cases.claim(session, case_id=case_id, staff_id=caller.id, lease=get_settings().lease,
                       may_take_escalated=caller.role in LEADS)
    session.commit()
    return {"case": CaseView.of(case)}


@router.post("/{case_id}/lease")
def renew_lease(case_id: int, session: SessionDep, caller: Moderator) -> dict[str, Any]:
    """Extend the caller's lease; 409 when it was lost."""
    case = cases.renew_lease(session, case_id=case_id, staff_id=caller.id,
                             lease=get_settings().lease)
    session.commit()
    return {"case": CaseView.of(case)}


@router.post("/{case_id}/reassign")
def reassign(case_id: int, body: ReassignIn, session: SessionDep,
             caller: Lead) -> dict[str, Any]:
    """Hand a case to a named moderator (leads)."""
    case = cases.reassign(session, case_id=case_id, to_staff_id=body.staff_id,
                          by_staff_id=caller.id, lease=get_settings().lease)
    session.commit()
    return {"case": CaseView.of(case)}


@router.post("/bulk-decision")
def bulk_decision(body: BulkDecisionIn, session: SessionDep, caller: Lead) -> dict[str, Any]:
    """One decision on many cases (leads); each is recorded, failures are listed."""
    outcomes = decisions.decide_many(session, case_ids=body.case_ids, staff_id=caller.id,
                                     decision=body.decision, lease=get_settings().lease,
                                     followups=programmes.decision_followups())
    session.commit()
    return {"outcomes": [{"case_id": o.case_id, "decision_id": o.decision_id,
                          "error": o.error} for o in outcomes]}


@router.post("/{case_id}/release")
def release(case_id: int, session: SessionDep, caller: Moderator) -> dict[str, Any]:
    """Give a leased case back to the queue."""
    case = cases.release(session, case_id=case_id, staff_id=caller.id)
    session.commit()
    return {"case": CaseView.of(case)}


@router.post("/{case_id}/decision", status_code=201)
def decide(case_id: int, body: DecisionIn, session: SessionDep,
           caller: Moderator) -> dict[str, Any]:
    """Decide a case the caller holds; a second decision on a closed case is a conflict."""
    decision = decisions.decide(session, case_id=case_id, staff_id=caller.id, decision=body,
                                followups=programmes.decision_followups())
    session.commit()
    return {"decision": DecisionView.of(decision)}
