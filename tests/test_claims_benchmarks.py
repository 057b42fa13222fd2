"""The Buyer Protection benchmarks run on tiny inputs, on a database of their own, and count
what they should: every case decided, claims compensated and paid."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy import make_url

from benchmarks import bench_claim_decisions, simulate_claims_month
from tests.conftest import PG_URL, REDIS_URL
from tests.databases import drop_database, recreate_database

NAME = f"{make_url(PG_URL).database}_claimbench"


@pytest.fixture
def bench_url(redis: Redis) -> Iterator[str]:
    """A database of the benchmarks' own (they drop its schema), dropped after."""
    recreate_database(PG_URL, NAME)
    yield make_url(PG_URL).set(database=NAME).render_as_string(hide_password=False)
    drop_database(PG_URL, NAME)


def test_claim_decisions_are_measured_for_both_kinds(bench_url: str, redis: Redis) -> None:
    claim, screening = bench_claim_decisions.run([
        "--database-url", bench_url, "--redis-url", REDIS_URL, "--cases", "6",
        "--moderators", "2"])
    assert (claim.kind, screening.kind) == ("buyer_claim", "screening")
    assert claim.decisions == screening.decisions == 6
    assert claim.machine_seconds > 0
    assert claim.per_hour_with_reading < 3600 / 150 < claim.per_hour_machine
    assert not list(redis.scan_iter(match="rq:queue:bench-*"))  # its own queues are gone


def test_a_small_month_settles_decides_and_pays(bench_url: str) -> None:
    month = simulate_claims_month.run([
        "--database-url", bench_url, "--redis-url", REDIS_URL, "--orders", "300",
        "--discussion-share", "0.2", "--settled-share", "0.6", "--seed", "3"])
    assert month.orders == 300 and 30 <= month.discussions <= 90
    assert month.settled + month.claims == month.discussions  # nothing left open
    assert 0 < month.compensated < month.claims
    assert month.fast_track_hours is not None and month.other_hours is not None
    assert month.orders_per_compensated == month.orders / month.compensated
