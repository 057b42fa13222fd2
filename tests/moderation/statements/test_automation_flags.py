"""REGRESSION: what every decision path says about automation and what set it off.

Another platform told the Transparency Database its decisions were automated when they were
not (and the other way round) for two and a half years. These flags are pinned here, one row
per path; a change to any of them must change this table on purpose.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.statement_builders import PATHS

# path: (restriction, automated_detection, automated_decision, source_type)
EXPECTED = {
    # A rule found it and a rule decided it: no person at all.
    "rule block": ("disabling", True, "fully", "own_initiative"),
    # Screening found it, a person decided.
    "removal, screening case from rules": ("removal", True, "not", "own_initiative"),
    "removal, screening case from the model": ("removal", True, "not", "own_initiative"),
    # A notice named the offer: nothing automated found it.
    "removal on a notice": ("removal", False, "not", "notice"),
    "removal on a trusted flagger's notice": ("removal", False, "not", "trusted_flagger"),
    # Screening found it before the notice came: detection was automated, the notice set
    # the decision off.
    "removal, screening case a notice joined": ("removal", True, "not", "notice"),
    # Alerts and orders describe a product; our matching engine found the offer.
    "removal on a safety alert match": ("removal", True, "not", "other_notification"),
    "removal on an authority order": ("removal", True, "not", "other_notification"),
    "removal on a consumer ombudsman's notice": ("removal", True, "not", "notice"),
    # The removal stands on the notice behind it; a person reviewed the counter-notice.
    "counter-notice rejected": ("removal", False, "not", "notice"),
    # The system holds the offer by itself.
    "hold on an alert match": ("hold", True, "fully", "other_notification"),
    # A person upheld the notice behind the strike; the rung follows from the count.
    "strike (warning)": ("strike", False, "partially", "notice"),
    "suspension": ("suspension", False, "partially", "notice"),
}


def test_every_path_is_pinned() -> None:
    assert sorted(EXPECTED) == sorted(PATHS)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_automation_flags_and_source_of_each_decision_path(session: Session, path: str) -> None:
    statement = PATHS[path](session)
    got = (statement.restriction, statement.automated_detection, statement.automated_decision,
           statement.source_type)
    assert got == EXPECTED[path]
    # The JSON the seller's webhook carried says the same as the row.
    content = statement.content
    assert (content["restriction"], content["automated_detection"],
            content["automated_decision"], content["source_type"]) == EXPECTED[path]
