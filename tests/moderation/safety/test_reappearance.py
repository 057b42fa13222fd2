"""New offers screened against the active alerts: held when they name the alert's brand and
model, however the model is written; other models of the brand pass."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from moderation.safety import index, reappearance
from moderation.safety.active_alerts import ActiveAlertsCache
from moderation.safety.alerts import AlertIn, store_alerts
from moderation.tables import Case, Offer, SafetyAlert, SafetyMatch, Screening, utcnow
from tests.factories import learned, make_offer, screen_all

_numbers = iter(range(1, 10_000))


def alert(session: Session, **fields: str) -> SafetyAlert:
    """An active Safety Gate alert with these fields."""
    values = {"product": "Hair dryer", "name": "", "brand": "", "model": ""} | fields
    summary = store_alerts(session, [AlertIn(source="safety_gate",
                                             number=f"A12/{next(_numbers):05d}/26", **values)],
                           due_at=utcnow() + timedelta(days=3))
    row = session.get(SafetyAlert, summary.created[0])
    assert row is not None
    return row


def screened(session: Session, title: str, brand: str | None = None,
             description: str = "Nowy, wysyłka 24h.") -> Screening:
    offer = make_offer(session, title=title, brand=brand, gtins=[], description=description)
    screen_all(session)
    return session.query(Screening).filter_by(offer_id=offer.id).one()


@pytest.mark.parametrize(("brand", "model", "title", "offer_brand"), [
    ("Remington", "4455", "Suszarka Remington model 4455", None),
    ("Remington", "4455", "Suszarka Remington model 4455", "Remington"),
    ("Remington", "4455", "Suszarka do włosów Remington 4455 czarna", "Remington"),
    ("Remington", "4455", "Suszarka Remington 4455", None),  # the brand in the title
    ("Bobo Toys", "Art. N\ufffd 905", "Grzechotka Bobo Toys art. 905", None),
    ("Bobo Toys", "905", "Grzechotka Bobo Toys art.nr 905", "Bobo Toys"),
    ("Żwawa", "ES15", "Hulajnoga Żwawa typ ES15", None),
    ("Żwawa", "ES15-BB-TA", "Hulajnoga Żwawa ES15 BB TA", "Żwawa"),
    ("Żwawa", "ES 15", "Hulajnoga elektryczna Żwawa type ES-15", None),
])
def test_a_new_offer_naming_the_alerts_brand_and_model_is_held(
        session: Session, brand: str, model: str, title: str, offer_brand: str | None) -> None:
    found = alert(session, brand=brand, model=model)
    screening = screened(session, title, offer_brand)
    assert (screening.route, screening.reason_code) == ("review", "SAFETY_ALERT_MATCH")
    case = session.query(Case).filter_by(offer_id=screening.offer_id).one()
    assert (case.priority, case.source) == (1, "reappearance")
    match = session.query(SafetyMatch).filter_by(alert_id=found.id).one()
    assert (match.offer_id, match.confidence, match.case_id) == (
        screening.offer_id, "high", case.id)
    assert {"model", "brand"} <= set(match.fields)


@pytest.mark.parametrize(("title", "offer_brand"), [
    ("Suszarka Remington model 5566", "Remington"),  # another model of the brand
    ("Suszarka Remington AC9096 2200 W", "Remington"),
    ("Suszarka Remington 4456", None),
    ("Suszarka Philips model 4455", "Philips"),  # the number under another brand
    ("Suszarka 4455 W", None),  # a quantity, not the model
    ("Lokówka Babyliss 4455", "Babyliss"),
])
def test_a_lawful_offer_of_another_model_or_brand_is_not_held(
        session: Session, title: str, offer_brand: str | None) -> None:
    found = alert(session, brand="Remington", model="4455", name="Pro Air")
    screening = screened(session, title, offer_brand)
    assert screening.reason_code != "SAFETY_ALERT_MATCH"
    assert session.query(SafetyMatch).filter_by(alert_id=found.id).count() == 0


def test_a_model_named_only_in_the_description_holds_the_offer(session: Session) -> None:
    alert(session, brand="Remington", model="4455")
    screening = screened(session, "Suszarka do włosów Remington", "Remington",
                         description="Stan: nowy. Model: 4455. Wysyłka w 24 godziny.")
    assert screening.reason_code == "SAFETY_ALERT_MATCH"


def test_an_alert_arriving_later_holds_the_next_batch_and_a_withdrawn_one_no_more(
        session: Session) -> None:
    alert(session, brand="Remington", model="4455")
    assert screened(session, "Suszarka Remington model 4455").reason_code == \
        "SAFETY_ALERT_MATCH"
    # Another worker stores a new alert: this one sees it at its next batch.
    second = alert(session, brand="Żwawa", model="ZW-200")
    assert screened(session, "Hulajnoga Żwawa ZW-200").reason_code == "SAFETY_ALERT_MATCH"
    second.status, second.updated_at = "withdrawn", utcnow()
    session.flush()
    assert screened(session, "Hulajnoga Żwawa ZW 200").reason_code != "SAFETY_ALERT_MATCH"


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session sends while the test runs."""
    seen: list[str] = []
    connection = session.connection()

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    yield seen
    event.remove(connection, "before_cursor_execute", count)


def test_a_screening_batch_asks_the_database_the_same_whatever_its_size(
        session: Session, statements: list[str]) -> None:
    alert(session, brand="Remington", model="4455")
    alert(session, brand="Żwawa", model="ZW-200", product="Scooter")
    alerts = ActiveAlertsCache()  # as a worker starting now

    def check(n: int) -> tuple[int, int]:
        offers = [make_offer(session, title=f"Suszarka Remington model {4455 + i % 2}",
                             brand="Remington", gtins=[]) for i in range(n)]
        rows = session.query(Offer).filter(Offer.id.in_([o.id for o in offers])).all()
        keys = index.update_keys(session, rows)
        statements.clear()
        holds = reappearance.check(session, rows, keys, alerts=alerts,
                                   learned=learned(session))
        return len(statements), len(holds)

    check(2)  # the active alerts are read once into memory
    few, held_few = check(4)
    many, held_many = check(60)
    assert few == many <= 3
    assert (held_few, held_many) == (2, 30)
