"""The database's rules refuse what the database refuses; the fake and the submitter share them."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.transparency_db import personal_data, validation

GOOD: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "illegal_content_legal_ground": "Art. 9 EUTMR",
    "illegal_content_explanation": "A counterfeit of a registered mark.",
    "content_type": ["CONTENT_TYPE_PRODUCT"],
    "content_id": {"EAN-13": "5901234123457"},
    "category": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "category_specification": ["KEYWORD_UNSAFE_PRODUCTS"],
    "territorial_scope": ["PL", "NO"],
    "content_language": "PL",
    "content_date": "2025-07-01",
    "application_date": "2025-07-02",
    "end_date_visibility_restriction": "2025-08-01",
    "decision_facts": "Matched Safety Gate alert A12/00123/25.",
    "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
    "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_FULLY",
    "puid": "sor-0b1c_2d",
}


def test_a_complete_record_is_accepted() -> None:
    assert validation.statement_errors(GOOD) == {}


@pytest.mark.parametrize(("change", "field"), [
    ({"decision_visibility": ["DECISION_VISIBILITY_GONE"]}, "decision_visibility"),
    ({"decision_visibility": "DECISION_VISIBILITY_CONTENT_REMOVED"}, "decision_visibility"),
    ({"decision_visibility": None}, "decision_account"),  # no decision at all
    ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
    ({"decision_monetary": "DECISION_MONETARY_OTHER"}, "decision_monetary_other"),
    ({"decision_account": "DECISION_ACCOUNT_BANNED"}, "decision_account"),
    ({"decision_ground": "DECISION_GROUND_BAD"}, "decision_ground"),
    ({"illegal_content_legal_ground": None}, "illegal_content_legal_ground"),
    ({"illegal_content_explanation": ""}, "illegal_content_explanation"),
    ({"decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT"},
     "incompatible_content_ground"),
    ({"illegal_content_legal_ground": "x" * 501}, "illegal_content_legal_ground"),
    ({"illegal_content_explanation": "x" * 2001}, "illegal_content_explanation"),
    ({"decision_facts": "x" * 5001}, "decision_facts"),
    ({"decision_facts": None}, "decision_facts"),
    ({"content_type": []}, "content_type"),
    ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other"),
    ({"category": "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"}, "category"),  # v1 only
    ({"category_specification": ["KEYWORD_DANGEROUS_TOYS"]}, "category_specification"),
    ({"territorial_scope": ["PL", "US"]}, "territorial_scope"),
    ({"content_language": "pl"}, "content_language"),
    ({"content_date": "2025-7-1"}, "content_date"),
    ({"content_date": "1999-12-31"}, "content_date"),
    ({"application_date": "2019-12-31"}, "application_date"),
    ({"application_date": "2025-02-30"}, "application_date"),
    ({"end_date_visibility_restriction": "2025-07-01"}, "end_date_visibility_restriction"),
    ({"end_date_visibility_restriction": "2038-01-02"}, "end_date_visibility_restriction"),
    ({"source_type": "SOURCE_NOTICE"}, "source_type"),
    ({"automated_detection": "yes"}, "automated_detection"),
    ({"automated_decision": "Yes"}, "automated_decision"),
    ({"puid": "sor 1"}, "puid"),
    ({"puid": "a" * 501}, "puid"),
    ({"puid": None}, "puid"),
    ({"content_id": {"EAN-13": "5901234123458"}}, "content_id"),  # check digit
    ({"content_id": {"EAN-13": "96385074"}}, "content_id"),  # an EAN-8
    ({"content_id": {"GTIN": "5901234123457"}}, "content_id"),
    ({"content_id": "5901234123457"}, "content_id"),
    ({"decision_ground_reference_url": "not a url"}, "decision_ground_reference_url"),
])
def test_what_the_database_refuses(change: dict[str, Any], field: str) -> None:
    assert field in validation.statement_errors({**GOOD, **change})


@pytest.mark.parametrize(("payload", "key"), [
    ({}, "statements"),
    ({"statements": []}, "statements"),
    ({"statements": [GOOD] * 101}, "statements"),
    ({"statements": [GOOD, {**GOOD, "category": "X"}]}, "statement_1"),
])
def test_a_batch_is_refused_whole_or_by_statement(payload: dict[str, Any], key: str) -> None:
    errors = validation.batch_errors(payload)
    assert list(errors) == [key]


def test_a_batch_of_a_hundred_is_accepted() -> None:
    assert validation.batch_errors({"statements": [GOOD] * 100}) == {}
    assert validation.duplicate_puids(["a", "b", "a", "a"]) == ["a"]


@pytest.mark.parametrize(("text", "found"), [
    ("Write to seller@example.pl", ["an e-mail address"]),
    ("tel. +48 600 123 456", ["a telephone number"]),
    ("tel. 0048600123456", ["a telephone number"]),
    ("tel. 600 123 456", ["a telephone number"]),
    ("tel. (22) 123 45 67", ["a telephone number"]),
    ("tel. 600123456", ["a telephone number"]),
    ("Barcode 5901234123457 matched", []),  # a GTIN, not a telephone
    ("Alert A12/00123/25, order 2025/000123", []),
    ("Notice N-2025-000123 by the rights holder", []),
    ("Moderator Kowalski decided", ["a name of a person or account we know"]),
    ("Kowalskiego street", []),  # a longer word is not the name
])
def test_personal_data_is_found_and_product_numbers_are_not(text: str,
                                                             found: list[str]) -> None:
    names = personal_data.names_pattern(["Kowalski", "ab"])
    assert personal_data.findings(text, names=names) == found
