"""Leads' page of close-the-loop tasks: whom to contact about a negative rating of support,
and "done" with a note once they were."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Lead, SessionDep
from api.templating import render
from moderation.schemas import Id, parse
from moderation.support import tasks
from moderation.support.tasks import DoneIn
from moderation.tables import utcnow

router = APIRouter(include_in_schema=False)
PAGE = "/console/support/tasks"
SHOWN = 200


@router.get(PAGE)
def tasks_page(request: Request, session: SessionDep, _caller: Lead,
               status: Annotated[Literal["open", "done"], Query()] = "open",
               done: Annotated[Id | None, Query()] = None) -> Response:
    rows = tasks.list_tasks(session, status=status, limit=SHOWN)
    return render(request, "support_tasks.html",
                  {"rows": rows, "status": status, "done": done})


@router.post(PAGE + "/{task_id}/done")
def task_done(task_id: Id, session: SessionDep, caller: Lead,
              note: Annotated[str, Form(max_length=5_000)] = "") -> Response:
    body = parse(DoneIn, {"note": note})
    tasks.mark_done(session, task_id, staff_id=caller.id, data=body, now=utcnow())
    session.commit()
    return RedirectResponse(f"{PAGE}?done={task_id}", status_code=303)
