"""Filing an appeal: checked, stored, and a case of its own opened for someone else to decide."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.appeals.contested import Contest, Party, closes_at, contest_of, party_of
from moderation.cases import Origin, open_case
from moderation.domain import (
    API_CLIENTS,
    LEADS,
    AppealStatus,
    Appellant,
    CaseKind,
    CaseReason,
    CaseStatus,
    SourceKind,
    StaffRole,
)
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.schemas import Id, Text
from moderation.tables import Account, Appeal, Case

NAME_ONE = "name what is appealed: either decision_id or statement_puid, not both"


class AppealIn(BaseModel):
    """An appeal: what it contests, and why; the marketplace names the seller it relays."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision_id: Id | None = None
    # An account restriction (a strike, a suspension, a termination) by its statement.
    statement_puid: Annotated[Text, StringConstraints(min_length=1, max_length=500)] | None = None
    seller_id: Annotated[Text, StringConstraints(min_length=1, max_length=64)] | None = None
    # A buyer contesting the decision on their claim, by their marketplace id.
    buyer_id: Annotated[Text, StringConstraints(min_length=1, max_length=64)] | None = None
    explanation: Annotated[Text, StringConstraints(min_length=20, max_length=5_000)]


def file_appeal(session: Session, *, data: AppealIn, caller: Account, now: datetime) -> Appeal:
    """Record an appeal within six months of the appellant being told, and open its case
    for a moderator other than the one who decided."""
    if (data.decision_id is None) == (data.statement_puid is None):
        raise InvalidInput(NAME_ONE, field="decision_id")
    party = party_of(session, caller, data.seller_id, data.buyer_id)
    contest = contest_of(session, party, decision_id=data.decision_id,
                         statement_puid=data.statement_puid)
    earlier = session.scalar(select(Appeal.reference).where(
        Appeal.appellant == party.key, Appeal.target == contest.target))
    if earlier is not None:
        raise Conflict(f"already appealed: {earlier}", field=contest.field)
    closes = closes_at(contest.told_at)
    if now > closes:
        raise InvalidInput(f"the six months to appeal ran out on {closes.date().isoformat()}",
                           field=contest.field)
    # The reference carries the id, known only after the insert: a unique placeholder first.
    appeal = Appeal(reference="tmp-" + secrets.token_hex(14), appellant_kind=party.kind.value,
                    appellant=party.key, seller_id=party.seller.id if party.seller else None,
                    organisation_id=party.organisation.id if party.organisation else None,
                    filed_by=party.filed_by, target=contest.target,
                    decision_id=contest.decision.id if contest.decision else None,
                    statement_id=contest.statement.id if contest.statement else None,
                    offer_id=contest.offer_id, contested=contest.contested.value,
                    explanation=data.explanation, status=AppealStatus.OPEN.value,
                    outcome_note="", told_at=contest.told_at, filed_at=now)
    session.add(appeal)
    session.flush()
    appeal.reference = f"AP-{now.year}-{appeal.id:06d}"
    actor = _actor(party)
    case = _open_case(session, appeal, party, contest, actor=actor, now=now)
    appeal.case_id = case.id
    session.flush()
    audit.record(session, actor=actor, action="appeal.filed", entity="appeal",
                 entity_id=appeal.id,
                 after={"reference": appeal.reference, "target": appeal.target,
                        "contested": appeal.contested, "case_id": case.id,
                        "offer_id": appeal.offer_id})
    outbox.notify(session, kind=f"{party.kind.value}.appeal_received", recipient=party.recipient,
                  payload={"appeal": appeal.reference, "contested": appeal.contested,
                           "decision_id": appeal.decision_id, "filed_at": now.isoformat(),
                           "review_due_at": case.due_at.isoformat(),
                           "appeal_closed_on": closes.isoformat()})
    session.flush()
    return appeal


def _open_case(session: Session, appeal: Appeal, party: Party, contest: Contest, *,
               actor: str, now: datetime) -> Case:
    decider = contest.decision.moderator_id if contest.decision else None
    decider_role = session.scalar(select(Account.role).where(Account.id == decider))
    # A junior moderator does not overrule a lead: an appeal against a lead's decision
    # waits for (another) lead.
    status = (CaseStatus.ESCALATED if decider_role in {r.value for r in LEADS}
              else CaseStatus.OPEN).value
    source = party.organisation.kind if party.organisation else party.kind.value
    return open_case(session, kind=CaseKind.APPEAL.value, offer_id=contest.offer_id,
                     reason_code=CaseReason.APPEAL.value, source=source,
                     priority=policy.APPEAL_PRIORITY, due_at=now + policy.APPEAL_DUE, now=now,
                     origin=Origin(SourceKind.APPEAL, {"appeal": appeal.reference},
                                   organisation_id=appeal.organisation_id),
                     actor=actor, not_for_staff_id=decider, status=status)


def _actor(party: Party) -> str:
    if party.seller is not None:
        return f"seller:{party.seller.external_id}"
    if party.buyer is not None:
        return f"buyer:{party.buyer.external_id}"
    return party.key


def get_appeal(session: Session, appeal_id: int, *, caller: Account) -> Appeal:
    """One appeal; an organisation sees only its own, the marketplace only sellers' appeals."""
    appeal = session.get(Appeal, appeal_id)
    role = caller.role
    visible = appeal is not None and (
        role not in {r.value for r in API_CLIENTS}
        or (role == StaffRole.INTEGRATION.value
            and appeal.appellant_kind in (Appellant.SELLER.value, Appellant.BUYER.value))
        or (appeal.organisation_id is not None
            and appeal.organisation_id == caller.organisation_id))
    if appeal is None or not visible:
        raise NotFound(f"appeal {appeal_id} not found")
    return appeal
