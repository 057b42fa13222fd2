"""What the rights programme undoes when an appeal against one of its outcomes is upheld:
the strike revoked (and the sanction it brought lifted), the notices' outcomes turned.

The appeals programme settles the appeal first (moderation/programmes.py runs its step
before this one); this step reads the outcome from the appeal's row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.cases import strikes
from moderation.domain import AppealOutcome, Appellant, DecisionAction, NoticeOutcome
from moderation.tables import Appeal, Case, Decision, Notice, NoticeItem, Offer, Statement, Strike


def reverse_on_appeal(session: Session, *, case: Case, decision: Decision) -> None:
    """Undo the rights programme's part of a decision an upheld appeal reversed."""
    appeal = session.scalar(select(Appeal).where(Appeal.case_id == case.id))
    if (appeal is None or appeal.outcome != AppealOutcome.UPHELD.value
            or appeal.outcome_decision_id != decision.id):
        return
    if appeal.appellant_kind == Appellant.SELLER.value:
        _seller_was_right(session, appeal, decision)
    else:
        _notifier_was_right(session, appeal, decision)
    session.flush()


def _seller_was_right(session: Session, appeal: Appeal, decision: Decision) -> None:
    """The strike goes (a suspension or termination it brought is lifted); a restored offer's
    notices count as not upheld in their notifiers' accuracy."""
    struck = _struck_decision(session, appeal)
    if struck is not None:
        strikes.revoke_strike(session, decision_id=struck, now=decision.decided_at,
                              reason=f"appeal {appeal.reference} upheld")
    original_case = session.scalar(select(Decision.case_id).where(
        Decision.id == appeal.decision_id)) if appeal.decision_id else None
    if decision.action != DecisionAction.KEEP.value or original_case is None:
        return  # the removal stands (an account appeal): the notices stay upheld
    for item in session.scalars(select(NoticeItem).where(
            NoticeItem.case_id == original_case, NoticeItem.offer_id == appeal.offer_id,
            NoticeItem.outcome == NoticeOutcome.UPHELD.value).with_for_update()):
        item.outcome = NoticeOutcome.REJECTED.value
        item.decided_at = decision.decided_at


def _struck_decision(session: Session, appeal: Appeal) -> int | None:
    """The decision whose strike the appeal undoes: the appealed one, or the one behind the
    strike an account's statement tells of."""
    statement = session.get(Statement, appeal.statement_id) if appeal.statement_id else None
    if statement is not None and statement.strike_id is not None:
        return session.scalar(select(Strike.decision_id).where(
            Strike.id == statement.strike_id))
    return appeal.decision_id


def _notifier_was_right(session: Session, appeal: Appeal, decision: Decision) -> None:
    """The kept offer is removed on appeal: the notice counts as upheld (and no longer as
    manifestly unfounded), and the seller gets the strike a removal on a notice brings."""
    original_case = session.scalar(select(Decision.case_id).where(
        Decision.id == appeal.decision_id))
    items = list(session.scalars(
        select(NoticeItem).join(Notice, Notice.id == NoticeItem.notice_id).where(
            NoticeItem.case_id == original_case, NoticeItem.offer_id == appeal.offer_id,
            Notice.organisation_id == appeal.organisation_id,
            NoticeItem.outcome == NoticeOutcome.REJECTED.value)
        .order_by(NoticeItem.id).with_for_update()))
    if not items:
        return  # an authority's order: no notice, no strike (as for safety removals)
    for item in items:
        item.outcome = NoticeOutcome.UPHELD.value
        item.manifestly_unfounded = False
        item.decided_at = decision.decided_at
    offer = session.get_one(Offer, appeal.offer_id)
    strikes.add_strike(session, seller_id=offer.seller_id, decision_id=decision.id,
                       notice_id=items[0].notice_id, now=decision.decided_at)
