"""Security headers on every answer: a content security policy, no framing, no sniffing.

The console's pages load their one script and style sheet from /static and have no inline
script, style or event handler, so the policy allows only the site itself. The API
documentation (/docs: Swagger UI, /redoc: ReDoc, both served by fastapi-offline) starts
its bundle from an inline script, and ReDoc injects styles and runs a worker from a blob:
URL; those pages alone get a looser policy, still with nothing from other sites and no
framing. HSTS is sent only with COOKIE_SECURE (the service is then behind HTTPS; on plain
HTTP a browser ignores it, and a developer's localhost must not be pinned to HTTPS).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import on_response_start

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
               "form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
               "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
               "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
HSTS = "max-age=31536000; includeSubDomains"


def policy_for(path: str) -> str:
    """The content security policy of the page at this path."""
    return DOCS_POLICY if path.startswith(DOCS_PATHS) else PAGE_POLICY


class SecurityHeaders:
    """ASGI middleware adding the headers to each response's start (streamed ones too)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = policy_for(scope["path"])

        def add_headers(start: Message) -> None:
            headers = MutableHeaders(scope=start)
            headers.setdefault("Content-Security-Policy", policy)
            headers.setdefault("X-Content-Type-Options", "nosniff")
            headers.setdefault("X-Frame-Options", "DENY")
            headers.setdefault("Referrer-Policy", "same-origin")
            if self.hsts:
                headers.setdefault("Strict-Transport-Security", HSTS)

        await self.app(scope, receive, on_response_start(send, add_headers))
