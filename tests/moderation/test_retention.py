"""Retention on PostgreSQL: what goes, what stays, in batches, and again without harm."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from moderation import queue, retention
from moderation.config import Settings, get_settings
from moderation.domain import OutboxStatus
from moderation.intake import offers
from moderation.runtime import Runtime
from moderation.schemas import OfferIn
from moderation.tables import (
    Case,
    Decision,
    Offer,
    OfferVersion,
    OutboxMessage,
    Screening,
    WebSession,
    utcnow,
)
from tests.factories import make_staff, offer_event
from workers import tasks
from workers.main import PERIODIC

NOW = utcnow()


def settings(**changes: Any) -> Settings:
    return get_settings().model_copy(update={
        "session_retention_days": 7, "outbox_retention_days": 90, "offer_versions_keep": 3,
        "retention_batch_size": 1000, **changes})


def purge_all(session: Session, s: Settings) -> tuple[retention.Purged, int]:
    """Purge as the edges do, a flush per batch here; the total and the number of calls."""
    total, calls = retention.Purged(), 0
    while True:
        calls += 1
        step = retention.purge_batch(session, s, now=NOW)
        if not step.total:
            return total, calls
        total += step


def web_session(session: Session, staff_id: int, *, expired_days_ago: float) -> WebSession:
    row = WebSession(token_hash=f"t{staff_id}-{expired_days_ago}", staff_id=staff_id,
                     csrf_token="c", created_at=NOW - timedelta(days=30),
                     expires_at=NOW - timedelta(days=expired_days_ago))
    session.add(row)
    session.flush()
    return row


def outbox_row(session: Session, *, status: OutboxStatus, days_ago: float) -> OutboxMessage:
    at = NOW - timedelta(days=days_ago)
    row = OutboxMessage(kind="test", recipient="log:test", payload={}, status=status.value,
                        attempts=1, created_at=at,
                        sent_at=at if status is OutboxStatus.SENT else None)
    session.add(row)
    session.flush()
    return row


def offer_with_versions(session: Session, n: int, *, start: datetime) -> Offer:
    """An offer sent in versions 1..n, version v received `v` hours after `start`."""
    event = offer_event()
    for v in range(1, n + 1):
        result = offers.ingest(session, OfferIn.model_validate(
            {**event, "version": v, "title": f"{event['title']} v{v}"}))
        session.execute(update(OfferVersion)
                        .where(OfferVersion.offer_id == result.offer_id,
                               OfferVersion.version == v)
                        .values(received_at=start + timedelta(hours=v)))
    offer = session.get(Offer, result.offer_id)
    assert offer is not None
    return offer


def versions_of(session: Session, offer: Offer) -> list[int]:
    return list(session.scalars(select(OfferVersion.version)
                                .where(OfferVersion.offer_id == offer.id)
                                .order_by(OfferVersion.version)))


def screening(session: Session, offer: Offer, version: int, route: str) -> Screening:
    row = Screening(offer_id=offer.id, offer_version=version, route=route, reason_code="T",
                    hits=[], score=0.5, score_features=[], rules_version="r",
                    model_version="m")
    session.add(row)
    session.flush()
    return row


def case_on(session: Session, offer: Offer, *, opened_at: datetime,
            screening_id: int | None = None) -> Case:
    row = Case(kind="screening", offer_id=offer.id, screening_id=screening_id, priority=3,
               reason_code="T", due_at=opened_at + timedelta(days=1), opened_at=opened_at)
    session.add(row)
    session.flush()
    return row


def test_expired_sessions_go_after_their_retention_and_live_ones_stay(session: Session
                                                                      ) -> None:
    staff = make_staff(session).staff
    old = web_session(session, staff.id, expired_days_ago=10)
    recent = web_session(session, staff.id, expired_days_ago=2)
    live = web_session(session, staff.id, expired_days_ago=-1)  # expires tomorrow
    total, _ = purge_all(session, settings())
    assert total.sessions == 1
    left = set(session.scalars(select(WebSession.id).where(WebSession.staff_id == staff.id)))
    assert left == {recent.id, live.id} and old.id not in left


@pytest.mark.parametrize(("status", "days_ago", "purged"), [
    (OutboxStatus.SENT, 100, True),
    (OutboxStatus.SENT, 30, False),
    # Still someone's work, however old: retried, or shown as failed on the admin page.
    (OutboxStatus.PENDING, 400, False),
    (OutboxStatus.FAILED, 400, False),
])
def test_only_delivered_outbox_rows_past_their_retention_go(
        session: Session, status: OutboxStatus, days_ago: float, purged: bool) -> None:
    row = outbox_row(session, status=status, days_ago=days_ago)
    purge_all(session, settings())
    assert (session.get(OutboxMessage, row.id) is None) is purged


def test_old_offer_versions_go_but_the_latest_and_the_evidence_stay(session: Session) -> None:
    start = NOW - timedelta(days=30)
    plain = offer_with_versions(session, 8, start=start)
    kept = offer_with_versions(session, 10, start=start)
    # v1 was screened into review; v2's allowed screening is a case's evidence; v3 was
    # allowed and nothing rests on it.
    screening(session, kept, 1, "review")
    case_on(session, kept, opened_at=start + timedelta(hours=20),
            screening_id=screening(session, kept, 2, "allow").id)
    screening(session, kept, 3, "allow")
    # A case opened and a decision taken while v4, then v5, were the latest received.
    case_on(session, kept, opened_at=start + timedelta(hours=4, minutes=30))
    session.add(Decision(offer_id=kept.id, action="remove", reason_code="T",
                         decided_at=start + timedelta(hours=5, minutes=30)))
    session.flush()

    purge_all(session, settings(offer_versions_keep=3))

    assert versions_of(session, plain) == [6, 7, 8]
    assert versions_of(session, kept) == [1, 2, 4, 5, 8, 9, 10]


def test_purging_runs_in_batches_and_again_finds_nothing(session: Session) -> None:
    offer = offer_with_versions(session, 7, start=NOW - timedelta(days=3))
    total, calls = purge_all(session, settings(offer_versions_keep=2, retention_batch_size=2))
    assert total.offer_versions == 5 and calls == 4  # 2 + 2 + 1, then one that finds none
    assert versions_of(session, offer) == [6, 7]
    again, _ = purge_all(session, settings(offer_versions_keep=2))
    assert again.total == 0


def test_a_purged_version_sent_again_is_stale_not_a_change(session: Session) -> None:
    event = offer_event()
    for v in (1, 2, 3):
        offers.ingest(session, OfferIn.model_validate({**event, "version": v}))
    purge_all(session, settings(offer_versions_keep=1))
    again = offers.ingest(session, OfferIn.model_validate({**event, "version": 1}))
    assert again.outcome.value == "stale"
    offer = session.get(Offer, again.offer_id)
    assert offer is not None and offer.version == 3


@pytest.mark.usefixtures("as_worker")
def test_the_periodic_job_purges_once_per_interval(session: Session, redis: Redis) -> None:
    assert queue.PURGE_RETENTION in PERIODIC
    staff = make_staff(session).staff
    web_session(session, staff.id, expired_days_ago=30)
    first = tasks.purge_retention()
    assert first["sessions"] == 1
    assert tasks.purge_retention() == {"skipped": 1}  # within RETENTION_INTERVAL_HOURS
    ttl = redis.ttl(tasks.RETENTION_RAN)
    assert 0 < ttl <= get_settings().retention_interval_hours * 3600
    redis.delete(tasks.RETENTION_RAN)
    assert tasks.purge_retention()["sessions"] == 0


def test_the_purge_command_reports_what_it_deleted(session: Session, runtime: Runtime,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation_cli import app

    monkeypatch.setattr("moderation.cli.build_runtime", lambda: runtime)
    outbox_row(session, status=OutboxStatus.SENT, days_ago=200)
    outbox_row(session, status=OutboxStatus.SENT, days_ago=200)
    result = CliRunner().invoke(app, ["purge"])
    assert result.exit_code == 0, result.output
    assert "2 outbox" in result.output
