"""The queue as listed: its filters."""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation import cases
from moderation.tables import utcnow
from tests.factories import make_case, make_offer


def test_case_filters_narrow_the_queue(session: Session) -> None:
    now = utcnow()
    bag = make_case(session, priority=2)
    bag.offer.category = "Moda > Torebki"
    late = make_case(session, due_in_hours=-1)
    late.reason_code, late.source = "MODEL_SCORE", "model"
    make_offer(session)  # no case
    session.flush()

    def ids(**kw: object) -> set[int]:
        page = cases.list_cases(session, filters=cases.CaseFilter(**kw), now=now)  # type: ignore[arg-type]
        return {c.id for c in page.items}

    assert {bag.id, late.id} <= ids()
    assert bag.id in ids(category="Moda") and late.id not in ids(category="Moda")
    assert ids(category="Moda > Torebki > Skórzane").isdisjoint({bag.id})
    assert late.id in ids(overdue=True) and bag.id not in ids(overdue=True)
    assert ids(source="model") == ids(reason="MODEL_SCORE") >= {late.id}
    assert bag.id not in ids(source="model")
