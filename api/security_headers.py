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
    """ASGI middleware adding the headers to each response's start (streamed ones too);
    a header the route set itself is left as it is."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        common = [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"),
                  ("referrer-policy", "same-origin")]
        if hsts:
            common.append(("strict-transport-security", HSTS))
        # Encoded once: the headers are added to every answer, the intake's included.
        self._headers = {policy: _raw([("content-security-policy", policy), *common])
                         for policy in (PAGE_POLICY, DOCS_POLICY)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self._headers[policy_for(scope["path"])]

        def add_headers(start: Message) -> None:
            headers = list(start.get("headers", ()))
            present = {name.lower() for name, _ in headers}
            headers.extend(pair for pair in added if pair[0] not in present)
            start["headers"] = headers

        await self.app(scope, receive, on_response_start(send, add_headers))


def _raw(pairs: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
