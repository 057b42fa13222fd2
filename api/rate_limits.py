"""Rate limits per API key and per client address on intake, notices, orders and login.

Counted with the `limits` library (a sliding window counter: one Redis round trip per limit)
on the Redis of REDIS_URL, so that every API process shares the counts; in the embedded
default (no REDIS_URL) in this process's memory, which is the only process there is. The
limits are settings (RATE_LIMIT_*); each is counted twice, for the caller's credential and
for its address, and the first one spent answers 429 with Retry-After. The pages' forms
that create what outsiders send (the portal's notices, rights and documents; the authority's
orders) spend the limit of their API twins, so a form is no way around it.

Nothing here reads the database: the credential is the presented API key (or session
cookie), hashed, so a flood of made-up keys is held back like a flood with a real one.

When Redis cannot be reached the limits let requests through uncounted (logged, at most once a
minute, and counted in moderation_rate_limits_uncounted_total): an outage of the counter must
not stop intake, whose offers wait for the sweep (moderation.pending), nor lock everyone out
of logging in. A short socket timeout keeps a Redis that does not answer from holding a
request's thread for long.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
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
    """The configured limits and the storage they are counted in (one per application)."""

    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.storage = storage if storage is not None else _storage_of(settings.redis_url)
        self._uncounted = Uncounted(log, "rate limits not counted: their Redis cannot be "
                                    "reached (%s); requests go through until it answers")
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.items: dict[Scope, list[RateLimitItem]] = {
            Scope.INTAKE: _parse(settings.rate_limit_intake),
            Scope.NOTICES: _parse(settings.rate_limit_notices),
            Scope.ORDERS: _parse(settings.rate_limit_orders),
            Scope.LOGIN: _parse(settings.rate_limit_login),
        }

    def hit(self, scope: Scope, *, credential: str | None, address: str) -> Verdict:
        """Spend one request of every limit of this scope, for the credential and address;
        allowed, uncounted, when the storage cannot be reached."""
        return self._uncounted.call(
            scope.value, lambda: self._hit(scope, credential=credential, address=address),
            otherwise=Verdict(True))

    def _hit(self, scope: Scope, *, credential: str | None, address: str) -> Verdict:
        identities = [("address", address)]
        if credential is not None:
            identities.insert(0, ("key", credential))
        for item in self.items[scope]:
            for kind, identity in identities:
                if not self.limiter.hit(item, scope.value, kind, identity):
                    stats = self.limiter.get_window_stats(item, scope.value, kind, identity)
                    return Verdict(False, max(1, math.ceil(stats.reset_time - time.time())))
        return Verdict(True)


def _storage_of(redis_url: str | None) -> Storage:
    if not redis_url:
        return MemoryStorage()
    return RedisStorage(redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                        socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def _parse(spec: str) -> list[RateLimitItem]:
    return parse_many(spec) if spec.strip() else []


def limit(scope: Scope) -> Callable[[Request], None]:
    """A dependency that spends this scope's limits on each state-changing request.

    Reads (GET) are not counted, so a router can carry it for its writes alone.
    """

    def spend(request: Request) -> None:
        if request.method in SAFE_METHODS:
            return
        limits: RateLimits = request.app.state.rate_limits
        verdict = limits.hit(scope, credential=_credential(request),
                             address=client_address(request))
        if not verdict.allowed:
            raise RateLimited(f"too many {scope.value} requests: try again in "
                              f"{verdict.retry_after} s", retry_after=verdict.retry_after)

    return spend


IntakeLimit = Depends(limit(Scope.INTAKE))
NoticesLimit = Depends(limit(Scope.NOTICES))
OrdersLimit = Depends(limit(Scope.ORDERS))
LoginRateLimit = Annotated[None, Depends(limit(Scope.LOGIN))]
