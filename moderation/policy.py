"""Routing policy: the only place where thresholds, priorities and deadlines live.

Rule hits and the model score become a route. Only a rule that says block may block; the
classifier alone can at most send an offer to review. The score cut-offs are not numbers
typed here but shares of lawful listings the model may send to review: the model bundle
knows, from scores it gave real listings of shops it did not train on, which score keeps to
that share with the most recall.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from models.score import Score
from moderation.domain import Assessment, CaseKind, CaseReason, Route
from rules.types import Hit, Outcome, Severity

# The model alone may send at most this share of real lawful listings to review (the rules
# send some more; together they must stay under half a percent of a lawful shop).
REVIEW_LAWFUL_SHARE = 0.002
# Above the score that only this share of lawful listings reaches, the case jumps the queue.
URGENT_LAWFUL_SHARE = 0.0005

SEVERITY_PRIORITY = {Severity.CRITICAL: 1, Severity.HIGH: 2, Severity.MEDIUM: 3, Severity.LOW: 4}
MODEL_PRIORITY = 3
MODEL_URGENT_PRIORITY = 2
# Time to decide, by priority (1 most urgent). DSA asks for "timely"; these are our promise.
REVIEW_SLA = {
    1: timedelta(hours=4),
    2: timedelta(hours=12),
    3: timedelta(hours=24),
    4: timedelta(hours=48),
    5: timedelta(hours=72),
}
MODEL_REASON = CaseReason.MODEL_SCORE.value
# Offers held for a person whatever else says: a suspended or terminated seller's new
# offers, a product matching an active safety alert (surely, or as the learned matcher
# judges it: the priorities of the cases an arriving alert opens), one removed before.
HELD_SELLER_REASON = CaseReason.SELLER_SUSPENDED.value
HOLD_PRIORITY = {CaseReason.SAFETY_ALERT_MATCH.value: 1, CaseReason.REMOVED_BEFORE.value: 2,
                 CaseReason.SAFETY_ALERT_POSSIBLE.value: 3, HELD_SELLER_REASON: 3}


# Cases the programmes open, by kind and source: priority (1 most urgent) and time to decide.
# A lead takes an escalated case first.
ESCALATED_PRIORITY = 1
# A rights holder's notice; a trusted notifier's goes ahead (its due time is a setting).
NOTICE_PRIORITY = 3
FAST_TRACK_PRIORITY = 1
# A seller contesting a removal on a notice.
COUNTER_NOTICE_PRIORITY = 2
COUNTER_NOTICE_DUE = timedelta(hours=48)
# An appeal (DSA art. 20): ahead of ordinary screening, with three days to answer; it may be
# filed within APPEAL_MONTHS of being told about the decision (below).
APPEAL_PRIORITY = 2
APPEAL_DUE = timedelta(hours=72)
# An offer matching a safety alert: surely (urgent), or as the learned matcher judges it.
SAFETY_MATCH_PRIORITY = {"high": 1, "medium": 3}
# An alert arriving later holds the shown offers it surely matches (they are not shown
# until a moderator decides) when its risk is one of these; its other matches open cases
# while the offer stays shown. New offers are held on any hold of HOLD_PRIORITY.
HOLDING_RISK_LEVELS = frozenset({"serious"})


def alert_holds(risk_level: str) -> bool:
    """Whether a sure match with an alert of this risk level holds an offer already shown."""
    return risk_level.strip().casefold() in HOLDING_RISK_LEVELS


# An alert with no deadline of its own (an authority's order always has one).
SAFETY_DUE = timedelta(days=3)

# Statements of reasons and appeals: the internal appeal stays open this many months from
# the statement (DSA art. 20(1): "at least six months").
APPEAL_MONTHS = 6
# Repeat infringers (DSA art. 23): strikes count as one infringement, one rung of the
# ladder, when they come from the same notice, or arrive within this long of the strike that
# took the seller's last rung. Why a day: a rights holder's sweep or a moderator's afternoon
# on one seller's listings finds many offers at once, and the seller can only change course
# after being told of the rung (its statement written and sent); a day gives that message
# time to arrive and be read, so a warning always comes before a suspension, and a
# suspension before a longer one, for infringements the seller went on with after being told.
STRIKE_EPISODE = timedelta(hours=24)
# The DSA Transparency Database's published limit for an authenticated platform: 6,000
# requests a minute (its RouteServiceProvider, `Limit::perMinute(6000)`), so at most one
# request every 10 ms; a 429's Retry-After is honoured up to the limiter's one-minute window.
TDB_MIN_REQUEST_INTERVAL = timedelta(milliseconds=10)
TDB_RETRY_AFTER_CAP = timedelta(seconds=60)
# A 429 is waited out within the job this many times; then the batch waits for the sweep.
TDB_RATE_LIMIT_WAITS = 3
# After a 5xx, a timeout or a refused connection: 30 s, doubling, at most 6 hours.
TDB_FIRST_BACKOFF = timedelta(seconds=30)
TDB_MAX_BACKOFF = timedelta(hours=6)
# A batch posted without an answer recorded is in flight for twice the request timeout and
# this margin; after that, another job takes its outcome as unknown and looks it up.
TDB_IN_FLIGHT_MARGIN = timedelta(seconds=1)


def notice_case(*, trusted: bool, fast_track_due: timedelta, ordinary_due: timedelta
                ) -> tuple[int, timedelta]:
    """The priority and time to decide of a case a notice opens."""
    return (FAST_TRACK_PRIORITY, fast_track_due) if trusted else (NOTICE_PRIORITY, ordinary_due)


@dataclass(frozen=True, slots=True)
class Policy:
    """Score cut-offs resolved against one model bundle."""

    review_threshold: float
    urgent_threshold: float
    sla: dict[int, timedelta] = field(default_factory=lambda: dict(REVIEW_SLA))

    @classmethod
    def for_thresholds(cls, threshold_for: Callable[[float], float]) -> Policy:
        """Resolve the lawful-share targets through a bundle's `threshold_for(share)`."""
        review = float(threshold_for(REVIEW_LAWFUL_SHARE))
        urgent = max(review, float(threshold_for(URGENT_LAWFUL_SHARE)))
        return cls(review_threshold=review, urgent_threshold=urgent)

    def route(self, hits: Sequence[Hit], score: Score, *, hold: str | None = None,
              model_routes: bool = True) -> Assessment:
        """Turn one offer's rule hits and score into an assessment.

        A hold (a key of HOLD_PRIORITY) sends to review what would be allowed, and raises
        a review's priority when it is the more urgent reason; a block stays a block.
        Without `model_routes` (its version is in shadow) the score is kept as evidence
        but sends nothing to review.
        """
        assessment = self._route(hits, score, model_routes=model_routes)
        if hold is None or assessment.route is Route.BLOCK:
            return assessment
        priority = HOLD_PRIORITY[hold]
        if assessment.route is Route.REVIEW and assessment.priority is not None and (
                assessment.priority <= priority):
            return assessment
        return Assessment(Route.REVIEW, priority, self.sla[priority], hold, None,
                          tuple(hits), score)

    def flags_model(self, score: Score) -> bool:
        """Whether the score alone is high enough to send an offer to review."""
        return score.value >= self.review_threshold

    def _route(self, hits: Sequence[Hit], score: Score, *, model_routes: bool) -> Assessment:
        blocking = [h for h in hits if h.outcome is Outcome.BLOCK]
        if blocking:
            top = min(blocking, key=_hit_rank)
            return Assessment(Route.BLOCK, None, None, top.reason_code,
                              top.statement_category, tuple(hits), score)
        reviewing = [h for h in hits if h.outcome is Outcome.REVIEW]
        allowing = [h for h in hits if h.outcome is Outcome.ALLOW]
        model_flags = model_routes and self.flags_model(score) and not allowing
        if reviewing or model_flags:
            priority = min((_hit_priority(h) for h in reviewing), default=5)
            if model_flags:
                model_priority = (MODEL_URGENT_PRIORITY if score.value >= self.urgent_threshold
                                  else MODEL_PRIORITY)
                priority = min(priority, model_priority)
            if reviewing:
                top = min(reviewing, key=_hit_rank)
                reason, category = top.reason_code, top.statement_category
            else:
                reason, category = MODEL_REASON, None
            return Assessment(Route.REVIEW, priority, self.sla[priority], reason, category,
                              tuple(hits), score)
        return Assessment(Route.ALLOW, None, None, "CLEAN", None, tuple(hits), score)


