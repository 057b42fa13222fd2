"""The Transparency Database's API over HTTP: post a batch, look a PUID up, read the answers.

Endpoints below the configured base URL (TDB_URL, e.g. .../api/v1), each with
`Authorization: Bearer <token>` and JSON (transparency.dsa.ec.europa.eu/page/
api-documentation-two):
- POST `statements` {"statements": [...]} (1 to 100): 201 {"statements": [... with uuid]}
  creates all; 422 creates none, with {"errors": {"statement_<i>": {field: [...]}}} for
  refused statements, or {"errors": {"puid": [...], "existing_puids": [...]}} when PUIDs
  were given before (the database's PuidNotUniqueMultipleException);
- GET `statement/existing-puid/<puid>`: 302 with the statement when it exists, 404 when not
  (the documentation warns a statement may take up to 24 hours to be found this way: the
  duplicate refusal above is what keeps a resend from creating it twice meanwhile);
- 401 a bad token, 429 the rate limit (6,000 requests a minute), 5xx the database's fault.
A 5xx or a timeout leaves the outcome unknown: the statements may have been created.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import quote

import httpx

from moderation.config import Settings
from moderation.policy import TDB_MIN_REQUEST_INTERVAL, TDB_RETRY_AFTER_CAP


class Outcome(StrEnum):
    CREATED = "created"  # every statement of the batch is in the database
    REFUSED = "refused"  # some statements refused (statement_<i>): none created
    DUPLICATES = "duplicates"  # some PUIDs were there already: none created
    BATCH_REFUSED = "batch_refused"  # the call itself refused (422 without statement_<i>)
    RATE_LIMITED = "rate_limited"  # 429: none created
    NOT_CREATED = "not_created"  # refused before any work (401, other 4xx, no connection)
    UNKNOWN = "unknown"  # 5xx, timeout, a broken answer: some or all may have been created


@dataclass(frozen=True)
class BatchAnswer:
    """What the database answered to one batch, read."""

    outcome: Outcome
    uuids: dict[str, str] = field(default_factory=dict)  # puid -> uuid, when created
    refused: dict[int, Any] = field(default_factory=dict)  # index in the batch -> errors
    duplicates: tuple[str, ...] = ()
    retry_after: float | None = None
    error: str = ""


class LookupFailed(Exception):
    """The PUID lookup gave no answer (a 5xx, a timeout): the outcome stays unknown."""


def retry_after_seconds(header: str | None) -> float:
    """The wait a 429 asks for, within the limiter's window (1 s when it says nothing)."""
    try:
        wait = float(header) if header is not None else 1.0
    except ValueError:
        wait = 1.0
    return min(max(wait, 1.0), TDB_RETRY_AFTER_CAP.total_seconds())


def _error(response: httpx.Response) -> str:
    return f"HTTP {response.status_code}: {response.text[:1000]}"


def read_batch_answer(response: httpx.Response, puids: list[str]) -> BatchAnswer:
    """Read the database's answer to a batch of statements with these PUIDs, in order."""
    status = response.status_code
    if status == 201:
        try:
            created = response.json()["statements"]
            uuids = {str(s["puid"]): str(s.get("uuid") or "") for s in created}
        except (ValueError, KeyError, TypeError):
            return BatchAnswer(Outcome.UNKNOWN, error=f"unreadable 201: {response.text[:500]}")
        return BatchAnswer(Outcome.CREATED, uuids=uuids)
    if status == 422:
        try:
            errors = response.json().get("errors") or {}
        except ValueError:
            errors = {}
        refused = {int(key.removeprefix("statement_")): value for key, value in errors.items()
                   if key.startswith("statement_") and key[10:].isdigit()}
        if refused:
            return BatchAnswer(Outcome.REFUSED, refused=refused, error=_error(response))
        existing = errors.get("existing_puids")
        if isinstance(existing, list) and existing:
            return BatchAnswer(Outcome.DUPLICATES, duplicates=tuple(map(str, existing)),
                               error=_error(response))
        return BatchAnswer(Outcome.BATCH_REFUSED, error=_error(response))
    if status == 429:
        return BatchAnswer(Outcome.RATE_LIMITED,
                           retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                           error=_error(response))
    if status >= 500:
        return BatchAnswer(Outcome.UNKNOWN, error=_error(response))
    return BatchAnswer(Outcome.NOT_CREATED, error=_error(response))


class TdbClient:
    """One HTTP connection to the database, keeping to its rate limit."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None
                 ) -> None:
        if not settings.tdb_enabled:
            raise RuntimeError("TDB_URL and TDB_TOKEN are not set")
        assert settings.tdb_url is not None
        self.base = settings.tdb_url.rstrip("/")
        self.http = httpx.Client(
            timeout=settings.tdb_timeout_seconds, transport=transport,
            headers={"Authorization": f"Bearer {settings.tdb_token}",
                     "Accept": "application/json"})
        self._last = 0.0
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> TdbClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pace(self) -> None:
        wait = self._last + TDB_MIN_REQUEST_INTERVAL.total_seconds() - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        self.requests += 1

    def post_batch(self, records: list[dict[str, Any]]) -> BatchAnswer:
        """Post up to 100 records in one call and read the answer."""
        puids = [str(r["puid"]) for r in records]
        self._pace()
        try:
            response = self.http.post(f"{self.base}/statements", json={"statements": records})
        except httpx.ConnectError as error:  # never reached the database
            return BatchAnswer(Outcome.NOT_CREATED, error=f"no connection: {error}")
        except httpx.HTTPError as error:  # sent, answer lost: it may have been created
            return BatchAnswer(Outcome.UNKNOWN, error=f"{type(error).__name__}: {error}")
        return read_batch_answer(response, puids)

    def existing(self, puid: str) -> str | None:
        """The uuid of the statement with this PUID in the database, or None if it is not."""
        self._pace()
        try:
            response = self.http.get(f"{self.base}/statement/existing-puid/{quote(puid)}")
        except httpx.HTTPError as error:
            raise LookupFailed(f"{type(error).__name__}: {error}") from error
        if response.status_code == 404:
            return None
        if response.status_code in (200, 302):
            try:
                return str(response.json().get("uuid") or "")
            except ValueError:
                return ""
        raise LookupFailed(_error(response))
