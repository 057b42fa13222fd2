"""The "close the loop" tasks: leads list them, mark them done with a note, and count them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.errors import Conflict, NotFound
from moderation.schemas import Text
from moderation.tables import FollowUpTask, SupportRating

TaskStatus = Literal["open", "done"]
OPEN: TaskStatus = "open"
DONE: TaskStatus = "done"


class DoneIn(BaseModel):
    """What the lead who contacted the customer says of it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: Annotated[Text, StringConstraints(min_length=1, max_length=5_000)]


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task with the rating that opened it, as the list shows it."""

    task: FollowUpTask
    rating: SupportRating


def list_tasks(session: Session, *, status: TaskStatus | None = OPEN, limit: int = 100,
               offset: int = 0) -> list[TaskRow]:
    """Tasks with their ratings: open ones soonest due first, done ones latest first."""
    query = select(FollowUpTask, SupportRating).join(
        SupportRating, SupportRating.id == FollowUpTask.rating_id)
    if status is not None:
        query = query.where(FollowUpTask.status == status)
    order = ((FollowUpTask.due_at, FollowUpTask.id) if status == OPEN
             else (FollowUpTask.done_at.desc(), FollowUpTask.id.desc()))
    found = session.execute(query.order_by(*order).limit(limit).offset(offset))
    return [TaskRow(task, rating) for task, rating in found]


def get_task(session: Session, task_id: int) -> TaskRow:
    """One task with its rating."""
    task = session.get(FollowUpTask, task_id)
    if task is None:
        raise NotFound(f"no follow-up task {task_id}")
    rating = session.get(SupportRating, task.rating_id)
    assert rating is not None  # a foreign key
    return TaskRow(task, rating)


def mark_done(session: Session, task_id: int, *, staff_id: int, data: DoneIn,
              now: datetime) -> TaskRow:
    """Record that a lead contacted the customer, with what came of it."""
    # Locked: two leads marking it at once do not both write their note.
    task = session.scalar(select(FollowUpTask).where(FollowUpTask.id == task_id)
                          .with_for_update().execution_options(populate_existing=True))
    if task is None:
        raise NotFound(f"no follow-up task {task_id}")
    if task.status == DONE:
        raise Conflict(f"follow-up task {task_id} is already done")
    task.status, task.done_at, task.done_by_id, task.note = DONE, now, staff_id, data.note
    session.flush()
    audit.record(session, actor=audit.actor_of(staff_id), action="support.follow_up_done",
                 entity="follow_up_task", entity_id=task.id, before={"status": OPEN},
                 after={"status": DONE, "note": data.note})
    return get_task(session, task_id)


@dataclass(frozen=True, slots=True)
class TaskCounts:
    """The tasks negative ratings opened in a period, and how they were followed up."""

    opened: int
    open: int
    done: int
    done_in_time: int

    @property
    def in_time_share(self) -> float | None:
        return self.done_in_time / self.opened if self.opened else None


def counts(session: Session, *, since: datetime, until: datetime) -> TaskCounts:
    """Count the tasks opened from `since` until before `until` (a report's period)."""
    done = cast(FollowUpTask.status == DONE, Integer)
    in_time = cast((FollowUpTask.status == DONE) & (FollowUpTask.done_at <= FollowUpTask.due_at),
                   Integer)
    n, d, t = session.execute(select(func.count(), func.sum(done), func.sum(in_time))
                              .where(FollowUpTask.created_at >= since,
                                     FollowUpTask.created_at < until)).one()
    return TaskCounts(opened=int(n), open=int(n) - int(d or 0), done=int(d or 0),
                      done_in_time=int(t or 0))
