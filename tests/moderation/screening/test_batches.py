from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.screening import batches
from moderation.screening.screener import Screener
from moderation.tables import Case, Decision, Offer, OutboxMessage, Screening, utcnow
from tests.factories import BENIGN_TITLE, COUNTERFEIT_TITLE, make_offer, screen_all


def _screenings(session: Session, offer: Offer) -> list[Screening]:
    return list(session.scalars(select(Screening).where(Screening.offer_id == offer.id)))


def test_clean_offer_is_allowed_and_marked_screened(session: Session) -> None:
    offer = make_offer(session, title=BENIGN_TITLE)
    screen_all(session)
    session.refresh(offer)
    [result] = _screenings(session, offer)
    assert result.route == "allow" and result.offer_version == 1
    assert (offer.needs_screening, offer.screened_version, offer.status) == (False, 1, "active")
    assert result.rules_version and result.model_version


def test_counterfeit_marker_with_brand_is_stopped_with_evidence(session: Session) -> None:
    offer = make_offer(session, title=COUNTERFEIT_TITLE, brand="Louis Vuitton", price="349.00")
    screen_all(session)
    [result] = _screenings(session, offer)
    assert result.route in ("review", "block")
    spans = [s for h in result.hits for s in h["spans"]]
    assert any(COUNTERFEIT_TITLE[s["start"]:s["end"]] == s["text"] and s["field"] == "title"
               for s in spans)
    assert result.score_features, "the features that drove the score are stored"
    if result.route == "review":
        case = session.scalar(select(Case).where(Case.offer_id == offer.id))
        assert case is not None and case.status == "open" and case.due_at > utcnow()
    else:
        session.refresh(offer)
        decision = session.scalar(select(Decision).where(Decision.offer_id == offer.id))
        assert offer.status == "blocked" and decision is not None and decision.automated
        assert session.scalar(select(OutboxMessage).where(
            OutboxMessage.recipient == f"seller:{offer.seller.external_id}")) is not None


def test_blocking_rule_blocks_without_a_person(session: Session) -> None:
    offer = make_offer(session, title="Pistolet gazowy bez pozwolenia + amunicja",
                       category="Kolekcje > Militaria", brand=None)
    screen_all(session)
    session.refresh(offer)
    [result] = _screenings(session, offer)
    assert result.route == "block" and offer.status == "blocked"


def test_screening_twice_changes_nothing(session: Session, screener: Screener) -> None:
    offer = make_offer(session, title=COUNTERFEIT_TITLE)
    first = batches.screen_pending(session, screener, offer_ids=[offer.id])
    second = batches.screen_pending(session, screener, offer_ids=[offer.id])
    assert (first.screened, second.screened) == (1, 0)
    assert len(_screenings(session, offer)) == 1
    assert session.query(Case).filter_by(offer_id=offer.id).count() <= 1


def test_a_new_version_is_screened_again_and_merges_into_the_open_case(session: Session) -> None:
    offer = make_offer(session, marketplace_id="rescreen-1", title=COUNTERFEIT_TITLE,
                       category="Moda > Torebki", brand=None)
    screen_all(session)
    make_offer(session, marketplace_id="rescreen-1", version=2,
               title=COUNTERFEIT_TITLE + " wysyłka 24h", category="Moda > Torebki", brand=None)
    screen_all(session)
    assert sorted(s.offer_version for s in _screenings(session, offer)) == [1, 2]
    assert session.query(Case).filter(Case.offer_id == offer.id,
                                      Case.status != "closed").count() <= 1
