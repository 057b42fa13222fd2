"""Jinja2 pages in the caller's language, with the session's CSRF token in every form."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from api import presenters
from api.i18n import pick_locale, translations
from moderation.tables import Staff, utcnow

# The moderators work in Poland; times are shown in their zone, stored in UTC.
WARSAW = ZoneInfo("Europe/Warsaw")
TEMPLATES = Jinja2Templates(env=Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
    extensions=["jinja2.ext.i18n"]))
TEMPLATES.env.globals.update(highlight=presenters.highlight, duration=presenters.duration,
                             deadline_colour=presenters.deadline_colour)


def locale_of(request: Request) -> str:
    """The language of this request: the caller's choice or the browser's."""
    caller: Staff | None = getattr(request.state, "caller", None)
    return pick_locale(caller.locale if caller else None, request.headers.get("accept-language"))


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """Render a page for the caller: translations, CSRF token, the time, helpers."""
    locale = locale_of(request)
    tr = translations(locale)
    web = getattr(request.state, "web_session", None)
    now = utcnow()
    ctx: dict[str, Any] = {
        "caller": getattr(request.state, "caller", None),
        "csrf_token": web.csrf_token if web else "",
        "locale": locale,
        "now": now,
        "gettext": tr.gettext, "ngettext": tr.ngettext, "_": tr.gettext,
        "when": lambda dt: format_datetime(dt, "short", tzinfo=WARSAW, locale=locale)
        if dt else "—",
    }
    ctx.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)
