"""Claims decided per moderator-hour in a scripted run, against screening cases decided by the
same script in the same run.

    .venv/bin/python -m benchmarks.bench_claim_decisions --database-url URL --redis-url URL
        [--cases 400] [--moderators 4] [--claim-reading 150] [--screening-reading 45]

URL (or BENCH_DATABASE_URL) names the benchmark's own PostgreSQL database: its public schema
is dropped and migrated afresh. Redis (or BENCH_REDIS_URL) takes what the decisions queue
after their commit, on the run's own queues, deleted at the end; it is never flushed.

Seeded through the real service functions: `--cases` buyer_claim cases (orders, a
discussion each, refused by the seller and escalated: moderation/buyers/claims.py) and as
many screening cases on other offers. Then `--moderators` scripted moderators, one thread
and connection each, work through one kind at a time as a moderator at the console does:
claim the next case (cases.claim_next, committed), decide it (committed): a claim through
buyers/claim_decisions.decide_claim (compensate 6 in 10, partial 1 in 10, reject 3 in 10,
which asks for the payment and counts the upheld claim against the seller), a screening
case through review/decisions.decide (keep 4 in 5, remove 1 in 5: statement of reasons,
strike). Claims go first, then screening.

Prints, per kind: decisions, wall time, the machine time one decision takes a moderator
(wall time x moderators / decisions: what the service adds to each decision with the others
deciding at once), decisions per moderator-hour of machine time alone (3600 / that), and
per moderator-hour with a scripted reading time per case: 3600 / (reading + machine time).
The reading times are an assumption, not a measurement: 150 s for a claim (the discussion,
the order and the offer as bought, the tracking events, the fraud signals) and 45 s for a
screening case (a title, a description, the rule's hit), both options.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks import claims_world, targets
from moderation import cases, programmes
from moderation.buyers.claim_decisions import ClaimDecisionIn, decide_claim
from moderation.config import get_settings
from moderation.domain import CaseKind
from moderation.review import decisions
from moderation.runtime import Runtime
from moderation.schemas import DecisionIn
from moderation.tables import Compensation, Decision, Offer, utcnow

LEASE = timedelta(minutes=10)
ORDER_VALUE = Decimal("199.00")


@dataclass(frozen=True, slots=True)
class KindFigures:
    kind: str
    decisions: int
    wall_seconds: float
    moderators: int
    reading_seconds: float

    @property
    def machine_seconds(self) -> float:
        """What the service takes of one moderator's time per decision."""
        return self.wall_seconds * self.moderators / max(self.decisions, 1)

    @property
    def per_hour_machine(self) -> float:
        return 3600 / self.machine_seconds if self.decisions else 0.0

    @property
    def per_hour_with_reading(self) -> float:
        return 3600 / (self.reading_seconds + self.machine_seconds) if self.decisions else 0.0


def seed(factory: sessionmaker[Session], *, cases_per_kind: int, moderators: int,
         tag: str) -> list[int]:
    """Moderators, `cases_per_kind` claims' cases and as many screening cases."""
    now = utcnow()
    with factory() as session:
        staff = claims_world.moderators(session, moderators, tag=tag)
        offers = claims_world.offer_ids(session, cases_per_kind * 2, sellers=50, tag=tag)
        seller_of = dict(session.execute(
            select(Offer.id, Offer.seller_id).where(Offer.id.in_(offers))).all())
        buyers = claims_world.buyers(session, cases_per_kind, tag=tag, now=now,
                                     subscribed_share=0.3)
        for i, buyer in enumerate(buyers):
            offer_id = offers[i]
            order = claims_world.order(session, buyer=buyer, offer_id=offer_id,
                                       seller_id=seller_of[offer_id], value=ORDER_VALUE,
                                       at=now - timedelta(days=8), tag=tag)
            session.flush()
            discussion = claims_world.open_discussion(session, order,
                                                      at=now - timedelta(days=6), tag=tag)
            claims_world.escalate(session, discussion, at=now - timedelta(days=1))
        for i, offer_id in enumerate(offers[cases_per_kind:]):
            cases.open_screening_case(session, offer_id=offer_id, screening_id=None,
                                      priority=1 + i % 5, reason_code="BENCH",
                                      due_at=now + timedelta(hours=1 + i % 72))
        session.commit()
    return staff


