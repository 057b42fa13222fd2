"""A simulated month of the Buyer Protection Programme: 100,000 orders, their discussions and
claims, decided by a given staffing, paid when the marketplace confirms.

    .venv/bin/python -m benchmarks.simulate_claims_month --database-url URL --redis-url URL
        [--orders 100000] [--shifts 7-15,15-23] [--seed 14]

URL (or BENCH_DATABASE_URL) names the run's own PostgreSQL database: its public schema is
dropped and migrated afresh. Redis (or BENCH_REDIS_URL) takes the jobs the intake declares,
on the run's own queues, deleted at the end; it is never flushed.

A simulated clock starts at the next full hour and runs events in time order; every step
goes through the programme's real service functions on PostgreSQL, given the simulated
time where they take one (discussions and escalations; the payment's confirmation): the
buyer opens a discussion (buyers/discussions.open_discussion), the seller answers and they
settle, or the seller refuses, or lets the deadline pass, and the buyer escalates
(buyers/claims.escalate: a buyer_claim case with its fraud signals and due time); a
moderator on shift claims the next claim in queue order (cases.claim_next) and decides it
(buyers/claim_decisions.decide_claim, which asks for the payment); the marketplace
confirms the payment later (buyers/compensation.record_payment). The figures are read back
from the database: the share of discussions settled without the platform, orders
(transactions) per compensated claim, and the median time from claim to payment for the
fast track and for the rest.

Assumptions (none of them is the marketplace's data; each is an option or a constant here):
- Orders arrive evenly over 30 days; buyers order 1-3 times (60,000 buyers for 100,000
  orders), 30% of them subscription customers (their orders take the fast track).
- 2% of orders get a discussion (--discussion-share), opened 3-14 days after the order.
  The marketplace publishes the share settled, not how many orders have a discussion: 2%
  is our guess at a problem the buyer raises (not received, damaged, not as described,
  incomplete, a return not refunded), and the figures below scale with it.
- 97% of discussions settle with the seller (--settled-share, the issue's figure), 2 to 72
  hours after they open. Of the rest, half the sellers refuse within the 72-hour deadline
  and the buyer escalates within hours (exponential, mean 6 h); the other half let the
  deadline pass and the buyer escalates after it (mean 12 h).
- Moderators work the claims queue alone (screening has its own staff): one per shift,
  every day, shifts given in UTC hours (default 7-15 and 15-23: 16 hours a day covered).
  A decision takes READING (150 s, as bench_claim_decisions assumes) of the moderator's
  time; a moderator takes the next claim as soon as one is free, and finishes a claim
  begun before the shift ends.
- Decisions: 70% compensate in full, 10% partial (half the order's value), 20% reject.
- The marketplace confirms a payment 30 minutes plus an exponential delay (mean 3 h)
  after the decision asked for it.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import os
import random
import statistics
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from benchmarks import claims_world, targets
from moderation import cases, programmes
from moderation.buyers import claims, compensation, discussions
from moderation.buyers.claim_decisions import ClaimDecisionIn, decide_claim
from moderation.buyers.compensation import PaymentIn
from moderation.buyers.discussions import StepIn
from moderation.config import get_settings
from moderation.domain import CaseKind, CaseStatus, DiscussionStatus
from moderation.runtime import Runtime
from moderation.tables import (
    Buyer,
    Case,
    Claim,
    Compensation,
    Discussion,
    Offer,
    Order,
    utcnow,
)

MONTH = timedelta(days=30)
DISCUSSION_SHARE = 0.02
SETTLED_SHARE = 0.97
SUBSCRIBED_SHARE = 0.30
ORDERS_PER_BUYER = 100_000 / 60_000
READING = timedelta(seconds=150)
LEASE = timedelta(minutes=30)
VALUES = [Decimal(v) for v in ("39.99", "89.00", "149.00", "199.00", "349.00", "899.00")]


@dataclass
class Month:
    """The simulation's state: its clock, its events, and its moderators."""

    session: Session
    rng: random.Random
    now: datetime
    shifts: list[tuple[int, int]]
    tag: str
    settled_share: float = SETTLED_SHARE
    events: list[tuple[datetime, int, bool, Callable[[], None]]] = field(default_factory=list)
    idle: set[int] = field(default_factory=set)
    staff: list[int] = field(default_factory=list)
    # Buyers', sellers' and the marketplace's steps still to come (not the moderators').
    world: int = 0
    wake_at: dict[int, datetime] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def at(self, when: datetime, step: Callable[[], None], *, world: bool = True) -> None:
        self.world += world
        heapq.heappush(self.events, (when, next(self._seq), world, step))

    def run(self) -> int:
        steps = 0
        while self.events:
            self.now, _, world, step = heapq.heappop(self.events)
            self.world -= world
            step()
            self.session.commit()  # each step is one request or job: the edge commits
            steps += 1
        return steps

    def work_remains(self) -> bool:
        """Whether a claim may still come, or one waits: else the moderators go home."""
        return self.world > 0 or bool(self.session.scalar(
            select(func.count(Case.id)).where(Case.kind == CaseKind.BUYER_CLAIM.value,
                                              Case.status != CaseStatus.CLOSED.value)))

    def hours(self, mean: float) -> timedelta:
        return timedelta(hours=self.rng.expovariate(1 / mean))

    # Moderators: one per shift; each looks for a claim when its shift starts, when it
    # has decided one, and when a claim arrives while it is idle.
    def on_shift(self, slot: int, when: datetime) -> bool:
        start, end = self.shifts[slot]
        return start <= when.hour < end

    def next_shift_start(self, slot: int, when: datetime) -> datetime:
        start, _ = self.shifts[slot]
        day = when.replace(hour=start, minute=0, second=0, microsecond=0)
        return day if day > when else day + timedelta(days=1)

    def look_for_work(self, slot: int) -> None:
        case = None
        if self.on_shift(slot, self.now):
            case = cases.claim_next(self.session, staff_id=self.staff[slot], lease=LEASE,
                                    kind=CaseKind.BUYER_CLAIM.value)
        if case is None:
            # Woken by the next claim, or at its next shift while work remains.
            self.idle.add(slot)
            if self.work_remains():
                self.wake_later(slot, self.next_shift_start(slot, self.now))
            return
        self.idle.discard(slot)
        case_id = case.id
        self.at(self.now + READING, lambda: self.decide(slot, case_id), world=False)

    def wake_later(self, slot: int, when: datetime) -> None:
        if self.wake_at.get(slot) != when:  # one wake-up a moment is enough
            self.wake_at[slot] = when
            self.at(when, lambda: self.wake(slot), world=False)

    def wake(self, slot: int) -> None:
        if slot in self.idle:
            self.look_for_work(slot)

    def decide(self, slot: int, case_id: int) -> None:
        roll = self.rng.random()
        claim = self.session.scalar(select(Claim).where(Claim.case_id == case_id))
        assert claim is not None
        order = self.session.get_one(Order, claim.order_id)
        if roll < 0.7:
            data = ClaimDecisionIn(action="compensate")
        elif roll < 0.8:
            data = ClaimDecisionIn(action="partial", amount=(order.value / 2).quantize(
                Decimal("0.01")), note="Half: one of two items arrived damaged.")
        else:
            data = ClaimDecisionIn(action="reject", note="Tracking shows it delivered.")
        decision = decide_claim(self.session, case_id=case_id, staff_id=self.staff[slot],
                                data=data, followups=programmes.decision_followups())
        row = self.session.scalar(select(Compensation).where(
            Compensation.decision_id == decision.id))
        if row is not None:
            key = row.idempotency_key
            paid = self.now + timedelta(minutes=30) + self.hours(3)
            self.at(paid, lambda: self.confirm(key))
        self.at(self.now, lambda: self.look_for_work(slot), world=False)

    def confirm(self, key: str) -> None:
        compensation.record_payment(
            self.session, key, actor="marketplace",
            data=PaymentIn(payment_reference=f"PAY-{key}", paid_at=self.now), now=self.now)

    # Buyers and sellers.
    def open_discussion(self, order_id: str) -> None:
        order = self.session.scalar(select(Order).where(Order.marketplace_id == order_id))
        assert order is not None
        discussion = claims_world.open_discussion(self.session, order, at=self.now,
                                                  tag=self.tag)
        discussion_id = discussion.id
        if self.rng.random() < self.settled_share:
            later = self.now + timedelta(hours=self.rng.uniform(2, 72))
            self.at(later, lambda: self.settle(discussion_id))
        elif self.rng.random() < 0.5:
            refused = self.now + timedelta(hours=self.rng.uniform(0, 72))
            self.at(refused, lambda: self.refuse(discussion_id))
        else:
            due = discussion.seller_answer_due_at
            self.at(due + self.hours(12), lambda: self.escalate(discussion_id))

    def settle(self, discussion_id: int) -> None:
        claims_world.settle(self.session, self.session.get_one(Discussion, discussion_id),
                            at=self.now)

    def refuse(self, discussion_id: int) -> None:
        discussions.refuse(self.session, discussion_id, StepIn(at=self.now))
        self.at(self.now + self.hours(6), lambda: self.escalate(discussion_id))

    def escalate(self, discussion_id: int) -> None:
        claims.escalate(self.session, discussion_id, StepIn(at=self.now), now=self.now)
        for slot in sorted(self.idle):
            self.wake_later(slot, self.now)


