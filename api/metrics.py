"""/metrics for Prometheus, the middleware that counts and times requests, and `prepare`,
which `serve --workers N` calls before starting its processes.

/metrics asks for no key: it tells queue depths and counts, no content, and operators
scrape it from inside (keep it off the public side of the proxy, as /readyz).
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import on_response_start
from moderation import metrics
from moderation.config import get_settings

# The scope key of the holder the inner middleware writes the matched route into: the
# retrying middleware between the two serves a copy of the scope, which shares the holder.
ROUTE_OF = "moderation.route"
UNMATCHED = "<unmatched>"  # 404s and the like: one series, whatever the path


def prepare(directory: Path | None = None) -> Path | None:
    """Make this process and those it starts write metrics to files in `directory`
    (default PROMETHEUS_MULTIPROC_DIR) and /metrics add them up; call it before starting
    Uvicorn's processes. Files of this host's processes that are gone are removed.
    """
    directory = directory or get_settings().prometheus_multiproc_dir
    if directory is None:
        return None
    metrics.use_multiprocess(directory)
    metrics.remove_dead_files(directory)
    return directory


class HttpMetrics:
    """Count every answer by method, route template and status, and time it (outermost)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder: list[str] = []
        scope[ROUTE_OF] = holder
        status = 500  # what the client gets if the app raises before answering
        started = time.perf_counter()

        def note_status(start: Message) -> None:
            nonlocal status
            status = start["status"]

        try:
            await self.app(scope, receive, on_response_start(send, note_status))
        finally:
            route, method = holder[-1] if holder else UNMATCHED, scope["method"]
            metrics.HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            metrics.HTTP_LATENCY.labels(method=method, route=route).observe(
                time.perf_counter() - started)


class RouteOf:
    """Tell HttpMetrics which route answered (innermost, where the router sets it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            route = scope.get("route")
            holder = scope.get(ROUTE_OF)
            if isinstance(route, BaseRoute) and holder is not None:
                holder.append(getattr(route, "path", UNMATCHED))


def exposition(state: CollectorRegistry) -> bytes:
    """This process's metrics (or every process's, added up) and the state gauges."""
    directory = get_settings().prometheus_multiproc_dir
    if directory is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(directory))
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    return counted + generate_latest(state)


def install(app: FastAPI) -> None:
    """Add /metrics and the two middlewares; call it after every other middleware."""
    runtime = app.state.runtime
    state = CollectorRegistry(auto_describe=False)
    state.register(metrics.StateCollector(
        runtime.sessionmaker, runtime.redis,
        warning=runtime.settings.deadline_warning_hours * metrics.HOUR))

    @app.get("/metrics", include_in_schema=False)
    def scrape() -> Response:
        return Response(exposition(state), media_type=CONTENT_TYPE_LATEST)

    # The last of the user's middleware is the innermost: it sees the router's own scope.
    app.user_middleware.append(Middleware(RouteOf))
    app.add_middleware(HttpMetrics)  # the outermost so far: times the retries too
