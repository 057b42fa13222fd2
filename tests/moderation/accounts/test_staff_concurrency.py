"""Accounts created at the same moment on PostgreSQL, with real commits, as commands do."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.config import get_settings
from moderation.db import session_scope
from moderation.domain import OrganisationKind, StaffRole
from moderation.errors import Conflict
from moderation.runtime import Runtime
from moderation.tables import Account, Organisation

AT_ONCE = 4


@pytest.fixture
def committed(pg_engine: Engine, redis: Redis) -> Iterator[sessionmaker[Session]]:
    yield Runtime.build(get_settings(), bind=pg_engine, redis=redis).sessionmaker
    with pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, staff, organisations RESTART IDENTITY CASCADE"))


def at_once(work: Callable[[int], None]) -> list[str]:
    """Run work(i) in AT_ONCE threads released together; each outcome's exception name."""
    start = threading.Barrier(AT_ONCE)
    outcomes: list[str] = []

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(AT_ONCE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def _member(factory: sessionmaker[Session], name: str) -> None:
    with session_scope(factory) as s:
        org = ensure_organisation(s, "WIIH Lublin", OrganisationKind.AUTHORITY)
        create_staff(s, name=name, role=StaffRole.AUTHORITY, organisation_id=org.id)


def test_members_of_a_new_organisation_created_at_once_share_it(
        committed: sessionmaker[Session]) -> None:
    assert at_once(lambda i: _member(committed, f"inspector-{i}")) == ["ok"] * AT_ONCE
    with committed() as s:
        assert s.scalar(select(func.count(Organisation.id))) == 1
        assert s.scalar(select(func.count(Account.id))) == AT_ONCE


def test_one_account_name_taken_at_once_is_created_once(
        committed: sessionmaker[Session]) -> None:
    outcomes = at_once(lambda _: _member(committed, "inspector"))
    assert Counter(outcomes) == {"ok": 1, Conflict.__name__: AT_ONCE - 1}
    with committed() as s:
        assert s.scalar(select(func.count(Account.id))) == 1