def seed_orders(month: Month, *, orders: int, discussion_share: float
                ) -> list[tuple[datetime, str]]:
    """Buyers, sellers' offers and a month of orders; the orders that get a discussion."""
    session, rng, start = month.session, month.rng, month.now
    offers = claims_world.offer_ids(session, max(orders // 50, 10), sellers=max(orders // 200, 5),
                                    tag=month.tag)
    seller_of = dict(session.execute(
        select(Offer.id, Offer.seller_id).where(Offer.id.in_(offers))).all())
    n_buyers = max(int(orders / ORDERS_PER_BUYER), 1)
    buyer_rows = [{"external_id": f"{month.tag}-buyer-{i}", "activated": True,
                   "activated_at": start - MONTH * 10, "account_created_at": start - MONTH * 12,
                   "language": "pl", "created_at": start, "updated_at": start,
                   "subscription_until": (start + MONTH * 12
                                          if rng.random() < SUBSCRIBED_SHARE else None)}
                  for i in range(n_buyers)]
    session.execute(insert(Buyer), buyer_rows)
    buyers = list(session.execute(select(Buyer.id, Buyer.subscription_until)).all())
    discussed: list[tuple[datetime, str]] = []
    rows: list[dict[str, Any]] = []
    for i in range(orders):
        buyer_id, subscribed = rng.choice(buyers)
        offer_id = rng.choice(offers)
        at = start + MONTH * rng.random()
        rows.append({"marketplace_id": f"{month.tag}-order-{i}", "buyer_id": buyer_id,
                     "seller_id": seller_of[offer_id], "offer_id": offer_id,
                     "offer_version": 1, "quantity": 1, "value": rng.choice(VALUES),
                     "currency": "PLN", "fast_track": subscribed is not None,
                     "ordered_at": at, "received_at": at})
        if rng.random() < discussion_share:
            discussed.append((at + timedelta(days=rng.uniform(3, 14)), rows[-1]["marketplace_id"]))
    for begin in range(0, len(rows), 10_000):
        session.execute(insert(Order), rows[begin:begin + 10_000])
    session.commit()
    return discussed


@dataclass(frozen=True, slots=True)
class Figures:
    orders: int
    discussions: int
    settled: int
    claims: int
    compensated: int
    fast_track_hours: float | None
    other_hours: float | None
    fast_track_n: int
    other_n: int
    steps: int

    @property
    def settled_share(self) -> float:
        return self.settled / self.discussions if self.discussions else 0.0

    @property
    def orders_per_compensated(self) -> float | None:
        return self.orders / self.compensated if self.compensated else None


def figures(session: Session, *, orders: int, steps: int) -> Figures:
    """Read the month's figures back from what the service stored."""
    by_status = dict(session.execute(
        select(Discussion.status, func.count()).group_by(Discussion.status)).all())
    waits: dict[bool, list[float]] = {True: [], False: []}
    for fast, opened, paid in session.execute(
            select(Claim.fast_track, Claim.opened_at, Compensation.paid_at)
            .join(Compensation, Compensation.claim_id == Claim.id)
            .where(Compensation.paid_at.is_not(None))):
        assert paid is not None
        waits[fast].append((paid - opened).total_seconds() / 3600)

    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    return Figures(
        orders=orders, discussions=sum(by_status.values()),
        settled=by_status.get(DiscussionStatus.SETTLED.value, 0),
        claims=session.scalar(select(func.count(Claim.id))) or 0,
        compensated=len(waits[True]) + len(waits[False]),
        fast_track_hours=median(waits[True]), other_hours=median(waits[False]),
        fast_track_n=len(waits[True]), other_n=len(waits[False]), steps=steps)


def _shifts(text: str) -> list[tuple[int, int]]:
    found = []
    for part in text.split(","):
        start, _, end = part.partition("-")
        if not (start.strip().isdigit() and end.strip().isdigit()
                and 0 <= int(start) < int(end) <= 24):
            raise argparse.ArgumentTypeError(f"a shift is START-END in whole UTC hours, "
                                             f"e.g. 7-15, not {part!r}")
        found.append((int(start), int(end)))
    return found


def run(argv: Sequence[str] | None = None) -> Figures:
    """Simulate the month, print and return its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    targets.add_options(parser)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--shifts", type=_shifts, default=_shifts("7-15,15-23"),
                        help="one moderator per shift, START-END in UTC hours, comma-separated")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--discussion-share", type=float, default=DISCUSSION_SHARE,
                        help="share of orders on which the buyer opens a discussion")
    parser.add_argument("--settled-share", type=float, default=SETTLED_SHARE,
                        help="share of discussions settled with the seller")
    args = parser.parse_args(argv)
    where = targets.targets(parser, args)
    targets.reset_database(where.database_url)
    os.environ.update(targets.env_of(where))
    get_settings.cache_clear()
    runtime = Runtime.build(get_settings())
    start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    try:
        with runtime.sessionmaker() as session:
            month = Month(session, random.Random(args.seed), start, args.shifts,
                          tag=f"month-{uuid.uuid4().hex[:6]}",
                          settled_share=args.settled_share)
            month.staff = claims_world.moderators(session, len(args.shifts), tag=month.tag)
            discussed = seed_orders(month, orders=args.orders,
                                    discussion_share=args.discussion_share)
            for when, order_id in discussed:
                month.at(when, lambda order_id=order_id: month.open_discussion(order_id))  # type: ignore[misc]
            for slot in range(len(args.shifts)):
                month.idle.add(slot)
                month.wake_later(slot, start)
            steps = month.run()
            found = figures(session, orders=args.orders, steps=steps)
    finally:
        runtime.engine.dispose()
        targets.drop_own_queues(where)

    def hours(value: float | None) -> str:
        return "none" if value is None else f"{value:.1f} h ({value / 24:.2f} days)"

    per = found.orders_per_compensated
    print(f"{found.orders:,} orders, {found.discussions:,} discussions, {found.claims} claims, "
          f"{found.compensated} compensated and paid ({found.steps:,} steps simulated)")
    print(f"settled without the platform: {found.settled_share:.1%}; transactions per "
          f"compensated claim: {'none' if per is None else f'{per:,.0f}'}")
    print(f"median claim to payment: fast track {hours(found.fast_track_hours)} "
          f"(n={found.fast_track_n}), the rest {hours(found.other_hours)} (n={found.other_n})")
    return found


if __name__ == "__main__":
    run()
