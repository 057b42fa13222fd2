"""Account events: applied once by external id, never undone by an older one, audited only
when they change something."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from moderation.buyers import accounts
from moderation.buyers.accounts import AccountOutcome
from moderation.buyers.schemas import AccountIn, BuyerAccountIn
from moderation.tables import AuditEntry, Buyer, Seller
from tests.factories import make_offer

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _buyer(**fields: Any) -> BuyerAccountIn:
    return BuyerAccountIn.model_validate({"at": T0, **fields})


def _audits(session: Session, entity: str, entity_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)) or 0


def test_a_new_buyer_is_created_with_what_registration_told(session: Session) -> None:
    result = accounts.upsert_buyer(session, "b-new", _buyer(
        activated=True, activated_at=T0, terms_version="2026-10",
        terms_accepted_at=T0, subscription_until=T0 + timedelta(days=30)))
    buyer = result.account
    assert result.outcome is AccountOutcome.CREATED
    assert isinstance(buyer, Buyer)
    assert (buyer.activated, buyer.terms_version, buyer.subscription_until) == (
        True, "2026-10", T0 + timedelta(days=30))
    assert _audits(session, "buyer", buyer.id) == 1


def test_activation_never_sent_is_unknown_not_true(session: Session) -> None:
    buyer = accounts.upsert_buyer(session, "b-unknown", _buyer(terms_version="v1")).account
    assert buyer.activated is None


# (first event's fields and time, second's, the outcome of the second, what stands)
CASES = [
    ("newer event changes", {"activated": False}, 0, {"activated": True}, 1,
     AccountOutcome.UPDATED, {"activated": True}),
    ("older event is stale", {"activated": True}, 5, {"activated": False}, 1,
     AccountOutcome.STALE, {"activated": True}),
    ("resend changes nothing", {"activated": True}, 0, {"activated": True}, 0,
     AccountOutcome.UNCHANGED, {"activated": True}),
    ("unsent field keeps what is known", {"activated": True, "terms_version": "v1"}, 0,
     {"terms_version": "v2"}, 1, AccountOutcome.UPDATED,
     {"activated": True, "terms_version": "v2"}),
    ("same time, other value: applied", {"terms_version": "v1"}, 0,
     {"terms_version": "v2"}, 0, AccountOutcome.UPDATED, {"terms_version": "v2"}),
]


@pytest.mark.parametrize(("first", "first_at", "second", "second_at", "outcome", "stands"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_events_in_any_order_leave_the_newest(
        session: Session, first: dict[str, Any], first_at: int, second: dict[str, Any],
        second_at: int, outcome: AccountOutcome, stands: dict[str, Any]) -> None:
    at = T0 + timedelta(hours=first_at)
    seller = accounts.upsert_seller(session, "s-order", AccountIn(at=at, **first)).account
    audits = _audits(session, "seller", seller.id)
    result = accounts.upsert_seller(session, "s-order", AccountIn(
        at=T0 + timedelta(hours=second_at), **second))
    assert result.outcome is outcome
    assert {name: getattr(result.account, name) for name in stands} == stands
    # Audited only on change.
    assert _audits(session, "seller", seller.id) == audits + (
        1 if outcome is AccountOutcome.UPDATED else 0)


def test_a_seller_known_from_offers_keeps_its_row_and_gains_the_account(
        session: Session) -> None:
    offer = make_offer(session, seller={"id": "s-from-offers"})
    result = accounts.upsert_seller(session, "s-from-offers", AccountIn(
        at=T0, activated=True, activated_at=T0))
    assert result.outcome is AccountOutcome.UPDATED
    assert result.account.id == offer.seller_id
    assert session.scalar(select(func.count()).select_from(Seller).where(
        Seller.external_id == "s-from-offers")) == 1
    audit = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "seller", AuditEntry.entity_id == offer.seller_id)).one()
    assert audit.before == {"activated": None, "activated_at": None}
    assert audit.after == {"activated": True, "activated_at": T0.isoformat()}


def test_a_buyer_without_an_event_is_only_made_to_exist(session: Session) -> None:
    first = accounts.upsert_buyer(session, "b-bare", None)
    again = accounts.upsert_buyer(session, "b-bare", None)
    assert (first.outcome, again.outcome) == (AccountOutcome.CREATED, AccountOutcome.UNCHANGED)
    assert first.account.id == again.account.id
    assert _audits(session, "buyer", first.account.id) == 0


@pytest.fixture
def committing(pg_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that commit for real on the test database; what they wrote is removed."""
    yield sessionmaker(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE entity = 'buyer' AND entity_id IN "
                          "(SELECT id FROM buyers WHERE external_id LIKE 'race-%')"))
        conn.execute(text("DELETE FROM buyers WHERE external_id LIKE 'race-%'"))


def test_racing_events_create_one_buyer_and_leave_the_newest(
        committing: sessionmaker[Session]) -> None:
    # Activated in the newest event only: whichever order they commit in, it stands.
    events = [_buyer(at=T0 + timedelta(hours=h), activated=h == 3) for h in range(4)]
    start = Barrier(len(events))

    def one(event: BuyerAccountIn) -> AccountOutcome:
        with committing() as s:
            start.wait()
            outcome = accounts.upsert_buyer(s, "race-buyer", event).outcome
            s.commit()
            return outcome

    with ThreadPoolExecutor(len(events)) as pool:
        outcomes = Counter(pool.map(one, events))
    assert outcomes[AccountOutcome.CREATED] == 1
    with committing() as s:
        buyer = s.scalars(select(Buyer).where(Buyer.external_id == "race-buyer")).one()
        assert (buyer.activated, buyer.account_event_at) == (True, T0 + timedelta(hours=3))
