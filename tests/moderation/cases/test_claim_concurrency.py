"""16 claimers race for 500 cases on PostgreSQL with real commits: no case is handed out twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from moderation import cases
from moderation.config import get_settings
from moderation.runtime import Runtime
from moderation.tables import utcnow
from tests.factories import make_offer, make_staff

CLAIMERS = 16
CASES = 500


@pytest.fixture
def committed(pg_engine: Engine, redis: Redis) -> Iterator[sessionmaker[Session]]:
    yield Runtime.build(get_settings(), bind=pg_engine, redis=redis).sessionmaker
    with pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, outbox, decisions, cases, screenings, "
                          "offer_versions, offers, sellers, staff RESTART IDENTITY CASCADE"))


def test_racing_claimers_never_share_a_case(committed: sessionmaker[Session]) -> None:
    with committed() as s:
        staff_ids = [make_staff(s).staff.id for _ in range(CLAIMERS)]
        offer_ids = [make_offer(s).id for _ in range(CASES)]
        for i, offer_id in enumerate(offer_ids):
            cases.open_screening_case(s, offer_id=offer_id, screening_id=None,
                                      priority=1 + i % 5, reason_code="RACE",
                                      due_at=utcnow() + timedelta(hours=1 + i % 7))
        s.commit()

    claims: list[tuple[int, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(CLAIMERS)

    def claimer(staff_id: int) -> None:
        start.wait()
        while True:
            with committed() as s:
                case = cases.claim_next(s, staff_id=staff_id, lease=timedelta(minutes=5))
                s.commit()
            if case is None:
                return
            with lock:
                claims.append((case.id, staff_id))

    threads = [threading.Thread(target=claimer, args=(sid,)) for sid in staff_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    per_case = Counter(case_id for case_id, _ in claims)
    assert len(per_case) == CASES
    assert max(per_case.values()) == 1
    assert len({sid for _, sid in claims}) > 1, "the claimers really raced"
