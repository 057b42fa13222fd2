"""Each request's id: the caller's X-Request-ID when it is a sane one, else a new one; set
for the request's log lines (moderation/logs.py) and returned in the response's header."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import on_response_start
from moderation import logs

HEADER = "X-Request-ID"
# A proxy's or a client's id is kept only when it cannot forge log lines or fill them.
SANE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id_of(scope: Scope) -> str:
    """The caller's id when it is sane, else a fresh one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if SANE.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


class RequestIds:
    """Pure ASGI middleware: nothing is buffered, streaming answers stay streaming."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_of(scope)
        token = logs.request_id.set(rid)

        def add_id(start: Message) -> None:
            MutableHeaders(scope=start)[HEADER] = rid

        try:
            await self.app(scope, receive, on_response_start(send, add_id))
        finally:
            logs.request_id.reset(token)
