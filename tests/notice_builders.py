"""Plain builders for the rights programme's starting situations, written as rows directly."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases
from moderation.accounts.staff import ensure_organisation
from moderation.domain import OrganisationKind
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import (
    Case,
    CaseSource,
    Decision,
    Notice,
    NoticeItem,
    Offer,
    Organisation,
    Right,
    Seller,
    Statement,
    Strike,
    utcnow,
)
from tests.factories import make_offer, make_staff

_seq = itertools.count(1)
LEASE = timedelta(minutes=5)
REMOVE_COUNTERFEIT = DecisionIn(action="remove", reason_code="COUNTERFEIT",
                                note="Counterfeit of a registered EU trade mark")


def make_rights_holder(session: Session, name: str | None = None) -> Organisation:
    """A rights-holder organisation."""
    return ensure_organisation(session, name or f"Rights holder {next(_seq)}",
                               OrganisationKind.RIGHTS_HOLDER)


def make_right(session: Session, organisation_id: int) -> Right:
    """A verified EU trade mark of this organisation."""
    right = Right(organisation_id=organisation_id, type="trademark", office="EUIPO",
                  number=f"0180{next(_seq):05d}", owner="X", territory="EU",
                  status="verified", brands=["X"], keywords=[])
    session.add(right)
    session.flush()
    return right


def make_notice(session: Session, *, organisation: Organisation | None = None,
                notifier_email: str = "brand-protection@example.com") -> Notice:
    """A counterfeit notice under a fresh right; the offers are added with add_to_case."""
    org = organisation or make_rights_holder(session)
    right = make_right(session, org.id)
    notice = Notice(reference=f"N-TEST-{next(_seq):06d}", organisation_id=org.id,
                    right_id=right.id, kind="counterfeit",
                    explanation="The offer sells counterfeits of our registered mark.",
                    notifier_name="Brand Protection", notifier_email=notifier_email,
                    good_faith=True)
    session.add(notice)
    session.flush()
    return notice


def add_to_case(session: Session, notice: Notice, case: Case) -> None:
    """Name the case's offer in the notice and merge the notice into the case as a source."""
    session.add(NoticeItem(notice_id=notice.id, offer_id=case.offer_id, case_id=case.id))
    session.add(CaseSource(case_id=case.id, kind="notice", notice_id=notice.id,
                           organisation_id=notice.organisation_id))
    session.flush()


@dataclass(frozen=True, slots=True)
class RemovedOnNotice:
    offer: Offer
    seller: Seller
    case: Case
    notice: Notice
    decision: Decision
    moderator_id: int
    strike: Strike


def open_case(session: Session, *, seller: str | None = None) -> Case:
    """An open review case about a fresh offer of this seller (external id)."""
    offer = make_offer(session, seller={"id": seller or f"seller-rp-{next(_seq)}"})
    return cases.open_screening_case(session, offer_id=offer.id, screening_id=None, priority=2,
                                     reason_code="TEST", due_at=utcnow() + timedelta(hours=48))


def noticed_case(session: Session, *, seller: str | None = None,
                 notice: Notice | None = None) -> tuple[Case, Notice]:
    """An open review case about a fresh offer of this seller, with a notice behind it."""
    case = open_case(session, seller=seller)
    notice = notice or make_notice(session)
    add_to_case(session, notice, case)
    return case, notice


def decide(session: Session, case: Case, decision: DecisionIn,
           moderator_id: int | None = None) -> Decision:
    """Claim a case for a moderator (a fresh one unless named) and decide it."""
    moderator_id = moderator_id or make_staff(session).staff.id
    cases.claim(session, case_id=case.id, staff_id=moderator_id, lease=LEASE)
    return decisions.decide(session, case_id=case.id, staff_id=moderator_id, decision=decision,
                            followups=decision_followups())


def removal(session: Session, *, seller: str) -> Decision:
    """A moderator's removal of a fresh offer of this seller, with no notice behind it."""
    return decide(session, open_case(session, seller=seller), REMOVE_COUNTERFEIT)


def remove_on_notice(session: Session, *, seller: str | None = None,
                     moderator_id: int | None = None,
                     notice: Notice | None = None) -> RemovedOnNotice:
    """An offer a moderator removed on a rights holder's notice, and the seller's strike."""
    case, notice = noticed_case(session, seller=seller, notice=notice)
    moderator_id = moderator_id or make_staff(session).staff.id
    row = decide(session, case, REMOVE_COUNTERFEIT, moderator_id)
    offer = case.offer
    # decisions.decide gave the strike (a removal on a notice).
    strike = session.scalars(select(Strike).where(Strike.decision_id == row.id)).one()
    return RemovedOnNotice(offer, offer.seller, case, notice, row, moderator_id, strike)


def backdate_strike(session: Session, strike: Strike, by: timedelta = timedelta(days=2)) -> None:
    """Move a strike (and the rung it took, with its statement) back in time, so that the
    next strike is a new infringement rather than part of the same episode."""
    strike.created_at -= by
    strike.expires_at -= by
    for statement in session.scalars(select(Statement).where(Statement.strike_id == strike.id)):
        statement.starts_at -= by
    session.flush()
