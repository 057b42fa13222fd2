"""Leads' report pages: the programme figures for a period, with charts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.charts import bar_chart_svg
from api.deps import Lead, SessionDep
from api.i18n import translations
from api.templating import locale_of, render
from moderation import policy
from moderation.errors import InvalidInput
from moderation.local_time import warsaw_date
from moderation.reports import programme
from moderation.reports.sql import Period

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 30
DateText = Annotated[str | None, Query(max_length=10)]


def _day(text: str | None, default: date, field: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} must be a date, YYYY-MM-DD", field=field) from None


def _period(first: str | None, last: str | None) -> Period:
    # The period's days are Warsaw's (Period): in its first hour or two, the UTC date is
    # still yesterday's, and the default period would leave today out.
    today = warsaw_date()
    end = _day(last, today, "to")
    start = _day(first, end - timedelta(days=DEFAULT_DAYS - 1), "from")
    if end < start:
        raise InvalidInput("to must not be before from", field="to")
    return Period(start, end)


def _hours(span: timedelta) -> str:
    """A span in hours as a label writes it ("4", "1.5")."""
    return f"{span.total_seconds() / 3600:g}"


def _percent(share: float | None) -> int:
    return 0 if share is None else round(share * 100)


@router.get("/console/reports/programme")
def programme_page(request: Request, session: SessionDep, _caller: Lead,
                   first: Annotated[str | None, Query(alias="from", max_length=10)] = None,
                   last: Annotated[str | None, Query(alias="to", max_length=10)] = None
                   ) -> Response:
    period = _period(first, last)
    figures = programme.build(session, period)
    _ = translations(locale_of(request)).gettext
    bands = [bar_chart_svg(
        [(_(a.kind), _percent(a.band(band).share)) for a in figures.answers],
        title=_("Cases answered within %(hours)s h, percent per kind") % {"hours": _hours(band)})
        for band in policy.ANSWER_BANDS]
    notifiers = bar_chart_svg([(n.name, n.notices) for n in figures.notifiers[:12]],
                              title=_("Notices per rights holder"))
    charts = {"bands": bands, "notifiers": notifiers}
    standard = ", ".join(f"{_percent(share)}% ≤ {_hours(band)} h"
                         for band, share in policy.SUPPORT_STANDARD)
    return render(request, "reports_programme.html",
                  {"figures": figures, "charts": charts, "period": period,
                   "standard": standard, "hours": _hours})
