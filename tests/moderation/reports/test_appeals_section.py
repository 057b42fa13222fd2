"""Section 7 counts appeals by what their own rows say they contest."""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation.local_time import warsaw_date
from moderation.reports import appeals as section
from moderation.reports.sql import Period
from moderation.tables import Offer
from tests import appeal_builders as ab


def test_appeals_are_counted_by_what_they_contest(session: Session) -> None:
    block = ab.automatic_block(session)
    ab.seller_appeal(session, block)
    # A suspension's statement, appealed by its puid: an account restriction, not a removal.
    other = ab.automatic_block(session)
    seller = session.get_one(Offer, other.offer_id).seller
    suspension = ab.statement(session, seller_id=seller.id, restriction="suspension",
                              decision=other)
    ab.seller_appeal(session, puid=suspension.puid, seller=seller.external_id)
    # The report's days are Warsaw's: between 23:00 and 24:00 UTC (in winter) it is
    # already tomorrow there, and the UTC date's period held none of these appeals.
    today = warsaw_date()
    found = section.appeals(session, Period(today, today))
    assert found[(section.ALL, section.TOTAL_NUMBER)][0] == 2
    assert found[(section.ON_REMOVAL, section.TOTAL_NUMBER)][0] == 1
    assert found[(section.ON_ACCOUNT, section.TOTAL_NUMBER)][0] == 1
    assert found[(section.ON_NOTICE, section.TOTAL_NUMBER)][0] == 0