def _hit_priority(hit: Hit) -> int:
    return hit.priority if hit.priority is not None else SEVERITY_PRIORITY[hit.severity]


def _hit_rank(hit: Hit) -> tuple[int, str]:
    return (_hit_priority(hit), hit.rule_id)


# --- Buyer Protection Programme: discussions and claims (issue 14, part B) ---
# The seller's time to answer a buyer's discussion; after it (or on the seller's refusal)
# the buyer may take the discussion to the platform as a claim.
SELLER_ANSWER_DUE = timedelta(hours=72)
# A claim's time to decide: the programme promises compensation on average within 5 days,
# 12 hours for customers of the fast-delivery subscription. The due times are those targets,
# so the queue's deadline colours show a claim late when the promise is broken.
CLAIM_DUE = timedelta(days=5)
CLAIM_FAST_TRACK_DUE = timedelta(hours=12)


# --- Support standards (issue 14, part E): answer times on every queue, close the loop ---
# How long a case of each kind may wait for its answer (the first decision a person takes on
# it, or its closing). Where a programme already promises a due time, the target is that
# promise; the support queues take the published 6 h. A kind without a target fails a test.
ANSWER_TARGET: dict[CaseKind, timedelta] = {
    CaseKind.SCREENING: REVIEW_SLA[3],  # the ordinary review's day (priority 3)
    CaseKind.NOTICE: timedelta(hours=24),  # an ordinary notice (a trusted one goes ahead)
    CaseKind.COUNTER_NOTICE: COUNTER_NOTICE_DUE,
    CaseKind.SAFETY: SAFETY_DUE,
    CaseKind.APPEAL: APPEAL_DUE,
    # The programme publishes "on average within 5 days" for the platform's decision.
    CaseKind.BUYER_CLAIM: CLAIM_DUE,
    # A seller's report of a buyer's comment is a request to support: the published 6 h.
    CaseKind.FEEDBACK_REPORT: timedelta(hours=6),
}
# The published standard: this share of requests answered within this long. The programme
# report shows every queue against these bands.
SUPPORT_STANDARD: tuple[tuple[timedelta, float], ...] = (
    (timedelta(hours=4), 0.81),
    (timedelta(hours=6), 0.85),
)
ANSWER_BANDS = tuple(band for band, _share in SUPPORT_STANDARD)
# A rating of support given as a score (1 to 5) is negative at or below this.
SUPPORT_SCORE_MAX = 5
SUPPORT_NEGATIVE_SCORE = 2
# "Close the loop": a lead contacts whoever rated support negatively within this long.
CLOSE_THE_LOOP_DUE = timedelta(hours=24)
# Net Promoter Score: promoters answer 9 or 10, detractors 0 to 6 (out of 10).
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


