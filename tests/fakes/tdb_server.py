"""A local stand-in for the DSA Transparency Database's API, served by uvicorn in a thread.

It checks the bearer token, refuses with the same rules the submitter checks
(moderation/transparency_db/validation.py), takes at most 100 statements a call, creates
all or none of a batch, refuses a PUID given before (also across calls) as the database
does, answers the existing-PUID lookup, and can be told to answer the next calls with a
429, a 500 after creating the batch, or no answer in time.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from moderation.transparency_db import validation

TOKEN = "fake-tdb-token"
NOT_UNIQUE = "The platform identifier(s) are not all unique within this call."


@dataclass
class FakeTdb:
    """The fake database's state and switches (set them between calls)."""

    token: str = TOKEN
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # puid -> statement
    calls: list[int] = field(default_factory=list)  # the batch size of every POST
    lookups: list[str] = field(default_factory=list)
    # Switches, each for the next calls: how many, and how.
    rate_limit_next: int = 0
    retry_after: str = "1"
    fail_after_commit_next: int = 0  # create the batch, then answer 500
    hang_after_commit_next: int = 0  # create the batch, then answer too late
    hang_seconds: float = 2.0
    lookup_blind: bool = False  # the 24-hour delay: lookups find nothing
    # Statements refused whatever our rules say (the database's rules may be newer).
    refuse_puids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def created(self, puid: str) -> bool:
        return puid in self.stored

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    async def store_many(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"message": "Unauthenticated."}, status_code=401)
        with self.lock:
            if self.rate_limit_next:
                self.rate_limit_next -= 1
                return Response("Limit Reached. Please do not overload the API", 429,
                                headers={"Retry-After": self.retry_after})
        try:
            payload = await request.json()
        except ValueError:
            payload = {}
        statements = payload.get("statements") if isinstance(payload, dict) else None
        self.calls.append(len(statements) if isinstance(statements, list) else 0)
        errors = validation.batch_errors(payload)
        if not errors:
            errors = {f"statement_{i}": {"category": ["The selected category is invalid."]}
                      for i, s in enumerate(payload["statements"])
                      if s.get("puid") in self.refuse_puids}
        if errors:
            return JSONResponse({"message": "The given data was invalid.", "errors": errors},
                                status_code=422)
        assert isinstance(statements, list)
        with self.lock:
            puids = [s["puid"] for s in statements]
            seen = validation.duplicate_puids(puids) + [p for p in puids if p in self.stored]
            if seen:
                return JSONResponse({"message": NOT_UNIQUE, "errors": {
                    "puid": [NOT_UNIQUE], "existing_puids": sorted(set(seen))}},
                    status_code=422)
            created = []
            for s in statements:
                row = {**s, "uuid": str(uuid.uuid4()),
                       "created_at": time.strftime("%Y-%m-%d %H:%M:%S")}
                self.stored[s["puid"]] = row
                created.append(row)
            fail = self.fail_after_commit_next > 0
            hang = not fail and self.hang_after_commit_next > 0
            if fail:
                self.fail_after_commit_next -= 1
            if hang:
                self.hang_after_commit_next -= 1
        if fail:
            return Response("Server Error", 500)
        if hang:
            await asyncio.sleep(self.hang_seconds)  # the client gave up waiting long ago
        return JSONResponse({"statements": created}, status_code=201)

    async def existing_puid(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"message": "Unauthenticated."}, status_code=401)
        puid = request.path_params["puid"]
        self.lookups.append(puid)
        found = None if self.lookup_blind else self.stored.get(puid)
        if found is None:
            return JSONResponse({"message": "statement of reason not found"}, status_code=404)
        return JSONResponse(found, status_code=302)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/api/v1/statements", self.store_many, methods=["POST"]),
            Route("/api/v1/statement/existing-puid/{puid}", self.existing_puid),
        ])


@contextmanager
def serving(fake: FakeTdb) -> Iterator[str]:
    """Serve the fake on a free loopback port until the block ends; yield its API base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(fake.app(), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the fake Transparency Database did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
