"""A statement as the Transparency Database's record: per restriction, ground and path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation.domain import AutomatedDecision, Restriction, StatementGround, StatementSource
from moderation.tables import utcnow
from moderation.transparency_db import personal_data, records
from tests.statement_rows import make_bare_offer, make_statement

VALID_EAN13 = "5901234123457"


@pytest.mark.parametrize(("restriction", "field", "value", "end_field"), [
    (Restriction.REMOVAL, "decision_visibility", ["DECISION_VISIBILITY_CONTENT_REMOVED"],
     "end_date_visibility_restriction"),
    (Restriction.DISABLING, "decision_visibility", ["DECISION_VISIBILITY_CONTENT_DISABLED"],
     "end_date_visibility_restriction"),
    (Restriction.HOLD, "decision_visibility", ["DECISION_VISIBILITY_CONTENT_DISABLED"],
     "end_date_visibility_restriction"),
    (Restriction.DEMOTION, "decision_visibility", ["DECISION_VISIBILITY_CONTENT_DEMOTED"],
     "end_date_visibility_restriction"),
    (Restriction.SUSPENSION, "decision_account", "DECISION_ACCOUNT_SUSPENDED",
     "end_date_account_restriction"),
    (Restriction.TERMINATION, "decision_account", "DECISION_ACCOUNT_TERMINATED",
     "end_date_account_restriction"),
])
def test_each_restriction_is_its_decision_with_its_end(
        session: Session, restriction: Restriction, field: str, value: object,
        end_field: str) -> None:
    ends = utcnow() + timedelta(days=7)
    statement = make_statement(session, restriction=restriction, ends_at=ends)
    offer = session.get(records.Offer, statement.offer_id) if statement.offer_id else None
    record = records.build_record(statement, offer)
    assert record is not None
    assert record[field] == value
    assert record[end_field] == ends.date().isoformat()
    decisions = {"decision_visibility", "decision_monetary", "decision_provision",
                 "decision_account"}
    assert decisions & set(record) == {field}
    assert records.problems(record) == {}


def test_a_strike_alone_and_an_appeal_outcome_are_not_sent(session: Session) -> None:
    strike = make_statement(session, restriction=Restriction.STRIKE)
    upheld = make_statement(session, appeal_id=42)
    assert records.build_record(strike) is None
    assert records.build_record(upheld) is None


# The meaning of the three flags on every path, pinned: another platform sent one of them
# inverted for two and a half years.
@pytest.mark.parametrize(("path", "source", "detected", "decided", "expected"), [
    ("a blocking rule", StatementSource.OWN_INITIATIVE, True, AutomatedDecision.FULLY,
     ("SOURCE_VOLUNTARY", "Yes", "AUTOMATED_DECISION_FULLY")),
    ("a moderator on a screening case", StatementSource.OWN_INITIATIVE, True,
     AutomatedDecision.NOT_AUTOMATED,
     ("SOURCE_VOLUNTARY", "Yes", "AUTOMATED_DECISION_NOT_AUTOMATED")),
    ("a moderator confirming a proposal", StatementSource.OWN_INITIATIVE, True,
     AutomatedDecision.PARTIALLY, ("SOURCE_VOLUNTARY", "Yes", "AUTOMATED_DECISION_PARTIALLY")),
    ("a moderator on a rights holder's notice", StatementSource.NOTICE, False,
     AutomatedDecision.NOT_AUTOMATED,
     ("SOURCE_ARTICLE_16", "No", "AUTOMATED_DECISION_NOT_AUTOMATED")),
    ("a moderator on a trusted flagger's notice", StatementSource.TRUSTED_FLAGGER, False,
     AutomatedDecision.NOT_AUTOMATED,
     ("SOURCE_TRUSTED_FLAGGER", "No", "AUTOMATED_DECISION_NOT_AUTOMATED")),
    ("a moderator on an authority's order", StatementSource.OTHER_NOTIFICATION, False,
     AutomatedDecision.NOT_AUTOMATED,
     ("SOURCE_TYPE_OTHER_NOTIFICATION", "No", "AUTOMATED_DECISION_NOT_AUTOMATED")),
    ("a hold on a Safety Gate alert match", StatementSource.OTHER_NOTIFICATION, True,
     AutomatedDecision.FULLY, ("SOURCE_TYPE_OTHER_NOTIFICATION", "Yes",
                               "AUTOMATED_DECISION_FULLY")),
])
def test_source_and_automation_mean_what_they_say_on_every_path(
        session: Session, path: str, source: StatementSource, detected: bool,
        decided: AutomatedDecision, expected: tuple[str, str, str]) -> None:
    statement = make_statement(session, source_type=source.value, automated_detection=detected,
                               automated_decision=decided.value)
    record = records.build_record(statement)
    assert record is not None
    assert (record["source_type"], record["automated_detection"],
            record["automated_decision"]) == expected, path


@pytest.mark.parametrize(("ground", "present", "absent"), [
    (StatementGround.ILLEGAL, ("illegal_content_legal_ground", "illegal_content_explanation"),
     ("incompatible_content_ground", "incompatible_content_explanation")),
    (StatementGround.TERMS, ("incompatible_content_ground", "incompatible_content_explanation"),
     ("illegal_content_legal_ground", "illegal_content_explanation")),
])
def test_the_ground_carries_its_companions_only(session: Session, ground: StatementGround,
                                                present: tuple[str, ...],
                                                absent: tuple[str, ...]) -> None:
    record = records.build_record(make_statement(session, ground=ground.value))
    assert record is not None
    assert all(record.get(f) for f in present)
    assert not set(absent) & set(record)


def test_a_missing_legal_ground_is_refused_before_sending(session: Session) -> None:
    record = records.build_record(make_statement(session, content={}))
    assert record is not None
    assert "illegal_content_legal_ground" in records.problems(record)


@pytest.mark.parametrize(("gtins", "content_id"), [
    ([VALID_EAN13], {"EAN-13": VALID_EAN13}),
    (["96385074", VALID_EAN13], {"EAN-13": VALID_EAN13}),  # the EAN-8 is not an EAN-13
    (["96385074"], None),
    (["5901234123458"], None),  # a wrong check digit
    ([], None),
])
def test_content_id_only_for_a_valid_ean13(session: Session, gtins: list[str],
                                           content_id: dict[str, str] | None) -> None:
    offer = make_bare_offer(session, gtins=gtins)
    record = records.build_record(make_statement(session, offer=offer), offer)
    assert record is not None
    assert record.get("content_id") == content_id
    assert record["content_type"] == ["CONTENT_TYPE_PRODUCT"]


def test_an_account_restriction_is_no_product(session: Session) -> None:
    record = records.build_record(make_statement(session, restriction=Restriction.SUSPENSION))
    assert record is not None
    assert record["content_type"] == ["CONTENT_TYPE_OTHER"]
    assert record["content_type_other"]
    assert "content_id" not in record


def test_voluntary_sources_carry_no_identity_and_notices_may(session: Session) -> None:
    content = {"legal_ground": "Art. 9 EUTMR", "source_identity": "Urząd Ochrony Konkurencji"}
    own = records.build_record(make_statement(session, content=content))
    order = records.build_record(make_statement(
        session, content=content, source_type=StatementSource.OTHER_NOTIFICATION.value))
    assert own is not None and order is not None
    assert "source_identity" not in own
    assert order["source_identity"] == "Urząd Ochrony Konkurencji"


@pytest.mark.parametrize(("facts", "finding"), [
    ("The seller jan.kowalski@example.com was told.", "e-mail"),
    ("Call +48 600 123 456 for details.", "telephone"),
    ("Seller phone 600-123-456.", "telephone"),
    ("Seller phone 600123456.", "telephone"),
    ("Office (22) 123 45 67.", "telephone"),
    ("Decided by demo-moderator after a call.", "name"),
])
def test_personal_data_in_free_text_is_refused(session: Session, facts: str,
                                               finding: str) -> None:
    record = records.build_record(make_statement(session, facts=facts))
    assert record is not None
    found = records.problems(record, names=personal_data.names_pattern(["demo-moderator"]))
    assert finding in " ".join(found["decision_facts"])


@pytest.mark.parametrize("facts", [
    # A trade mark's registration number is public and no telephone (Polish ones never
    # start with 0); found by the notice path, whose facts cite the right.
    "Reported in a notice N-2026-000001 (counterfeit, citing trademark EUIPO 000000003).",
    "Citing trademark EUIPO 018123456.",
    "Safety Gate alert A12/00123/25, EAN 5901234123457.",
])
def test_registration_and_product_numbers_are_not_personal_data(session: Session,
                                                                facts: str) -> None:
    record = records.build_record(make_statement(session, facts=facts))
    assert record is not None
    assert records.problems(record) == {}


def test_long_texts_are_cut_to_the_databases_limits(session: Session) -> None:
    record = records.build_record(make_statement(session, facts="słowo " * 2000))
    assert record is not None
    assert len(record["decision_facts"]) <= 5000
    assert record["decision_facts"].endswith("…")
    assert records.problems(record) == {}
