"""Accounts: people with passwords and API clients bound to an organisation; keys hashed."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import audit
from moderation.accounts.auth import hash_password
from moderation.domain import API_CLIENTS, OrganisationKind, StaffRole
from moderation.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from moderation.schemas import EMAIL_PATTERN
from moderation.tables import Account, Organisation, utcnow


class Role(Protocol):
    """Anything naming a caller's role: an Account, or the API edge's copy of one."""

    @property
    def role(self) -> str: ...


HasRole = TypeVar("HasRole", bound=Role)

KEY_PREFIX = "mod_"
LOCALES = ("pl", "en")
EMAIL = re.compile(EMAIL_PATTERN)


def hash_key(key: str) -> str:
    """Hash an API key; keys are 256-bit random, so a fast hash without salt is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewStaff:
    staff: Account
    api_key: str | None  # shown once, never stored


def ensure_organisation(session: Session, name: str, kind: OrganisationKind) -> Organisation:
    """Return the organisation of this name, creating it on first use."""
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind.value, created_at=utcnow())
        try:
            # A savepoint: when another first use of the name commits first, use theirs.
            with session.begin_nested():
                session.add(org)
                session.flush()
        except IntegrityError:
            return session.scalars(select(Organisation).where(Organisation.name == name)).one()
        audit.record(session, actor=audit.SYSTEM, action="organisation.created",
                     entity="organisation", entity_id=org.id,
                     after={"name": name, "kind": kind.value})
    return org


def create_staff(session: Session, *, name: str, role: StaffRole, password: str | None = None,
                 organisation_id: int | None = None, api_key: str | None = None,
                 issue_key: bool = True, locale: str = "pl",
                 email: str | None = None, one_time_password: bool = False) -> NewStaff:
    """Create an account; API clients must act for an organisation and get a key.

    An administrator's password is one-time (`one_time_password`): its owner sets their own
    at the first login.
    """
    if session.scalar(select(Account.id).where(Account.name == name)) is not None:
        raise Conflict(f"account {name!r} already exists", field="name")
    if role in API_CLIENTS and organisation_id is None:
        raise InvalidInput(f"a {role.value} account acts for an organisation; name one",
                           field="organisation")
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}", field="locale")
    if email is not None and (len(email) > 254 or not EMAIL.match(email)):
        raise InvalidInput(f"{email!r} is not an e-mail address", field="email")
    key = (api_key or KEY_PREFIX + secrets.token_urlsafe(32)) if issue_key or api_key else None
    staff = Account(name=name, role=role.value, organisation_id=organisation_id,
                  api_key_hash=hash_key(key) if key else None,
                  password_hash=hash_password(password) if password else None,
                  locale=locale, email=email, active=True,
                  password_must_change=bool(password) and one_time_password,
                  created_at=utcnow())
    session.add(staff)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="staff.created", entity="staff",
                 entity_id=staff.id, after={"name": name, "role": role.value,
                                            "organisation_id": organisation_id,
                                            "password_must_change":
                                                staff.password_must_change})
    return NewStaff(staff, key)


def set_locale(session: Session, staff: Account, locale: str) -> None:
    """Choose the language of the console for one person."""
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}", field="locale")
    staff.locale = locale
    session.flush()


def authenticate(session: Session, api_key: str | None) -> Account:
    """Return the active account owning this key."""
    if not api_key:
        raise Unauthenticated("missing API key (X-API-Key header)")
    staff = session.scalar(select(Account).where(Account.api_key_hash == hash_key(api_key)))
    if staff is None or not staff.active:
        raise Unauthenticated("invalid API key")
    return staff


def require_role(staff: HasRole, *roles: StaffRole) -> HasRole:
    """Refuse a caller (an account, or what names one) whose role is not among these."""
    if staff.role not in {r.value for r in roles}:
        raise Forbidden(f"role {staff.role!r} may not do this")
    return staff


def organisation_scope(staff: Account) -> int | None:
    """Whose data a caller sees: an organisation's account only its own organisation's,
    staff everyone's (None)."""
    if StaffRole(staff.role) in API_CLIENTS:
        if staff.organisation_id is None:
            raise Forbidden("this account acts for no organisation")
        return staff.organisation_id
    return None


def list_staff(session: Session) -> list[Account]:
    """All accounts, people first, by name."""
    return list(session.scalars(select(Account).order_by(Account.role, Account.name)))
