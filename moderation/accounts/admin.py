"""What administrators do to accounts: unlock, deactivate, reactivate, reset, re-key. Audited.

Each function adds and flushes; the page or command commits, and after the commit clears
its process's API key cache (moderation/accounts/keys.py): other processes drop a changed
key within the cache's few seconds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.accounts.auth import end_sessions, hash_password
from moderation.accounts.staff import KEY_PREFIX, hash_key
from moderation.accounts.throttle import LoginThrottle
from moderation.domain import StaffRole
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.tables import Account

# Who may have a password: staff, and the portals' members (rights holders, the authority);
# the marketplace's integration only ever calls with its key.
PASSWORD_ROLES = frozenset(r.value for r in StaffRole if r is not StaffRole.INTEGRATION)


@dataclass(frozen=True, slots=True)
class Secret:
    """A new password or API key for an account, shown once and never stored."""

    staff: Account
    value: str
    generated: bool


def find(session: Session, name: str) -> Account:
    """The account of this name."""
    staff = session.scalar(select(Account).where(Account.name == name))
    if staff is None:
        raise NotFound(f"no account named {name!r}", field="name")
    return staff


def unlock(session: Session, throttle: LoginThrottle, staff: Account, *, actor: str) -> int:
    """Forget the failed logins counted against the account's name: it may log in at once."""
    dropped = throttle.clear(staff.name)
    audit.record(session, actor=actor, action="account.unlocked", entity="staff",
                 entity_id=staff.id, after={"counters_cleared": dropped})
    session.flush()
    return dropped


def deactivate(session: Session, staff: Account, *, actor: str,
               actor_id: int | None = None) -> None:
    """Stop the account: its key and password no longer work, its browser sessions end."""
    if actor_id is not None and staff.id == actor_id:
        raise Conflict("an administrator cannot deactivate their own account", field="name")
    if not staff.active:
        return
    staff.active = False
    ended = end_sessions(session, staff.id)
    audit.record(session, actor=actor, action="account.deactivated", entity="staff",
                 entity_id=staff.id, before={"active": True},
                 after={"active": False, "sessions_ended": ended})
    session.flush()


def reactivate(session: Session, staff: Account, *, actor: str) -> None:
    """Let a deactivated account in again, with the key and password it had."""
    if staff.active:
        return
    staff.active = True
    audit.record(session, actor=actor, action="account.reactivated", entity="staff",
                 entity_id=staff.id, before={"active": False}, after={"active": True})
    session.flush()


def reset_password(session: Session, staff: Account, *, actor: str,
                   password: str | None = None) -> Secret:
    """Set a new password (or a generated one, shown once); the account's sessions end.

    The password is one-time: its owner sets their own at the next login.
    """
    if staff.role not in PASSWORD_ROLES:
        raise InvalidInput(f"a {staff.role} account logs in with its API key, not a password",
                           field="name")
    value = password or secrets.token_urlsafe(15)
    staff.password_hash = hash_password(value)
    staff.password_must_change = True
    ended = end_sessions(session, staff.id)
    audit.record(session, actor=actor, action="account.password_reset", entity="staff",
                 entity_id=staff.id, after={"generated": password is None,
                                            "sessions_ended": ended,
                                            "password_must_change": True})
    session.flush()
    return Secret(staff, value, generated=password is None)


def rotate_key(session: Session, staff: Account, *, actor: str) -> Secret:
    """Give the account a new API key (shown once); the old one stops working."""
    value = KEY_PREFIX + secrets.token_urlsafe(32)
    had_key = staff.api_key_hash is not None
    staff.api_key_hash = hash_key(value)
    audit.record(session, actor=actor, action="account.key_rotated", entity="staff",
                 entity_id=staff.id, before={"had_key": had_key}, after={"had_key": True})
    session.flush()
    return Secret(staff, value, generated=True)


def revoke_key(session: Session, staff: Account, *, actor: str) -> None:
    """Take the account's API key away (people keep their password)."""
    if staff.api_key_hash is None:
        return
    staff.api_key_hash = None
    audit.record(session, actor=actor, action="account.key_revoked", entity="staff",
                 entity_id=staff.id, before={"had_key": True}, after={"had_key": False})
    session.flush()