# --- Feedback (issue 14, helper D: moderation/buyers/feedback*.py, seller_quality.py) ---
# A buyer may rate an order for this long after ordering (the marketplace's promise).
FEEDBACK_WINDOW = timedelta(days=90)
# Buyers who have not rated are reminded this long before the window closes, once.
FEEDBACK_REMINDER_BEFORE = timedelta(days=7)
# The seller's quality shown to buyers covers this much of the past (ratings, upheld claims).
SELLER_QUALITY_PERIOD = timedelta(days=365)
# A seller's report of a comment: a case of its own, after the offers' urgent work (a comment
# harms less than an unsafe product).
FEEDBACK_REPORT_PRIORITY = 4
# A seller's report is a request to support: answered within the published 6 h, the queue's
# own answer-time target (so the case's due time and the report's target agree).
FEEDBACK_REPORT_DUE = ANSWER_TARGET[CaseKind.FEEDBACK_REPORT]
FEEDBACK_REPORT_REASON = "FEEDBACK_REPORTED"


# Buyer Protection: compensation, fraud, strikes.
# Fraud signals on a claim look back this long: a buyer with this many claims on other
# orders in the window (the one being opened not counted), a seller with this many claims
# upheld against them. Why 90 days and these counts: over 97% of discussions settle with
# the seller, so an honest buyer opens a claim a few times a year at most; five upheld in a
# quarter is a seller whose buyers keep being found right.
FRAUD_WINDOW = timedelta(days=90)
BUYER_MANY_CLAIMS = 3
SELLER_MANY_UPHELD = 5
# A claim on an offer removed (or blocked) for one of these: counterfeit by its reason code
# (a moderator's COUNTERFEIT, the rules' COUNTERFEIT_*), unsafe by its DSA category.
COUNTERFEIT_REASON_PREFIX = "COUNTERFEIT"
UNSAFE_CATEGORIES = frozenset({"STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"})
# Fraud signals, most telling first: the order a case shows them in and how many priority
# steps each raises the claim.
FRAUD_SIGNAL_WEIGHT = {"OFFER_REMOVED_UNSAFE": 2, "OFFER_REMOVED_COUNTERFEIT": 2,
                       "SELLER_MANY_UPHELD": 1, "BUYER_MANY_CLAIMS": 1}
# A claim's priority before signals: the fast track (12 hours promised) ahead of the rest.
CLAIM_BASE_PRIORITY = {True: 2, False: 4}
# A compensation asked of the marketplace is expected paid (confirmed) within this long:
# the programme promises payment on average within 5 days of the claim, 12 hours on the
# fast track, and the payment itself is the marketplace's part, so a day without its
# confirmation is something for an operator to look at.
COMPENSATION_CONFIRM_WITHIN = timedelta(hours=24)
# A confirmation dated this far past our clock is refused: the marketplace's clock is wrong,
# or the field holds something else.
PAYMENT_CLOCK_SKEW = timedelta(minutes=5)
# Upheld claims count as strikes on the repeat-infringer ladder: every this many upheld
# against a seller within the window (counted from the seller's last strike for claims, so
# one set of claims is never a strike twice) is one strike. Why five in 90 days: as many as
# make the fraud signal, so a seller is flagged on claims before being struck for them.
CLAIM_STRIKE_WINDOW = timedelta(days=90)
CLAIM_STRIKE_THRESHOLD = 5
