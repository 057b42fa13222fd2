"""One case: the evidence, the decision form, the lease kept alive while the page is open."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Lead, Moderator, SessionDep
from api.pages.offer import shown_statements
from api.routes.safety import CONFIDENCE, MATCHED_ON, RISK_LEVELS
from api.templating import locale_of, render
from moderation import cases, programmes
from moderation.accounts.staff import list_staff
from moderation.appeals.settlement import expected_action
from moderation.buyers import claim_decisions, claim_evidence, feedback_reports
from moderation.cases.reasons import reasons_for
from moderation.config import get_settings
from moderation.domain import LEADS
from moderation.review import decisions, evidence
from moderation.schemas import DecisionIn, Id, parse

router = APIRouter(include_in_schema=False)



@router.get("/cases/{case_id}")
def case_page(case_id: Id, request: Request, session: SessionDep,
              caller: Moderator) -> Response:
    ev = evidence.case_evidence(session, case_id)
    is_lead = caller.role in LEADS
    upheld = expected_action(ev.appeal.appeal, upheld=True) if ev.appeal else None
    return render(request, "case.html", {
        "upheld_action": upheld.value if upheld else None,
        "ev": ev, "hits": ev.screening.hits if ev.screening else [],
        "reasons": reasons_for(ev.case.kind),
        "holds_lease": cases.holds_lease(ev.case, caller.id),
        "is_lead": is_lead, "lease_seconds": get_settings().lease_seconds,
        "moderators": [s for s in list_staff(session) if s.role in ("moderator", "lead")]
        if is_lead else [],
        "statements": shown_statements(session, ev.offer.id, locale_of(request)),
        "risk_levels": RISK_LEVELS, "matched_on": MATCHED_ON, "confidence": CONFIDENCE,
        "claim": claim_evidence.case_claim_evidence(session, case_id),
        "feedback_report": _feedback_report(session, case_id),
    })


def _feedback_report(session: Any, case_id: int) -> tuple[Any, Any] | None:
    """The report and the comment as it stands, when the case is a seller's report."""
    if feedback_reports.report_of_case(session, case_id) is None:
        return None
    return feedback_reports.report_for_review(session, case_id)


@router.post("/cases/{case_id}/claim")
def claim(case_id: Id, session: SessionDep, caller: Moderator) -> Response:
    cases.claim(session, case_id=case_id, staff_id=caller.id, lease=get_settings().lease,
                may_take_escalated=caller.role in LEADS)
    session.commit()
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/lease")
def renew(case_id: Id, session: SessionDep, caller: Moderator) -> dict[str, Any]:
    """Called by the open page every minute; a lost lease answers 409 and the page says so."""
    case = cases.renew_lease(session, case_id=case_id, staff_id=caller.id,
                             lease=get_settings().lease)
    session.commit()
    return {"lease_expires_at": case.lease_expires_at}


@router.post("/cases/{case_id}/decision")
def decide(case_id: Id, session: SessionDep, caller: Moderator,
           action: Annotated[str, Form()], reason_code: Annotated[str, Form()],
           note: Annotated[str, Form(max_length=5_000)] = "") -> Response:
    body = parse(DecisionIn, {"action": action, "reason_code": reason_code, "note": note})
    decisions.decide(session, case_id=case_id, staff_id=caller.id, decision=body,
                     followups=programmes.decision_followups())
    session.commit()
    return RedirectResponse(f"/queue?decided={case_id}", status_code=303)


@router.post("/cases/{case_id}/claim-decision")
def decide_claim(case_id: Id, session: SessionDep, caller: Moderator,
                 action: Annotated[str, Form()], amount: Annotated[str, Form(max_length=32)] = "",
                 note: Annotated[str, Form(max_length=5_000)] = "") -> Response:
    body = parse(claim_decisions.ClaimDecisionIn,
                 {"action": action, "amount": amount.strip() or None, "note": note})
    claim_decisions.decide_claim(session, case_id=case_id, staff_id=caller.id, data=body,
                                 followups=programmes.decision_followups())
    session.commit()
    return RedirectResponse(f"/queue?decided={case_id}", status_code=303)


@router.post("/cases/{case_id}/release")
def release(case_id: Id, session: SessionDep, caller: Moderator) -> Response:
    cases.release(session, case_id=case_id, staff_id=caller.id)
    session.commit()
    return RedirectResponse("/queue", status_code=303)


@router.post("/cases/{case_id}/reassign")
def reassign(case_id: Id, session: SessionDep, caller: Lead,
             staff_id: Annotated[Id, Form()]) -> Response:
    cases.reassign(session, case_id=case_id, to_staff_id=staff_id, by_staff_id=caller.id,
                   lease=get_settings().lease)
    session.commit()
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
