"""Statements for restrictions of a seller's account: the rungs of the repeat-infringer
ladder (DSA art. 23), each of which a seller may appeal.

What automation did, for every rung: the infringements were found as the removals behind
them were (a notice naming the offer: not automated detection; our screening: automated),
and a person decided each removal, while the rung follows from the count by our rules
without a person: a partially automated decision.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.domain import AutomatedDecision, Restriction, StatementSubject
from moderation.statements.basis import notice_facts, source_of
from moderation.statements.content import Draft
from moderation.statements.grounds import REPEAT_INFRINGER, ground_for
from moderation.statements.render import language_of
from moderation.statements.writer import Recipient, Written, write
from moderation.tables import Decision, Notice, Right, Seller, Strike

# The kinds of message each rung goes out as (the marketplace already reads these).
KINDS = {Restriction.STRIKE: "seller.strike_warning", Restriction.SUSPENSION: "seller.suspended",
         Restriction.TERMINATION: "seller.terminated"}


def rung_statement(session: Session, *, seller: Seller, restriction: Restriction,
                   strike: Strike, strikes: int, starts_at: datetime,
                   ends_at: datetime | None = None, next_step: dict[str, Any] | None = None,
                   message: dict[str, Any] | None = None) -> Written:
    """The statement of a warning (a strike), a suspension (with its end) or a termination,
    for the strike that reached the rung; `strikes` counts distinct infringements."""
    decision = session.get(Decision, strike.decision_id)
    assert decision is not None
    notices = []
    if strike.notice_id is not None:
        found = session.execute(
            select(Notice, Right).join(Right, Right.id == Notice.right_id, isouter=True)
            .where(Notice.id == strike.notice_id)).first()
        if found is not None:
            notices = [notice_facts(found[0], found[1])]
    removal = ground_for(decision.reason_code, decision.statement_category)
    # The terms' repeat-infringer clause, filed under the category of what was infringed.
    ground = replace(REPEAT_INFRINGER, category=removal.category, keywords=removal.keywords)
    facts: dict[str, Any] = {"reason_code": decision.reason_code, "strikes": strikes,
                             "removals": [decision.id]}
    if notices:
        facts["notices"] = notices
    draft = Draft(
        subject=StatementSubject.ACCOUNT, restriction=restriction, ground=ground,
        category=ground.category, source_type=source_of(notices, []),
        automated_detection=not notices, automated_decision=AutomatedDecision.PARTIALLY,
        starts_at=starts_at, ends_at=ends_at, facts=facts, decision_id=decision.id,
        extra={"account": {"strikes": strikes, "next_step": next_step}})
    to = Recipient(seller.id, seller.external_id, language_of(seller.language))
    return write(session, draft, to, kind=KINDS[restriction], strike_id=strike.id,
                 message=message)
