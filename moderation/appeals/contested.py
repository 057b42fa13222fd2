"""What may be appealed, by whom, and from when the six months to appeal run."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.cases.reasons import NOT_ABOUT_THE_OFFER
from moderation.domain import Appellant, Contested, DecisionAction, SourceKind, StaffRole
from moderation.errors import Forbidden, InvalidInput, NotFound
from moderation.tables import (
    Account,
    Appeal,
    Buyer,
    Case,
    CaseSource,
    Claim,
    Decision,
    Notice,
    NoticeItem,
    Offer,
    Order,
    Organisation,
    Seller,
    Statement,
    Strike,
)

NOT_A_RESTRICTION = ("a seller appeals a restriction (a block or a removal of an offer, a "
                     "strike, a suspension); this decision restricts nothing")
ONLY_KEEPS = "a notifier appeals a decision to keep an offer its notice or order named"
# A claim's decisions, and who each one went against: the seller is charged with a claim
# upheld (in full or in part), the buyer got less than the order's value.
CLAIM_ACTIONS = {DecisionAction.COMPENSATE.value, DecisionAction.PARTIAL.value,
                 DecisionAction.REJECT.value}
AGAINST_SELLER = {DecisionAction.COMPENSATE.value, DecisionAction.PARTIAL.value}
AGAINST_BUYER = {DecisionAction.PARTIAL.value, DecisionAction.REJECT.value}
ACCOUNT_RESTRICTIONS = {Contested.STRIKE.value, Contested.SUSPENSION.value,
                        Contested.TERMINATION.value}


@dataclass(frozen=True, slots=True)
class Party:
    """Who appeals: a seller (relayed by the marketplace) or a notifier's organisation."""

    kind: Appellant
    key: str  # "seller:<id>" or "organisation:<id>": one appeal per key and target
    recipient: str  # where the outbox tells them
    filed_by: int
    seller: Seller | None = None
    organisation: Organisation | None = None
    buyer: Buyer | None = None


@dataclass(frozen=True, slots=True)
class Contest:
    """A decision (or an account's statement) the party may appeal, and when they were told."""

    target: str  # "decision:<id>" or "statement:<id>"
    contested: Contested
    offer_id: int
    decision: Decision | None  # the decision contested, or the one behind a strike
    statement: Statement | None
    told_at: datetime
    field: str  # the input field that named it


def party_of(session: Session, caller: Account, seller_external_id: str | None,
             buyer_external_id: str | None = None) -> Party:
    """The appellant: the seller or buyer the marketplace names, or the caller's own
    organisation."""
    if buyer_external_id is not None:
        if caller.role != StaffRole.INTEGRATION.value:
            raise InvalidInput("only the marketplace relays a buyer's appeal", field="buyer_id")
        if seller_external_id is not None:
            raise InvalidInput("name one appellant: the seller or the buyer", field="buyer_id")
        buyer = session.scalar(select(Buyer).where(Buyer.external_id == buyer_external_id))
        if buyer is None:
            raise NotFound(f"buyer {buyer_external_id} not found", field="buyer_id")
        return Party(Appellant.BUYER, f"buyer:{buyer.id}", f"buyer:{buyer.external_id}",
                     caller.id, buyer=buyer)
    if caller.role == StaffRole.INTEGRATION.value:
        if seller_external_id is None:
            raise InvalidInput("name the seller who appeals (their marketplace id)",
                               field="seller_id")
        seller = session.scalar(select(Seller).where(Seller.external_id == seller_external_id))
        if seller is None:
            raise NotFound(f"seller {seller_external_id} not found", field="seller_id")
        return Party(Appellant.SELLER, f"seller:{seller.id}", f"seller:{seller.external_id}",
                     caller.id, seller=seller)
    if seller_external_id is not None:
        raise InvalidInput("a notifier appeals for its own organisation: leave seller_id out",
                           field="seller_id")
    org = session.get(Organisation, caller.organisation_id) if caller.organisation_id else None
    if org is None:
        raise Forbidden("this account acts for no organisation")
    return Party(Appellant.NOTIFIER, f"organisation:{org.id}", f"organisation:{org.id}",
                 caller.id, organisation=org)


