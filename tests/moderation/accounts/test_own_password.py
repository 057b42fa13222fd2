"""A password an administrator set works once: its owner replaces it with their own."""

from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.accounts import admin, auth
from moderation.accounts.staff import create_staff
from moderation.accounts.throttle import Limits, LoginThrottle
from moderation.config import get_settings
from moderation.domain import StaffRole
from moderation.errors import Conflict, InvalidInput
from moderation.tables import AuditEntry, WebSession
from tests.factories import TEST_PASSWORD, make_staff

OWN = "a passphrase of my own"


def _login(session: Session, redis: Redis, name: str, password: str) -> auth.LoginResult:
    throttle = LoginThrottle(redis, Limits.of(get_settings()))
    return auth.login(session, throttle=throttle, name=name, password=password,
                      address="192.0.2.7")


def test_an_administrators_passwords_are_one_time_and_others_are_not(
        session: Session) -> None:
    created = create_staff(session, name="new-one", role=StaffRole.MODERATOR,
                           password=TEST_PASSWORD, one_time_password=True).staff
    assert created.password_must_change
    keyed = create_staff(session, name="keyed", role=StaffRole.LEAD, one_time_password=True)
    assert keyed.staff.password_must_change is False  # no password, nothing to change
    mine = make_staff(session, password=TEST_PASSWORD).staff
    assert not mine.password_must_change
    admin.reset_password(session, mine, actor=audit.SYSTEM)
    assert mine.password_must_change


def test_the_owner_sets_their_own_and_the_other_sessions_end(session: Session,
                                                             redis: Redis) -> None:
    staff = make_staff(session, password=TEST_PASSWORD).staff
    given = admin.reset_password(session, staff, actor=audit.SYSTEM).value
    elsewhere = _login(session, redis, staff.name, given)
    here = _login(session, redis, staff.name, given)
    assert elsewhere.token and here.token
    web = auth.session_for_token(session, here.token)

    ended = auth.set_own_password(session, staff, new=OWN, repeated=OWN, keep_session=web)

    assert ended == 1 and not staff.password_must_change
    assert auth.session_for_token(session, here.token) is not None
    assert auth.session_for_token(session, elsewhere.token) is None
    assert _login(session, redis, staff.name, given).error == "invalid"
    assert _login(session, redis, staff.name, OWN).token is not None
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "account.password_changed")).one()
    assert (entry.actor, entry.entity_id) == (audit.actor_of(staff.id), staff.id)
    assert entry.after == {"password_must_change": False, "sessions_ended": 1}
    # Done once: there is no one-time password left to replace.
    with pytest.raises(Conflict):
        auth.set_own_password(session, staff, new="yet another one", repeated="yet another one")


@pytest.mark.parametrize(("new", "repeated", "field", "code"), [
    ("short", "short", "new_password", "invalid_input"),  # the strength check of every password
    (OWN, OWN + "!", "new_password_repeated", "invalid_input"),
    (TEST_PASSWORD, TEST_PASSWORD, "new_password", "password_reused"),
])
def test_a_weak_mistyped_or_given_password_is_refused(session: Session, new: str,
                                                      repeated: str, field: str,
                                                      code: str) -> None:
    staff = make_staff(session).staff
    admin.reset_password(session, staff, actor=audit.SYSTEM, password=TEST_PASSWORD)
    before = staff.password_hash
    with pytest.raises(InvalidInput) as refused:
        auth.set_own_password(session, staff, new=new, repeated=repeated)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert staff.password_must_change and staff.password_hash == before
    assert session.query(WebSession).filter_by(staff_id=staff.id).count() == 0
