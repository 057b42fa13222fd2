"""The lookup index follows each offer's screened version: new keys in, old keys out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.intake import offers
from moderation.schemas import OfferIn
from moderation.tables import OfferKey
from tests.factories import make_offer, offer_event, screen_all


def _keys(session: Session, offer_id: int) -> set[str]:
    return set(session.scalars(select(OfferKey.key).where(OfferKey.offer_id == offer_id)))


def test_a_screened_offer_is_indexed_and_a_new_version_replaces_its_keys(
        session: Session) -> None:
    offer = make_offer(session, title="Czajnik Philips HD9350/90", brand="Philips",
                       gtins=["5901234123457"])
    other = make_offer(session, title="Kubek ceramiczny 300 ml", brand=None,
                       gtins=["4006381333931"])
    screen_all(session)
    first = _keys(session, offer.id)
    assert {"g:05901234123457", "b:philips", "m:hd935090"} <= first

    offers.ingest(session, OfferIn.model_validate(offer_event(
        marketplace_id=offer.marketplace_id, version=2, title="Toster Tefal TT1234",
        brand="Tefal", gtins=["4006381333931"])))
    screen_all(session)
    second = _keys(session, offer.id)
    assert {"g:04006381333931", "b:tefal", "m:tt1234"} <= second
    assert not second & first  # nothing of the first version is left
    assert _keys(session, other.id)  # another offer's keys are left alone
