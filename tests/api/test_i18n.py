"""The console's translations: the Polish catalogue is complete and sound, and pages use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from sqlalchemy.orm import Session

from api.i18n import LOCALE_DIR, pick_locale, translations
from moderation.domain import StaffRole
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_staff

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
POLISH_QUEUE = "Kolejka"


def _catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _polish() -> Catalog:
    return _catalogue(LOCALE_DIR / "pl" / "LC_MESSAGES" / "messages.po", locale="pl")


def _messages(catalog: Catalog) -> list[Message]:
    """The catalogue's messages without the header entry."""
    return [m for m in catalog if m.id]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _forms(m: Message) -> list[str]:
    """The translation's forms: one, or one per plural form; empty strings where missing."""
    string = m.string
    if isinstance(string, str):
        return [string]
    return [form or "" for form in string or ()]


def _source(m: Message) -> str:
    """The English text a translation must match: the msgid, or the plural msgid."""
    return m.id if isinstance(m.id, str) else m.id[-1]


def test_every_polish_message_is_translated_and_not_fuzzy() -> None:
    catalog = _polish()
    assert catalog.num_plurals == 3
    untranslated, fuzzy = [], []
    for m in _messages(catalog):
        forms = _forms(m)
        if (m.pluralizable and len(forms) != catalog.num_plurals) or not all(forms):
            untranslated.append(m.id)
        if m.fuzzy:
            fuzzy.append(m.id)
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_polish_translations_keep_the_placeholders() -> None:
    wrong = []
    for m in _messages(_polish()):
        expected = _placeholders(_source(m))
        wrong += [(m.id, form) for form in _forms(m) if _placeholders(form) != expected]
    assert not wrong, f"placeholders differ: {wrong}"


def test_the_polish_catalogue_has_exactly_the_template_messages() -> None:
    template = {m.id for m in _messages(_catalogue(LOCALE_DIR / "messages.pot"))}
    polish = {m.id for m in _messages(_polish())}
    assert template, "the template is empty"
    assert polish == template, f"missing: {template - polish}; extra: {polish - template}"


@pytest.mark.parametrize(("preferred", "accept_language", "expected"), [
    ("en", "pl-PL", "en"),  # the account's choice wins over the browser's
    (None, "en-GB,en;q=0.9", "en"),
    (None, "de-DE", "pl"),  # unsupported language: Polish by default
    ("xx", None, "pl"),
])
def test_pick_locale(preferred: str | None, accept_language: str | None,
                     expected: str) -> None:
    assert pick_locale(preferred, accept_language) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("pl", POLISH_QUEUE),
    ("en", "Queue"),  # English is the source language
])
def test_translations_of_queue(locale: str, expected: str) -> None:
    assert translations(locale).gettext("Queue") == expected


def test_the_queue_page_is_in_the_accounts_language_and_it_can_be_switched(
        session: Session) -> None:
    mod = make_staff(session, StaffRole.MODERATOR, password=TEST_PASSWORD, locale="pl").staff
    browser = logged_in(session, mod.name, TEST_PASSWORD)
    page = browser.get("/queue")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="pl">' in html
    assert f"<title>{POLISH_QUEUE} · Konsola moderacji</title>" in html
    assert f"<h1>{POLISH_QUEUE}</h1>" in html and "Następna sprawa" in html
    assert "Next case" not in html and "Moderation console" not in html

    switched = browser.post("/settings/language",
                            data={"locale": "en", "csrf_token": csrf_of(html)})
    assert switched.status_code == 200 and switched.url.path == "/queue"
    english = switched.text
    assert '<html lang="en">' in english
    assert "<title>Queue · Moderation console</title>" in english
    assert "<h1>Queue</h1>" in english and "Next case" in english
    assert "Następna sprawa" not in english and "Konsola moderacji" not in english
