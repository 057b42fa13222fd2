"""API keys checked without a database round trip: a short per-process cache of key holders.

The guarantee: a key revoked or rotated, or an account deactivated, is refused at once by
the process that made the change (its edge clears the cache after the commit), and by every
other process within API_KEY_CACHE_SECONDS (the entries' age limit; 0 turns the cache off).
Only what a caller is named by is kept (id, name, role, locale, organisation), never the
ORM object: each request gets its own Account in its own session from these fields, put
into the session's identity map without a query (`merge(load=False)`), so routes and
domain code keep a real, attached Account; a column not cached is loaded when first read.
Unknown keys are not cached: each costs a query, and the rate limits hold back floods.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session, make_transient_to_detached

from moderation.accounts.staff import authenticate, hash_key
from moderation.errors import Unauthenticated
from moderation.tables import Account

MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """The fields of an active account that callers are identified by."""

    id: int
    name: str
    role: str
    locale: str
    organisation_id: int | None

    @classmethod
    def of(cls, staff: Account) -> KeyHolder:
        """The fields of this account."""
        return cls(staff.id, staff.name, staff.role, staff.locale, staff.organisation_id)

    def attach(self, session: Session) -> Account:
        """This holder as an Account of the session, without a query (already there: that)."""
        staff = Account(id=self.id, name=self.name, role=self.role, locale=self.locale,
                        organisation_id=self.organisation_id, active=True)
        # As if loaded: no pending changes, the columns not set here expire (load on read).
        make_transient_to_detached(staff)
        return session.merge(staff, load=False)


class KeyCache:
    """Key holders by the key's hash, each kept for a few seconds (thread-safe)."""

    def __init__(self, seconds: float, *, max_entries: int = MAX_ENTRIES) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, KeyHolder]] = {}
        self._lock = threading.Lock()
        # Bumped by clear(): a lookup that read the database before a clear must not put
        # what it read back afterwards.
        self._generation = 0

    def cached(self, session: Session, api_key: str) -> Account | None:
        """The key's holder as an Account of the session, if it was seen lately (else None).

        What the API's edge asks first, on the event loop: a hit needs no thread and no I/O.
        """
        holder = self.holder(api_key)
        return None if holder is None else holder.attach(session)

    def holder(self, api_key: str) -> KeyHolder | None:
        """The key's holder if it was seen lately, without reading the database (else None)."""
        if self.seconds <= 0:
            return None
        with self._lock:
            entry = self._entries.get(hash_key(api_key))
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def authenticate(self, session: Session, api_key: str | None) -> Account:
        """The active account owning this key, from the cache when it was seen lately."""
        if not api_key or self.seconds <= 0:
            return authenticate(session, api_key)
        digest = hash_key(api_key)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(digest)
            generation = self._generation
        if entry is not None and entry[0] > now:
            return entry[1].attach(session)
        try:
            staff = authenticate(session, api_key)
        except Unauthenticated:
            self._drop(digest)
            raise
        self._put(digest, KeyHolder.of(staff), generation=generation,
                  expires=now + self.seconds)
        return staff

    def clear(self) -> None:
        """Forget every holder: call after committing a revocation, rotation or deactivation."""
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def __len__(self) -> int:
        return len(self._entries)

    def _put(self, digest: str, holder: KeyHolder, *, generation: int, expires: float) -> None:
        with self._lock:
            if generation != self._generation:
                return
            if len(self._entries) >= self.max_entries:
                now = time.monotonic()
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[digest] = (expires, holder)

    def _drop(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)
