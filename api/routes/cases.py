"""The review queue as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from api.deps import Lead, Moderator, SessionDep
from api.schemas.cases import (
    BulkOutcome,
    BulkOutcomes,
    CaseList,
    CaseResult,
    CaseView,
    DecisionResult,
    DecisionView,
)
from api.schemas.claims import ClaimEvidenceView
from api.schemas.evidence import CaseDetail
from api.schemas.problems import problems
from moderation import cases, programmes
from moderation.buyers import claim_decisions, claim_evidence
from moderation.config import get_settings
from moderation.domain import LEADS
from moderation.review import decisions, evidence
from moderation.schemas import BulkDecisionIn, ClaimIn, DecisionIn, Id, Offset, ReassignIn, Text

router = APIRouter(prefix="/v1/cases", tags=["cases"], responses=problems(401, 403))



@router.get("", responses=problems(422))
def list_cases(
    session: SessionDep, _caller: Moderator, kind: Text | None = None,
    status: Text | None = None, limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> CaseList:
    """Cases in queue order; open and escalated ones unless a status is named."""
    page = cases.list_cases(session, filters=cases.CaseFilter(kind=kind, status=status),
                            limit=limit, offset=offset)
    return CaseList.model_validate(page)


@router.get("/{case_id}", responses=problems(404, 422))
def get_case(case_id: Id, session: SessionDep, _caller: Moderator) -> CaseDetail:
    """One case with all its evidence (a buyer's claim's too)."""
    detail = CaseDetail.model_validate(evidence.case_evidence(session, case_id))
    claim = claim_evidence.case_claim_evidence(session, case_id)
    if claim is None:
        return detail
    return detail.model_copy(update={"claim": ClaimEvidenceView.model_validate(claim)})


@router.post("/claim-next", response_model=CaseResult,
             responses={204: {"description": "The queue has no case the caller may take"},
                        **problems(400, 413, 422)})
def claim_next(session: SessionDep, caller: Moderator,
               body: ClaimIn | None = None) -> CaseResult | Response:
    """Lease the best unclaimed case to the caller; 204 when the queue is empty."""
    case = cases.claim_next(session, staff_id=caller.id, lease=get_settings().lease,
                            kind=body.kind if body else None)
    session.commit()
    if case is None:
        return Response(status_code=204)
    return CaseResult(case=CaseView.model_validate(case))


@router.post("/{case_id}/claim", responses=problems(404, 409, 413, 422))
def claim(case_id: Id, session: SessionDep, caller: Moderator) -> CaseResult:
    """Lease a chosen case (leads may take escalated ones); 409 if someone else holds it.

    403 when the case is escalated (for leads) or reviews the caller's own decision.
    """
    case = cases.claim(session, case_id=case_id, staff_id=caller.id, lease=get_settings().lease,
                       may_take_escalated=caller.role in LEADS)
    session.commit()
    return CaseResult(case=CaseView.model_validate(case))


@router.post("/{case_id}/lease", responses=problems(404, 409, 413, 422))
def renew_lease(case_id: Id, session: SessionDep, caller: Moderator) -> CaseResult:
    """Extend the caller's lease; 409 when it was lost."""
    case = cases.renew_lease(session, case_id=case_id, staff_id=caller.id,
                             lease=get_settings().lease)
    session.commit()
    return CaseResult(case=CaseView.model_validate(case))


@router.post("/{case_id}/reassign", responses=problems(400, 404, 409, 413, 422))
def reassign(case_id: Id, body: ReassignIn, session: SessionDep,
             caller: Lead) -> CaseResult:
    """Hand a case to a named moderator (leads)."""
    case = cases.reassign(session, case_id=case_id, to_staff_id=body.staff_id,
                          by_staff_id=caller.id, lease=get_settings().lease)
    session.commit()
    return CaseResult(case=CaseView.model_validate(case))


@router.post("/bulk-decision", responses=problems(400, 413, 422))
def bulk_decision(body: BulkDecisionIn, session: SessionDep, caller: Lead) -> BulkOutcomes:
    """One decision on many cases (leads); each is recorded, failures are listed."""
    outcomes = decisions.decide_many(session, case_ids=body.case_ids, staff_id=caller.id,
                                     decision=body.decision, lease=get_settings().lease,
                                     followups=programmes.decision_followups())
    session.commit()
    return BulkOutcomes(outcomes=[BulkOutcome.model_validate(o) for o in outcomes])


@router.post("/{case_id}/release", responses=problems(404, 409, 413, 422))
def release(case_id: Id, session: SessionDep, caller: Moderator) -> CaseResult:
    """Give a leased case back to the queue."""
    case = cases.release(session, case_id=case_id, staff_id=caller.id)
    session.commit()
    return CaseResult(case=CaseView.model_validate(case))


@router.post("/{case_id}/decision", status_code=201,
             responses=problems(400, 404, 409, 413, 422))
def decide(case_id: Id, body: DecisionIn, session: SessionDep,
           caller: Moderator) -> DecisionResult:
    """Decide a case the caller holds; a second decision on a closed case is a conflict."""
    decision = decisions.decide(session, case_id=case_id, staff_id=caller.id, decision=body,
                                followups=programmes.decision_followups())
    session.commit()
    return DecisionResult(decision=DecisionView.model_validate(decision))


@router.post("/{case_id}/claim-decision", status_code=201,
             responses=problems(400, 404, 409, 413, 422))
def decide_claim(case_id: Id, body: claim_decisions.ClaimDecisionIn, session: SessionDep,
                 caller: Moderator) -> DecisionResult:
    """Decide a buyer's claim the caller holds: compensate (up to the order's value),
    partial or reject; 422 naming `amount` when it is out of range."""
    decision = claim_decisions.decide_claim(session, case_id=case_id, staff_id=caller.id,
                                            data=body, followups=programmes.decision_followups())
    session.commit()
    return DecisionResult(decision=DecisionView.model_validate(decision))
