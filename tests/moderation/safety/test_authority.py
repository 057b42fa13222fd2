"""The authority channel: orders stored with their deadline, acknowledged, reported on."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.accounts.staff import NewStaff, create_staff, ensure_organisation
from moderation.domain import OrganisationKind, StaffRole
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.safety import authority
from moderation.safety.alerts import AlertIn, store_alerts
from moderation.tables import (
    AlertCode,
    AuditEntry,
    Case,
    Decision,
    Offer,
    Organisation,
    OutboxMessage,
    SafetyAlert,
    SafetyMatch,
    utcnow,
)
from tests.factories import TEST_PASSWORD, make_offer

WARSAW = ZoneInfo("Europe/Warsaw")
_seq = itertools.count(1)


def authority_org(session: Session, name: str | None = None
                  ) -> tuple[Organisation, NewStaff]:
    """A market surveillance authority with one member (API key and a password)."""
    org = ensure_organisation(session, name or f"WIIH {next(_seq)}", OrganisationKind.AUTHORITY)
    member = create_staff(session, name=f"authority-{org.id}-{next(_seq)}",
                          role=StaffRole.AUTHORITY, organisation_id=org.id,
                          password=TEST_PASSWORD, locale="en")
    return org, member


def order_body(**overrides: Any) -> dict[str, Any]:
    """A complete order as JSON, with a fresh reference."""
    body: dict[str, Any] = {
        "kind": "order", "reference": f"DIH.7231.{next(_seq)}.2026",
        "product": "Hulajnoga elektryczna dla dzieci Żółwik",
        "brand": "Żwawa", "model": "ZW-200", "barcodes": ["5901234123457", "LOT ABC"],
        "batch": "2026/11", "risk": "Akumulator się przegrzewa: ryzyko oparzeń i pożaru.",
        "risk_level": "serious", "legal_basis": "art. 22 GPSR",
        "requested_measure": "Usunięcie ofert i zablokowanie ponownego wystawienia.",
        "contact_email": "dih@wiih.example.gov.pl",
    }
    body.update(overrides)
    return body


def submit(session: Session, org: Organisation, *, now: datetime | None = None,
           **overrides: Any) -> SafetyAlert:
    """An order through the service, as the API would send it."""
    return authority.submit_order(session, organisation_id=org.id, submitted_by=None,
                                  data=authority.OrderIn.model_validate(order_body(**overrides)),
                                  now=now)


def matched(session: Session, alert: SafetyAlert, offer: Offer, *, score: float = 1.0,
            confidence: str = "high", fields: Sequence[str] = ("gtin",), status: str = "open",
            opened_at: datetime | None = None, closed_at: datetime | None = None,
            decisions: Sequence[tuple[str, str, datetime]] = (), kind: str = "safety") -> Case:
    """A match and its case as the matching engine would leave them, with decisions."""
    opened_at = opened_at or utcnow()
    case = Case(kind=kind, offer_id=offer.id, status=status, priority=1,
                reason_code="AUTHORITY_ORDER", source="authority",
                due_at=alert.due_at or opened_at + timedelta(days=2), opened_at=opened_at,
                closed_at=closed_at)
    session.add(case)
    session.flush()
    for action, reason, at in decisions:
        session.add(Decision(case_id=case.id, offer_id=offer.id, action=action,
                             reason_code=reason, note="", automated=False, decided_at=at))
    session.add(SafetyMatch(alert_id=alert.id, offer_id=offer.id, score=score,
                            confidence=confidence, fields=list(fields), case_id=case.id,
                            created_at=opened_at))
    session.flush()
    return case


def test_an_order_is_stored_as_an_alert_with_its_deadline_and_acknowledged(
        session: Session) -> None:
    org, member = authority_org(session)
    now = datetime(2026, 12, 18, 15, 0, tzinfo=WARSAW)
    data = authority.OrderIn.model_validate(order_body(reference="DIH.7231.5.2026"))
    alert = authority.submit_order(session, organisation_id=org.id,
                                   submitted_by=member.staff.id, data=data, now=now)
    assert alert.id is not None
    assert (alert.source, alert.number, alert.kind) == ("authority", f"{org.id}:DIH.7231.5.2026",
                                                        "order")
    assert (alert.organisation_id, alert.submitted_by) == (org.id, member.staff.id)
    assert alert.name == alert.product == "Hulajnoga elektryczna dla dzieci Żółwik"
    assert (alert.brand_key, alert.model_key) == ("zwawa", "zw200")
    assert alert.description.startswith("Akumulator") and alert.measures.startswith("Usunięcie")
    assert alert.due_at == datetime(2026, 12, 22, 15, 0, tzinfo=WARSAW)
    assert authority.reference_of(alert) == "DIH.7231.5.2026"
    codes = session.execute(select(AlertCode.kind, AlertCode.value)
                            .where(AlertCode.alert_id == alert.id).order_by(AlertCode.id)).all()
    assert [tuple(c) for c in codes] == [("gtin", "05901234123457"), ("text", "LOT ABC")]
    ack = session.scalars(select(OutboxMessage)
                          .where(OutboxMessage.kind == "authority.acknowledgement")).one()
    assert ack.recipient == "email:dih@wiih.example.gov.pl"
    assert ack.payload["order_id"] == alert.id
    assert ack.payload["reference"] == "DIH.7231.5.2026"
    assert ack.payload["due_at"] == alert.due_at.isoformat()
    assert session.scalar(select(AuditEntry.actor).where(
        AuditEntry.action == "alert.received", AuditEntry.entity_id == alert.id)) == (
        f"staff:{member.staff.id}")


@pytest.mark.parametrize(("kind", "due"), [
    ("order", datetime(2026, 12, 22, 15, 0, tzinfo=WARSAW)),
    ("notice", datetime(2026, 12, 23, 15, 0, tzinfo=WARSAW)),
    ("consumer", datetime(2026, 12, 29, 15, 0, tzinfo=WARSAW)),  # 24-27 Dec are off
])
def test_the_deadline_depends_on_the_kind(session: Session, kind: str, due: datetime) -> None:
    org, _ = authority_org(session)
    alert = submit(session, org, kind=kind, now=datetime(2026, 12, 18, 15, 0, tzinfo=WARSAW))
    assert alert.due_at == due


def test_a_reference_is_used_once_per_organisation(session: Session) -> None:
    org, _ = authority_org(session)
    other, _ = authority_org(session)
    submit(session, org, reference="UOKiK/DNR/12/2026")
    with pytest.raises(Conflict) as error:
        submit(session, org, reference="UOKiK/DNR/12/2026", product="Inny produkt")
    assert error.value.field == "reference"
    assert session.query(SafetyAlert).count() == 1
    # Another authority's case numbers are its own.
    assert submit(session, other, reference="UOKiK/DNR/12/2026").organisation_id == other.id
    assert session.query(OutboxMessage).filter_by(
        kind="authority.acknowledgement").count() == 2


def test_a_reference_that_would_not_fit_the_alert_number_names_the_field(
        session: Session) -> None:
    org, _ = authority_org(session)
    with pytest.raises(InvalidInput) as error:
        submit(session, org, reference="R" * 64)
    assert error.value.field == "reference"
    assert session.query(SafetyAlert).count() == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "recall"}, "kind"),
    ({"reference": ""}, "reference"),
    ({"reference": "A\nB"}, "reference"),
    ({"product": "   "}, "product"),
    ({"risk": ""}, "risk"),
    ({"risk_level": "catastrophic"}, "risk_level"),
    ({"legal_basis": "x" * 2001}, "legal_basis"),
    ({"requested_measure": ""}, "requested_measure"),
    ({"contact_email": "not-an-address"}, "contact_email"),
    ({"barcodes": [str(n) for n in range(51)]}, "barcodes"),
    ({"barcodes": ["1" * 51]}, "barcodes"),
    ({"surprise": 1}, "surprise"),
])
def test_an_incomplete_or_wrong_order_names_its_field(change: dict[str, Any],
                                                      field: str) -> None:
    with pytest.raises(ValidationError) as error:
        authority.OrderIn.model_validate(order_body(**change))
    assert error.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize("missing", ["kind", "reference", "product", "risk", "legal_basis",
                                     "requested_measure", "contact_email"])
def test_required_fields(missing: str) -> None:
    body = order_body()
    del body[missing]
    with pytest.raises(ValidationError) as error:
        authority.OrderIn.model_validate(body)
    assert [e["loc"][0] for e in error.value.errors()] == [missing]


def test_optional_fields_may_be_left_out() -> None:
    data = authority.OrderIn.model_validate({k: v for k, v in order_body().items() if k not in {
        "brand", "model", "barcodes", "batch", "risk_level"}})
    assert (data.brand, data.model, data.barcodes, data.risk_level) == ("", "", [], None)


def test_each_authority_sees_only_its_own_orders(session: Session) -> None:
    a, _ = authority_org(session)
    b, _ = authority_org(session)
    mine = submit(session, a)
    theirs = submit(session, b)
    store_alerts(session, [AlertIn(source="safety_gate", number="A12/00001/26")])
    gate = session.scalars(select(SafetyAlert).where(SafetyAlert.source == "safety_gate")).one()
    assert [o.id for o in authority.list_orders(session, organisation_id=a.id)] == [mine.id]
    assert [o.id for o in authority.list_orders(session, organisation_id=None)] == [
        theirs.id, mine.id]
    assert authority.get_order(session, mine.id, organisation_id=a.id) is mine
    with pytest.raises(NotFound):
        authority.get_order(session, theirs.id, organisation_id=a.id)
    with pytest.raises(NotFound):
        authority.order_report(session, theirs.id, organisation_id=a.id)
    with pytest.raises(NotFound):  # a Safety Gate alert is no authority's order
        authority.get_order(session, gate.id, organisation_id=None)
    assert authority.get_order(session, theirs.id, organisation_id=None) is theirs


def test_the_report_lists_matched_offers_and_the_actions_taken_with_times(
        session: Session) -> None:
    org, _ = authority_org(session)
    received = utcnow() - timedelta(hours=30)
    alert = submit(session, org, now=received)
    assert alert.due_at is not None
    removed = make_offer(session, title="Hulajnoga Żwawa ZW-200 dla dzieci")
    pending = make_offer(session, title="Hulajnoga ZW-200 niebieska")
    unrelated = make_offer(session)
    opened = received + timedelta(minutes=5)
    escalated_at, removed_at = opened + timedelta(hours=1), opened + timedelta(hours=3)
    matched(session, alert, removed, score=1.0, fields=("gtin", "model", "brand"),
            status="closed", opened_at=opened, closed_at=removed_at,
            decisions=[("remove", "UNSAFE_PRODUCT", removed_at),
                       ("escalate", "NEEDS_LEAD", escalated_at)])
    removed.status = "removed"
    matched(session, alert, pending, score=0.7, confidence="medium", fields=("model", "name"),
            opened_at=opened)

    report = authority.order_report(session, alert.id, organisation_id=org.id)
    assert report.order is alert and report.reference == authority.reference_of(alert)
    assert report.barcodes == ("5901234123457", "LOT ABC")
    assert [m.marketplace_id for m in report.matches] == [removed.marketplace_id,
                                                          pending.marketplace_id]
    assert unrelated.marketplace_id not in {m.marketplace_id for m in report.matches}
    first, second = report.matches
    assert (first.title, first.seller, first.status) == (removed.title,
                                                         removed.seller.external_id, "removed")
    assert (first.score, first.confidence, first.fields) == (1.0, "high",
                                                             ("gtin", "model", "brand"))
    assert first.case is not None
    assert (first.case.status, first.case.opened_at, first.case.closed_at) == (
        "closed", opened, removed_at)
    assert first.case.in_time is True
    assert [(a.action, a.reason_code, a.decided_at) for a in first.case.actions] == [
        ("escalate", "NEEDS_LEAD", escalated_at), ("remove", "UNSAFE_PRODUCT", removed_at)]
    assert second.case is not None
    assert (second.status, second.case.status, second.case.actions) == ("active", "open", ())
    assert second.case.in_time is None
    assert report.progress == authority.Progress(matched=2, open_cases=1, state="in_review")


def test_a_case_closed_after_the_deadline_is_reported_late(session: Session) -> None:
    org, _ = authority_org(session)
    alert = submit(session, org, now=utcnow() - timedelta(days=10))
    assert alert.due_at is not None
    late = alert.due_at + timedelta(hours=1)
    matched(session, alert, make_offer(session), status="closed", closed_at=late,
            decisions=[("remove", "UNSAFE_PRODUCT", late)])
    (match,) = authority.order_report(session, alert.id, organisation_id=None).matches
    assert match.case is not None and match.case.in_time is False


@pytest.mark.parametrize(("status", "matched_at", "cases", "state"), [
    ("active", None, [], "awaiting_matching"),
    ("active", "now", [], "no_offers_found"),
    ("active", "now", ["open", "closed"], "in_review"),
    ("active", "now", ["escalated"], "in_review"),
    ("active", "now", ["closed", "closed"], "handled"),
    ("withdrawn", "now", ["open"], "withdrawn"),
])
def test_progress_of_an_order(session: Session, status: str, matched_at: str | None,
                              cases: list[str], state: str) -> None:
    org, _ = authority_org(session)
    alert = submit(session, org)
    alert.status = status
    alert.matched_at = utcnow() if matched_at else None
    for case_status in cases:
        matched(session, alert, make_offer(session), status=case_status)
    progress = authority.progress_of(session, [alert])[alert.id]
    assert progress.state == state
    assert progress.matched == len(cases)
    assert progress.open_cases == sum(s != "closed" for s in cases)
