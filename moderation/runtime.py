"""The runtime: what a process builds once at start, from the settings, and hands down.

The engine and its session factory, the Redis connection (an in-process stand-in without
REDIS_URL) and the screener with the caches it keeps (rights rules, active alerts, the
learned matcher) live here, not in module globals: a command, the API (create_app) and a
worker each build one Runtime when they start, and a test builds its own on its rolled-back
transaction. Sessions from its factory carry its Redis, which their declared jobs go to
(jobs.py). In the embedded default one Runtime serves the API and the in-process worker,
so both see the same in-process queue.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis import Redis
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from moderation import jobs, queue
from moderation.accounts.throttle import LoginThrottle
from moderation.config import Settings, get_settings
from moderation.db import make_engine
from moderation.settings_checks import enforce

if TYPE_CHECKING:
    from moderation.screening.screener import Screener


class LazyScreener:
    """The screener, built on first use: the API serves intake without it (scikit-learn,
    SciPy and the artifacts take seconds and tens of MB), and loads it for the pages that
    show it (admin, shadow runs, dry runs)."""

    def __init__(self, settings: Settings, screener: Screener | None) -> None:
        self._settings = settings
        self._screener = screener
        self._lock = threading.Lock()

    def get(self) -> Screener:
        if self._screener is None:
            with self._lock:  # two request threads asking at once build one
                if self._screener is None:
                    from moderation.screening.screener import Screener

                    self._screener = Screener(self._settings)
        return self._screener

    @property
    def loaded(self) -> bool:
        return self._screener is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Runtime:
    """One process's connections and loaded artifacts, built once at its start."""

    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    redis: Redis
    lazy_screener: LazyScreener
    # One per process, like the rate limits: it keeps when it last warned of an outage,
    # and one built per request would warn on every login while Redis is away.
    login_throttle: LoginThrottle

    @classmethod
    def build(cls, settings: Settings | None = None, *, bind: Engine | Connection | None = None,
              redis: Redis | None = None, screener: Screener | None = None,
              **session_options: Any) -> Runtime:
        """Build the runtime of these settings; tests give the bind, Redis and screener.

        The screener is built when first asked for (`screener`), not here: a worker asks
        at its start (workers/main.py settle_heap), the API only on the pages that need it.
        """
        settings = settings or get_settings()
        # Before anything connects: production refuses insecure settings (ALLOW_INSECURE).
        enforce(settings)
        if bind is None:
            bind = make_engine(settings.database_url, settings)
        redis = redis if redis is not None else queue.connect(settings.redis_url)
        factory = sessionmaker(bind=bind, expire_on_commit=False, info={jobs.REDIS: redis},
                               **session_options)
        return cls(settings=settings, engine=bind.engine, sessionmaker=factory, redis=redis,
                   lazy_screener=LazyScreener(settings, screener),
                   login_throttle=LoginThrottle.of(settings, redis))

    @property
    def screener(self) -> Screener:
        """The current rule pack and model bundle (loaded on first use) and their caches."""
        return self.lazy_screener.get()

    @property
    def embedded(self) -> bool:
        """No REDIS_URL: the queue lives in this process, and so must a worker."""
        return not self.settings.redis_url


def freeze_loaded() -> None:
    """Hide what the process has loaded so far from the cyclic GC, before a long bulk run.

    Every full collection would walk the libraries' and the loaded models' objects again:
    an import of 20k offers spent 1.2 s of 8.5 s in them, 0.2 s once frozen.
    """
    gc.collect()
    gc.freeze()
