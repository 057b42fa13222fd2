"""Jinja2 pages in the caller's language, with the session's CSRF token in every form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.support import NullTranslations
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from api import presenters
from api.deps import Caller
from api.i18n import pick_locale, translations
from moderation.local_time import WARSAW
from moderation.tables import utcnow

TEMPLATES = Jinja2Templates(env=Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
    extensions=["jinja2.ext.i18n"]))
TEMPLATES.env.globals.update(highlight=presenters.highlight, duration=presenters.duration,
                             deadline_colour=presenters.deadline_colour)


def locale_of(request: Request) -> str:
    """The language of this request: the caller's choice or the browser's."""
    caller: Caller | None = getattr(request.state, "caller", None)
    return pick_locale(caller.locale if caller else None, request.headers.get("accept-language"))


def _newstyle(tr: NullTranslations) -> tuple[Callable[..., str], Callable[..., str]]:
    """gettext that fills %(name)s placeholders, as Jinja's newstyle gettext does."""

    def gettext(message: str, **values: Any) -> str:
        text = tr.gettext(message)
        return text % values if values else text

    def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
        return tr.ngettext(singular, plural, num) % {"num": num, **values}

    return gettext, ngettext


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """Render a page for the caller: translations, CSRF token, the time, helpers."""
    locale = locale_of(request)
    tr = translations(locale)
    now = utcnow()
    gettext, ngettext = _newstyle(tr)
    ctx: dict[str, Any] = {
        "caller": getattr(request.state, "caller", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "locale": locale,
        "now": now,
        "gettext": gettext, "ngettext": ngettext, "_": gettext,
        "when": lambda dt: format_datetime(dt, "short", tzinfo=WARSAW, locale=locale)
        if dt else "—",
    }
    ctx.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)
