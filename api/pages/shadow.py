"""Changing policy safely, for leads: what shadow runs would change, and the flood guard."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Lead, SessionDep, runtime_of
from api.templating import render
from moderation.config import get_settings
from moderation.errors import InvalidInput
from moderation.screening import flood, shadow
from moderation.screening.compare import ROUTES
from moderation.tables import utcnow

router = APIRouter(include_in_schema=False)
# Hours of stored shadow screenings the page may compare, and the choices it offers.
MAX_HOURS = 24 * 30
HOUR_CHOICES = (1, 24, 24 * 7, MAX_HOURS)
# Rates shown in the guard's watch list: the subjects nearest to tripping.
WATCHED = 15
DB_ID = 2**63 - 1
# Versions are stored in 80 characters; filters are printable text of that size.
VERSION = Query(max_length=80, pattern=r"^[^\x00-\x1f\x7f]*$")


@router.get("/shadow")
def shadow_page(request: Request, session: SessionDep, _caller: Lead,
                hours: Annotated[int, Query(ge=1, le=MAX_HOURS)] = 24,
                origin: Annotated[str | None, Query(pattern="^(candidate|flood)?$")] = None,
                rules_version: Annotated[str | None, VERSION] = None,
                model_version: Annotated[str | None, VERSION] = None,
                lifted: Annotated[int | None, Query(ge=1, le=DB_ID)] = None) -> Response:
    now, settings = utcnow(), get_settings()
    since = now - timedelta(hours=hours)
    filters = shadow.ShadowFilter(since=since, origin=origin or None,
                                  rules_version=rules_version or None,
                                  model_version=model_version or None)
    comparison, capped = shadow.compare(session, filters)
    runs = shadow.runs(session, since=since)
    rates = flood.rates(session, now=now, settings=settings)
    watched = sorted((r for r in rates.values() if r.recent_flagged),
                     key=lambda r: -r.recent_rate / r.threshold(settings))[:WATCHED]
    candidate = runtime_of(request).screener.shadow()
    return render(request, "shadow.html", {
        "comparison": comparison, "capped": capped, "routes": ROUTES, "runs": runs,
        "filters": filters, "hours": hours, "hour_choices": HOUR_CHOICES,
        "rules_versions": sorted({r.rules_version for r in runs}),
        "model_versions": sorted({r.model_version for r in runs}),
        "run_query": lambda r: urlencode({"hours": hours, "origin": r.origin,
                                          "rules_version": r.rules_version,
                                          "model_version": r.model_version}),
        "candidate": candidate, "settings": settings, "watched": watched,
        "trips": flood.trips(session, since=now - timedelta(days=7)),
        "lifted": lifted,
    })


@router.post("/shadow/trips/{trip_id}/lift")
def lift_trip(session: SessionDep, caller: Lead,
              trip_id: Annotated[int, Path(ge=1, le=DB_ID)],
              note: Annotated[str, Form(max_length=1000)] = "") -> Response:
    if "\x00" in note:
        raise InvalidInput("note: must not contain NUL characters", field="note")
    flood.lift(session, trip_id, staff_id=caller.id, note=note.strip(), now=utcnow())
    session.commit()
    return RedirectResponse(f"/shadow?lifted={trip_id}", status_code=303)
