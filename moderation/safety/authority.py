"""The authority channel: orders and notices from market surveillance, and what we did about them.

An order arrives in the same shape as a Safety Gate alert (`alerts.AlertIn`), so the one
matching engine finds its offers; this module adds the sender's reference, the working-day
deadline, the acknowledgement and the report the authority keeps for its file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import outbox, pending
from moderation.cases import OPEN_STATES
from moderation.domain import AlertStatus, OrganisationKind
from moderation.errors import Conflict, Forbidden, InvalidInput, NotFound
from moderation.safety import deadlines
from moderation.safety.alerts import AUTHORITY, AlertIn, Code, codes_of, store_alerts
from moderation.safety.keys import gtin14
from moderation.schemas import Email, Text
from moderation.tables import Case, Decision, Offer, Organisation, SafetyAlert, SafetyMatch, utcnow

ORDER_KINDS = ("order", "notice", "consumer")
# What each kind of authority files: the market surveillance authority binding orders,
# safety notices and consumer notices; a consumer ombudsman only consumer notices
# (ordinary art. 16 notices: not binding, the 5-working-day deadline).
FILINGS = {OrganisationKind.AUTHORITY.value: ORDER_KINDS,
           OrganisationKind.CONSUMER_OMBUDSMAN.value: ("consumer",)}
RISK_LEVELS = ("serious", "high", "medium", "low")
# safety_alerts.number is VARCHAR(64) and holds "<organisation id>:<reference>".
NUMBER_MAX = 64
_ONE_LINE = r"^[^\x00-\x1f\x7f]+$"  # references end up in file names and e-mail subjects


Reference = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_ONE_LINE)]
Statement = Annotated[Text, StringConstraints(min_length=1, max_length=2000)]
Barcode = Annotated[Text, StringConstraints(min_length=1, max_length=50)]


class OrderIn(BaseModel):
    """An order or notice from an authority; product, risk, legal basis and measure required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["order", "notice", "consumer"]
    reference: Reference  # the sender's case number
    product: Annotated[Text, StringConstraints(min_length=1, max_length=300)]
    brand: Annotated[Text, StringConstraints(max_length=200)] = ""
    model: Annotated[Text, StringConstraints(max_length=300)] = ""
    barcodes: list[Barcode] = Field(default_factory=list, max_length=50)
    batch: Annotated[Text, StringConstraints(max_length=300)] = ""
    risk: Statement  # what makes the product dangerous
    risk_level: Literal["serious", "high", "medium", "low"] | None = None
    legal_basis: Statement  # e.g. "art. 22 GPSR"
    requested_measure: Statement
    contact_email: Email


def _refusal(organisation: Organisation) -> str:
    if organisation.kind == OrganisationKind.CONSUMER_OMBUDSMAN.value:
        return (f"{organisation.name} is a consumer ombudsman: it files consumer notices "
                "(kind \"consumer\"), which are not binding; binding orders and safety "
                "notices come from the market surveillance authority (UOKiK)")
    return f"an organisation of kind {organisation.kind!r} files no orders or notices here"


def filings_of(session: Session, organisation_id: int) -> tuple[str, ...]:
    """The kinds of order or notice this organisation may file."""
    kind = session.scalar(select(Organisation.kind).where(Organisation.id == organisation_id))
    return FILINGS.get(kind or "", ())


def order_number(organisation_id: int, reference: str) -> str:
    """The alert number of an order: references are unique per sender, not across senders."""
    return f"{organisation_id}:{reference}"


def reference_of(alert: SafetyAlert) -> str:
    """The sender's own reference of an order."""
    return str(alert.raw.get("reference") or alert.number.split(":", 1)[-1])


