"""`moderation users unlock|deactivate|reactivate|reset-password|rotate-key|revoke-key`,
committed on PostgreSQL as an operator's command is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from moderation.accounts import auth
from moderation.accounts.staff import create_staff, hash_key
from moderation.accounts.throttle import Limits, LoginThrottle
from moderation.config import get_settings
from moderation.db import session_scope
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.tables import Account, AuditEntry
from tests.factories import TEST_PASSWORD


@pytest.fixture
def committed(pg_engine: Engine, redis: Redis) -> Iterator[sessionmaker[Session]]:
    yield Runtime.build(get_settings(), bind=pg_engine, redis=redis).sessionmaker
    with pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, web_sessions, staff, organisations "
                          "RESTART IDENTITY CASCADE"))


def _run(*args: str, stdin: str | None = None) -> str:
    from moderation_cli import app

    result = CliRunner().invoke(app, ["users", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def _account(factory: sessionmaker[Session], name: str) -> Account:
    with factory() as s:
        return s.scalars(select(Account).where(Account.name == name)).one()


def test_the_account_commands_change_and_audit_the_account(
        committed: sessionmaker[Session], redis: Redis) -> None:
    with session_scope(committed) as s:
        create_staff(s, name="ola", role=StaffRole.MODERATOR, password=TEST_PASSWORD)
    throttle = LoginThrottle(redis, Limits.of(get_settings()))
    for _ in range(4):
        throttle.admit(name="ola", address="203.0.113.9")
    assert throttle.admit(name="ola", address="203.0.113.9") > 0
    _run("unlock", "ola")
    assert throttle.admit(name="ola", address="203.0.113.9") == 0

    _run("deactivate", "ola")
    assert not _account(committed, "ola").active
    _run("reactivate", "ola")
    assert _account(committed, "ola").active

    generated = _run("reset-password", "ola", "--generate").strip()
    assert _account(committed, "ola").password_must_change  # one-time, as on the admin page
    with committed() as s:
        result = auth.login(s, throttle=throttle, name="ola", password=generated,
                            address="192.0.2.1")
        assert result.token is not None
        s.rollback()

    key = _run("rotate-key", "ola").strip()
    assert _account(committed, "ola").api_key_hash == hash_key(key)
    _run("revoke-key", "ola")
    assert _account(committed, "ola").api_key_hash is None

    with committed() as s:
        actions = set(s.scalars(select(AuditEntry.action).where(
            AuditEntry.actor.startswith("cli"))))
    assert actions == {"account.unlocked", "account.deactivated", "account.reactivated",
                       "account.password_reset", "account.key_rotated", "account.key_revoked"}


def test_an_unknown_name_exits_with_an_error(committed: sessionmaker[Session]) -> None:
    from moderation_cli import app

    result = CliRunner().invoke(app, ["users", "deactivate", "nobody"])
    assert result.exit_code == 1 and "no account named" in result.output


def test_a_created_accounts_password_is_one_time(committed: sessionmaker[Session]) -> None:
    _run("create", "ewa", "--role", "lead", "--password-stdin", stdin=TEST_PASSWORD + "\n")
    assert _account(committed, "ewa").password_must_change
    with session_scope(committed) as s:
        create_staff(s, name="seeded", role=StaffRole.MODERATOR, password=TEST_PASSWORD)
    assert not _account(committed, "seeded").password_must_change
