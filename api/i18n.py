"""Translations of the console: gettext catalogues (Babel .po files) compiled in memory."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LOCALES = ("pl", "en")
DEFAULT_LOCALE = "pl"


@cache
def translations(locale: str) -> NullTranslations:
    """The catalogue for a locale; English is the source language, so it may be empty.

    Compiled from the .po file at first use, so there is no build step to forget.
    """
    po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale not in LOCALES or not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def pick_locale(preferred: str | None, accept_language: str | None) -> str:
    """The account's choice, else the browser's first supported language, else Polish."""
    if preferred in LOCALES:
        return preferred
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE
