"""Every decision path that writes a statement of reasons, built the way the service takes it:
each builder returns the statement it caused."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases, statements
from moderation.accounts.staff import ensure_organisation
from moderation.domain import CaseReason, OrganisationKind, SourceKind, StatementSource
from moderation.protection import counter_notices
from moderation.safety.alerts import AlertIn, store_alerts
from moderation.schemas import DecisionIn
from moderation.statements.basis import alert_facts
from moderation.tables import (
    Case,
    Decision,
    Offer,
    SafetyAlert,
    SafetyMatch,
    Screening,
    Statement,
    Strike,
    utcnow,
)
from tests.factories import COUNTERFEIT_TITLE, make_offer, screen_all
from tests.notice_builders import REMOVE_COUNTERFEIT, backdate_strike, decide, noticed_case
from tests.rights_builders import offers as rights_offers
from tests.rights_builders import rights_holder, send_notice, verified_right

_seq = itertools.count(1)
REMOVE_UNSAFE = DecisionIn(action="remove", reason_code="UNSAFE_PRODUCT",
                           note="Produkt z ostrzeżenia")


def latest(session: Session, **where: object) -> Statement:
    """The newest statement with these column values."""
    query = select(Statement).filter_by(**where).order_by(Statement.id.desc()).limit(1)
    row = session.scalar(query)
    assert row is not None, f"no statement with {where}"
    return row


def rule_block(session: Session) -> Statement:
    """A blocking rule stops a counterfeit at screening."""
    offer = make_offer(session, title=COUNTERFEIT_TITLE, brand="Louis Vuitton", price="349.00")
    screen_all(session)
    return latest(session, offer_id=offer.id)


def _screened_case(session: Session, *, source: str, reason: str, hits: list[dict[str, object]]
                   ) -> Case:
    offer = make_offer(session, seller={"id": f"s-stmt-{next(_seq)}"})
    screening = Screening(offer_id=offer.id, offer_version=1, route="review", priority=3,
                          reason_code=reason, hits=hits, score=0.91, score_features=[],
                          rules_version="pack-7", model_version="model-3", created_at=utcnow())
    session.add(screening)
    session.flush()
    return cases.open_screening_case(session, offer_id=offer.id, screening_id=screening.id,
                                     priority=3, reason_code=reason,
                                     due_at=utcnow() + timedelta(hours=24), source=source)


def removal_from_rules(session: Session) -> Statement:
    """A moderator removes an offer a reviewing rule sent to the queue."""
    case = _screened_case(session, source="rules", reason="COUNTERFEIT_WEAK_MARKER_WITH_BRAND",
                          hits=[{"rule_id": "counterfeit.weak_marker_with_brand",
                                 "reason_code": "COUNTERFEIT_WEAK_MARKER_WITH_BRAND",
                                 "outcome": "review", "severity": "high",
                                 "statement_category":
                                     "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"}])
    row = decide(session, case, REMOVE_COUNTERFEIT)
    return latest(session, decision_id=row.id)


def removal_from_model(session: Session) -> Statement:
    """A moderator removes an offer the classifier alone sent to the queue."""
    case = _screened_case(session, source="model", reason=CaseReason.MODEL_SCORE.value, hits=[])
    row = decide(session, case, REMOVE_COUNTERFEIT)
    return latest(session, decision_id=row.id)


def notice_removal(session: Session, *, seller: str | None = None, trusted: bool = False,
                   n: int = 1) -> list[Decision]:
    """A rights holder's notice on n offers of one seller, upheld offer by offer."""
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    seller = seller or f"s-notice-{next(_seq)}"
    named = rights_offers(session, n, seller={"id": seller})
    receipt = send_notice(session, org, right, named)
    if trusted:
        receipt.notice.fast_track = True
    return [decide(session, session.get(Case, item.case_id), REMOVE_COUNTERFEIT)
            for item in receipt.items]


def removal_on_notice(session: Session) -> Statement:
    """A moderator removes an offer a rights holder's notice names."""
    [row] = notice_removal(session)
    return latest(session, decision_id=row.id, subject="offer")


def removal_on_trusted_notice(session: Session) -> Statement:
    """A moderator removes an offer a trusted flagger's (fast-track) notice names."""
    [row] = notice_removal(session, trusted=True)
    return latest(session, decision_id=row.id, subject="offer")


def removal_on_screening_case_a_notice_joined(session: Session) -> Statement:
    """Screening sent the offer to review first; a notice then joined its case."""
    case, _ = noticed_case(session)
    row = decide(session, case, REMOVE_COUNTERFEIT)
    return latest(session, decision_id=row.id, subject="offer")


def counter_notice_rejected(session: Session) -> Statement:
    """The seller contests a removal on a notice; another moderator lets the removal stand."""
    [removal] = notice_removal(session)
    row = counter_notices.file_counter_notice(session, data=counter_notices.CounterNoticeIn(
        decision_id=removal.id, contact_email="sklep@example.pl",
        statement="The goods are genuine: bought from the brand's distributor."), now=utcnow())
    case = session.get(Case, row.case_id)
    assert case is not None
    decision = decide(session, case, DecisionIn(action="remove",
                                                reason_code="COUNTER_NOTICE_REJECTED"))
    return latest(session, decision_id=decision.id)


