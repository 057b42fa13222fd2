"""Passwords, browser sessions, CSRF tokens, and logins held back by the throttle."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.accounts.throttle import LoginThrottle
from moderation.config import get_settings
from moderation.errors import Conflict, CsrfFailed, Forbidden, InvalidInput, RateLimited
from moderation.tables import Account, WebSession, utcnow

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verified against when the name is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-password-anyone-has")


class ReusedPassword(InvalidInput):
    """The new password is the old one: the one-time one an administrator set (and someone
    else saw), or in a change of one's own, the current one."""

    code = "password_reused"


class WrongPassword(InvalidInput):
    """A change of one's own password named a current password that is not it."""

    code = "wrong_password"


class CurrentPasswordMissing(InvalidInput):
    """A change of one's own password named no current password at all: a one-time form
    sent again after the owner's own was set, say. Not a guess, so not counted as one."""

    code = "current_password_missing"


class SessionRequired(Forbidden):
    """A password is set or changed from a logged-in browser: an API key is no proof of
    the password, and the change would end its owner's browser sessions."""

    code = "session_required"


def check_strength(password: str, *, field: str = "password") -> None:
    """Refuse a password too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters",
                           field=field)


def hash_password(password: str) -> str:
    """Hash a password with argon2id, refusing ones too short to resist guessing."""
    check_strength(password)
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LoginResult:
    staff: Account | None
    token: str | None  # the cookie value, shown once; only its hash is stored
    error: str | None  # "invalid" or "throttled"
    retry_after: int = 0  # seconds, when throttled


def login(session: Session, *, throttle: LoginThrottle, name: str, password: str,
          address: str, now: datetime | None = None) -> LoginResult:
    """Check a password and open a browser session; failures are counted, not raised.

    The throttle is asked first, before the account is looked up, so that a held-back
    attempt costs nothing and reads the same for every name; an admitted one always runs
    one argon2 verification (against a dummy hash for an unknown name).
    """
    settings = get_settings()
    now = now or utcnow()
    wait = throttle.admit(name=name, address=address, now=now.timestamp())
    if wait:
        return LoginResult(None, None, "throttled", retry_after=wait)
    staff = session.scalar(select(Account).where(Account.name == name))
    if staff is None or not staff.active or staff.password_hash is None:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None, None, "invalid")
    if not _verify(staff.password_hash, password):
        return LoginResult(None, None, "invalid")
    throttle.succeeded(name=name, address=address)
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    staff.last_login_at = now
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_token_hash(token), staff_id=staff.id,
                           csrf_token=secrets.token_urlsafe(32), created_at=now,
                           expires_at=now + timedelta(hours=settings.session_hours)))
    audit.record(session, actor=audit.actor_of(staff.id), action="account.login",
                 entity="staff", entity_id=staff.id)
    session.flush()
    return LoginResult(staff, token, None)


def set_own_password(session: Session, staff: Account, *, new: str, repeated: str,
                     keep_session: WebSession | None = None) -> int:
    """Replace the one-time password an administrator set with the owner's own.

    The new one must differ from the one-time one (which someone else has seen) and be as
    strong as any password. The account's other browser sessions end: they were opened
    with the one-time password. Returns how many ended.
    """
    if not staff.password_must_change:
        raise Conflict("this account's password is its owner's already", field="password")
    _check_new(new, repeated)
    if staff.password_hash is not None and _verify(staff.password_hash, new):
        raise ReusedPassword("choose a password other than the one you were given",
                             field="new_password")
    return _replace(session, staff, new, keep_session=keep_session)


def change_own_password(session: Session, staff: Account, *, throttle: LoginThrottle,
                        address: str, current: str, new: str, repeated: str,
                        keep_session: WebSession | None = None,
                        now: datetime | None = None) -> int:
    """The owner replaces their own password, proving they know the current one.

    The check of the current password is a login attempt: it is admitted by the login
    throttle (as the account's name, from this address) and a wrong one is counted there, so
    a stolen session cookie is no way to guess the password faster than the login form
    allows; a held-back attempt raises RateLimited without checking. The new one is checked
    first (no secret in that), must differ from the current one, and the account's other
    browser sessions end. Returns how many ended.
    """
    if staff.password_must_change:
        raise Conflict("set your own password in place of the one-time one first",
                       field="password")
    if not current:
        raise CurrentPasswordMissing("give your current password", field="current_password")
    _check_new(new, repeated)
    wait = throttle.admit(name=staff.name, address=address,
                          now=(now or utcnow()).timestamp())
    if wait:
        raise RateLimited(f"too many failed attempts: try again in {wait} s",
                          retry_after=wait)
    if staff.password_hash is None or not _verify(staff.password_hash, current):
        raise WrongPassword("the current password is wrong", field="current_password")
    throttle.succeeded(name=staff.name, address=address)
    if new == current:
        raise ReusedPassword("choose a password other than your current one",
                             field="new_password")
    return _replace(session, staff, new, keep_session=keep_session)


def _check_new(new: str, repeated: str) -> None:
    check_strength(new, field="new_password")
    if new != repeated:
        raise InvalidInput("the two passwords differ", field="new_password_repeated")


def _replace(session: Session, staff: Account, new: str, *,
             keep_session: WebSession | None) -> int:
    """Store the owner's new password and end the account's other browser sessions."""
    was_one_time = staff.password_must_change
    staff.password_hash = _hasher.hash(new)
    staff.password_must_change = False
    others = delete(WebSession).where(WebSession.staff_id == staff.id)
    if keep_session is not None:
        others = others.where(WebSession.id != keep_session.id)
    ended = int(getattr(session.execute(others), "rowcount", 0) or 0)
    audit.record(session, actor=audit.actor_of(staff.id), action="account.password_changed",
                 entity="staff", entity_id=staff.id,
                 before={"password_must_change": was_one_time},
                 after={"password_must_change": False, "sessions_ended": ended})
    session.flush()
    return ended


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def session_for_token(session: Session, token: str | None,
                      now: datetime | None = None) -> WebSession | None:
    """The live browser session behind a cookie value, if any."""
    if not token:
        return None
    web = session.scalar(select(WebSession).where(WebSession.token_hash == _token_hash(token)))
    if web is None or web.expires_at <= (now or utcnow()):
        return None
    return web


def end_sessions(session: Session, staff_id: int) -> int:
    """End every browser session of an account (deactivated, or its password reset)."""
    result = session.execute(delete(WebSession).where(WebSession.staff_id == staff_id))
    return int(getattr(result, "rowcount", 0) or 0)


def logout(session: Session, token: str | None) -> None:
    """End the browser session behind a cookie value (a no-op when there is none)."""
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


def check_csrf(web: WebSession, presented: str | None) -> None:
    """Refuse a state-changing browser request that lacks its session's CSRF token."""
    if not presented or not hmac.compare_digest(presented, web.csrf_token):
        raise CsrfFailed("missing or wrong CSRF token: reload the page and try again")
