"""Concurrent writers over HTTP on PostgreSQL, with real commits: nothing lost, no duplicates.

The app runs in uvicorn on the test database; every request commits for real. Duplicates
that slip past the domain's own check are stopped by a constraint or a lock and told as 409.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from redis import Redis
from sqlalchemy import Engine, func, select, text

from moderation.config import get_settings
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from moderation.tables import NoticeItem, Offer, Right, SafetyAlert
from tests.factories import make_staff, offer_event
from tests.live_server import race, serving
from tests.moderation.safety.test_authority import authority_org, order_body
from tests.rights_builders import notice_body, offers, rights_holder, verified_right

WRITERS = 24


@pytest.fixture
def live(pg_engine: Engine, redis: Redis, live_screener: Screener) -> Iterator[Runtime]:
    """A runtime on the test database itself: every request commits for real."""
    yield Runtime.build(get_settings(), bind=pg_engine, redis=redis, screener=live_screener)
    with pg_engine.begin() as conn:
        conn.execute(text(
            "TRUNCATE alert_codes, safety_matches, safety_alerts, notice_items, case_sources, "
            "notices, rights, cases, audit_log, outbox, offer_keys, offer_versions, offers, "
            "sellers, web_sessions, staff, organisations RESTART IDENTITY CASCADE"))


def test_concurrent_authority_orders_are_all_stored(live: Runtime) -> None:
    with live.sessionmaker() as s:
        _, member = authority_org(s)
        s.commit()
    headers = {"X-API-Key": member.api_key or ""}
    with serving(live) as base:
        answers = race(WRITERS, lambda i: httpx.post(
            f"{base}/v1/safety/orders", headers=headers,
            json=order_body(reference=f"RACE/{i}"), timeout=60))
    assert Counter(a.status_code for a in answers) == {201: WRITERS}
    with live.sessionmaker() as s:
        stored = s.scalars(select(SafetyAlert.number)).all()
    assert sorted(n.split(":", 1)[1] for n in stored) == sorted(f"RACE/{i}"
                                                                 for i in range(WRITERS))


def test_concurrent_orders_with_one_reference_store_one(live: Runtime) -> None:
    with live.sessionmaker() as s:
        _, member = authority_org(s)
        s.commit()
    headers = {"X-API-Key": member.api_key or ""}
    body = order_body(reference="DIH/SAME/1")
    with serving(live) as base:
        answers = race(8, lambda _: httpx.post(f"{base}/v1/safety/orders", headers=headers,
                                               json=body, timeout=60))
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 7}
    assert {a.json()["field"] for a in answers if a.status_code == 409} == {"reference"}
    with live.sessionmaker() as s:
        assert s.scalar(select(func.count(SafetyAlert.id))) == 1


def test_concurrent_identical_notices_accept_one(live: Runtime) -> None:
    with live.sessionmaker() as s:
        org, member = rights_holder(s)
        right = verified_right(s, org)
        named = offers(s, 3)
        body: dict[str, Any] = notice_body(right, named)
        s.commit()
    headers = {"X-API-Key": member.api_key or ""}
    with serving(live) as base:
        answers = race(4, lambda _: httpx.post(f"{base}/v1/notices", headers=headers,
                                               json=body, timeout=60))
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 3}
    assert all("already reported" in a.json()["detail"] for a in answers
               if a.status_code == 409)
    with live.sessionmaker() as s:
        assert s.scalar(select(func.count(NoticeItem.id))) == len(named)


def test_one_right_registered_at_once_in_several_cases_is_stored_once(live: Runtime) -> None:
    with live.sessionmaker() as s:
        _, member = rights_holder(s)
        s.commit()
    headers = {"X-API-Key": member.api_key or ""}
    spellings = [(office, number) for office in ("EUIPO", "euipo", "Euipo", "eUIPO")
                 for number in ("018765432A", "018765432a")]
    with serving(live) as base:
        answers = race(len(spellings), lambda i: httpx.post(
            f"{base}/v1/rights", headers=headers, timeout=60, json={
                "type": "trademark", "office": spellings[i][0], "number": spellings[i][1],
                "owner": "Lumora Fashion", "territory": "EU", "brands": ["Lumora"]}))
    assert Counter(a.status_code for a in answers) == {201: 1, 409: len(spellings) - 1}
    assert {a.json()["field"] for a in answers if a.status_code == 409} == {"number"}
    with live.sessionmaker() as s:
        assert s.scalar(select(func.count(Right.id))) == 1


def test_concurrent_single_offers_are_each_answered_and_written_in_groups(
        live: Runtime) -> None:
    with live.sessionmaker() as s:
        key = make_staff(s, StaffRole.INTEGRATION).api_key or ""
        s.commit()
    sent = [offer_event() for _ in range(WRITERS)]
    groups_before = _groups_committed()
    with serving(live) as base:
        answers = race(WRITERS, lambda i: httpx.post(
            f"{base}/v1/offers", headers={"X-API-Key": key}, json=sent[i], timeout=60))
    assert Counter(a.status_code for a in answers) == {201: WRITERS}
    assert [a.json()["marketplace_id"] for a in answers] == [e["marketplace_id"] for e in sent]
    with live.sessionmaker() as s:
        stored = {oid: mid for oid, mid in s.execute(select(Offer.id, Offer.marketplace_id))}
    assert {a.json()["id"]: a.json()["marketplace_id"] for a in answers} == stored
    # Fewer transactions than requests: some requests waited for a group.
    assert _groups_committed() - groups_before < WRITERS


def _groups_committed() -> float:
    return REGISTRY.get_sample_value("moderation_intake_group_size_count",
                                     {"outcome": "committed"}) or 0.0
