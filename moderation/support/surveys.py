"""Survey answers from the marketplace, and the Net Promoter Score of the programme's buyers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.errors import Conflict
from moderation.schemas import Moment
from moderation.support.ratings import ExternalId, in_utc
from moderation.tables import SurveyAnswer


class AnswerIn(BaseModel):
    """One answer: who, how likely to recommend (0 to 10), whether they used the programme."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer_id: ExternalId
    respondent_kind: Literal["buyer", "seller"]
    respondent_id: ExternalId
    score: Annotated[int, Field(ge=0, le=10)]
    used_programme: bool
    answered_at: Annotated[Moment, AfterValidator(in_utc)]


def record_answer(session: Session, *, data: AnswerIn, now: datetime) -> SurveyAnswer:
    """Store an answer once: sent again it is answered with what was stored, or refused
    as a conflict when its content differs."""
    known = session.scalar(select(SurveyAnswer)
                           .where(SurveyAnswer.marketplace_id == data.answer_id))
    if known is not None:
        if (known.respondent_kind, known.respondent_id, known.score, known.used_programme,
                known.answered_at) != (data.respondent_kind, data.respondent_id, data.score,
                                       data.used_programme, data.answered_at):
            raise Conflict(f"answer {data.answer_id} was sent before with other content",
                           field="answer_id")
        return known
    answer = SurveyAnswer(marketplace_id=data.answer_id, respondent_kind=data.respondent_kind,
                          respondent_id=data.respondent_id, score=data.score,
                          used_programme=data.used_programme, answered_at=data.answered_at,
                          received_at=now)
    session.add(answer)
    session.flush()
    return answer


@dataclass(frozen=True, slots=True)
class Nps:
    respondents: int
    promoters: int
    detractors: int

    @property
    def score(self) -> float | None:
        """Percent promoters minus percent detractors, from -100 to 100."""
        if not self.respondents:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.respondents


def programme_nps(session: Session, *, since: datetime, until: datetime) -> Nps:
    """The NPS of buyers who used the programme, from answers given from `since` until
    before `until`: each buyer counts once, with their latest answer in the period that says
    they used it."""
    latest = (
        select(SurveyAnswer.score,
               func.row_number().over(partition_by=SurveyAnswer.respondent_id,
                                      order_by=(SurveyAnswer.answered_at.desc(),
                                                SurveyAnswer.id.desc())).label("rn"))
        .where(SurveyAnswer.respondent_kind == "buyer", SurveyAnswer.used_programme.is_(True),
               SurveyAnswer.answered_at >= since, SurveyAnswer.answered_at < until)
        .subquery())
    score = latest.c.score
    n, promoters, detractors = session.execute(
        select(func.count(), func.count().filter(score >= policy.NPS_PROMOTER_MIN),
               func.count().filter(score <= policy.NPS_DETRACTOR_MAX))
        .where(latest.c.rn == 1)).one()
    return Nps(int(n), int(promoters), int(detractors))
