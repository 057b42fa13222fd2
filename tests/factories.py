"""Plain factory functions for tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from moderation import cases
from moderation.accounts.staff import NewStaff, create_staff, ensure_organisation
from moderation.buyers.discussions import DiscussionIn, open_discussion
from moderation.domain import API_CLIENTS, ORGANISATION_KIND_OF, StaffRole
from moderation.intake import offers
from moderation.runtime import Runtime
from moderation.safety.judge import LearnedMatcher
from moderation.schemas import OfferIn
from moderation.screening import batches
from moderation.screening.screener import Screener
from moderation.tables import Buyer, Case, Discussion, Offer, Order, utcnow

_seq = itertools.count(1)
# Where the session fixture puts the test's runtime (runtime_of).
RUNTIME = "tests.runtime"

COUNTERFEIT_TITLE = "Torebka Louis Vuitton Neverfull replika 1:1 jakość AAA"
BENIGN_TITLE = "Rower górski Kross Hexagon 7.0 rama 19 cali"


def offer_event(**overrides: Any) -> dict[str, Any]:
    """A valid offer event as JSON, with a fresh marketplace id."""
    n = next(_seq)
    event: dict[str, Any] = {
        "marketplace_id": f"t-{n:06d}",
        "version": 1,
        "seller": {"id": f"seller-{n % 5}",
                   "account_created_at": (datetime.now(UTC) - timedelta(days=900)).isoformat()},
        "title": BENIGN_TITLE,
        "description": "Stan bardzo dobry, wysyłka kurierem.",
        "category": "Sport > Rowery",
        "brand": "Kross",
        "price": "2199.00",
        "currency": "PLN",
        "gtins": ["5901234123457"],
    }
    event.update(overrides)
    return event


def make_offer(session: Session, **overrides: Any) -> Offer:
    """Ingest an offer event and return the stored offer."""
    result = offers.ingest(session, OfferIn.model_validate(offer_event(**overrides)))
    offer = session.get(Offer, result.offer_id)
    assert offer is not None
    return offer


TEST_PASSWORD = "correct horse battery"


def make_staff(session: Session, role: StaffRole = StaffRole.MODERATOR, *,
               password: str | None = None, locale: str = "en") -> NewStaff:
    """An account with an API key; organisation-bound roles act for a default organisation."""
    org = (ensure_organisation(session, f"Default {role.value}", ORGANISATION_KIND_OF[role]).id
           if role in API_CLIENTS else None)
    return create_staff(session, name=f"{role.value}-{next(_seq)}", role=role,
                        password=password, organisation_id=org, locale=locale)


def runtime_of(session: Session) -> Runtime:
    """The runtime the test's session came from (the session fixture's)."""
    runtime: Runtime = session.info[RUNTIME]
    return runtime


def learned(session: Session) -> LearnedMatcher:
    """The learned product matcher of the test's runtime (loaded once for the run)."""
    return runtime_of(session).screener.matcher


def screen_all(session: Session, screener: Screener | None = None) -> batches.ScreenSummary:
    """Screen every pending offer in the test transaction, with the test's screener unless
    told another."""
    return batches.screen_pending(session, screener or runtime_of(session).screener,
                                  limit=10_000)


def make_case(session: Session, *, priority: int = 3, due_in_hours: float = 24) -> Case:
    """A review case on a fresh offer, as screening would open it."""
    offer = make_offer(session)
    return cases.open_screening_case(
        session, offer_id=offer.id, screening_id=None, priority=priority, reason_code="TEST",
        due_at=utcnow() + timedelta(hours=due_in_hours),
    )


# --- Buyer Protection: buyers, orders, discussions (issue 14, part B) ---
def make_buyer(session: Session, **overrides: Any) -> Buyer:
    """A buyer's account, activated, with a fresh marketplace id."""
    now = utcnow()
    values: dict[str, Any] = {"external_id": f"buyer-{next(_seq):06d}",
                              "account_created_at": now - timedelta(days=400),
                              "activated": True, "activated_at": now - timedelta(days=399),
                              "language": "pl"}
    values.update(overrides)
    buyer = Buyer(**values)
    session.add(buyer)
    session.flush()
    return buyer


def feedback_order(session: Session, *, buyer: Buyer | None = None, offer: Offer | None = None,
                   days_ago: float = 10, activated: bool | None = True) -> Order:
    """An order placed `days_ago` by a buyer (a fresh one, `activated` None: the marketplace
    did not say, unless given), for the feedback tests' window and activation cases."""
    buyer = buyer or make_buyer(session, activated=activated,
                                activated_at=utcnow() if activated else None)
    return make_order(session, offer=offer, buyer=buyer,
                      ordered_at=utcnow() - timedelta(days=days_ago))


def make_order(session: Session, *, offer: Offer | None = None, buyer: Buyer | None = None,
               **overrides: Any) -> Order:
    """An order of an offer (a fresh one unless given) by a buyer, as the marketplace sends it."""
    offer = offer or make_offer(session)
    buyer = buyer or make_buyer(session)
    values: dict[str, Any] = {"marketplace_id": f"o-{next(_seq):06d}", "buyer_id": buyer.id,
                              "seller_id": offer.seller_id, "offer_id": offer.id,
                              "offer_version": offer.version, "quantity": 1,
                              "value": Decimal("2199.00"), "currency": "PLN",
                              "fast_track": False,
                              "ordered_at": utcnow() - timedelta(days=10)}
    values.update(overrides)
    order = Order(**values)
    session.add(order)
    session.flush()
    return order


def discussion_event(order: Order, **overrides: Any) -> dict[str, Any]:
    """A buyer opening a discussion on this order, as JSON."""
    n = next(_seq)
    event: dict[str, Any] = {
        "marketplace_id": f"d-{n:06d}", "order_id": order.marketplace_id,
        "reason": "not_received", "opened_at": utcnow().isoformat(),
        "message": {"message_id": f"m-{n:06d}", "author": "buyer",
                    "body": "Paczka nie dotarła, status stoi od tygodnia.",
                    "attachments": [{"name": "screen.png", "content_type": "image/png",
                                     "size": 48213, "sha256": "ab" * 32}],
                    "sent_at": utcnow().isoformat()}}
    event.update(overrides)
    return event


def make_discussion(session: Session, *, order: Order | None = None,
                    opened_ago: timedelta = timedelta(0), **overrides: Any) -> Discussion:
    """A discussion opened `opened_ago` on an order (a fresh one unless given)."""
    order = order or make_order(session)
    event = discussion_event(order, opened_at=(utcnow() - opened_ago).isoformat(), **overrides)
    return open_discussion(session, DiscussionIn.model_validate(event))
