"""Login throttling: growing waits after failed logins, kept in Redis, never a lock.

Three counters of failures, each with its own free allowance and cap (settings LOGIN_*):

- the account name from one client address: the attacker's own line, held hardest;
- the account name from every address: a spread-out guesser, held gently (a short cap),
  since the owner logging in from elsewhere shares this counter;
- the client address over every name: one address spraying many names.

After a counter's free failures, each further attempt must wait 2^k seconds after the last
one (k = failures past the free ones), up to the cap; an attempt inside a wait is refused
(429 with Retry-After) without checking the password, so it gets the attacker nothing and
does not make the wait longer. Once a wait has passed the right password works. Counters are
kept by name, whether or not an account has it, so unknown and known names are answered
alike; they are forgotten LOGIN_FAILURE_MEMORY_HOURS after their last failure.

Counters live in Redis (the runtime's: the server shared by every API process, the
in-process stand-in in the embedded default). Checking and counting are one Lua script, so
concurrent attempts cannot all slip through one free slot: an admitted attempt is counted
as a failure up front and given back when the password was right.

While Redis cannot be reached, attempts are admitted uncounted (a warning a minute, and
moderation_rate_limits_uncounted_total{scope="login_throttle"}), as the rate limits do: a
cache outage must not lock every owner out, and each admitted attempt still costs one argon2
verification.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from redis import Redis

from moderation.config import Settings
from moderation.metrics import Uncounted

log = logging.getLogger(__name__)

PREFIX = "moderation:login"
UNCOUNTED_SCOPE = "login_throttle"  # its label in the uncounted metric

# KEYS: the counters (hashes n, t). ARGV: now, memory seconds, then per key: free, cap.
# The wait is 2^(n - free) seconds: 1 s after the first failure past the free ones.
# Returns "0" when the attempt is admitted (and counted), else the seconds left to wait.
_ADMIT = """
local now = tonumber(ARGV[1])
local memory = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[1 + 2 * i])
  local cap = tonumber(ARGV[2 + 2 * i])
  local n = tonumber(redis.call('HGET', key, 'n') or '0')
  local t = tonumber(redis.call('HGET', key, 't') or '0')
  if n >= free then
    local left = t + math.min(2 ^ (n - free), cap) - now
    if left > wait then wait = left end
  end
end
-- A millisecond's slack: stamps of about 1.7e9 s carry float noise in the last digits.
if wait > 0.001 then return tostring(wait) end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 't', tostring(now))
  redis.call('EXPIRE', key, memory)
end
return '0'
"""

# KEYS[1]: the name-from-address counter (forgotten); the others are given back the one
# failure the admitted attempt was counted as.
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if tonumber(redis.call('HGET', KEYS[i], 'n') or '0') > 0 then
    redis.call('HINCRBY', KEYS[i], 'n', -1)
  end
end
return 0
"""


def _digest(value: str) -> str:
    # Names and addresses are hashed: arbitrary text makes no key patterns, and Redis holds
    # no list of the names people tried.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _pair_key(name: str, address: str) -> str:
    return f"{PREFIX}:pair:{_digest(name)}:{_digest(address)}"


def _name_key(name: str) -> str:
    return f"{PREFIX}:name:{_digest(name)}"


def _address_key(address: str) -> str:
    return f"{PREFIX}:address:{_digest(address)}"


@dataclass(frozen=True, slots=True)
class Limits:
    """The free failures and the cap on the wait of each counter."""

    pair_free: int
    pair_cap: int
    name_free: int
    name_cap: int
    address_free: int
    address_cap: int
    memory_seconds: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits the settings name."""
        return cls(pair_free=settings.login_free_failures,
                   pair_cap=settings.login_max_wait_seconds,
                   name_free=settings.login_name_free_failures,
                   name_cap=settings.login_name_max_wait_seconds,
                   address_free=settings.login_address_free_failures,
                   address_cap=settings.login_max_wait_seconds,
                   memory_seconds=settings.login_failure_memory_hours * 3600)


class LoginThrottle:
    """The counters of failed logins, on one Redis."""

    @classmethod
    def of(cls, settings: Settings, redis: Redis) -> LoginThrottle:
        """The throttle of these settings' limits, counting on this Redis."""
        return cls(redis, Limits.of(settings))

    def __init__(self, redis: Redis, limits: Limits) -> None:
        self.redis = redis
        self.limits = limits
        self._admit = redis.register_script(_ADMIT)
        self._succeeded = redis.register_script(_SUCCEEDED)
        self._uncounted = Uncounted(log, "login attempts not counted: the throttle's Redis "
                                    "cannot be reached (%s); logins are checked without it "
                                    "until it answers")

    def admit(self, *, name: str, address: str, now: float | None = None) -> int:
        """Count an attempt about to be checked: 0 if admitted, else whole seconds to wait."""
        lim = self.limits
        answer = self._uncounted.call(UNCOUNTED_SCOPE, lambda: self._admit(
            keys=[_pair_key(name, address), _name_key(name), _address_key(address)],
            args=[repr(now if now is not None else time.time()), lim.memory_seconds,
                  lim.pair_free, lim.pair_cap, lim.name_free, lim.name_cap,
                  lim.address_free, lim.address_cap]), otherwise=0)  # admitted
        left = float(answer.decode() if isinstance(answer, bytes) else answer)
        return max(1, math.ceil(round(left, 3))) if left > 0 else 0

    def succeeded(self, *, name: str, address: str) -> None:
        """The admitted attempt had the right password: forget this address's failures."""
        self._uncounted.call(UNCOUNTED_SCOPE, lambda: self._succeeded(
            keys=[_pair_key(name, address), _name_key(name), _address_key(address)]),
            otherwise=None)

    def clear(self, name: str) -> int:
        """Forget every failure counted against this name (an admin's unlock).

        The addresses' own counters stay: they hold an address spraying many names.
        Returns how many counters were dropped.
        """
        keys = [_name_key(name), *self._pairs_of(name)]
        return int(self.redis.delete(*keys))

    def _pairs_of(self, name: str) -> Iterator[bytes | str]:
        yield from self.redis.scan_iter(match=f"{PREFIX}:pair:{_digest(name)}:*", count=500)

    def failures_of(self, names: list[str]) -> dict[str, int]:
        """Failures counted against each name from every address (shown to admins)."""
        pipe = self.redis.pipeline(transaction=False)
        for name in names:
            pipe.hget(_name_key(name), "n")
        return {name: int(n) if n is not None else 0
                for name, n in zip(names, pipe.execute(), strict=True)}
