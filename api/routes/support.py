"""Support standards as JSON: ratings of support and survey answers from the marketplace,
the close-the-loop tasks negative ratings open, for leads."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import Intake, Lead, SessionDep
from api.schemas.problems import problems
from api.schemas.support import RatingView, SurveyAnswerView, TaskList, TaskView
from moderation.schemas import Id, Offset
from moderation.support import ratings, surveys, tasks
from moderation.support.tasks import DoneIn, TaskStatus
from moderation.tables import utcnow

router = APIRouter(tags=["support"], responses=problems(401, 403))


@router.post("/v1/support/ratings", status_code=201,
             responses=problems(400, 404, 409, 413, 422))
def rate_support(body: ratings.RatingIn, session: SessionDep, caller: Intake) -> RatingView:
    """Take a buyer's or seller's rating of support; a negative one opens a close-the-loop
    task for a lead.

    Sent again with the same `rating_id`, the answer is the same (one task); 409 when the
    content differs, 404 when `case_id` names no case.
    """
    rating, task = ratings.record_rating(session, data=body, by_staff_id=caller.id,
                                         now=utcnow())
    session.commit()
    return RatingView.of(rating, task)


@router.post("/v1/surveys/answers", status_code=201, responses=problems(400, 409, 413, 422))
def answer_survey(body: surveys.AnswerIn, session: SessionDep,
                  _caller: Intake) -> SurveyAnswerView:
    """Take one answer to the marketplace's survey (0 to 10; whether they used the Buyer
    Protection Programme). Sent again, the same answer; 409 when the content differs."""
    answer = surveys.record_answer(session, data=body, now=utcnow())
    session.commit()
    return SurveyAnswerView.of(answer)


@router.get("/v1/support/tasks", responses=problems(422))
def list_tasks(session: SessionDep, _caller: Lead, status: TaskStatus = "open",
               limit: int = Query(100, ge=1, le=500), offset: Offset = 0) -> TaskList:
    """Close-the-loop tasks: open ones soonest due first (`status=done`: latest done first)."""
    found = tasks.list_tasks(session, status=status, limit=limit, offset=offset)
    return TaskList(items=[TaskView.of(row) for row in found])


@router.post("/v1/support/tasks/{task_id}/done", responses=problems(400, 404, 409, 422))
def task_done(task_id: Id, body: DoneIn, session: SessionDep, caller: Lead) -> TaskView:
    """Record that the customer was contacted, with a note; 409 when already done."""
    row = tasks.mark_done(session, task_id, staff_id=caller.id, data=body, now=utcnow())
    session.commit()
    return TaskView.of(row)