def _claim_decision(i: int) -> ClaimDecisionIn:
    if i % 10 < 6:
        return ClaimDecisionIn(action="compensate")
    if i % 10 == 6:
        return ClaimDecisionIn(action="partial", amount=ORDER_VALUE / 2,
                               note="Half: the parcel came, one of two items missing.")
    return ClaimDecisionIn(action="reject", note="Tracking shows it delivered and signed for.")


def _screening_decision(i: int) -> DecisionIn:
    if i % 5 == 4:
        return DecisionIn(action="remove", reason_code="COUNTERFEIT")
    return DecisionIn(action="keep", reason_code="LAWFUL")


Decide = Callable[[Session, int, int, int], object]


def _decide_claim(session: Session, case_id: int, staff_id: int, i: int) -> object:
    return decide_claim(session, case_id=case_id, staff_id=staff_id, data=_claim_decision(i),
                        followups=programmes.decision_followups())


def _decide_screening(session: Session, case_id: int, staff_id: int, i: int) -> object:
    return decisions.decide(session, case_id=case_id, staff_id=staff_id,
                            decision=_screening_decision(i),
                            followups=programmes.decision_followups())


def run_kind(factory: sessionmaker[Session], staff: Sequence[int], *, kind: str,
             decide: Decide, reading_seconds: float) -> KindFigures:
    """Every moderator claims and decides cases of this kind until none is left."""
    counts = [0] * len(staff)
    errors: list[BaseException] = []
    start = threading.Barrier(len(staff) + 1)

    def moderator(slot: int, staff_id: int) -> None:
        start.wait()
        try:
            while True:
                with factory() as session:
                    case = cases.claim_next(session, staff_id=staff_id, lease=LEASE, kind=kind)
                    session.commit()
                    if case is None:
                        return
                    decide(session, case.id, staff_id, counts[slot] * len(staff) + slot)
                    session.commit()
                counts[slot] += 1
        except BaseException as error:  # reported after the run, with the others' counts
            errors.append(error)

    threads = [threading.Thread(target=moderator, args=(slot, s)) for slot, s in enumerate(staff)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if errors:
        raise errors[0]
    return KindFigures(kind, sum(counts), wall, len(staff), reading_seconds)


def run(argv: Sequence[str] | None = None) -> list[KindFigures]:
    """Seed, decide both kinds, print and return their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    targets.add_options(parser)
    parser.add_argument("--cases", type=int, default=400, help="cases of each kind")
    parser.add_argument("--moderators", type=int, default=4)
    parser.add_argument("--claim-reading", type=float, default=150.0,
                        help="scripted reading time per claim, seconds (an assumption)")
    parser.add_argument("--screening-reading", type=float, default=45.0,
                        help="scripted reading time per screening case, seconds")
    args = parser.parse_args(argv)
    where = targets.targets(parser, args)
    targets.reset_database(where.database_url)
    os.environ.update(targets.env_of(where))
    get_settings.cache_clear()
    runtime = Runtime.build(get_settings())
    factory = runtime.sessionmaker
    try:
        staff = seed(factory, cases_per_kind=args.cases, moderators=args.moderators,
                     tag=f"bench-{uuid.uuid4().hex[:6]}")
        found = [
            run_kind(factory, staff, kind=CaseKind.BUYER_CLAIM.value, decide=_decide_claim,
                     reading_seconds=args.claim_reading),
            run_kind(factory, staff, kind=CaseKind.SCREENING.value, decide=_decide_screening,
                     reading_seconds=args.screening_reading),
        ]
        with factory() as session:
            paid = session.scalar(select(func.count(Compensation.id))) or 0
            decided = session.scalar(select(func.count(Decision.id))) or 0
    finally:
        runtime.engine.dispose()
        targets.drop_own_queues(where)
    for f in found:
        print(f"{f.kind:>12}: {f.decisions} decided by {f.moderators} in {f.wall_seconds:.2f} s;"
              f" {f.machine_seconds * 1000:.1f} ms of a moderator's time each: "
              f"{f.per_hour_machine:,.0f} per moderator-hour of machine time, "
              f"{f.per_hour_with_reading:.1f} with {f.reading_seconds:.0f} s reading a case")
    claim, screening = found
    if screening.machine_seconds:
        print(f"claim / screening machine time per decision: "
              f"{claim.machine_seconds / screening.machine_seconds:.2f}; "
              f"{decided} decisions stored, {paid} compensations asked")
    return found


if __name__ == "__main__":
    run()
