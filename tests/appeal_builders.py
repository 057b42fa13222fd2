"""Plain builders for appeals: the decisions people appeal, their statements, the appellants."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moderation import cases
from moderation.accounts.staff import NewStaff, create_staff, ensure_organisation
from moderation.appeals.filing import AppealIn, file_appeal
from moderation.cases import Origin
from moderation.domain import (
    AutomatedDecision,
    CaseKind,
    OfferStatus,
    OrganisationKind,
    Restriction,
    SourceKind,
    StaffRole,
    StatementSource,
    StatementSubject,
)
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.statements import grounds
from moderation.statements.content import Draft, build
from moderation.tables import (
    Account,
    Appeal,
    Case,
    Decision,
    Offer,
    Organisation,
    Statement,
    Strike,
    utcnow,
)
from tests.factories import make_offer, make_staff
from tests.notice_builders import LEASE

_seq = itertools.count(1)
WHY = "The offer is lawful: the goods are genuine and the invoice shows where they came from."


def statement(session: Session, *, seller_id: int, restriction: str,
              decision: Decision | None = None, strike: Strike | None = None,
              created_at: datetime | None = None) -> Statement:
    """A statement of reasons as the statements programme writes one (a row, here)."""
    puid = f"puid-test-{next(_seq):08d}"
    account = restriction not in ("removal", "disabling")
    draft = Draft(subject=StatementSubject.ACCOUNT if account else StatementSubject.OFFER,
                  restriction=Restriction(restriction), ground=grounds.TRADEMARK,
                  category=grounds.TRADEMARK.category, source_type=StatementSource.NOTICE,
                  automated_detection=False, automated_decision=AutomatedDecision.NOT_AUTOMATED,
                  starts_at=created_at or utcnow(), ends_at=None,
                  facts={"reason_code": "COUNTERFEIT"},
                  decision_id=decision.id if decision else None)
    row = Statement(puid=puid,
                    subject="offer" if restriction in ("removal", "disabling") else "account",
                    restriction=restriction, decision_id=decision.id if decision else None,
                    offer_id=decision.offer_id if decision else None, seller_id=seller_id,
                    strike_id=strike.id if strike else None, territorial_scope=["PL"],
                    starts_at=created_at or utcnow(), ground="illegal",
                    category="STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
                    category_specification=[], source_type="notice",
                    automated_detection=False, automated_decision="not", language="pl",
                    content=build(draft, puid=puid, language="pl"), facts="test",
                    created_at=created_at or utcnow())
    session.add(row)
    session.flush()
    return row


def automatic_block(session: Session, *, seller: str | None = None) -> Decision:
    """A blocking rule's decision on a fresh offer, with its statement (disabling)."""
    offer = make_offer(session, seller={"id": seller or f"seller-ap-{next(_seq)}"})
    offer.status = OfferStatus.BLOCKED.value
    decision = Decision(case_id=None, offer_id=offer.id, action="block",
                        reason_code="COUNTERFEIT_REPLICA", note="Blocked automatically",
                        moderator_id=None, automated=True, decided_at=utcnow())
    session.add(decision)
    session.flush()
    statement(session, seller_id=offer.seller_id, restriction="disabling", decision=decision)
    return decision


def member(session: Session, organisation: Organisation, role: StaffRole) -> Account:
    """An API account acting for this organisation."""
    return member_with_key(session, organisation, role).staff


def member_with_key(session: Session, organisation: Organisation, role: StaffRole) -> NewStaff:
    """An API account acting for this organisation, with its key."""
    return create_staff(session, name=f"{role.value}-ap-{next(_seq)}", role=role,
                        organisation_id=organisation.id, locale="en")


def authority(session: Session) -> Organisation:
    return ensure_organisation(session, f"Authority {next(_seq)}", OrganisationKind.AUTHORITY)


def safety_case(session: Session, organisation: Organisation) -> Case:
    """An open safety case on a fresh offer, opened by this authority's order."""
    offer = make_offer(session, seller={"id": f"seller-ap-{next(_seq)}"})
    now = utcnow()
    ids, _ = cases.open_or_join(
        session, [offer.id], kind=CaseKind.SAFETY.value, reason_code="AUTHORITY_ORDER",
        source="authority", priority=1, due_at=now + timedelta(days=2), now=now,
        origin=Origin(SourceKind.SAFETY_ALERT, {"alert": "test"},
                      organisation_id=organisation.id))
    return session.get_one(Case, ids[0])


def decide_case(session: Session, case: Case, decision: DecisionIn,
                moderator_id: int | None = None) -> Decision:
    """Claim a case for a moderator (a fresh one unless named) and decide it."""
    moderator_id = moderator_id or make_staff(session).staff.id
    cases.claim(session, case_id=case.id, staff_id=moderator_id, lease=LEASE,
                may_take_escalated=True)
    return decisions.decide(session, case_id=case.id, staff_id=moderator_id, decision=decision,
                            followups=decision_followups())


def seller_appeal(session: Session, decision: Decision | None = None, *,
                  puid: str | None = None, seller: str | None = None,
                  now: datetime | None = None) -> Appeal:
    """A seller's appeal relayed by the marketplace, against a decision or a statement."""
    if seller is None:
        offer_id = decision.offer_id if decision else None
        assert offer_id is not None
        seller = session.get_one(Offer, offer_id).seller.external_id
    data = AppealIn(decision_id=decision.id if decision and puid is None else None,
                    statement_puid=puid, seller_id=seller, explanation=WHY)
    return file_appeal(session, data=data, caller=make_staff(session, StaffRole.INTEGRATION).staff,
                       now=now or utcnow())


def notifier_appeal(session: Session, decision: Decision, caller: Account,
                    now: datetime | None = None) -> Appeal:
    """A notifier's appeal against a decision on its notice or order."""
    data = AppealIn(decision_id=decision.id,
                    explanation="The offer sells counterfeits: the photos show a fake logo.")
    return file_appeal(session, data=data, caller=caller, now=now or utcnow())


def answer(session: Session, appeal: Appeal, *, action: str, upheld: bool,
           moderator_id: int | None = None, note: str = "Checked the whole history.") -> Decision:
    """Decide an appeal's case: upheld or rejected, keeping or removing the offer."""
    case = session.get_one(Case, appeal.case_id)
    code = "APPEAL_UPHELD" if upheld else "APPEAL_REJECTED"
    return decide_case(session, case, DecisionIn(action=action, reason_code=code, note=note),
                       moderator_id)
