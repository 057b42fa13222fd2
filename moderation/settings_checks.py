"""What production refuses to start with, unless ALLOW_INSECURE names the check to skip.

Runtime.build runs `enforce` for every process that builds a runtime (serve and each of its
workers, worker, the commands), so a copied development `.env` cannot reach production
quietly. Each check has a short name for ALLOW_INSECURE and a message naming the setting.
Development (the default) checks nothing: the embedded default is insecure on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from moderation.config import DEV_MODEL_SIGNING_KEY, Settings

log = logging.getLogger(__name__)


class InsecureSettings(RuntimeError):
    """Production settings that must not start a process; not a domain error (no HTTP
    status: nothing is served), raised before anything connects."""


@dataclass(frozen=True, slots=True)
class Check:
    name: str  # what ALLOW_INSECURE names to skip it
    failed: Callable[[Settings], bool]
    message: str


CHECKS: tuple[Check, ...] = (
    Check("model-signing-key", lambda s: s.model_signing_key == DEV_MODEL_SIGNING_KEY,
          "MODEL_SIGNING_KEY is the development key: anyone with the source can sign a "
          "model bundle that this service will unpickle"),
    Check("cookie-secure", lambda s: not s.cookie_secure,
          "COOKIE_SECURE is off: session cookies would also travel over plain HTTP"),
    Check("public-url", lambda s: not s.public_url.startswith("https://"),
          "PUBLIC_URL is not https: the appeal link in every statement of reasons points "
          "at it"),
    Check("webhook-secret", lambda s: bool(s.seller_webhook_url) and not s.webhook_secret,
          "SELLER_WEBHOOK_URL is set without WEBHOOK_SECRET: the marketplace cannot tell "
          "our statements of reasons from forged ones"),
    # Whoever can post to the payment webhook unsigned can ask the marketplace to pay.
    Check("payment-webhook-secret",
          lambda s: bool(s.payment_webhook_url) and not s.payment_webhook_secret,
          "PAYMENT_WEBHOOK_URL is set without PAYMENT_WEBHOOK_SECRET: the marketplace cannot "
          "tell our payment requests from forged ones"),
    # Several API processes and workers on other hosts need one database they can all
    # write; a SQLite file is one process's, on one disk.
    Check("sqlite", lambda s: s.database_url.startswith("sqlite"),
          "DATABASE_URL is a SQLite file: production needs PostgreSQL shared by the API "
          "and the workers"),
    # Without REDIS_URL each process queues into its own memory: `serve --workers N` would
    # run N queues, and `moderation worker` refuses to start.
    Check("embedded-queue", lambda s: not s.redis_url,
          "REDIS_URL is not set: the embedded queue lives in one process's memory"),
)
NAMES = frozenset(check.name for check in CHECKS)

# Not refused, only warned about: a service may rightly run without them for a while.
WARNINGS: tuple[Check, ...] = (
    Check("smtp", lambda s: not s.smtp_host,
          "SMTP_HOST is not set: e-mail to notifiers, the authority and leads is only "
          "written to the log"),
    Check("seller-webhook", lambda s: not s.seller_webhook_url,
          "SELLER_WEBHOOK_URL is not set: statements of reasons for sellers are only "
          "written to the log"),
    Check("payment-webhook", lambda s: not s.payment_webhook_url,
          "PAYMENT_WEBHOOK_URL is not set: buyers' compensations are only written to the "
          "log, for someone to pay by hand"),
)


def allowed(settings: Settings) -> frozenset[str]:
    """The checks ALLOW_INSECURE names; a name that is no check is refused itself (a typo
    must not look like a skip that works)."""
    names = frozenset(n.strip() for n in settings.allow_insecure.split(",") if n.strip())
    unknown = names - NAMES
    if unknown:
        raise InsecureSettings(f"ALLOW_INSECURE names no such check: "
                               f"{', '.join(sorted(unknown))} (checks: "
                               f"{', '.join(sorted(NAMES))})")
    return names


def failures(settings: Settings) -> list[Check]:
    """The production checks these settings fail and ALLOW_INSECURE does not skip."""
    if settings.environment != "production":
        return []
    skip = allowed(settings)
    return [c for c in CHECKS if c.name not in skip and c.failed(settings)]


def enforce(settings: Settings) -> None:
    """Refuse production settings that fail a check; log the ones skipped and the warnings."""
    if settings.environment != "production":
        return
    failed = failures(settings)
    if failed:
        raise InsecureSettings(
            "ENVIRONMENT=production refuses to start:\n"
            + "\n".join(f"  - {c.message} (skip with ALLOW_INSECURE={c.name})" for c in failed))
    for check in CHECKS:
        if check.name in allowed(settings) and check.failed(settings):
            log.warning("insecure setting allowed by ALLOW_INSECURE=%s: %s", check.name,
                        check.message)
    for check in WARNINGS:
        if check.failed(settings):
            log.warning("%s", check.message)
