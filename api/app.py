"""create_app(): the FastAPI application: the JSON API under /v1 and the moderator console."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from api import errors, health, metrics, openapi
from api.intake_groups import IntakeGroups
from api.limits import BodyLimit
from api.pages import admin, audit, auth, case, lead, offer, portal, queue, reports, shadow
from api.pages import authority as authority_pages
from api.pages import rights as rights_pages
from api.pages import support as support_pages
from api.rate_limits import RateLimits
from api.request_ids import RequestIds
from api.routes import (
    appeals,
    buyers,
    cases,
    compensations,
    counter_notices,
    discussions,
    feedback,
    notices,
    offers,
    rights,
    safety,
    statements,
    support,
)
from api.security_headers import SecurityHeaders
from api.transactions import RetryTransient
from moderation.accounts.keys import KeyCache
from moderation.config import get_settings
from moderation.runtime import Runtime

STATIC = Path(__file__).parent / "static"


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """Build the application on this runtime (by default one of its own, from the settings);
    the worker, if any, is started by the CLI, not here."""
    # /docs and /redoc with the Swagger UI and ReDoc assets installed with fastapi-offline,
    # so that they work with no network (the stock pages load them from a CDN); no online
    # validator badge either (it would send the document's address to swagger.io).
    # FastAPI's own OpenTelemetry is off: the service exports Prometheus metrics
    # (api/metrics.py), and with it on every request asked OpenTelemetry's global providers
    # whether one was configured (a tenth of a single offer's CPU in the intake benchmark).
    app = FastAPIOffline(title="Marketplace moderation", version="0.1.0",
                         swagger_ui_parameters={"validatorUrl": None,
                                                "persistAuthorization": True},
                         telemetry={"tracing": False, "metrics": False, "logs": False})
    # Read by the dependencies (api/deps.py) from each request; the page caches are the app's.
    app.state.runtime = runtime if runtime is not None else Runtime.build(get_settings())
    app.state.queue_facets = queue.FacetsCache()
    app.state.rate_limits = RateLimits(app.state.runtime.settings)
    app.state.api_keys = KeyCache(app.state.runtime.settings.api_key_cache_seconds)
    app.state.intake_groups = IntakeGroups(app.state.runtime.sessionmaker,
                                           max_group=app.state.runtime.settings.max_batch_offers)
    errors.install(app)
    openapi.install(app)
    app.include_router(offers.router)
    app.include_router(cases.router)
    app.include_router(notices.router)
    app.include_router(counter_notices.router)
    app.include_router(appeals.router)
    app.include_router(rights.router)
    app.include_router(safety.router)
    app.include_router(statements.router)
    app.include_router(discussions.router)
    app.include_router(compensations.router)
    app.include_router(buyers.router)
    app.include_router(support.router)
    app.include_router(feedback.router)
    for pages in (auth, queue, case, offer, lead, audit, admin, portal, rights_pages,
                  authority_pages, shadow, reports, support_pages):
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Inside the body limit: a request is run again on the body the limit let through.
    app.add_middleware(RetryTransient,
                       one_writer=app.state.runtime.engine.dialect.name == "sqlite")
    app.add_middleware(BodyLimit, max_bytes=get_settings().max_body_bytes)
    health.install(app)
    metrics.install(app)  # outside the limit and the retries: times what the client waits
    app.add_middleware(RequestIds)  # every line of the request carries its id
    # Outermost: every answer carries the headers, the body limit's 413 too.
    app.add_middleware(SecurityHeaders, hsts=get_settings().cookie_secure)
    return app
