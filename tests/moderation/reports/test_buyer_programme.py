"""The Buyer Protection Programme's published figures, on rows laid down by hand."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from moderation.db import make_engine
from moderation.reports import buyer_programme
from moderation.reports.sql import Period
from moderation.support import surveys
from moderation.tables import (
    Base,
    Buyer,
    Claim,
    Compensation,
    Decision,
    Discussion,
    Offer,
    Order,
    Seller,
    SurveyAnswer,
)
from tests.report_builders import add, at

APRIL = Period(date(2025, 4, 1), date(2025, 4, 30))
_seq = itertools.count(1)


class Shop:
    """One seller's offer and a buyer, to hang orders on."""

    def __init__(self, session: Session) -> None:
        self.session = session
        n = next(_seq)
        self.seller = add(session, Seller(external_id=f"bs-{n}"))
        self.offer = add(session, Offer(marketplace_id=f"bo-{n}", seller_id=self.seller.id,
                                        version=1, title="Kettle"))
        self.buyer = add(session, Buyer(external_id=f"bb-{n}"))

    def order(self, when: str, *, fast: bool = False) -> Order:
        return add(self.session, Order(
            marketplace_id=f"or-{next(_seq)}", buyer_id=self.buyer.id, seller_id=self.seller.id,
            offer_id=self.offer.id, offer_version=1, value=Decimal("100.00"), fast_track=fast,
            ordered_at=at(when)))

    def discussion(self, opened: str, *, settled: str | None = None,
                   escalated: str | None = None, when: str = "2025-03-30 10:00") -> Discussion:
        status = "settled" if settled else "escalated" if escalated else "open"
        return add(self.session, Discussion(
            marketplace_id=f"d-{next(_seq)}", order_id=self.order(when).id,
            reason="not_received", status=status, opened_at=at(opened),
            seller_answer_due_at=at(opened), settled_at=at(settled) if settled else None,
            escalated_at=at(escalated) if escalated else None))

    def claim(self, opened: str, *paid: str | None, fast: bool = False) -> Claim:
        d = self.discussion(opened, escalated=opened)
        claim = add(self.session, Claim(discussion_id=d.id, order_id=d.order_id,
                                        reason="not_received", status="compensated",
                                        fast_track=fast, opened_at=at(opened)))
        for when in paid:
            decision = add(self.session, Decision(offer_id=self.offer.id, action="compensate",
                                                  reason_code="TEST", decided_at=at(opened)))
            add(self.session, Compensation(
                claim_id=claim.id, decision_id=decision.id, amount=Decimal("100.00"),
                idempotency_key=f"k-{next(_seq)}", requested_at=at(opened),
                paid_at=at(when) if when else None))
        return claim


def seed(session: Session) -> None:
    """Ten orders in April (one in March); four discussions settled in April, eight escalated;
    claims paid in April: fast after 12 h and 6 h, the rest after 5, 3, 7 and 1 days."""
    shop = Shop(session)
    for day in range(1, 11):
        shop.order(f"2025-04-{day:02d} 12:00")
    shop.order("2025-03-15 12:00")
    for day in (2, 3, 4, 5):
        shop.discussion(f"2025-04-{day:02d} 09:00", settled=f"2025-04-{day + 1:02d} 09:00")
    shop.discussion("2025-04-20 09:00")  # still open
    shop.discussion("2025-04-28 09:00", settled="2025-05-03 09:00")  # ended in May
    shop.claim("2025-04-05 10:00", "2025-04-05 22:00", fast=True)
    shop.claim("2025-04-06 00:00", "2025-04-06 06:00", fast=True)
    shop.claim("2025-04-01 10:00", "2025-04-06 10:00")
    shop.claim("2025-04-02 10:00", "2025-04-05 10:00")
    shop.claim("2025-04-03 10:00", "2025-04-10 10:00")
    # Paid twice (a partial payment, then the rest after an appeal): counts at the first.
    shop.claim("2025-04-07 10:00", "2025-04-08 10:00", "2025-04-20 10:00")
    shop.claim("2025-04-09 10:00", None)  # asked of the marketplace, not paid yet
    shop.claim("2025-04-25 10:00", "2025-05-02 10:00")  # paid in May
    for n, score, used in ((1, 10, True), (2, 9, True), (3, 3, True), (4, 0, False)):
        add(session, SurveyAnswer(marketplace_id=f"sa-{next(_seq)}", respondent_kind="buyer",
                                  respondent_id=f"nps-{n}", score=score, used_programme=used,
                                  answered_at=at("2025-04-15 12:00")))


def test_the_programme_figures(session: Session) -> None:
    seed(session)
    report = buyer_programme.build(session, APRIL)
    # Discussions ended in April: 4 settled, and the 8 escalated to the claims opened in it.
    assert (report.discussions_ended, report.settled_without_platform) == (12, 4)
    assert report.settled_share == 4 / 12
    # Orders placed in April: ten, and the ones discussions and claims hang on are March's.
    assert (report.orders, report.compensated_claims) == (10, 6)
    assert report.orders_per_compensated_claim == pytest.approx(10 / 6)
    fast, rest = report.compensation
    assert (fast.fast_track, fast.paid) == (True, 2)
    assert fast.median_days == pytest.approx(0.375) and fast.mean_days == pytest.approx(0.375)
    assert (rest.fast_track, rest.paid) == (False, 4)
    assert rest.median_days == pytest.approx(4.0) and rest.mean_days == pytest.approx(4.0)
    assert report.nps == surveys.Nps(3, 2, 1)
    rows = {(r[1], r[2]): r[3] for r in buyer_programme.rows(report)}
    assert rows[("median days to compensation", "fast track")] == "0.38"
    assert rows[("NPS", "buyers who used the programme")] == "33.3"


def test_an_empty_period_has_no_figures(session: Session) -> None:
    report = buyer_programme.build(session, Period(date(1999, 1, 1), date(1999, 1, 31)))
    assert report.settled_share is None and report.orders_per_compensated_claim is None
    assert all(t.paid == 0 and t.median_days is None for t in report.compensation)
    assert report.nps.score is None


def test_sqlite_gives_the_same_figures(session: Session, tmp_path: Path) -> None:
    seed(session)
    on_postgres = buyer_programme.build(session, APRIL)
    engine = make_engine(f"sqlite:///{tmp_path / 'buyers.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as lite:
        seed(lite)
        on_sqlite = buyer_programme.build(lite, APRIL)
    engine.dispose()
    assert buyer_programme.rows(on_sqlite) == buyer_programme.rows(on_postgres)
