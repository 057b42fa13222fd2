"""A unique rule broken by a concurrent write, on SQLite and PostgreSQL, told as a Conflict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation.conflicts import CONCURRENT, conflict_for, violated_unique
from moderation.db import make_engine
from moderation.migrate import upgrade
from moderation.tables import Account, FloodTrip, Offer, Organisation, Right, Seller, utcnow


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'moderation.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on either database, rolled back afterwards."""
    bind: Engine | Connection = request.getfixturevalue(
        "sqlite" if request.param == "sqlite" else "connection")
    with Session(bind, join_transaction_mode="create_savepoint") as session:
        yield session
        session.rollback()


def _broken(session: Session, *rows: object) -> IntegrityError:
    for row in rows[:-1]:
        session.add(row)
    session.flush()
    session.add(rows[-1])
    with pytest.raises(IntegrityError) as caught:
        session.flush()
    session.rollback()
    return caught.value


def _staff(name: str) -> Account:
    return Account(name=name, role="moderator", locale="pl", active=True)


def test_a_known_rule_is_told_in_its_own_words(database: Session) -> None:
    error = _broken(database, _staff("twice"), _staff("twice"))
    assert violated_unique(error) == "uq_staff_name"
    conflict = conflict_for(error)
    assert conflict is not None and conflict.status_code == 409
    assert conflict.message == "an account of this name already exists"
    assert conflict.field == "name"


def test_another_unique_rule_is_a_conflict_all_the_same(database: Session) -> None:
    seller = {"external_id": "s-twice", "created_at": utcnow()}
    error = _broken(database, Seller(**seller), Seller(**seller))
    assert violated_unique(error) == "uq_sellers_external_id"
    conflict = conflict_for(error)
    assert conflict is not None and conflict.message == CONCURRENT and conflict.field is None


def test_a_partial_unique_index_is_named(database: Session) -> None:
    trip = {"kind": "rule", "name": "r.1", "recent_flagged": 40, "recent_offers": 60,
            "recent_rate": 0.67, "baseline_flagged": 1, "baseline_offers": 100,
            "baseline_rate": 0.01, "threshold_rate": 0.05}
    error = _broken(database, FloodTrip(**trip), FloodTrip(**trip))
    assert violated_unique(error) == "ix_flood_trips_active"


def test_a_right_in_another_letter_case_is_the_same_right(database: Session) -> None:
    org = Organisation(name="Lumora", kind="rights_holder", created_at=utcnow())
    database.add(org)
    database.flush()
    error = _broken(database, *(Right(organisation_id=org.id, type="trademark", office=office,
                                      number=number, owner="Lumora", territory="EU")
                                for office, number in (("EUIPO", "018A"), ("euipo", "018a"))))
    assert violated_unique(error) == "uq_rights_organisation_id_folded_office_number"


def test_a_missing_reference_is_no_conflict(database: Session) -> None:
    with pytest.raises(IntegrityError) as caught:
        database.execute(insert(Offer).values(marketplace_id="m-1", seller_id=999_999,
                                              version=1, title="t"))
    assert violated_unique(caught.value) is None
    assert conflict_for(caught.value) is None
