"""One offer with a 100 KB title screens in bounded time, and its brand still counts."""

from __future__ import annotations

import time

import pytest

from moderation.screening.screener import Screener
from rules.types import OfferText

# Letters no brand or phrase is made of, in no run of three (the normaliser cuts those).
FILLER = "qxzw" * 12_500  # one 50 KB word: the shape that took 74 s in `moderation screen`


@pytest.mark.parametrize("title", [
    f"Zegarek Rolex replika {FILLER} {FILLER}",  # the brand at the start
    f"{FILLER} Zegarek Rolex replika {FILLER}",  # in the middle
    f"{FILLER} {FILLER} Zegarek Rolex replika",  # at the end
])
def test_a_100_kb_title_screens_in_bounded_time(live_screener: Screener, title: str) -> None:
    live_screener.assess([OfferText(title="warm-up")])  # artifacts loaded outside the clock
    started = time.perf_counter()
    _, (assessment,) = live_screener.assess([OfferText(title=title, price=300.0,
                                                       currency="PLN")])
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{elapsed:.1f} s for one offer"
    assert assessment.route.value == "block"
    assert any(h.rule_id.startswith("counterfeit.") for h in assessment.hits)
