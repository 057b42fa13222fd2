"""Staff accounts and their API keys (stored as SHA-256 hashes of random keys)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.domain import StaffRole
from moderation.errors import Conflict, Forbidden, Unauthenticated
from moderation.tables import Staff, utcnow

KEY_PREFIX = "mod_"


def hash_key(key: str) -> str:
    """Hash an API key; keys are 256-bit random, so a fast hash without salt is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewStaff:
    staff: Staff
    api_key: str  # shown once, never stored


def create_staff(session: Session, *, name: str, role: StaffRole,
                 api_key: str | None = None) -> NewStaff:
    """Create a staff account and its API key."""
    if session.scalar(select(Staff.id).where(Staff.name == name)) is not None:
        raise Conflict(f"staff member {name!r} already exists", field="name")
    key = api_key or KEY_PREFIX + secrets.token_urlsafe(32)
    staff = Staff(name=name, role=role.value, api_key_hash=hash_key(key), active=True,
                  created_at=utcnow())
    session.add(staff)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="staff.created", entity="staff",
                 entity_id=staff.id, after={"name": name, "role": role.value})
    return NewStaff(staff, key)


def authenticate(session: Session, api_key: str | None) -> Staff:
    """Return the active staff member owning this key."""
    if not api_key:
        raise Unauthenticated("missing API key (X-API-Key header)")
    staff = session.scalar(select(Staff).where(Staff.api_key_hash == hash_key(api_key)))
    if staff is None or not staff.active:
        raise Unauthenticated("invalid API key")
    return staff


def require_role(staff: Staff, *roles: StaffRole) -> Staff:
    """Refuse a caller whose role is not among these."""
    if staff.role not in {r.value for r in roles}:
        raise Forbidden(f"role {staff.role!r} may not do this")
    return staff
