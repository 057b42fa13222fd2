"""One offer: its status, its cases and the statements of reasons its seller got."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import Moderator, SessionDep
from api.templating import locale_of, render
from moderation import statements
from moderation.review import evidence
from moderation.schemas import Id
from moderation.tables import Statement

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ShownStatement:
    """A statement with its text in the viewer's language."""

    row: Statement
    text: str


def shown_statements(session: Session, offer_id: int, locale: str) -> list[ShownStatement]:
    """The offer's and its seller's statements, newest first, as the viewer reads them."""
    return [ShownStatement(row, statements.render_text(row.content, locale))
            for row in statements.statements_of_offer(session, offer_id)]


@router.get("/offers/{offer_id}")
def offer_page(offer_id: Id, request: Request, session: SessionDep,
               _caller: Moderator) -> Response:
    history = evidence.offer_history(session, offer_id)
    return render(request, "offer.html", {
        "history": history, "o": history.offer,
        "statements": shown_statements(session, offer_id, locale_of(request)),
    })
