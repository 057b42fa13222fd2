"""The programmes composed: what each does when a case of its own is decided.

Review decides cases without importing a programme; the edge (a route, a page, a test) asks
this module for the follow-ups and hands them to `review.decisions.decide`. Product safety
has no step after a decision (an authority reads its cases' decisions as they stand).
"""

from __future__ import annotations

from functools import cache

from moderation.appeals import followups as appeal_followups
from moderation.buyers import feedback_reports
from moderation.cases import DecisionFollowups
from moderation.protection import followups as rights_followups


@cache
def decision_followups() -> DecisionFollowups:
    """Every programme's steps after a closing decision, in the order they run: an appeal is
    settled first, so that the other programmes' steps read its outcome."""
    return DecisionFollowups(appeal_followups.decision_followups()
                             + rights_followups.decision_followups()
                             + feedback_reports.decision_followups())
