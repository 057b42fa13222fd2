"""The README's first command loads demo data: loaded twice, it is there once, and the
Buyer Protection Programme has something to show (orders, tracking, a claim in the queue)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from moderation.config import get_settings
from moderation.db import make_engine
from moderation.demo import load_demo
from moderation.domain import CaseKind
from moderation.migrate import upgrade
from moderation.runtime import Runtime
from moderation.tables import Buyer, Case, Claim, Order, TrackingEvent


def test_the_demo_loads_once_with_orders_and_a_claim_waiting_for_a_moderator(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    # The embedded default, as `make demo` runs it on a fresh machine: SQLite, no Redis.
    settings = get_settings().model_copy(update={"database_url": url, "redis_url": None})
    engine = make_engine(url, settings)
    factory = Runtime.build(settings, bind=engine).sessionmaker
    try:
        for _ in range(2):
            load_demo(factory)
        with factory() as s:
            counts = [s.scalar(select(func.count()).select_from(t))
                      for t in (Buyer, Order, TrackingEvent, Claim)]
            assert counts == [3, 4, 7, 1]
            claim_case = s.scalar(select(Case).where(Case.kind == CaseKind.BUYER_CLAIM.value))
            assert claim_case is not None and claim_case.status == "open"
    finally:
        engine.dispose()