def _alert_case(session: Session, alert: SafetyAlert) -> Case:
    """An offer the matching engine found for an alert, and its case."""
    offer = make_offer(session, seller={"id": f"s-alert-{next(_seq)}"})
    reason = (CaseReason.AUTHORITY_ORDER if alert.source == "authority"
              else CaseReason.SAFETY_ALERT).value
    ids, _ = cases.open_or_join(
        session, [offer.id], kind="safety", reason_code=reason, source=alert.source, priority=1,
        due_at=utcnow() + timedelta(days=2), now=utcnow(),
        origin=cases.Origin(SourceKind.SAFETY_ALERT, {"alert": alert.number},
                            organisation_id=alert.organisation_id))
    session.add(SafetyMatch(alert_id=alert.id, offer_id=offer.id, score=1.0, confidence="high",
                            fields=["gtin"], case_id=ids[0], created_at=utcnow()))
    session.flush()
    case = session.get(Case, ids[0])
    assert case is not None
    return case


def _alert(session: Session, *, source: str, kind: str, number: str,
           organisation_id: int | None = None) -> SafetyAlert:
    summary = store_alerts(session, [AlertIn(
        source=source, number=number, kind=kind, product="Hulajnoga elektryczna",
        risk_type="Burns", risk_level="serious", legal_basis="art. 22 GPSR")],
        organisation_id=organisation_id)
    alert = session.get(SafetyAlert, summary.created[0])
    assert alert is not None
    return alert


def removal_on_safety_alert(session: Session) -> Statement:
    """A moderator removes an offer matching a Safety Gate alert."""
    alert = _alert(session, source="safety_gate", kind="notice",
                   number=f"A12/{next(_seq):05d}/26")
    row = decide(session, _alert_case(session, alert), REMOVE_UNSAFE)
    return latest(session, decision_id=row.id)


def authority(session: Session) -> int:
    return ensure_organisation(session, f"WIIH {next(_seq)}", OrganisationKind.AUTHORITY).id


def removal_on_authority_order(session: Session) -> Statement:
    """A moderator removes an offer an authority's order describes."""
    org = authority(session)
    alert = _alert(session, source="authority", kind="order",
                   number=f"{org}:DIH.{next(_seq)}.2026", organisation_id=org)
    row = decide(session, _alert_case(session, alert), REMOVE_UNSAFE)
    return latest(session, decision_id=row.id)


def removal_on_consumer_notice(session: Session) -> Statement:
    """A moderator removes an offer a consumer ombudsman's notice describes."""
    org = authority(session)
    alert = _alert(session, source="authority", kind="consumer",
                   number=f"{org}:RK.{next(_seq)}.2026", organisation_id=org)
    row = decide(session, _alert_case(session, alert), REMOVE_UNSAFE)
    return latest(session, decision_id=row.id)


def hold_on_alert(session: Session) -> Statement:
    """An offer matching a serious-risk alert at screening is held."""
    alert = _alert(session, source="safety_gate", kind="notice",
                   number=f"A12/{next(_seq):05d}/26")
    offer: Offer = make_offer(session)
    return statements.offer_held(
        session, offer=offer, reason_code=CaseReason.SAFETY_ALERT_MATCH.value,
        facts={"alerts": [alert_facts(alert)]},
        source=StatementSource.OTHER_NOTIFICATION).statement


def strike_of(session: Session, decision: Decision) -> Strike:
    return session.scalars(select(Strike).where(Strike.decision_id == decision.id)).one()


def strike_warning(session: Session) -> Statement:
    """A first upheld notice: a strike, and the ladder's warning."""
    [row] = notice_removal(session)
    return latest(session, strike_id=strike_of(session, row).id)


def suspension(session: Session) -> Statement:
    """A second infringement, days after the warning: a suspension."""
    seller = f"s-susp-{next(_seq)}"
    [first] = notice_removal(session, seller=seller)
    backdate_strike(session, strike_of(session, first))
    [second] = notice_removal(session, seller=seller)
    return latest(session, strike_id=strike_of(session, second).id)


PATHS: dict[str, Callable[[Session], Statement]] = {
    "rule block": rule_block,
    "removal, screening case from rules": removal_from_rules,
    "removal, screening case from the model": removal_from_model,
    "removal on a notice": removal_on_notice,
    "removal on a trusted flagger's notice": removal_on_trusted_notice,
    "removal, screening case a notice joined": removal_on_screening_case_a_notice_joined,
    "removal on a safety alert match": removal_on_safety_alert,
    "removal on an authority order": removal_on_authority_order,
    "removal on a consumer ombudsman's notice": removal_on_consumer_notice,
    "counter-notice rejected": counter_notice_rejected,
    "hold on an alert match": hold_on_alert,
    "strike (warning)": strike_warning,
    "suspension": suspension,
}
