"""Administration: accounts, and which rule pack and model are screening."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.deps import Admin, SessionDep, get_runtime
from api.templating import render
from moderation.accounts.staff import create_staff, ensure_organisation, list_staff
from moderation.delivery import outbox_state
from moderation.domain import API_CLIENTS, PEOPLE, OrganisationKind, StaffRole
from moderation.errors import InvalidInput
from moderation.schemas import Text

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: SessionDep, **extra: object) -> Response:
    artifacts = get_runtime(request).screener.current()
    return render(request, "admin.html", {
        "accounts": list_staff(session), "roles": [r.value for r in StaffRole],
        "rules_version": artifacts.ruleset.version, "rules": artifacts.ruleset.rules,
        "model": artifacts.classifier.manifest, "outbox": outbox_state(session), **extra})


@router.get("/admin")
def admin(request: Request, session: SessionDep, _caller: Admin) -> Response:
    return _page(request, session)


@router.post("/admin/users")
def create_user(request: Request, session: SessionDep, _caller: Admin,
                name: Annotated[Text, Form(min_length=1, max_length=120)],
                role: Annotated[str, Form()], password: Annotated[str, Form()] = "",
                organisation: Annotated[Text, Form(max_length=200)] = "",
                locale: Annotated[str, Form()] = "pl",
                email: Annotated[Text, Form(max_length=254)] = "") -> Response:
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}", field="role") from None
    if staff_role in PEOPLE and not password:
        raise InvalidInput("people log in with a password: set one", field="password")
    org_id = (ensure_organisation(session, organisation or "Marketplace",
                                  OrganisationKind.MARKETPLACE).id
              if staff_role in API_CLIENTS else None)
    created = create_staff(session, name=name, role=staff_role, password=password or None,
                           organisation_id=org_id, locale=locale, email=email or None)
    session.commit()
    return _page(request, session, created=created)
