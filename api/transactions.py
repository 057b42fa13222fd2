"""Writers queue for SQLite, and a request runs again when its transaction lost a race.

SQLite lets one writer in at a time, and a request's session holds the write lock from its
first query (the caller's key) to its commit, across the threads that run the dependencies
and then the endpoint. Writers waiting for the lock in threads could take every thread of
the pool, and the holder would wait for a thread until the busy timeout. So on SQLite the
requests that may write queue here, on the event loop, one at a time.

A transient failure (see moderation.retries) leaves nothing in the database, so the whole
request is served again: a fresh session, the same body, the same caller. Only while nothing
can have escaped: no commit by the request's session and no byte of the response sent.
Past the last attempt the client is told to try again in a moment (503).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass

import anyio
from fastapi import Request
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt

from api.asgi import on_response_start
from api.schemas.problems import MEDIA_TYPE, body_of, problem_of
from moderation.retries import ATTEMPTS, backoff, is_transient

log = logging.getLogger(__name__)

ATTEMPT = "moderation.attempt"  # the scope key of the attempt being served
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # requests that change nothing
RETRY_AFTER_SECONDS = 1


@dataclass(slots=True)
class Attempt:
    """What one run of a request let out: a commit, or the start of its response."""

    committed: bool = False
    answered: bool = False


def attempt_of(request: Request) -> Attempt | None:
    """The run of the request being served (None outside RetryTransient)."""
    attempt = request.scope.get(ATTEMPT)
    return attempt if isinstance(attempt, Attempt) else None


def watch_commits(request: Request, session: Session) -> None:
    """Note when the request's session commits: what it committed must not be done twice."""
    attempt = attempt_of(request)
    if attempt is not None:
        session.info[ATTEMPT] = (attempt,)


def watch_group_commits(session: Session, attempts: Sequence[Attempt]) -> None:
    """Note when a session writing for several requests at once commits, for each of them."""
    session.info[ATTEMPT] = tuple(attempts)


# One listener for every session, reading the attempts off the session: listening on each
# request's session cost about a twentieth of a single offer's CPU in SQLAlchemy's event
# registry (py-spy, the intake benchmark).
@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for attempt in session.info.get(ATTEMPT, ()):
        attempt.committed = True


class _Body:
    """The request body as the first run read it, to be read again by every later run."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._messages: list[Message] = []

    def reader(self) -> Receive:
        position = 0

        async def receive() -> Message:
            nonlocal position
            if position < len(self._messages):
                position += 1
                return self._messages[position - 1]
            message = await self._receive()
            if message["type"] == "http.request":
                self._messages.append(message)
                position += 1
            return message

        return receive


async def _pause(state: RetryCallState) -> None:
    """Before the first run again: the wait the retrier gives between its own runs."""
    if state.attempt_number == 1:
        await anyio.sleep(backoff()(state))


class RetryTransient:
    """ASGI middleware: queue the writers of a one-writer database; serve a request again
    after a transient database failure."""

    def __init__(self, app: ASGIApp, *, one_writer: bool, attempts: int = ATTEMPTS) -> None:
        self.app = app
        self.one_writer = one_writer
        self.attempts = attempts
        self._writer = anyio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = _Body(receive)
        queues = self.one_writer and scope["method"] not in SAFE_METHODS
        current = Attempt()

        def replayable_failure(failure: BaseException | None) -> bool:
            return (failure is not None and is_transient(failure)
                    and not current.committed and not current.answered)

        def replayable(state: RetryCallState) -> bool:
            return replayable_failure(state.outcome.exception() if state.outcome else None)

        def noted(state: RetryCallState) -> None:
            log.warning("%s %s: transient database failure, attempt %d of %d",
                        scope["method"], scope["path"], state.attempt_number + 1,
                        self.attempts)

        async def serve_once() -> None:
            nonlocal current
            current = Attempt()
            async with AsyncExitStack() as turn:
                if queues:
                    await turn.enter_async_context(self._writer)
                await self.app(self._scope_for(scope, current), body.reader(),
                               self._send_for(send, current))

        try:
            # The first run without a retrier: building one per request cost about 5% of
            # an intake request's CPU, and almost every request is served at the first run.
            try:
                await serve_once()
                return
            except Exception as exc:
                if self.attempts <= 1 or not replayable_failure(exc):
                    raise
                log.warning("%s %s: transient database failure, attempt 1 of %d",
                            scope["method"], scope["path"], self.attempts)
            async for attempt in AsyncRetrying(stop=stop_after_attempt(self.attempts - 1),
                                               wait=backoff(), retry=replayable,
                                               before=_pause, before_sleep=noted,
                                               reraise=True):
                with attempt:
                    await serve_once()
        except Exception as exc:
            if not is_transient(exc) or current.answered or current.committed:
                raise
            log.error("%s %s: database busy after %d attempts", scope["method"],
                      scope["path"], self.attempts)
            await self._busy(send)

    @staticmethod
    def _scope_for(scope: Scope, attempt: Attempt) -> Scope:
        # A fresh request state each run: nothing the failed run noted carries over.
        return {**scope, "state": dict(scope.get("state") or {}), ATTEMPT: attempt}

    @staticmethod
    def _send_for(send: Send, attempt: Attempt) -> Send:
        def answered(_start: Message) -> None:
            attempt.answered = True

        return on_response_start(send, answered)

    @staticmethod
    async def _busy(send: Send) -> None:
        problem = problem_of(503, "busy", "the database is busy: try again in a moment")
        body = json.dumps(body_of(problem)).encode()
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", MEDIA_TYPE.encode()),
                                (b"content-length", str(len(body)).encode()),
                                (b"retry-after", str(RETRY_AFTER_SECONDS).encode())]})
        await send({"type": "http.response.body", "body": body})
