from __future__ import annotations

import pytest

from models.bundle import Score
from moderation.domain import Route
from moderation.policy import (
    HELD_SELLER_REASON,
    MODEL_REASON,
    REVIEW_LAWFUL_SHARE,
    REVIEW_SLA,
    URGENT_LAWFUL_SHARE,
    Policy,
)
from rules.types import Hit, Outcome, Severity

POLICY = Policy(review_threshold=0.6, urgent_threshold=0.9)


def hit(outcome: Outcome, *, priority: int | None = None, severity: Severity = Severity.MEDIUM,
        rule: str = "r") -> Hit:
    return Hit(rule_id=rule, outcome=outcome, severity=severity, reason_code=f"{rule.upper()}",
               statement_category="STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
               priority=priority)


@pytest.mark.parametrize(
    ("hits", "score", "route", "priority"),
    [
        ([], 0.1, Route.ALLOW, None),
        ([], 0.7, Route.REVIEW, 3),  # the model alone can send to review...
        ([], 0.99, Route.REVIEW, 2),  # ...urgently, but never block
        ([hit(Outcome.REVIEW, priority=4)], 0.1, Route.REVIEW, 4),
        ([hit(Outcome.REVIEW, priority=4)], 0.95, Route.REVIEW, 2),
        ([hit(Outcome.REVIEW, severity=Severity.CRITICAL)], 0.1, Route.REVIEW, 1),
        ([hit(Outcome.REVIEW, priority=3), hit(Outcome.BLOCK, rule="b")], 0.1, Route.BLOCK, None),
        ([hit(Outcome.ALLOW)], 0.99, Route.ALLOW, None),  # an allow rule outweighs the model
        ([hit(Outcome.ALLOW), hit(Outcome.REVIEW, priority=5)], 0.1, Route.REVIEW, 5),
    ],
)
def test_route(hits: list[Hit], score: float, route: Route, priority: int | None) -> None:
    a = POLICY.route(hits, Score(value=score, features=()))
    assert (a.route, a.priority) == (route, priority)
    if route is Route.REVIEW:
        assert priority is not None and a.due_in == REVIEW_SLA[priority]


def test_reason_comes_from_the_most_urgent_rule_or_the_model() -> None:
    hits = [hit(Outcome.REVIEW, priority=4, rule="low"), hit(Outcome.REVIEW, priority=2,
                                                             rule="high")]
    assert POLICY.route(hits, Score(0.0, ())).reason_code == "HIGH"
    assert POLICY.route([], Score(0.8, ())).reason_code == MODEL_REASON


def test_thresholds_come_from_the_bundles_lawful_share_table() -> None:
    table = {REVIEW_LAWFUL_SHARE: 0.7, URGENT_LAWFUL_SHARE: 0.93}
    policy = Policy.for_thresholds(lambda share: table[share])
    assert (policy.review_threshold, policy.urgent_threshold) == (0.7, 0.93)
    # The policy lets the model alone send a small share of lawful shops to review.
    assert URGENT_LAWFUL_SHARE < REVIEW_LAWFUL_SHARE <= 0.005


@pytest.mark.parametrize(
    ("hits", "score", "route", "reason"),
    [
        ([], 0.1, Route.REVIEW, HELD_SELLER_REASON),  # clean, but the seller is suspended
        ([hit(Outcome.ALLOW)], 0.1, Route.REVIEW, HELD_SELLER_REASON),
        ([hit(Outcome.REVIEW, priority=2, rule="x")], 0.1, Route.REVIEW, "X"),
        ([hit(Outcome.BLOCK, rule="b")], 0.1, Route.BLOCK, "B"),
    ],
)
def test_offers_of_a_held_seller_always_reach_a_person(hits: list[Hit], score: float,
                                                       route: Route, reason: str) -> None:
    assessment = POLICY.route(hits, Score(score, ()), hold=HELD_SELLER_REASON)
    assert (assessment.route, assessment.reason_code) == (route, reason)
