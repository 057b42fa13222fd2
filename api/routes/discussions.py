"""Discussions and claims as JSON: the marketplace relays each step, staff and the marketplace
follow them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import Reader, SessionDep, allow
from api.schemas.claims import ClaimEvidenceView, DiscussionDetail, DiscussionView, MessageView
from api.schemas.problems import problems
from moderation.buyers import claim_evidence, claims, discussions
from moderation.buyers.discussions import DiscussionIn, MessageIn, StepIn
from moderation.domain import DiscussionStatus, StaffRole
from moderation.schemas import Id
from moderation.tables import Account, Claim, utcnow

router = APIRouter(tags=["discussions"], responses=problems(401, 403))
Marketplace = Annotated[Account, Depends(allow(StaffRole.INTEGRATION))]
WRITES = problems(400, 404, 409, 413, 422)


def detail(session: Session, discussion_id: int) -> DiscussionDetail:
    """A discussion as the API shows it, with its messages and claim."""
    d = discussions.get_discussion(session, discussion_id)
    claim_id = session.scalar(select(Claim.id).where(Claim.discussion_id == d.id))
    return DiscussionDetail(
        discussion=DiscussionView.model_validate(d),
        messages=[MessageView.model_validate(m) for m in discussions.messages_of(session, d.id)],
        may_escalate=d.status == DiscussionStatus.OPEN.value
        and discussions.may_escalate(d, utcnow()) is None,
        claim_id=claim_id)


@router.post("/v1/discussions", status_code=201, responses=WRITES)
def open_discussion(body: DiscussionIn, session: SessionDep,
                    _caller: Marketplace) -> DiscussionDetail:
    """Open a buyer's discussion on an order (sent again: the stored one); 404 for an
    unknown order, 409 when the id was used for another order or reason."""
    d = discussions.open_discussion(session, body)
    session.commit()
    return detail(session, d.id)


@router.post("/v1/discussions/{discussion_id}/messages", status_code=201, responses=WRITES)
def add_message(discussion_id: Id, body: MessageIn, session: SessionDep,
                _caller: Marketplace) -> MessageView:
    """Add a message (attachments by their metadata); a resent message id is kept once."""
    message = discussions.add_message(session, discussion_id, body)
    session.commit()
    return MessageView.model_validate(message)


@router.post("/v1/discussions/{discussion_id}/answer", responses=WRITES)
def answer(discussion_id: Id, body: StepIn, session: SessionDep,
           _caller: Marketplace) -> DiscussionDetail:
    """The seller answered; 409 when the discussion is settled or a claim."""
    discussions.answer(session, discussion_id, body)
    session.commit()
    return detail(session, discussion_id)


@router.post("/v1/discussions/{discussion_id}/refuse", responses=WRITES)
def refuse(discussion_id: Id, body: StepIn, session: SessionDep,
           _caller: Marketplace) -> DiscussionDetail:
    """The seller refused: the buyer may escalate at once."""
    discussions.refuse(session, discussion_id, body)
    session.commit()
    return detail(session, discussion_id)


@router.post("/v1/discussions/{discussion_id}/settle", responses=WRITES)
def settle(discussion_id: Id, body: StepIn, session: SessionDep,
           _caller: Marketplace) -> DiscussionDetail:
    """Buyer and seller settled: the discussion closes without the platform."""
    discussions.settle(session, discussion_id, body)
    session.commit()
    return detail(session, discussion_id)


@router.post("/v1/discussions/{discussion_id}/escalate", status_code=201, responses=WRITES)
def escalate(discussion_id: Id, body: StepIn, session: SessionDep,
             _caller: Marketplace) -> ClaimEvidenceView:
    """Take the discussion to the platform: a claim and its case in the review queue. 409
    while the seller's answer is not yet due and they have not refused, or once settled."""
    claim = claims.escalate(session, discussion_id, body, now=utcnow())
    session.commit()
    return ClaimEvidenceView.model_validate(claim_evidence.claim_evidence(session, claim.id))


@router.get("/v1/discussions/{discussion_id}", responses=problems(404, 422))
def get_discussion(discussion_id: Id, session: SessionDep, _caller: Reader) -> DiscussionDetail:
    """One discussion with its messages."""
    return detail(session, discussion_id)


@router.get("/v1/claims/{claim_id}", responses=problems(404, 422))
def get_claim(claim_id: Id, session: SessionDep, _caller: Reader) -> ClaimEvidenceView:
    """One claim, where its decision stands, and its evidence."""
    return ClaimEvidenceView.model_validate(claim_evidence.claim_evidence(session, claim_id))
