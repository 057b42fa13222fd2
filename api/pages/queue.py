"""The queue page and the "next case" button."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import Moderator, SessionDep
from api.templating import render
from moderation import cases
from moderation.cases.reasons import reasons_for
from moderation.config import get_settings
from moderation.domain import CaseKind
from moderation.schemas import Text
from moderation.tables import utcnow

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
# The counts over all open cases take one pass over them (~80 ms at 100,000 here); a page
# every few seconds from each of many moderators need not repeat it. The rows are live.
FACETS_TTL = timedelta(seconds=10)


class FacetsCache:
    """The queue's counts, recounted at most once per FACETS_TTL by one request thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counted: tuple[datetime, cases.QueueFacets] | None = None

    def get(self, session: Session, now: datetime) -> cases.QueueFacets:
        """The counts of at most FACETS_TTL ago; others wait while one thread recounts."""
        with self._lock:
            if self._counted is None or now - self._counted[0] > FACETS_TTL:
                self._counted = (now, cases.queue_facets(session, now=now))
            return self._counted[1]


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue(request: Request, session: SessionDep, caller: Moderator,
          kind: Text | None = None, reason: Text | None = None, category: Text | None = None,
          source: Text | None = None, overdue: bool = False,
          page: int = Query(1, ge=1, le=10_000)) -> Response:
    now = utcnow()
    filters = cases.CaseFilter(kind=kind or None, reason=reason or None,
                               category=category or None, source=source or None,
                               overdue=overdue, status="open")
    result = cases.list_cases(session, filters=filters, limit=PAGE_SIZE,
                              offset=(page - 1) * PAGE_SIZE, now=now)
    facets: cases.QueueFacets = request.app.state.queue_facets.get(session, now)
    params = {k: v for k, v in {"kind": kind, "reason": reason, "category": category,
                                "source": source, "overdue": "true" if overdue else None
                                }.items() if v}
    return render(request, "queue.html", {
        "page": result, "filters": filters, "facets": facets,
        "page_no": page, "pages": max(1, -(-result.total // PAGE_SIZE)),
        "query": urlencode(params), "empty": request.query_params.get("empty"),
        "decided": request.query_params.get("decided"),
        "reasons": reasons_for(kind or CaseKind.SCREENING.value),
    })


@router.post("/queue/next")
def next_case(session: SessionDep, caller: Moderator) -> Response:
    case = cases.claim_next(session, staff_id=caller.id,
                            lease=get_settings().lease)
    session.commit()
    if case is None:
        return RedirectResponse("/queue?empty=1", status_code=303)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)
