"""Concurrent writers on the embedded default: SQLite, the in-process worker, a real server.

Before, 16 of 24 concurrent authority orders and 4 of 22 back-to-back ones were answered 500
("database is locked") and never stored, and identical notices sent together were both taken.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from moderation import queue
from moderation.config import get_settings
from moderation.db import make_engine
from moderation.migrate import upgrade
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from moderation.tables import NoticeItem, SafetyAlert
from tests.live_server import race, wait_until_serving
from tests.moderation.safety.test_authority import authority_org, order_body
from tests.rights_builders import notice_body, offers, rights_holder, verified_right
from tests.test_embedded import BIN, _free_port

# Past AnyIO's 40 request threads: writers waiting for SQLite's lock must not take them all.
CONCURRENT = 48
BACK_TO_BACK = 22


@dataclass(frozen=True, slots=True)
class Embedded:
    base: str
    database: sessionmaker[Session]  # the server's SQLite file, for setting up and checking


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory,
             live_screener: Screener) -> Iterator[Embedded]:
    folder = tmp_path_factory.mktemp("embedded")
    url = f"sqlite:///{folder / 'moderation.db'}"
    upgrade(url)
    engine = make_engine(url)
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["DATABASE_URL"] = url
    port = _free_port()
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, seconds=30)
        # The test's own runtime on the server's file; jobs it declares stay in its own
        # in-process queue (the server's sweep finds their work).
        runtime = Runtime.build(get_settings(), bind=engine, redis=queue.connect(None),
                                screener=live_screener)
        yield Embedded(base, runtime.sessionmaker)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        engine.dispose()
        sys.stdout.write((folder / "server.log").read_text(errors="replace")[-5000:])


def test_concurrent_and_back_to_back_orders_are_all_stored_and_matched(
        embedded: Embedded) -> None:
    with embedded.database() as s:
        org, member = authority_org(s)
        s.commit()
    headers = {"X-API-Key": member.api_key or ""}

    def send(reference: str) -> httpx.Response:
        return httpx.post(f"{embedded.base}/v1/safety/orders", headers=headers,
                          json=order_body(reference=reference), timeout=60)

    together = race(CONCURRENT, lambda i: send(f"TOGETHER/{i}"))
    # Straight after: the in-process worker is matching the orders above meanwhile.
    in_turn = [send(f"IN-TURN/{i}") for i in range(BACK_TO_BACK)]
    assert Counter(a.status_code for a in together) == {201: CONCURRENT}
    assert Counter(a.status_code for a in in_turn) == {201: BACK_TO_BACK}
    ids = {a.json()["id"] for a in together + in_turn}
    deadline = time.monotonic() + 60
    while True:
        with embedded.database() as s:
            stored = s.execute(select(SafetyAlert.id, SafetyAlert.matched_at)
                               .where(SafetyAlert.organisation_id == org.id)).all()
        if all(matched_at for _, matched_at in stored) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert {alert_id for alert_id, _ in stored} == ids
    assert all(matched_at for _, matched_at in stored), "the worker matched every order"


def test_identical_notices_sent_together_are_taken_once(embedded: Embedded) -> None:
    with embedded.database() as s:
        org, member = rights_holder(s)
        body = notice_body(verified_right(s, org), named := offers(s, 3))
        s.commit()
    answers = race(2, lambda _: httpx.post(f"{embedded.base}/v1/notices", json=body,
                                           headers={"X-API-Key": member.api_key or ""},
                                           timeout=60))
    assert sorted(a.status_code for a in answers) == [201, 409]
    assert "already reported" in next(a.json()["detail"] for a in answers
                                      if a.status_code == 409)
    with embedded.database() as s:
        assert s.scalar(select(func.count(NoticeItem.id))) == len(named)
