"""The decision on a buyer's claim, told to both sides: the buyer and the seller each get the
same facts in their own language, with how to appeal.

Not a statement of reasons under DSA art. 17 (a claim restricts no content: no row, no
Transparency Database submission); the text is rendered from the message's JSON content as
statements are, so it never says more or less than the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from moderation import outbox
from moderation.statements.content import appeal_until
from moderation.statements.render import language_of, render_named
from moderation.tables import OutboxMessage, utcnow


@dataclass(frozen=True, slots=True)
class Party:
    """One side of a claim: where the outbox reaches them and their language."""

    side: str  # "buyer" or "seller"
    recipient: str  # "buyer:<id>" or "seller:<id>"
    language: str | None


def claim_text(content: dict[str, Any], language: str | None = None) -> str:
    """The decision on a claim as text, in this language (by default the content's)."""
    lang = language_of(language or content.get("language"))
    return render_named(f"claim_{lang}.txt", content)


def claim_decision_told(session: Session, facts: dict[str, Any], parties: list[Party]
                        ) -> list[OutboxMessage]:
    """Queue the decision to each party (`<side>.claim_decision`), in the caller's transaction.

    `facts` names the claim, order, offer, reason, action, amount, currency, order value,
    note and decided_at (ISO); each party's message adds its side, language and appeal date.
    """
    until = appeal_until(datetime.fromisoformat(facts["decided_at"])).isoformat()
    sent = []
    for party in parties:
        content = {**facts, "side": party.side, "language": language_of(party.language),
                   "appeal_until": until, "told_at": utcnow().isoformat()}
        sent.append(outbox.notify(session, kind=f"{party.side}.claim_decision",
                                  recipient=party.recipient,
                                  payload={**content, "text": claim_text(content)}))
    return sent

