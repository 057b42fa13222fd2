"""Administration: accounts (created, unlocked, deactivated, reset, re-keyed), and which rule
pack and model are screening."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import Admin, SessionDep, forget_api_keys, runtime_of
from api.templating import render
from moderation import audit
from moderation.accounts import admin as accounts_admin
from moderation.accounts.staff import create_staff, ensure_organisation, list_staff
from moderation.delivery import outbox_state
from moderation.domain import API_CLIENTS, PEOPLE, OrganisationKind, StaffRole
from moderation.errors import InvalidInput, NotFound
from moderation.schemas import Id, Text
from moderation.tables import Account

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: SessionDep, **extra: object) -> Response:
    artifacts = runtime_of(request).screener.current()
    accounts = list_staff(session)
    return render(request, "admin.html", {
        "accounts": accounts, "roles": [r.value for r in StaffRole],
        "people": accounts_admin.PASSWORD_ROLES,
        "failures": runtime_of(request).login_throttle.failures_of([a.name for a in accounts]),
        "rules_version": artifacts.ruleset.version, "rules": artifacts.ruleset.rules,
        "model": artifacts.classifier.manifest, "outbox": outbox_state(session), **extra})


def _account(session: Session, staff_id: int) -> Account:
    staff = session.get(Account, staff_id)
    if staff is None:
        raise NotFound(f"no account {staff_id}")
    return staff


def _done(request: Request, session: Session, **extra: object) -> Response:
    """Commit the change, forget cached keys (this process), show the page again."""
    session.commit()
    forget_api_keys(request)
    return _page(request, session, **extra)


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
                           organisation_id=org_id, locale=locale, email=email or None,
                           one_time_password=True)
    session.commit()
    return _page(request, session, created=created)


@router.post("/admin/users/{staff_id}/unlock")
def unlock(request: Request, session: SessionDep, caller: Admin, staff_id: Id) -> Response:
    staff = _account(session, staff_id)
    accounts_admin.unlock(session, runtime_of(request).login_throttle, staff,
                          actor=audit.actor_of(caller.id))
    return _done(request, session, changed=(staff.name, "unlocked"))


@router.post("/admin/users/{staff_id}/deactivate")
def deactivate(request: Request, session: SessionDep, caller: Admin, staff_id: Id) -> Response:
    staff = _account(session, staff_id)
    accounts_admin.deactivate(session, staff, actor=audit.actor_of(caller.id),
                              actor_id=caller.id)
    return _done(request, session, changed=(staff.name, "deactivated"))


@router.post("/admin/users/{staff_id}/reactivate")
def reactivate(request: Request, session: SessionDep, caller: Admin, staff_id: Id) -> Response:
    staff = _account(session, staff_id)
    accounts_admin.reactivate(session, staff, actor=audit.actor_of(caller.id))
    return _done(request, session, changed=(staff.name, "reactivated"))


@router.post("/admin/users/{staff_id}/password")
def reset_password(request: Request, session: SessionDep, caller: Admin, staff_id: Id,
                   password: Annotated[str, Form()] = "") -> Response:
    staff = _account(session, staff_id)
    secret = accounts_admin.reset_password(session, staff, actor=audit.actor_of(caller.id),
                                           password=password or None)
    return _done(request, session, changed=(staff.name, "password_reset"),
                 password=secret.value if secret.generated else None)


@router.post("/admin/users/{staff_id}/key")
def rotate_key(request: Request, session: SessionDep, caller: Admin, staff_id: Id) -> Response:
    staff = _account(session, staff_id)
    secret = accounts_admin.rotate_key(session, staff, actor=audit.actor_of(caller.id))
    return _done(request, session, changed=(staff.name, "key_rotated"), api_key=secret.value)


@router.post("/admin/users/{staff_id}/key/revoke")
def revoke_key(request: Request, session: SessionDep, caller: Admin, staff_id: Id) -> Response:
    staff = _account(session, staff_id)
    accounts_admin.revoke_key(session, staff, actor=audit.actor_of(caller.id))
    return _done(request, session, changed=(staff.name, "key_revoked"))
