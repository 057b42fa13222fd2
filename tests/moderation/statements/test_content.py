"""What a statement says (DSA art. 17(3)), per decision path; its text in Polish and English;
no personal data in its facts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.domain import StatementCategory
from moderation.statements import render_text
from moderation.statements.content import add_months, appeal_until, redact
from moderation.statements.grounds import ground_for
from moderation.tables import OutboxMessage, Statement
from tests.factories import make_offer, screen_all
from tests.notice_builders import make_notice, remove_on_notice
from tests.statement_builders import PATHS, latest

_IP = StatementCategory.INTELLECTUAL_PROPERTY.value
_UNSAFE = StatementCategory.UNSAFE_AND_PROHIBITED.value
_TC = StatementCategory.OTHER_VIOLATION_TC.value

# path: (subject, ground, ground key, category, keywords, has an end, facts that must be named)
EXPECTED = {
    "rule block": ("offer", "illegal", "trademark", _IP, ["KEYWORD_TRADEMARK_INFRINGEMENT"],
                   False, ["counterfeit."]),
    "removal, screening case from rules": (
        "offer", "illegal", "trademark", _IP, ["KEYWORD_TRADEMARK_INFRINGEMENT"], False,
        ["counterfeit.weak_marker_with_brand", "pack-7"]),
    "removal, screening case from the model": (
        "offer", "illegal", "trademark", _IP, ["KEYWORD_TRADEMARK_INFRINGEMENT"], False,
        ["model-3", "0.91"]),
    "removal on a notice": ("offer", "illegal", "trademark", _IP,
                            ["KEYWORD_TRADEMARK_INFRINGEMENT"], False, ["N-20", "EUIPO"]),
    "removal on a trusted flagger's notice": (
        "offer", "illegal", "trademark", _IP, ["KEYWORD_TRADEMARK_INFRINGEMENT"], False,
        ["trusted flagger", "N-20"]),
    "removal, screening case a notice joined": (
        "offer", "illegal", "trademark", _IP, ["KEYWORD_TRADEMARK_INFRINGEMENT"], False,
        ["N-TEST-", "EUIPO"]),
    "removal on a safety alert match": ("offer", "illegal", "unsafe_product", _UNSAFE,
                                        ["KEYWORD_UNSAFE_PRODUCTS"], False,
                                        ["Safety Gate alert A12/", "risk serious"]),
    "removal on an authority order": ("offer", "illegal", "unsafe_product", _UNSAFE,
                                      ["KEYWORD_UNSAFE_PRODUCTS"], False,
                                      ["authority order DIH.", "risk serious"]),
    "removal on a consumer ombudsman's notice": (
        "offer", "illegal", "unsafe_product", _UNSAFE, ["KEYWORD_UNSAFE_PRODUCTS"], False,
        ["authority consumer RK."]),
    "counter-notice rejected": ("offer", "illegal", "trademark", _IP,
                                ["KEYWORD_TRADEMARK_INFRINGEMENT"], False,
                                ["Counter-notice CN-", "N-20"]),
    "hold on an alert match": ("offer", "illegal", "unsafe_product", _UNSAFE,
                               ["KEYWORD_UNSAFE_PRODUCTS"], False, ["Safety Gate alert A12/"]),
    "strike (warning)": ("account", "terms", "repeat_infringer", _IP,
                         ["KEYWORD_TRADEMARK_INFRINGEMENT"], False, ["Active strikes", "N-20"]),
    "suspension": ("account", "terms", "repeat_infringer", _IP,
                   ["KEYWORD_TRADEMARK_INFRINGEMENT"], True, ["N-20"]),
}


def test_every_path_has_its_content_pinned() -> None:
    assert sorted(EXPECTED) == sorted(PATHS)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_what_each_statement_says(session: Session, path: str) -> None:
    subject, ground, key, category, keywords, ends, named = EXPECTED[path]
    statement = PATHS[path](session)
    content = statement.content
    assert (statement.subject, statement.ground, content["ground"]["key"]) == (
        subject, ground, key)
    assert (statement.category, statement.category_specification) == (category, keywords)
    assert statement.territorial_scope == ["PL"] == content["territorial_scope"]
    assert (statement.ends_at is not None) is ends
    if ground == "illegal":
        assert content["ground"]["legal_ground"]
    assert content["ground"]["terms_ground"].startswith("Regulamin")
    for fact in named:
        assert fact in statement.facts, statement.facts
    appeal = content["redress"]["appeal"]
    assert appeal["url"] == f"http://127.0.0.1:8000/appeals/new?statement={statement.puid}"
    assert appeal["until"] == appeal_until(statement.starts_at).isoformat()
    assert appeal["api"] == "POST /v1/appeals"
    assert content["redress"]["out_of_court"] == "art. 21 DSA" and content["redress"]["court"]
    # The seller got the same content, and its text, in the statement's transaction.
    message = session.scalars(select(OutboxMessage).where(
        OutboxMessage.payload["puid"].as_string() == statement.puid)).one()
    assert {k: message.payload[k] for k in content} == content
    assert statement.puid in message.payload["text"]


def test_a_removal_on_a_notice_says_until_when_it_may_be_contested(session: Session) -> None:
    removed = remove_on_notice(session)
    statement = latest(session, decision_id=removed.decision.id, subject="offer")
    assert statement.content["counter_notice"]["until"]
    assert "counter-notice" in render_text(statement.content, "en")
    assert "sprzeciw" in render_text(statement.content, "pl")


def test_every_statement_has_its_own_puid(session: Session) -> None:
    for build in PATHS.values():
        build(session)
    puids = list(session.scalars(select(Statement.puid)))
    assert len(puids) == len(set(puids)) >= len(PATHS)


def test_no_personal_data_of_the_notifier_in_the_statement(session: Session) -> None:
    notice = make_notice(session, notifier_email="jan.kowalski@brand-protection.example")
    notice.notifier_name = "Jan Kowalski"
    removed = remove_on_notice(session, notice=notice)
    statement = latest(session, decision_id=removed.decision.id, subject="offer")
    message = session.scalars(select(OutboxMessage).where(
        OutboxMessage.payload["puid"].as_string() == statement.puid)).one()
    for text in (statement.facts, str(statement.content), str(message.payload),
                 render_text(statement.content, "pl"), render_text(statement.content, "en")):
        assert "Kowalski" not in text and "jan.kowalski" not in text
    assert notice.reference in statement.facts


@pytest.mark.parametrize(("note", "shown"), [
    ("Podróbka, zgłosił jan@example.com", "Podróbka, zgłosił […]"),
    ("Tel. +48 601 234 567 w opisie", "Tel. […] w opisie"),
    ("Logo i cena wskazują na podróbkę", "Logo i cena wskazują na podróbkę"),
])
def test_a_moderators_note_loses_addresses_and_numbers(note: str, shown: str) -> None:
    assert redact(note) == shown


@pytest.mark.parametrize(("language", "says"), [
    ("pl", ["UZASADNIENIE DECYZJI", "Twoja oferta została zablokowana", "Obszar: PL",
            "Decyzję podjęto w sposób zautomatyzowany", "Podstawa prawna",
            "Odwołanie, bezpłatnie", "Pozasądowe rozstrzyganie sporów", "Droga sądowa"]),
    ("en", ["STATEMENT OF REASONS", "Your offer was blocked", "Where: PL",
            "The decision was taken by automated means", "Legal ground",
            "Appeal, free of charge", "out-of-court dispute settlement", "Go to court"]),
])
def test_the_text_in_polish_and_english(session: Session, language: str,
                                        says: list[str]) -> None:
    statement = PATHS["rule block"](session)
    text = render_text(statement.content, language)
    for words in says:
        assert words in text, text
    assert statement.content["redress"]["appeal"]["url"] in text


def test_the_seller_gets_the_language_it_chose_polish_by_default(session: Session) -> None:
    polish = make_offer(session, title="Torebka Louis Vuitton replika 1:1 jakość AAA",
                        brand="Louis Vuitton", price="349.00", seller={"id": "s-pl"})
    english = make_offer(session, title="Torebka Louis Vuitton replika 1:1 jakość AAA",
                         brand="Louis Vuitton", price="349.00",
                         seller={"id": "s-en", "language": "en"})
    screen_all(session)
    assert latest(session, offer_id=polish.id).language == "pl"
    told = latest(session, offer_id=english.id)
    assert told.language == "en"
    message = session.scalars(select(OutboxMessage).where(
        OutboxMessage.payload["puid"].as_string() == told.puid)).one()
    assert message.payload["text"].startswith("STATEMENT OF REASONS")


def test_the_territorial_scope_is_the_marketplaces_countries(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETPLACE_COUNTRIES", '["PL", "CZ"]')
    get_settings.cache_clear()
    statement = PATHS["rule block"](session)
    assert statement.territorial_scope == ["PL", "CZ"]
    assert "Where: PL, CZ" in render_text(statement.content, "en")


@pytest.mark.parametrize(("reason", "category", "key", "ground"), [
    ("COUNTERFEIT", None, "trademark", "illegal"),
    ("COPYRIGHT", _IP, "copyright", "illegal"),
    ("DESIGN", _IP, "design", "illegal"),
    ("PATENT", _IP, "patent", "illegal"),
    ("UNSAFE_PRODUCT", _UNSAFE, "unsafe_product", "illegal"),
    ("PROHIBITED_ITEM", _UNSAFE, "prohibited_by_terms", "terms"),
    ("PROHIBITED_DRUGS", _UNSAFE, "prohibited_by_law", "illegal"),
    ("PROHIBITED_TOBACCO", _UNSAFE, "prohibited_by_terms", "terms"),
    ("SCAM", None, "scam", "terms"),
    ("CLAIM_FAKE_URGENCY", StatementCategory.CONSUMER_INFORMATION.value, "misleading",
     "illegal"),
    ("TOTALITARIAN_PROPAGANDA", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "terms",
     "terms"),
    ("MODEL_SCORE", None, "terms", "terms"),
    ("SELLER_SUSPENDED", None, "repeat_infringer", "terms"),
    ("REMOVED_BEFORE", None, "unsafe_product", "illegal"),
    # A known code filed by a rule under another category: the rule's category stands.
    ("COUNTERFEIT", _UNSAFE, "prohibited_by_terms", "terms"),
])
def test_the_ground_follows_the_reason_then_the_category(reason: str, category: str | None,
                                                         key: str, ground: str) -> None:
    found = ground_for(reason, category)
    assert (found.key, found.ground.value) == (key, ground)
    assert found.category == (category or found.category)


@pytest.mark.parametrize(("day", "months", "then"), [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 12, 2), 6, date(2027, 6, 2)),
])
def test_the_appeal_deadline_is_six_calendar_months(day: date, months: int, then: date) -> None:
    assert add_months(day, months) == then
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    assert appeal_until(at) == add_months(day, 6)