def to_alert(organisation_id: int, data: OrderIn) -> AlertIn:
    """The order in the shape every alert has, barcodes as GTIN-14 where they are valid."""
    codes = tuple(dict.fromkeys(
        Code("gtin", g) if (g := gtin14(raw)) else Code("text", raw) for raw in data.barcodes))
    # The sender names the product once; Safety Gate has a kind of product and a product
    # name, and matching reads both, so the one name fills both.
    return AlertIn(source=AUTHORITY, number=order_number(organisation_id, data.reference),
                   kind=data.kind, product=data.product, name=data.product, brand=data.brand,
                   model=data.model, batch=data.batch, risk_level=data.risk_level or "",
                   description=data.risk, measures=data.requested_measure,
                   legal_basis=data.legal_basis, codes=codes, raw=data.model_dump())


def submit_order(session: Session, *, organisation_id: int, submitted_by: int | None,
                 data: OrderIn, now: datetime | None = None) -> SafetyAlert:
    """Store an order with its deadline and acknowledge it; its matching follows the commit."""
    now = now or utcnow()
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    if data.kind not in FILINGS.get(organisation.kind, ()):
        raise Forbidden(_refusal(organisation), field="kind")
    number = order_number(organisation_id, data.reference)
    if len(number) > NUMBER_MAX:
        most = NUMBER_MAX - len(order_number(organisation_id, ""))
        raise InvalidInput(f"reference too long: at most {most} characters", field="reference")
    used = f"your organisation already sent an order with reference {data.reference!r}"
    if session.scalar(select(SafetyAlert.id).where(SafetyAlert.source == AUTHORITY,
                                                   SafetyAlert.number == number)) is not None:
        raise Conflict(used, field="reference")
    due_at = deadlines.due_for(data.kind, now)
    try:
        # A savepoint: a concurrent order with the same reference fails only this insert.
        with session.begin_nested():
            summary = store_alerts(session, [to_alert(organisation_id, data)],
                                   organisation_id=organisation_id, submitted_by=submitted_by,
                                   now=now, due_at=due_at)
    except IntegrityError:
        raise Conflict(used, field="reference") from None
    if not summary.created:  # found stored: a concurrent order with it committed first
        raise Conflict(used, field="reference")
    alert = session.get(SafetyAlert, summary.created[0])
    assert alert is not None
    outbox.notify(session, kind="authority.acknowledgement",
                  recipient=f"email:{data.contact_email}",
                  payload={"order_id": alert.id, "reference": data.reference,
                           "kind": data.kind, "product": data.product,
                           "received_at": now.isoformat(), "due_at": due_at.isoformat()})
    pending.match_later(session, [alert.id], now=now)
    session.flush()
    return alert


def _orders(organisation_id: int | None) -> Any:
    query = select(SafetyAlert).where(SafetyAlert.source == AUTHORITY)
    if organisation_id is not None:
        query = query.where(SafetyAlert.organisation_id == organisation_id)
    return query


def list_orders(session: Session, *, organisation_id: int | None, limit: int = 100,
                offset: int = 0) -> list[SafetyAlert]:
    """Orders, newest first: one authority's own, or every authority's (None)."""
    return list(session.scalars(_orders(organisation_id).order_by(SafetyAlert.id.desc())
                                .limit(limit).offset(offset)))


def get_order(session: Session, alert_id: int, *, organisation_id: int | None) -> SafetyAlert:
    """One order; another organisation's, or a Safety Gate alert, is not found."""
    alert = session.scalar(_orders(organisation_id).where(SafetyAlert.id == alert_id))
    if alert is None:
        raise NotFound(f"order {alert_id} not found")
    return alert


@dataclass(frozen=True, slots=True)
class Progress:
    """How far an order got: offers matched, cases still open, and a state in one word."""

    matched: int
    open_cases: int
    state: str  # withdrawn, awaiting_matching, no_offers_found, in_review, handled


def _state(alert: SafetyAlert, matched: int, open_cases: int) -> str:
    if alert.status == AlertStatus.WITHDRAWN.value:
        return "withdrawn"
    if not matched:
        return "awaiting_matching" if alert.matched_at is None else "no_offers_found"
    return "in_review" if open_cases else "handled"


