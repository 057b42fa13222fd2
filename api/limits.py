"""Refuse request bodies over a size limit with 413, before anything is parsed."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas.problems import MEDIA_TYPE, body_of, problem_of
from moderation.config import get_settings
from moderation.errors import PayloadTooLarge

# Rights holders upload proofs of their rights here (JSON API and portal): documents, not
# small JSON, so these paths take a document plus the multipart framing around it.
DOCUMENT_UPLOADS = re.compile(r"/(?:v1|portal)/rights/\d+/documents/?")
MULTIPART_OVERHEAD = 16 * 1024
# Batch intake takes up to MAX_BATCH_OFFERS offer events in one body.
BATCH_INTAKE = "/v1/offers/batch"


class BodyLimit:
    """ASGI middleware: 413 when Content-Length or the streamed body passes the limit.

    The body is read up front (small, or one document at most) so that a chunked upload
    without Content-Length is refused the same way.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None,
                 batch_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        settings = get_settings()
        self.upload_bytes = (upload_bytes if upload_bytes is not None
                             else settings.max_document_bytes + MULTIPART_OVERHEAD)
        self.batch_bytes = (batch_bytes if batch_bytes is not None
                            else settings.max_batch_body_bytes)

    def limit_for(self, scope: Scope) -> int:
        """The most bytes a request to this path may carry."""
        if scope["method"] == "POST" and DOCUMENT_UPLOADS.fullmatch(scope["path"]):
            return max(self.upload_bytes, self.max_bytes)
        if scope["method"] == "POST" and scope["path"].rstrip("/") == BATCH_INTAKE:
            return max(self.batch_bytes, self.max_bytes)
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(send, limit)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        problem = problem_of(PayloadTooLarge.status_code, PayloadTooLarge.code,
                             f"request body exceeds {limit} bytes")
        body = json.dumps(body_of(problem)).encode()
        await send({"type": "http.response.start", "status": problem.status,
                    "headers": [(b"content-type", MEDIA_TYPE.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
