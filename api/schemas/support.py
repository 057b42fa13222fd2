"""What the API shows of ratings of support, close-the-loop tasks and survey answers."""

from __future__ import annotations

from datetime import datetime

from api.schemas.base import Schema
from moderation.support.tasks import TaskRow
from moderation.tables import FollowUpTask, SupportRating, SurveyAnswer


class TaskView(Schema):
    """A close-the-loop task with the rating that opened it."""

    id: int
    status: str
    created_at: datetime
    due_at: datetime
    done_at: datetime | None
    done_by_id: int | None
    note: str
    rating_id: str  # the marketplace's id of the rating
    rater_kind: str
    rater_id: str
    case_id: int | None
    contact_id: str | None
    score: int | None
    comment: str
    rated_at: datetime

    @classmethod
    def of(cls, row: TaskRow) -> TaskView:
        t, r = row.task, row.rating
        return cls(id=t.id, status=t.status, created_at=t.created_at, due_at=t.due_at,
                   done_at=t.done_at, done_by_id=t.done_by_id, note=t.note,
                   rating_id=r.marketplace_id, rater_kind=r.rater_kind, rater_id=r.rater_id,
                   case_id=r.case_id, contact_id=r.contact_id, score=r.score,
                   comment=r.comment, rated_at=r.rated_at)


class TaskList(Schema):
    items: list[TaskView]


class RatingView(Schema):
    """A stored rating; a negative one names the task it opened."""

    id: int
    rating_id: str
    negative: bool
    received_at: datetime
    task_id: int | None
    task_due_at: datetime | None

    @classmethod
    def of(cls, rating: SupportRating, task: FollowUpTask | None) -> RatingView:
        return cls(id=rating.id, rating_id=rating.marketplace_id, negative=rating.negative,
                   received_at=rating.received_at, task_id=task.id if task else None,
                   task_due_at=task.due_at if task else None)


class SurveyAnswerView(Schema):
    id: int
    answer_id: str
    respondent_kind: str
    score: int
    used_programme: bool
    answered_at: datetime
    received_at: datetime

    @classmethod
    def of(cls, answer: SurveyAnswer) -> SurveyAnswerView:
        return cls(id=answer.id, answer_id=answer.marketplace_id,
                   respondent_kind=answer.respondent_kind, score=answer.score,
                   used_programme=answer.used_programme, answered_at=answer.answered_at,
                   received_at=answer.received_at)
