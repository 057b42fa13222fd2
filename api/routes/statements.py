"""Statements of reasons as JSON: the marketplace and staff read what sellers were told."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import Reader, SessionDep
from api.schemas.problems import problems
from api.schemas.statements import StatementView
from moderation import statements
from moderation.schemas import Id, Text
from moderation.tables import Statement

router = APIRouter(tags=["statements"], responses=problems(401, 403))
Language = Annotated[Literal["pl", "en"] | None,
                     Query(description="Render the text in this language instead")]


def view(row: Statement, language: str | None = None) -> StatementView:
    """A statement with its text, in its own language unless another is asked for."""
    return StatementView.model_validate(row).model_copy(
        update={"text": statements.render_text(row.content, language)})


@router.get("/v1/offers/{offer_id}/statements", responses=problems(404, 422))
def offer_statements(offer_id: Id, session: SessionDep, _caller: Reader,
                     language: Language = None) -> list[StatementView]:
    """The statements of an offer and its seller's account, newest first."""
    return [view(row, language) for row in statements.statements_of_offer(session, offer_id)]


@router.get("/v1/statements/{puid}", responses=problems(404, 422))
def get_statement(puid: Text, session: SessionDep, _caller: Reader,
                  language: Language = None) -> StatementView:
    """One statement by its PUID."""
    return view(statements.get_statement(session, puid), language)
