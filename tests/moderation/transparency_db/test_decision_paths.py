"""REGRESSION: what the Transparency Database is told about automation and sources, for every
decision path as the service takes it (not for rows written by hand).

The statements' own flags are pinned in tests/moderation/statements/test_automation_flags.py;
this pins their translation into the database's words, and that each record passes the
database's rules and the personal-data check, so a path that breaks either fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from moderation.tables import Offer, Seller, TdbSubmission
from moderation.transparency_db import records
from moderation.transparency_db.submissions import known_names, sources
from tests.statement_builders import PATHS

# path: (automated_detection, automated_decision, source_type) as the database gets them;
# None: the database records no such statement.
EXPECTED = {
    "rule block": ("Yes", "AUTOMATED_DECISION_FULLY", "SOURCE_VOLUNTARY"),
    "removal, screening case from rules":
        ("Yes", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_VOLUNTARY"),
    "removal, screening case from the model":
        ("Yes", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_VOLUNTARY"),
    "removal on a notice": ("No", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_ARTICLE_16"),
    "removal on a trusted flagger's notice":
        ("No", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_TRUSTED_FLAGGER"),
    "removal, screening case a notice joined":
        ("Yes", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_ARTICLE_16"),
    "removal on a safety alert match":
        ("Yes", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_TYPE_OTHER_NOTIFICATION"),
    "removal on an authority order":
        ("Yes", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_TYPE_OTHER_NOTIFICATION"),
    "removal on a consumer ombudsman's notice":
        ("Yes", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_ARTICLE_16"),
    "counter-notice rejected": ("No", "AUTOMATED_DECISION_NOT_AUTOMATED", "SOURCE_ARTICLE_16"),
    "hold on an alert match":
        ("Yes", "AUTOMATED_DECISION_FULLY", "SOURCE_TYPE_OTHER_NOTIFICATION"),
    "strike (warning)": None,  # a strike alone restricts nothing yet
    "suspension": ("No", "AUTOMATED_DECISION_PARTIALLY", "SOURCE_ARTICLE_16"),
}


def test_every_path_is_pinned() -> None:
    assert sorted(EXPECTED) == sorted(PATHS)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_each_decision_path_reaches_the_database_as_it_happened(session: Session,
                                                                 path: str) -> None:
    statement = PATHS[path](session)
    source = sources(session, [statement.id])[statement.id]
    offer: Offer | None = source.offer
    seller: Seller | None = source.seller
    record = records.build_record(statement, offer, seller)
    queued = session.query(TdbSubmission).filter_by(statement_id=statement.id).one_or_none()
    if EXPECTED[path] is None:
        assert record is None and queued is None
        return
    assert record is not None
    assert (record["automated_detection"], record["automated_decision"],
            record["source_type"]) == EXPECTED[path]
    assert records.problems(record, names=known_names(session, [source])) == {}
    # Written with the statement, in its transaction: nothing waits for a sweep to find it.
    assert queued is not None
