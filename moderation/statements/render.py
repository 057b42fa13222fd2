"""Statements of reasons as text, in Polish or English: one Jinja2 template per language,
rendered from the statement's JSON content, so the text never says more or less than it."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from moderation.domain import DEFAULT_LANGUAGE, Language
from moderation.local_time import WARSAW

TEMPLATES = Path(__file__).parent / "templates"


def _moment(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(WARSAW).strftime("%Y-%m-%d %H:%M")


def _day(value: str | None) -> str:
    return datetime.fromisoformat(value).astimezone(WARSAW).strftime("%Y-%m-%d") if value else ""


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(moment=_moment, day=_day)
    return env


def _template(name: str) -> Template:
    return _environment().get_template(name)


def language_of(preferred: str | None) -> str:
    """A language statements are written in: the one asked for, else Polish."""
    return preferred if preferred in set(Language) else DEFAULT_LANGUAGE.value


def render_text(content: dict[str, Any], language: str | None = None) -> str:
    """The statement as text, in this language (by default the one it was written in)."""
    return _template(f"{language_of(language or content.get('language'))}.txt").render(s=content)


def render_named(name: str, content: dict[str, Any]) -> str:
    """Render one of the room's templates by name from a message's content (as `s`)."""
    return _template(name).render(s=content)


def facts_text(facts: dict[str, Any], language: str = "en") -> str:
    """The facts and circumstances alone, as one paragraph (English for the Transparency
    Database, which reads every member state's statements)."""
    macro = _template(f"facts_{language_of(language)}.txt").module.facts  # type: ignore[attr-defined]
    text = str(macro(facts))
    return " ".join(text.split()) or "-"