def contest_of(session: Session, party: Party, *, decision_id: int | None,
               statement_puid: str | None) -> Contest:
    """What the party appeals, checked: theirs to appeal, and a kind that can be appealed."""
    if statement_puid is not None:
        return _statement_contest(session, party, statement_puid)
    assert decision_id is not None
    decision = _decision(session, decision_id)
    if decision.action in CLAIM_ACTIONS or party.buyer is not None:
        return _claim_contest(session, party, decision)
    if party.seller is not None:
        return _seller_contest(session, party.seller, decision, field="decision_id")
    assert party.organisation is not None
    return _notifier_contest(session, party.organisation, decision)


def add_months(moment: datetime, months: int) -> datetime:
    """The same time of day `months` calendar months later (the 31st becomes the month's end)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def closes_at(told_at: datetime) -> datetime:
    """The last moment to appeal a decision told at this time."""
    return add_months(told_at, policy.APPEAL_MONTHS)


def _decision(session: Session, decision_id: int) -> Decision:
    # Locked: two appeals against one decision queue up behind each other's uniqueness check.
    decision = session.get(Decision, decision_id, with_for_update=True)
    if decision is None:
        raise NotFound(f"decision {decision_id} not found", field="decision_id")
    return decision


def _seller_contest(session: Session, seller: Seller, decision: Decision, *, field: str,
                    statement: Statement | None = None) -> Contest:
    offer = session.get_one(Offer, decision.offer_id)
    if offer.seller_id != seller.id:
        raise Forbidden(f"decision {decision.id} is not about this seller's offers", field=field)
    if decision.action not in (DecisionAction.BLOCK.value, DecisionAction.REMOVE.value):
        raise InvalidInput(NOT_A_RESTRICTION, field=field)
    # A removal on a case about something else than the offer (a buyer's comment the seller
    # reported) took nothing of the seller's.
    if decision.case_id is not None and session.scalar(
            select(Case.kind).where(Case.id == decision.case_id)) in NOT_ABOUT_THE_OFFER:
        raise InvalidInput(NOT_A_RESTRICTION, field=field)
    if _answers_their_appeal(session, decision, f"seller:{seller.id}"):
        raise InvalidInput(f"decision {decision.id} answered this seller's appeal: it is final "
                           "here; an out-of-court dispute settlement body or a court may "
                           "review it", field=field)
    told = statement.created_at if statement is not None else session.scalar(
        select(func.min(Statement.created_at)).where(Statement.decision_id == decision.id,
                                                     Statement.seller_id == seller.id))
    contested = (Contested.DISABLING if decision.action == DecisionAction.BLOCK.value
                 else Contested.REMOVAL)
    return Contest(f"decision:{decision.id}", contested, decision.offer_id, decision, None,
                   told or decision.decided_at, field)


def _claim_contest(session: Session, party: Party, decision: Decision) -> Contest:
    """A claim's decision, appealed by the side it went against (both, for a partial one)."""
    claim = session.scalar(select(Claim).where(Claim.case_id == decision.case_id)) if (
        decision.action in CLAIM_ACTIONS and decision.case_id is not None) else None
    if claim is None:
        raise InvalidInput("a buyer appeals the decision on their claim; this decision "
                           "decides no claim", field="decision_id")
    order = session.get_one(Order, claim.order_id)
    if party.buyer is not None:
        mine, against = order.buyer_id == party.buyer.id, AGAINST_BUYER
    elif party.seller is not None:
        mine, against = order.seller_id == party.seller.id, AGAINST_SELLER
    else:
        mine, against = False, set()
    if not mine:
        raise Forbidden(f"decision {decision.id} is not about a claim of yours",
                        field="decision_id")
    if decision.action not in against:
        raise InvalidInput(f"decision {decision.id} ({decision.action}) went your way: there is "
                           "nothing to appeal", field="decision_id")
    if _answers_their_appeal(session, decision, party.key):
        raise InvalidInput(f"decision {decision.id} answered your appeal: it is final here; "
                           "a court may review it", field="decision_id")
    # Both sides are told of a claim's decision when it is taken (buyers/claim_decisions.py).
    return Contest(f"decision:{decision.id}", Contested.CLAIM_DECISION, decision.offer_id,
                   decision, None, decision.decided_at, "decision_id")


def _answers_their_appeal(session: Session, decision: Decision, appellant: str) -> bool:
    return session.scalar(select(Appeal.id).where(
        Appeal.outcome_decision_id == decision.id, Appeal.appellant == appellant)) is not None


def _notifier_contest(session: Session, org: Organisation, decision: Decision) -> Contest:
    told = _told_notifier(session, org, decision)
    if told is None:
        raise Forbidden(f"decision {decision.id} is not about a notice or order of yours",
                        field="decision_id")
    if decision.action != DecisionAction.KEEP.value:
        raise InvalidInput(ONLY_KEEPS, field="decision_id")
    return Contest(f"decision:{decision.id}", Contested.KEEP, decision.offer_id, decision,
                   None, told, "decision_id")


def _told_notifier(session: Session, org: Organisation, decision: Decision) -> datetime | None:
    """When the organisation was told of the decision on its notice or order; None if none
    of its notices or orders stands behind the decided case."""
    if decision.case_id is None:
        return None
    items = select(func.max(NoticeItem.decided_at), func.count(NoticeItem.id)).join(
        Notice, Notice.id == NoticeItem.notice_id).where(
        NoticeItem.case_id == decision.case_id, NoticeItem.offer_id == decision.offer_id,
        Notice.organisation_id == org.id)
    decided_at, count = session.execute(items).one()
    if count:
        return decided_at or decision.decided_at
    order = session.scalar(select(CaseSource.id).where(
        CaseSource.case_id == decision.case_id,
        CaseSource.kind == SourceKind.SAFETY_ALERT.value,
        CaseSource.organisation_id == org.id).limit(1))
    # An authority reads its orders' decisions as they stand: told when decided.
    return decision.decided_at if order is not None else None


def _statement_contest(session: Session, party: Party, puid: str) -> Contest:
    if party.seller is None:
        raise InvalidInput("statements of reasons are told to sellers; a notifier appeals by "
                           "the decision id", field="statement_puid")
    statement = session.scalar(select(Statement).where(Statement.puid == puid)
                               .with_for_update())
    if statement is None:
        raise NotFound(f"statement {puid} not found", field="statement_puid")
    if statement.seller_id != party.seller.id:
        raise Forbidden(f"statement {puid} was not told to this seller", field="statement_puid")
    decision = _decision_behind(session, statement)
    if statement.restriction not in ACCOUNT_RESTRICTIONS:
        if decision is None:
            raise InvalidInput(NOT_A_RESTRICTION, field="statement_puid")
        # An offer's restriction is appealed as its decision, whichever way it is named.
        return _seller_contest(session, party.seller, decision, field="statement_puid",
                               statement=statement)
    offer_id = statement.offer_id or (decision.offer_id if decision else None)
    if offer_id is None:
        raise InvalidInput(f"statement {puid} names no offer or decision to review",
                           field="statement_puid")
    return Contest(f"statement:{statement.id}", Contested(statement.restriction), offer_id,
                   decision, statement, statement.created_at, "statement_puid")


def _decision_behind(session: Session, statement: Statement) -> Decision | None:
    """The statement's decision, or the decision that gave the strike it tells of."""
    decision_id = statement.decision_id or (session.scalar(
        select(Strike.decision_id).where(Strike.id == statement.strike_id))
        if statement.strike_id else None)
    return session.get(Decision, decision_id) if decision_id else None
