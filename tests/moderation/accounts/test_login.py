"""Logging in through the throttle: the same answers for known and unknown names, no lock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from redis import Redis
from sqlalchemy.orm import Session

from moderation.accounts import auth
from moderation.accounts.throttle import Limits, LoginThrottle
from moderation.tables import utcnow
from tests.conftest import redis_down
from tests.factories import TEST_PASSWORD, make_staff

LIMITS = Limits(pair_free=3, pair_cap=900, name_free=10, name_cap=60, address_free=30,
                address_cap=900, memory_seconds=3600)


@pytest.fixture
def throttle(redis: Redis) -> LoginThrottle:
    return LoginThrottle(redis, LIMITS)


def _try(session: Session, throttle: LoginThrottle, name: str, password: str, at: datetime,
         address: str = "10.0.0.1") -> tuple[str | None, int]:
    result = auth.login(session, throttle=throttle, name=name, password=password,
                        address=address, now=at)
    return result.error, result.retry_after


def test_the_right_password_works_once_the_wait_has_passed(session: Session,
                                                           throttle: LoginThrottle) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    now = utcnow()
    assert [_try(session, throttle, mod.name, "wrong password", now) for _ in range(3)] == [
        ("invalid", 0)] * 3
    assert _try(session, throttle, mod.name, TEST_PASSWORD, now) == ("throttled", 1)
    assert _try(session, throttle, mod.name, TEST_PASSWORD, now + timedelta(seconds=1)) == (
        None, 0)


def test_unknown_and_known_names_are_answered_alike(session: Session, throttle: LoginThrottle,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    checks: list[str] = []
    verify = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: checks.append(h) or verify(h, p))
    now = utcnow()
    known = [_try(session, throttle, mod.name, "wrong password", now) for _ in range(5)]
    unknown = [_try(session, throttle, "nobody-here", "wrong password", now) for _ in range(5)]
    assert known == unknown == [("invalid", 0)] * 3 + [("throttled", 1)] * 2
    assert len(checks) == 6  # one argon2 check per admitted attempt, none when held back


def test_the_owner_logs_in_from_home_while_an_attacker_waits(session: Session,
                                                             throttle: LoginThrottle) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    now = utcnow()
    for _ in range(6):
        _try(session, throttle, mod.name, "guess", now, address="203.0.113.9")
    assert _try(session, throttle, mod.name, "guess", now, address="203.0.113.9")[0] == (
        "throttled")
    assert _try(session, throttle, mod.name, TEST_PASSWORD, now, address="192.0.2.1") == (
        None, 0)


def test_while_the_throttles_redis_is_away_the_owner_still_logs_in(
        session: Session, redis: Redis, caplog: pytest.LogCaptureFixture) -> None:
    # Admitted uncounted, as the rate limits are: before, the login answered 500.
    mod = make_staff(session, password=TEST_PASSWORD).staff
    throttle = LoginThrottle(redis, LIMITS)
    with redis_down(redis):
        wrong = [_try(session, throttle, mod.name, "wrong password", utcnow())
                 for _ in range(5)]
        right = _try(session, throttle, mod.name, TEST_PASSWORD, utcnow())
    assert wrong == [("invalid", 0)] * 5 and right == (None, 0)
    assert [r.levelname for r in caplog.records
            if r.name == "moderation.accounts.throttle"] == ["WARNING"]
