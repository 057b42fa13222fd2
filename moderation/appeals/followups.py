"""What the appeals programme does when an appeal's case is decided."""

from __future__ import annotations

from moderation.appeals.settlement import settle_appeal
from moderation.cases import Followup
from moderation.domain import SourceKind


def decision_followups() -> tuple[Followup, ...]:
    """The programme's steps after a closing decision, in the order they run."""
    return (Followup(SourceKind.APPEAL, settle_appeal),)
