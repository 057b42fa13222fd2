from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.errors import VersionConflict
from moderation.intake import offers
from moderation.intake.offers import IngestOutcome
from moderation.schemas import OfferIn
from moderation.tables import Offer, OfferVersion, Seller
from tests.factories import offer_event


def find_offer(session: Session, marketplace_id: str) -> Offer:
    """The stored offer with this marketplace id."""
    offer = session.scalar(select(Offer).where(Offer.marketplace_id == marketplace_id))
    assert offer is not None, marketplace_id
    return offer


def _ingest(session: Session, **kw: object) -> offers.IngestResult:
    return offers.ingest(session, OfferIn.model_validate(offer_event(**kw)))


def _versions(session: Session, offer_id: int) -> list[int]:
    return list(session.scalars(select(OfferVersion.version)
                                .where(OfferVersion.offer_id == offer_id)
                                .order_by(OfferVersion.version)))


def test_same_event_twice_stores_one_version(session: Session) -> None:
    event = OfferIn.model_validate(offer_event())
    first = offers.ingest(session, event)
    second = offers.ingest(session, event)
    assert (first.outcome, second.outcome) == (IngestOutcome.CREATED, IngestOutcome.DUPLICATE)
    assert first.needs_screening and not second.needs_screening
    assert _versions(session, first.offer_id) == [1]  # type: ignore[arg-type]


def test_newer_version_updates_offer_and_asks_for_screening(session: Session) -> None:
    created = _ingest(session, marketplace_id="m-upd", title="Stary tytuł")
    offer = session.get(Offer, created.offer_id)
    assert offer is not None
    offer.needs_screening = False
    session.flush()
    updated = _ingest(session, marketplace_id="m-upd", version=2, title="Nowy tytuł")
    session.refresh(offer)
    assert updated.outcome is IngestOutcome.UPDATED
    assert (offer.version, offer.title, offer.needs_screening) == (2, "Nowy tytuł", True)
    assert _versions(session, offer.id) == [1, 2]


def test_late_older_version_is_kept_but_not_applied(session: Session) -> None:
    _ingest(session, marketplace_id="m-late", version=3, title="Wersja 3")
    late = _ingest(session, marketplace_id="m-late", version=2, title="Wersja 2")
    offer = find_offer(session, "m-late")
    assert late.outcome is IngestOutcome.STALE
    assert (offer.version, offer.title) == (3, "Wersja 3")
    assert _versions(session, offer.id) == [2, 3]


def test_same_version_with_other_content_is_a_conflict(session: Session) -> None:
    _ingest(session, marketplace_id="m-conf", title="Pierwszy")
    with pytest.raises(VersionConflict) as err:
        _ingest(session, marketplace_id="m-conf", title="Inny")
    assert err.value.status_code == 409 and err.value.field == "version"


def test_batch_ingest_handles_duplicates_and_versions_within_the_batch(session: Session) -> None:
    a1 = OfferIn.model_validate(offer_event(marketplace_id="b-1", title="A v1"))
    a2 = OfferIn.model_validate(offer_event(marketplace_id="b-1", version=2, title="A v2"))
    b1 = OfferIn.model_validate(offer_event(marketplace_id="b-2"))
    results = offers.ingest_many(session, [a1, a2, b1, b1])
    assert [r.outcome for r in results] == [
        IngestOutcome.STALE, IngestOutcome.CREATED, IngestOutcome.CREATED,
        IngestOutcome.DUPLICATE,
    ]
    assert find_offer(session, "b-1").title == "A v2"
    assert session.scalar(select(func.count()).select_from(Offer)
                          .where(Offer.marketplace_id.in_(["b-1", "b-2"]))) == 2


def test_seller_signals_are_updated_from_the_newest_event(session: Session) -> None:
    _ingest(session, seller={"id": "sig-1", "activated": True})
    _ingest(session, seller={"id": "sig-1", "activated": False})
    seller = session.scalar(select(Seller).where(Seller.external_id == "sig-1"))
    assert seller is not None and seller.activated is False


def _activations(*sent: bool | None) -> list[OfferIn]:
    return [OfferIn.model_validate(offer_event(seller={"id": "act-batch", "activated": a}))
            for a in sent]


# (what batches sent, one batch per tuple, and what the seller's activation is after them)
ACTIVATIONS = [
    ("never sent is unknown", [(None,)], None),
    ("a later batch without it keeps it", [(False,), (None,)], False),
    ("within a batch, a later event without it keeps it", [(True, None)], True),
    ("the last one sent wins", [(True, False, None)], False),
    ("sent after unknown is taken", [(None,), (True,)], True),
]


@pytest.mark.parametrize(("batches", "stands"), [c[1:] for c in ACTIVATIONS],
                         ids=[c[0] for c in ACTIVATIONS])
def test_the_batch_path_keeps_an_activation_an_event_did_not_send(
        session: Session, batches: list[tuple[bool | None, ...]], stands: bool | None) -> None:
    for sent in batches:
        offers.ingest_many(session, _activations(*sent))
    seller = session.scalars(select(Seller).where(Seller.external_id == "act-batch")).one()
    session.refresh(seller)
    assert seller.activated is stands
