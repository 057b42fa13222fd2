"""The audit log, read-only, with filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import Lead, SessionDep
from api.templating import WARSAW, render
from moderation import audit
from moderation.schemas import Id, Text

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=WARSAW) if day else None


@router.get("/audit")
def audit_log(request: Request, session: SessionDep, _caller: Lead,
              actor: Text | None = None, action: Text | None = None,
              entity: Text | None = None, entity_id: Id | None = None, since: date | None = None,
              until: date | None = None, page: int = Query(1, ge=1, le=10_000)) -> Response:
    filters = audit.AuditFilter(
        actor=actor or None, action=action or None, entity=entity or None,
        entity_id=entity_id, since=_day_start(since),
        until=_day_start(until + timedelta(days=1)) if until else None)
    entries = audit.search(session, filters, limit=PAGE_SIZE + 1,
                           offset=(page - 1) * PAGE_SIZE)
    return render(request, "audit.html", {
        "entries": entries[:PAGE_SIZE], "has_more": len(entries) > PAGE_SIZE,
        "filters": filters, "since": since, "until": until, "page_no": page,
        "query": urlencode([(k, v) for k, v in request.query_params.multi_items()
                            if k != "page" and v]),
    })
