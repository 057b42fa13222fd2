"""A bounded brute-force run against the login form: what the throttle lets through.

    .venv/bin/python -m benchmarks.bench_login_throttle --database-url URL [--redis-url URL]
        [--seconds 60] [--reference-seconds 10] [--owner-every 5] [--attackers 1]
        [--with-rate-limit]

An attacker hammers one account's password from one address (--attackers threads, each
one attempt after another) through the real login route (the app in process, on the given
database and Redis), for --seconds; meanwhile the owner logs in with the right password
from another address every --owner-every seconds. The reference, measured in the same run,
is the same attacker for --reference-seconds against the same route with the throttle's
free allowance set beyond reach (every attempt gets a password check). Prints attempts per
minute that got a password check, throttled and not, their ratio, the median answer time
of a checked and of a held-back attempt, and the owner's logins.

By default the per-address rate limit on login (RATE_LIMIT_LOGIN) is left out, so that the
figure is the throttle's alone; --with-rate-limit keeps it. Takes the database (migrated)
and Redis it is told (DATABASE_URL / REDIS_URL when no option); without a Redis, the
in-process stand-in. Creates one account of a fresh name and deletes it, and its throttle
counters, at the end; flushes nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import secrets
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy import delete

from api.app import create_app
from api.rate_limits import RateLimits
from moderation.accounts.staff import create_staff
from moderation.accounts.throttle import PREFIX, Limits, LoginThrottle, _address_key
from moderation.config import Settings
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.tables import Account, AuditEntry, WebSession

PASSWORD = "the owner's real passphrase"
ATTACKER = "198.51.100.66"
OWNER = "192.0.2.10"
CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class Tally:
    checked: list[float] = field(default_factory=list)  # answer times of 401s
    held: list[float] = field(default_factory=list)  # answer times of 429s
    owner_ok: int = 0
    owner_tries: int = 0
    owner_waits: list[int] = field(default_factory=list)


def _attempt(client: TestClient, name: str, password: str) -> tuple[int, float, str]:
    form = client.get("/login")
    token = CSRF.search(form.text)
    assert token, "no CSRF field on the login form"
    start = time.perf_counter()
    answer = client.post("/login", data={"name": name, "password": password,
                                         "csrf_token": token.group(1)},
                         follow_redirects=False)
    return answer.status_code, time.perf_counter() - start, answer.headers.get(
        "retry-after", "0")


def _attack(client: TestClient, name: str, seconds: float, tally: Tally) -> None:
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        status, took, _ = _attempt(client, name, f"guess-{n}")
        n += 1
        if status == 401:
            tally.checked.append(took)
        elif status == 429:
            tally.held.append(took)
        else:
            raise SystemExit(f"unexpected answer {status} to a wrong password")


def _together(client: TestClient, name: str, seconds: float, tally: Tally, n: int) -> None:
    threads = [threading.Thread(target=_attack, args=(client, name, seconds, tally))
               for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _owner(client: TestClient, name: str, seconds: float, every: float, tally: Tally) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(every)
        status, _, retry = _attempt(client, name, PASSWORD)
        tally.owner_tries += 1
        if status == 303:
            tally.owner_ok += 1
        elif status == 429:
            tally.owner_waits.append(int(retry))


@contextmanager
def _account(runtime: Runtime) -> Iterator[str]:
    name = f"bench-login-{secrets.token_hex(4)}"
    with runtime.sessionmaker() as s:
        staff_id = create_staff(s, name=name, role=StaffRole.MODERATOR, password=PASSWORD,
                                issue_key=False).staff.id
        s.commit()
    try:
        yield name
    finally:
        with runtime.sessionmaker() as s:
            s.execute(delete(WebSession).where(WebSession.staff_id == staff_id))
            s.execute(delete(AuditEntry).where(AuditEntry.entity == "staff",
                                               AuditEntry.entity_id == staff_id))
            s.execute(delete(Account).where(Account.id == staff_id))
            s.commit()
        throttle = LoginThrottle(runtime.redis, Limits.of(runtime.settings))
        throttle.clear(name)
        runtime.redis.delete(_address_key(ATTACKER), _address_key(OWNER))


def _client(settings: Settings, runtime: Runtime, *, address: str,
            with_rate_limit: bool) -> TestClient:
    app = create_app(dataclasses.replace(runtime, settings=settings))
    if not with_rate_limit:
        app.state.rate_limits = RateLimits(settings.model_copy(update={"rate_limit_login": ""}))
    return TestClient(app, client=(address, 40000))


def _per_minute(n: int, seconds: float) -> float:
    return n * 60 / seconds


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms" if samples else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--reference-seconds", type=float, default=10)
    parser.add_argument("--owner-every", type=float, default=5)
    parser.add_argument("--attackers", type=int, default=1)
    parser.add_argument("--with-rate-limit", action="store_true")
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("name the database: --database-url or DATABASE_URL (migrated)")
    settings = Settings(database_url=args.database_url, redis_url=args.redis_url)
    runtime = Runtime.build(settings)
    print(f"database {runtime.engine.url.render_as_string(hide_password=True)}, "
          f"redis {args.redis_url or 'in-process stand-in'}; throttle keys under {PREFIX}")

    # The reference: the same route, with a free allowance no attacker reaches.
    unthrottled = settings.model_copy(update={
        "login_free_failures": 10**9, "login_name_free_failures": 10**9,
        "login_address_free_failures": 10**9})
    reference = Tally()
    with _account(runtime) as name, _client(unthrottled, runtime, address=ATTACKER,
                                             with_rate_limit=args.with_rate_limit) as c:
        _together(c, name, args.reference_seconds, reference, args.attackers)

    tally = Tally()
    with _account(runtime) as name, \
            _client(settings, runtime, address=ATTACKER,
                    with_rate_limit=args.with_rate_limit) as attacker, \
            _client(settings, runtime, address=OWNER,
                    with_rate_limit=args.with_rate_limit) as owner:
        home = threading.Thread(target=_owner, args=(owner, name, args.seconds,
                                                     args.owner_every, tally))
        home.start()
        _together(attacker, name, args.seconds, tally, args.attackers)
        home.join()

    ref_rate = _per_minute(len(reference.checked), args.reference_seconds)
    rate = _per_minute(len(tally.checked), args.seconds)
    print(f"reference (no throttle), {args.reference_seconds:.0f} s: "
          f"{ref_rate:.0f} password checks/min, median answer {_median_ms(reference.checked)}")
    print(f"throttled, {args.seconds:.0f} s: {len(tally.checked) + len(tally.held)} attempts, "
          f"{len(tally.checked)} got a password check = {rate:.1f}/min, "
          f"{len(tally.held)} held back (429)")
    print(f"  median answer: checked {_median_ms(tally.checked)}, held back "
          f"{_median_ms(tally.held)}")
    print(f"  ratio throttled/reference: {rate / ref_rate:.4f}" if ref_rate else "")
    print(f"owner from another address: {tally.owner_ok}/{tally.owner_tries} logins succeeded"
          + (f", held back {len(tally.owner_waits)}× (waits {tally.owner_waits} s)"
             if tally.owner_waits else ""))
    # After the free failures the attacker's waits double to the cap: 1, 2, 4 ... s.
    cap = settings.login_max_wait_seconds
    print(f"steady state once at the cap: 1 check per {cap} s = {60 / cap:.2f}/min per "
          f"name and address")


if __name__ == "__main__":
    main()
