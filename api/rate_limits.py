"""Rate limits per API key and per client address on intake, notices, orders and login.

Counted with the `limits` library (a sliding window counter: one Redis round trip per limit)
on the Redis of REDIS_URL, so that every API process shares the counts; in the embedded
default (no REDIS_URL) in this process's memory, which is the only process there is. The
limits are settings (RATE_LIMIT_*); each is counted twice, for the caller's credential and
for its address, and the first one spent answers 429 with Retry-After. The pages' forms
that create what outsiders send (the portal's notices, rights and documents; the authority's
orders) spend the limit of their API twins, so a form is no way around it.

The counting runs on the event loop: with Redis, through the library's asyncio storage
(redis-py's asyncio client); in memory, inline, as it does no I/O. Counted in a thread, as a
sync dependency, each request paid a hop to the thread pool and back: a fifth of a single
offer's CPU in the intake benchmark. Redis's asyncio connections belong to the event loop
that opened them, so each loop gets its own storage (a server has one loop; a test client may
start one per request).

Nothing here reads the database: the credential is the presented API key (or session
cookie), hashed, so a flood of made-up keys is held back like a flood with a real one.

When Redis cannot be reached the limits let requests through uncounted (logged, at most once a
minute, and counted in moderation_rate_limits_uncounted_total): an outage of the counter must
not stop intake, whose offers wait for the sweep (moderation.pending), nor lock everyone out
of logging in. A short socket timeout keeps a Redis that does not answer from holding a
request for long.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Protocol
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from limits import RateLimitItem, WindowStats, parse_many
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.aio.strategies import (
    SlidingWindowCounterRateLimiter as AsyncSlidingWindowCounterRateLimiter,
)
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.transactions import SAFE_METHODS
from moderation.config import Settings
from moderation.errors import RateLimited
from moderation.metrics import Uncounted

log = logging.getLogger(__name__)

API_KEY_HEADER = "x-api-key"
SESSION_COOKIE = "moderation_session"  # api/deps.py's; not imported: deps imports this module
# Seconds to wait for the limits' Redis (to connect, and for an answer) before letting a
# request through uncounted; a local Redis answers in well under a millisecond.
REDIS_TIMEOUT_SECONDS = 0.5


class Scope(StrEnum):
    """What a limit is spent on; each has its own setting."""

    INTAKE = "intake"
    NOTICES = "notices"
    ORDERS = "orders"
    LOGIN = "login"


def client_address(request: Request) -> str:
    """The client's address as the server saw it (behind a proxy: uvicorn --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def _credential(request: Request) -> str | None:
    """A stable, non-secret name for the caller's credential, if it presented one."""
    secret = request.headers.get(API_KEY_HEADER) or request.cookies.get(SESSION_COOKIE)
    return hashlib.sha256(secret.encode()).hexdigest()[:32] if secret else None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request may go on, and if not, in how many seconds it may."""

    allowed: bool
    retry_after: int = 0


class RateLimits:
    """The configured limits and where they are counted (one per application)."""

    def __init__(self, settings: Settings) -> None:
        self._counter: _Counter = (_InRedis(settings.redis_url) if settings.redis_url
                                   else _InMemory())
        self._uncounted = Uncounted(log, "rate limits not counted: their Redis cannot be "
                                    "reached (%s); requests go through until it answers")
        self.items: dict[Scope, list[RateLimitItem]] = {
            Scope.INTAKE: _parse(settings.rate_limit_intake),
            Scope.NOTICES: _parse(settings.rate_limit_notices),
            Scope.ORDERS: _parse(settings.rate_limit_orders),
            Scope.LOGIN: _parse(settings.rate_limit_login),
        }

    async def hit(self, scope: Scope, *, credential: str | None, address: str) -> Verdict:
        """Spend one request of every limit of this scope, for the credential and address;
        allowed, uncounted, when the storage cannot be reached."""
        return await self._uncounted.call_async(
            scope.value, lambda: self._hit(scope, credential=credential, address=address),
            otherwise=Verdict(True))

    async def _hit(self, scope: Scope, *, credential: str | None, address: str) -> Verdict:
        identities = [("address", address)]
        if credential is not None:
            identities.insert(0, ("key", credential))
        for item in self.items[scope]:
            for kind, identity in identities:
                if not await self._counter.hit(item, scope.value, kind, identity):
                    stats = await self._counter.get_window_stats(item, scope.value, kind,
                                                                 identity)
                    return Verdict(False, max(1, math.ceil(stats.reset_time - time.time())))
        return Verdict(True)


class _Counter(Protocol):
    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool: ...

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str
                               ) -> WindowStats: ...


class _InMemory:
    """This process's counts, taken inline: no I/O, nothing to wait for."""

    def __init__(self) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        return self._limiter.hit(item, *identifiers)

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        return self._limiter.get_window_stats(item, *identifiers)


class _InRedis:
    """Counts in Redis, awaited on the event loop, on connections of that loop's own."""

    def __init__(self, redis_url: str) -> None:
        self._uri = f"async+{redis_url}"
        self._limiters: WeakKeyDictionary[asyncio.AbstractEventLoop,
                                          AsyncSlidingWindowCounterRateLimiter] = (
            WeakKeyDictionary())

    def _limiter(self) -> AsyncSlidingWindowCounterRateLimiter:
        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            storage = AsyncRedisStorage(self._uri, implementation="redispy",
                                        socket_timeout=REDIS_TIMEOUT_SECONDS,
                                        socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
            limiter = self._limiters[loop] = AsyncSlidingWindowCounterRateLimiter(storage)
        return limiter

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        return await self._limiter().hit(item, *identifiers)

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        return await self._limiter().get_window_stats(item, *identifiers)


def _parse(spec: str) -> list[RateLimitItem]:
    return parse_many(spec) if spec.strip() else []


def limit(scope: Scope) -> Callable[[Request], Awaitable[None]]:
    """A dependency that spends this scope's limits on each state-changing request.

    Reads (GET) are not counted, so a router can carry it for its writes alone.
    """

    async def spend(request: Request) -> None:
        if request.method in SAFE_METHODS:
            return
        limits: RateLimits = request.app.state.rate_limits
        verdict = await limits.hit(scope, credential=_credential(request),
                             address=client_address(request))
        if not verdict.allowed:
            raise RateLimited(f"too many {scope.value} requests: try again in "
                              f"{verdict.retry_after} s", retry_after=verdict.retry_after)

    return spend


IntakeLimit = Depends(limit(Scope.INTAKE))
NoticesLimit = Depends(limit(Scope.NOTICES))
OrdersLimit = Depends(limit(Scope.ORDERS))
LoginRateLimit = Annotated[None, Depends(limit(Scope.LOGIN))]
