"""Notices: one case per offer (or the open one), acknowledged, fast-tracked when earned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from moderation.errors import Conflict, Forbidden, InvalidInput
from moderation.protection import notices
from moderation.tables import (
    AuditEntry,
    Case,
    CaseSource,
    Notice,
    NoticeItem,
    OutboxMessage,
    utcnow,
)
from tests.factories import make_case
from tests.rights_builders import (
    notice_body,
    offers,
    rights_holder,
    send_notice,
    verified_right,
)


def test_a_notice_opens_one_case_per_offer_and_is_acknowledged(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    named = offers(session, 3)
    receipt = send_notice(session, org, right, named)
    notice = receipt.notice
    assert notice.reference == f"N-{notice.received_at:%Y}-{notice.id:06d}"
    assert [i.offer_id for i in receipt.items] == [o.id for o in named]
    cases = session.query(Case).filter(Case.id.in_([i.case_id for i in receipt.items])).all()
    assert len(cases) == 3 and {c.kind for c in cases} == {"notice"}
    assert {c.reason_code for c in cases} == {"NOTICE_COUNTERFEIT"}
    assert session.query(CaseSource).filter_by(notice_id=notice.id).count() == 3
    ack = session.query(OutboxMessage).filter_by(kind="notifier.acknowledgement").one()
    assert ack.recipient == "email:jan.kowalski@lumora.example"
    assert ack.payload["reference"] == notice.reference
    assert session.query(AuditEntry).filter_by(entity="notice", entity_id=notice.id,
                                               action="notice.received").count() == 1


def test_an_open_case_on_the_offer_takes_the_notice_in(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    existing = make_case(session, priority=4, due_in_hours=40)
    receipt = send_notice(session, org, right, [existing.offer])
    assert receipt.merged == 1 and receipt.items[0].case_id == existing.id
    assert existing.priority == 3 and existing.due_at < utcnow() + timedelta(hours=40)
    kinds = {s.kind for s in session.query(CaseSource).filter_by(case_id=existing.id)}
    assert kinds == {"notice"}
    assert session.query(Case).filter_by(offer_id=existing.offer_id).count() == 1


def test_offers_may_be_named_by_their_addresses(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    named = offers(session, 2)
    urls = [f"https://allegro.pl/oferta/torebka-lumora-czarna-{named[0].marketplace_id}",
            f"https://allegro.pl/oferta/{named[1].marketplace_id}?bi_s=ads#opis"]
    receipt = send_notice(session, org, right, [], offers=urls)
    assert [i.offer_id for i in receipt.items] == [o.id for o in named]


def _nothing_stored(session: Session) -> None:
    assert session.query(Notice).count() == 0 and session.query(NoticeItem).count() == 0


@pytest.mark.parametrize(("case", "error", "field", "message"), [
    ("unknown offer", InvalidInput, "offers", "not found: no-such-offer"),
    ("offer twice", InvalidInput, "offers", "named twice"),
    ("unverified right", InvalidInput, "right_id", "not verified"),
    ("expired right", InvalidInput, "right_id", ""),
    ("foreign right", InvalidInput, "right_id", "no right"),
    ("too many offers", InvalidInput, "offers", "at most 2"),
])
def test_bad_notices_are_refused_precisely_and_store_nothing(
        session: Session, monkeypatch: pytest.MonkeyPatch, case: str, error: type,
        field: str, message: str) -> None:
    monkeypatch.setenv("MAX_NOTICE_OFFERS", "2")
    from moderation.config import get_settings
    get_settings.cache_clear()
    org, _ = rights_holder(session)
    other, _ = rights_holder(session)
    right = verified_right(session, org)
    named = offers(session, 2)
    kwargs: dict[str, object] = {}
    if case == "unknown offer":
        kwargs["offers"] = [named[0].marketplace_id, "no-such-offer"]
    elif case == "offer twice":
        kwargs["offers"] = [named[0].marketplace_id, f"https://x.pl/oferta/{named[0].marketplace_id}"]
    elif case == "unverified right":
        right = verified_right(session, org, status="pending")
    elif case == "expired right":
        right = verified_right(session, org, valid_until=date.today() - timedelta(days=1))
    elif case == "foreign right":
        right = verified_right(session, other)
    elif case == "too many offers":
        named = offers(session, 3)
    with pytest.raises(error) as raised:
        send_notice(session, org, right, named, **kwargs)
    assert raised.value.field == field and message in raised.value.message
    _nothing_stored(session)


def test_a_right_that_ended_yesterday_in_warsaw_is_refused(session: Session) -> None:
    # At 23:30 UTC on the right's last day it is already the next day in Warsaw (winter):
    # before, the notice's "today" was the UTC date and the right still counted.
    org, _ = rights_holder(session)
    right = verified_right(session, org, valid_until=date(2025, 12, 31))
    data = notices.NoticeIn.model_validate(notice_body(right, offers(session, 1)))
    with pytest.raises(InvalidInput, match="expired on 2025-12-31"):
        notices.submit(session, organisation_id=org.id, submitted_by=None, data=data,
                       now=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    _nothing_stored(session)
    receipt = notices.submit(session, organisation_id=org.id, submitted_by=None, data=data,
                             now=datetime(2025, 12, 31, 22, 30, tzinfo=UTC))
    assert len(receipt.items) == 1


def test_an_offer_still_under_review_cannot_be_reported_again(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    named = offers(session, 2)
    first = send_notice(session, org, right, named[:1])
    with pytest.raises(Conflict) as raised:
        send_notice(session, org, right, named)
    assert first.notice.reference in raised.value.message
    assert session.query(Notice).count() == 1
    # Another rights holder may report the same offer: its notice joins the same case.
    other, _ = rights_holder(session)
    theirs = send_notice(session, other, verified_right(session, other), named[:1])
    assert theirs.items[0].case_id == first.items[0].case_id


def _decided(session: Session, org_id: int, right_id: int, outcome: str, n: int) -> None:
    """n decided notice items for an organisation, as if moderators had ruled on them."""
    notice = Notice(reference=f"N-H-{org_id}-{outcome}", organisation_id=org_id,
                    right_id=right_id, kind="counterfeit", explanation="history " * 4,
                    notifier_name="H", notifier_email="h@example.com", good_faith=True,
                    status="closed", received_at=utcnow())
    session.add(notice)
    session.flush()
    for offer in offers(session, n):
        session.add(NoticeItem(notice_id=notice.id, offer_id=offer.id, outcome=outcome,
                               decided_at=utcnow() - timedelta(days=1)))
    session.flush()


@pytest.mark.parametrize(("upheld", "rejected", "fast"), [
    (10, 0, True), (9, 1, True), (8, 2, False), (5, 0, False),  # too few decided to earn it
])
def test_accurate_notifiers_get_the_fast_track(session: Session, upheld: int, rejected: int,
                                               fast: bool) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    _decided(session, org.id, right.id, "upheld", upheld)
    if rejected:
        _decided(session, org.id, right.id, "rejected", rejected)
    receipt = send_notice(session, org, right, offers(session, 1))
    case = session.get(Case, receipt.items[0].case_id)
    assert case is not None and receipt.notice.fast_track is fast
    assert case.priority == (1 if fast else 3)
    hours = (case.due_at - receipt.notice.received_at).total_seconds() / 3600
    assert round(hours) == (12 if fast else 48)


def test_a_suspended_notifier_is_refused(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    org.suspended_until = utcnow() + timedelta(days=3)
    with pytest.raises(Forbidden, match="suspended until"):
        send_notice(session, org, right, offers(session, 1))
    assert notices.list_notices(session, organisation_id=org.id) == []
