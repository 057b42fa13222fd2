"""Ratings of support from the marketplace; a negative one opens a "close the loop" task."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, policy
from moderation.errors import Conflict, NotFound
from moderation.schemas import Id, Moment, Text
from moderation.tables import Case, FollowUpTask, SupportRating

ExternalId = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=64)]


def in_utc(moment: datetime) -> datetime:
    """The moment in UTC, as the database gives it back (the answer to a resend is the same)."""
    return moment.astimezone(UTC)


NAME_ONE = "name what is rated: case_id or contact_id (or both)"
SAY_ONE = "give either positive (true or false) or a score, not both"


class RatingIn(BaseModel):
    """A rating of support: who rated what, thumbs up or down or a score, and when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rating_id: ExternalId
    rater_kind: Literal["buyer", "seller"]
    rater_id: ExternalId
    case_id: Id | None = None
    # Checked with the field before it: an error names the field a caller should add.
    contact_id: Annotated[ExternalId | None, Field(validate_default=True)] = None
    positive: bool | None = None
    score: Annotated[int | None, Field(ge=1, le=policy.SUPPORT_SCORE_MAX,
                                       validate_default=True)] = None
    comment: Annotated[Text, StringConstraints(max_length=5_000)] = ""
    rated_at: Annotated[Moment, AfterValidator(in_utc)]

    @field_validator("contact_id")
    @classmethod
    def _names_what(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("case_id") is None:
            raise ValueError(NAME_ONE)
        return value

    @field_validator("score")
    @classmethod
    def _says_how(cls, value: int | None, info: ValidationInfo) -> int | None:
        if (info.data.get("positive") is None) == (value is None):
            raise ValueError(SAY_ONE)
        return value

    @property
    def negative(self) -> bool:
        """Whether the rating asks for a lead to close the loop."""
        if self.score is not None:
            return self.score <= policy.SUPPORT_NEGATIVE_SCORE
        return not self.positive


def _same(rating: SupportRating, data: RatingIn) -> bool:
    return (rating.rater_kind, rating.rater_id, rating.case_id, rating.contact_id,
            rating.score, rating.negative, rating.comment, rating.rated_at) == (
        data.rater_kind, data.rater_id, data.case_id, data.contact_id, data.score,
        data.negative, data.comment, data.rated_at)


def task_of(session: Session, rating: SupportRating) -> FollowUpTask | None:
    """The follow-up task a rating opened, if it opened one."""
    return session.scalar(select(FollowUpTask).where(FollowUpTask.rating_id == rating.id))


def record_rating(session: Session, *, data: RatingIn, by_staff_id: int, now: datetime
                  ) -> tuple[SupportRating, FollowUpTask | None]:
    """Store a rating once; a negative one opens one task due after the policy's time.

    The same rating sent again is answered with what it stored; sent again with other
    content, it is a conflict (the marketplace's id names one rating).
    """
    known = session.scalar(select(SupportRating)
                           .where(SupportRating.marketplace_id == data.rating_id))
    if known is not None:
        if not _same(known, data):
            raise Conflict(f"rating {data.rating_id} was sent before with other content",
                           field="rating_id")
        return known, task_of(session, known)
    if data.case_id is not None and session.get(Case, data.case_id) is None:
        raise NotFound(f"no case {data.case_id}", field="case_id")
    rating = SupportRating(marketplace_id=data.rating_id, rater_kind=data.rater_kind,
                           rater_id=data.rater_id, case_id=data.case_id,
                           contact_id=data.contact_id, score=data.score,
                           negative=data.negative, comment=data.comment,
                           rated_at=data.rated_at, received_at=now)
    session.add(rating)
    session.flush()
    if not rating.negative:
        return rating, None
    task = FollowUpTask(rating_id=rating.id, status="open", created_at=now,
                        due_at=now + policy.CLOSE_THE_LOOP_DUE, note="")
    session.add(task)
    session.flush()
    audit.record(session, actor=audit.actor_of(by_staff_id), action="support.follow_up_opened",
                 entity="follow_up_task", entity_id=task.id,
                 after={"rating": rating.marketplace_id, "due_at": task.due_at.isoformat()})
    return rating, task
