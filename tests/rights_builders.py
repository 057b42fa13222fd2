"""Plain builders for the rights programme's tests: organisations, verified rights, notices."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.orm import Session

from moderation.accounts.staff import NewStaff, create_staff, ensure_organisation
from moderation.domain import OrganisationKind, StaffRole
from moderation.protection import notices
from moderation.tables import Offer, Organisation, Right, utcnow
from tests.factories import make_offer

_seq = itertools.count(1)


def rights_holder(session: Session, name: str | None = None) -> tuple[Organisation, NewStaff]:
    """A rights holder organisation with one member (API key, and a password for the portal)."""
    org = ensure_organisation(session, name or f"Brand owner {next(_seq)}",
                              OrganisationKind.RIGHTS_HOLDER)
    member = create_staff(session, name=f"rh-{org.id}-{next(_seq)}",
                          role=StaffRole.RIGHTS_HOLDER, organisation_id=org.id,
                          password="correct horse battery", locale="en")
    return org, member


def verified_right(session: Session, org: Organisation, *, brands: tuple[str, ...] = ("Lumora",),
                   status: str = "verified", valid_until: date | None = None) -> Right:
    """A trademark right as staff would have verified it."""
    right = Right(organisation_id=org.id, type="trademark", office="EUIPO",
                  number=f"0{next(_seq):08d}", owner=org.name, territory="EU",
                  valid_until=valid_until, brands=list(brands), keywords=[], agent=False,
                  status=status, review_note="", created_at=utcnow(), updated_at=utcnow())
    session.add(right)
    session.flush()
    return right


def notice_body(right: Right, named: list[Offer], **overrides: object) -> dict[str, object]:
    """A complete notice as JSON; `overrides` replace fields (e.g. offers as URLs)."""
    body: dict[str, object] = {
        "right_id": right.id, "kind": "counterfeit",
        "offers": [o.marketplace_id for o in named],
        "explanation": "These bags copy our registered mark and are sold far below price.",
        "notifier": {"name": "Jan Kowalski", "email": "jan.kowalski@lumora.example"},
        "good_faith": True,
    }
    body.update(overrides)
    return body


def send_notice(session: Session, org: Organisation, right: Right, named: list[Offer],
                **overrides: object) -> notices.Receipt:
    """Submit a notice through the service, as the API would."""
    data = notices.NoticeIn.model_validate(notice_body(right, named, **overrides))
    return notices.submit(session, organisation_id=org.id, submitted_by=None, data=data)


def offers(session: Session, n: int, **overrides: object) -> list[Offer]:
    """n fresh offers."""
    return [make_offer(session, title=f"Torebka Lumora model {next(_seq)}", **overrides)
            for _ in range(n)]