def progress_of(session: Session, alerts: Sequence[SafetyAlert]) -> dict[int, Progress]:
    """Each order's progress, in one query."""
    ids = [a.id for a in alerts]
    counts: dict[int, tuple[int, int]] = {}
    if ids:
        rows = session.execute(
            select(SafetyMatch.alert_id, func.count(SafetyMatch.id),
                   func.count(Case.id).filter(Case.status.in_(OPEN_STATES)))
            .outerjoin(Case, Case.id == SafetyMatch.case_id)
            .where(SafetyMatch.alert_id.in_(ids)).group_by(SafetyMatch.alert_id))
        counts = {alert_id: (matched, open_) for alert_id, matched, open_ in rows}
    return {a.id: Progress(*counts.get(a.id, (0, 0)),
                           state=_state(a, *counts.get(a.id, (0, 0)))) for a in alerts}


@dataclass(frozen=True, slots=True)
class ActionTaken:
    """A decision on a case: what was done, on which ground, when."""

    action: str
    reason_code: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class CaseTaken:
    """The case opened for a matched offer and the decisions on it."""

    id: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    in_time: bool | None  # closed by the order's deadline; None while open
    actions: tuple[ActionTaken, ...]


@dataclass(frozen=True, slots=True)
class MatchedOffer:
    """An offer found for the order, how sure the match is, and what became of it."""

    offer_id: int
    marketplace_id: str
    title: str
    seller: str  # the seller's id at the marketplace
    status: str  # the offer's current status
    score: float
    confidence: str
    fields: tuple[Any, ...]
    matched_at: datetime
    case: CaseTaken | None


@dataclass(frozen=True, slots=True)
class OrderReport:
    """An order and, per matched offer, the actions taken with their times."""

    order: SafetyAlert
    reference: str
    barcodes: tuple[str, ...]
    progress: Progress
    matches: tuple[MatchedOffer, ...]


def order_report(session: Session, alert_id: int, *, organisation_id: int | None
                 ) -> OrderReport:
    """The order with its matched offers, their cases, decisions and current status."""
    alert = get_order(session, alert_id, organisation_id=organisation_id)
    rows = session.execute(
        select(SafetyMatch, Offer, Case).join(Offer, Offer.id == SafetyMatch.offer_id)
        .outerjoin(Case, Case.id == SafetyMatch.case_id)
        .where(SafetyMatch.alert_id == alert.id)
        .order_by(SafetyMatch.score.desc(), SafetyMatch.id)).all()
    case_ids = [case.id for _, _, case in rows if case is not None]
    actions: dict[int, list[ActionTaken]] = defaultdict(list)
    if case_ids:
        for d in session.scalars(select(Decision).where(Decision.case_id.in_(case_ids))
                                 .order_by(Decision.decided_at, Decision.id)):
            assert d.case_id is not None
            actions[d.case_id].append(ActionTaken(d.action, d.reason_code, d.decided_at))
    matches = tuple(
        MatchedOffer(offer_id=offer.id, marketplace_id=offer.marketplace_id, title=offer.title,
                     seller=offer.seller.external_id, status=offer.status, score=match.score,
                     confidence=match.confidence, fields=tuple(match.fields or ()),
                     matched_at=match.created_at,
                     case=_case_taken(case, alert, actions[case.id]) if case else None)
        for match, offer, case in rows)
    sent = alert.raw.get("barcodes")
    barcodes = tuple(sent) if isinstance(sent, list) else tuple(
        c.value for c in codes_of(session, alert.id))
    return OrderReport(order=alert, reference=reference_of(alert), barcodes=barcodes,
                       progress=progress_of(session, [alert])[alert.id], matches=matches)


def _case_taken(case: Case, alert: SafetyAlert, actions: list[ActionTaken]) -> CaseTaken:
    in_time = (None if case.closed_at is None or alert.due_at is None
               else case.closed_at <= alert.due_at)
    return CaseTaken(id=case.id, status=case.status, opened_at=case.opened_at,
                     closed_at=case.closed_at, in_time=in_time, actions=tuple(actions))
