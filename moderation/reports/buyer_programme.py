"""The Buyer Protection Programme's published figures, from its own data, for a period.

- Discussions settled without the platform: of the discussions that ended in the period
  (settled between buyer and seller, or escalated to a claim), the share settled.
- Transactions per compensated claim: orders placed in the period per claim first paid in it.
- Time to compensation: from the claim's opening to the first payment the marketplace
  confirmed on it (paid_at), median and mean, for the fast track and for the rest, over the
  claims first paid in the period.
- NPS of buyers who used the programme (moderation.support.surveys).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import DiscussionStatus
from moderation.reports.sql import Period, medians, seconds_between
from moderation.support import surveys
from moderation.tables import Claim, Compensation, Discussion, Order

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class TimeToCompensation:
    """Claims first paid in the period on one track, and how long they took, in days."""

    fast_track: bool
    paid: int
    median_days: float | None
    mean_days: float | None


@dataclass(frozen=True, slots=True)
class BuyerProgramme:
    discussions_ended: int
    settled_without_platform: int
    orders: int
    compensated_claims: int
    compensation: tuple[TimeToCompensation, TimeToCompensation]  # fast track, then the rest
    nps: surveys.Nps

    @property
    def settled_share(self) -> float | None:
        ended = self.discussions_ended
        return self.settled_without_platform / ended if ended else None

    @property
    def orders_per_compensated_claim(self) -> float | None:
        claims = self.compensated_claims
        return self.orders / claims if claims else None


def _discussions(session: Session, period: Period) -> tuple[int, int]:
    settled = (Discussion.status == DiscussionStatus.SETTLED.value) & period.holds(
        Discussion.settled_at)
    escalated = (Discussion.status == DiscussionStatus.ESCALATED.value) & period.holds(
        Discussion.escalated_at)
    ended, settled_n = session.execute(
        select(func.count(), func.count().filter(settled)).where(settled | escalated)).one()
    return int(ended), int(settled_n)


def _compensation(session: Session, period: Period
                  ) -> tuple[TimeToCompensation, TimeToCompensation]:
    # A claim paid twice (a partial payment, then more after an appeal) counts at its first.
    first_paid = (select(Compensation.claim_id.label("claim_id"),
                         func.min(Compensation.paid_at).label("paid_at"))
                  .where(Compensation.paid_at.is_not(None))
                  .group_by(Compensation.claim_id).subquery())
    took = seconds_between(session, first_paid.c.paid_at, Claim.opened_at)
    rows = (select(Claim.fast_track.label("fast_track"), took.label("took"))
            .join(first_paid, first_paid.c.claim_id == Claim.id)
            .where(period.holds(first_paid.c.paid_at))).subquery()
    middle = {bool(k): v for k, v in medians(
        session, select(rows.c.fast_track, rows.c.took)).items()}
    counted = {bool(k): (int(n), m) for k, n, m in session.execute(
        select(rows.c.fast_track, func.count(), func.avg(rows.c.took))
        .group_by(rows.c.fast_track))}

    def track(fast: bool) -> TimeToCompensation:
        n, mean = counted.get(fast, (0, None))
        median = middle.get(fast)
        return TimeToCompensation(fast, n, None if median is None else median / DAY,
                                  None if mean is None else float(mean) / DAY)

    return track(True), track(False)


def build(session: Session, period: Period) -> BuyerProgramme:
    """Compute the programme's published figures for the period."""
    ended, settled = _discussions(session, period)
    orders = session.scalar(select(func.count()).select_from(Order)
                            .where(period.holds(Order.ordered_at))) or 0
    fast, rest = _compensation(session, period)
    return BuyerProgramme(
        discussions_ended=ended, settled_without_platform=settled, orders=int(orders),
        compensated_claims=fast.paid + rest.paid, compensation=(fast, rest),
        nps=surveys.programme_nps(session, since=period.since, until=period.until))


def rows(report: BuyerProgramme) -> list[tuple[str, str, str, str]]:
    """The figures as (section, indicator, scope, value) rows, as the programme report's."""
    def num(value: float | None, digits: int = 4) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    section = "buyer protection"
    out = [(section, "discussions ended", "total", str(report.discussions_ended)),
           (section, "share settled without the platform", "total",
            num(report.settled_share)),
           (section, "orders", "total", str(report.orders)),
           (section, "claims compensated", "total", str(report.compensated_claims)),
           (section, "orders per compensated claim", "total",
            num(report.orders_per_compensated_claim, 1))]
    for t in report.compensation:
        scope = "fast track" if t.fast_track else "other claims"
        out += [(section, "claims paid", scope, str(t.paid)),
                (section, "median days to compensation", scope, num(t.median_days, 2)),
                (section, "mean days to compensation", scope, num(t.mean_days, 2))]
    nps = report.nps
    out += [(section, "survey respondents who used the programme", "buyers",
             str(nps.respondents)),
            (section, "NPS", "buyers who used the programme", num(nps.score, 1))]
    return out
