"""The login throttle on the real Redis: growing waits, never a lock, per name, pair, address."""

from __future__ import annotations

import threading

import pytest
from redis import Redis

from moderation.accounts.throttle import Limits, LoginThrottle

LIMITS = Limits(pair_free=3, pair_cap=900, name_free=10, name_cap=60, address_free=30,
                address_cap=900, memory_seconds=3600)
T0 = 1_000_000.0


@pytest.fixture
def throttle(redis: Redis) -> LoginThrottle:
    return LoginThrottle(redis, LIMITS)


def test_after_the_free_failures_each_attempt_waits_twice_as_long(throttle: LoginThrottle
                                                                   ) -> None:
    assert [throttle.admit(name="ola", address="a", now=T0) for _ in range(4)] == [0, 0, 0, 1]
    assert throttle.admit(name="ola", address="a", now=T0 + 1) == 0  # the wait has passed
    assert throttle.admit(name="ola", address="a", now=T0 + 1.5) == 2  # now 2 s after t0+1
    assert throttle.admit(name="ola", address="a", now=T0 + 3) == 0
    assert throttle.admit(name="ola", address="a", now=T0 + 3) == 4


def test_the_wait_is_capped_and_ends(throttle: LoginThrottle) -> None:
    now = T0
    for _ in range(30):  # far past the cap: 2^27 s uncapped
        now += throttle.admit(name="ola", address="a", now=now)
        throttle.admit(name="ola", address="a", now=now)
    assert throttle.admit(name="ola", address="a", now=now) == 900
    assert throttle.admit(name="ola", address="a", now=now + 900) == 0


def test_an_attackers_wait_does_not_stop_the_owner_elsewhere(throttle: LoginThrottle) -> None:
    for _ in range(5):
        throttle.admit(name="ola", address="attacker", now=T0)
    assert throttle.admit(name="ola", address="attacker", now=T0) > 0
    assert throttle.admit(name="ola", address="home", now=T0) == 0


def test_many_addresses_against_one_name_wait_only_the_short_name_cap(
        throttle: LoginThrottle) -> None:
    now = T0
    for i in range(40):  # each bot waits out the name's wait, so every attempt counts
        now += throttle.admit(name="ola", address=f"bot-{i}", now=now)
        assert throttle.admit(name="ola", address=f"bot-{i}", now=now) == 0
    assert throttle.admit(name="ola", address="home", now=now) == 60  # capped
    assert throttle.admit(name="ola", address="home", now=now + 60) == 0


def test_one_address_spraying_names_is_held_back(throttle: LoginThrottle) -> None:
    admitted = [throttle.admit(name=f"user-{i}", address="sprayer", now=T0) for i in range(35)]
    assert admitted[:30] == [0] * 30 and all(w > 0 for w in admitted[30:])
    assert throttle.admit(name="user-1", address="elsewhere", now=T0) == 0


def test_a_success_forgets_the_pair_and_gives_back_its_count(throttle: LoginThrottle,
                                                              redis: Redis) -> None:
    for _ in range(3):
        throttle.admit(name="ola", address="home", now=T0)
    throttle.succeeded(name="ola", address="home")
    assert throttle.failures_of(["ola"]) == {"ola": 2}  # the right attempt is not a failure
    assert [throttle.admit(name="ola", address="home", now=T0) for _ in range(3)] == [0, 0, 0]


def test_clear_forgets_the_name_everywhere_but_not_the_addresses(throttle: LoginThrottle
                                                                 ) -> None:
    for address in ("a", "b"):
        for _ in range(4):
            throttle.admit(name="ola", address=address, now=T0)
    assert throttle.clear("ola") == 3  # the name's counter and both pairs
    assert throttle.admit(name="ola", address="a", now=T0) == 0
    assert throttle.failures_of(["ola", "nobody"]) == {"ola": 1, "nobody": 0}


def test_attempts_at_once_get_no_more_than_the_free_ones(throttle: LoginThrottle) -> None:
    answers: list[int] = []
    start = threading.Barrier(20)

    def attempt() -> None:
        start.wait()
        answers.append(throttle.admit(name="ola", address="a", now=T0))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count(0) == 3
