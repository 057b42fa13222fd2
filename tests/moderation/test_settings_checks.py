"""Production refuses insecure settings unless ALLOW_INSECURE names the check."""

from __future__ import annotations

from typing import Any

import pytest
from redis import Redis
from sqlalchemy import Connection

from moderation.config import DEV_MODEL_SIGNING_KEY, Settings
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from moderation.settings_checks import InsecureSettings, enforce, failures

SECURE: dict[str, Any] = {
    "environment": "production",
    "database_url": "postgresql+psycopg://app@db/moderation",
    "redis_url": "redis://redis:6379/0",
    "model_signing_key": "a-production-key",
    "cookie_secure": True,
    "public_url": "https://moderacja.example.pl",
    "seller_webhook_url": "https://marketplace.example.pl/hooks/moderation",
    "webhook_secret": "s3cret",
}


def settings(**changes: Any) -> Settings:
    return Settings(_env_file=None, **{**SECURE, **changes})  # type: ignore[call-arg]


@pytest.mark.parametrize(("changes", "failed", "named"), [
    ({}, [], None),
    ({"model_signing_key": DEV_MODEL_SIGNING_KEY}, ["model-signing-key"], "MODEL_SIGNING_KEY"),
    ({"cookie_secure": False}, ["cookie-secure"], "COOKIE_SECURE"),
    ({"public_url": "http://moderacja.example.pl"}, ["public-url"], "PUBLIC_URL"),
    ({"webhook_secret": None}, ["webhook-secret"], "WEBHOOK_SECRET"),
    ({"webhook_secret": None, "seller_webhook_url": None}, [], None),
    ({"payment_webhook_url": "https://marketplace.example.pl/hooks/payments"},
     ["payment-webhook-secret"], "PAYMENT_WEBHOOK_SECRET"),
    ({"payment_webhook_url": "https://marketplace.example.pl/hooks/payments",
      "payment_webhook_secret": "s3cret"}, [], None),
    ({"database_url": "sqlite:///./moderation.db"}, ["sqlite"], "DATABASE_URL"),
    ({"redis_url": None}, ["embedded-queue"], "REDIS_URL"),
    ({"cookie_secure": False, "public_url": "http://x"}, ["cookie-secure", "public-url"],
     "COOKIE_SECURE"),
    # Named in ALLOW_INSECURE: skipped, the others still hold.
    ({"cookie_secure": False, "allow_insecure": "cookie-secure"}, [], None),
    ({"cookie_secure": False, "public_url": "http://x", "allow_insecure": " public-url "},
     ["cookie-secure"], "COOKIE_SECURE"),
    ({"model_signing_key": DEV_MODEL_SIGNING_KEY, "redis_url": None,
      "allow_insecure": "model-signing-key,embedded-queue"}, [], None),
    # Development checks nothing, whatever the settings.
    ({"environment": "development", "model_signing_key": DEV_MODEL_SIGNING_KEY,
      "cookie_secure": False, "redis_url": None, "database_url": "sqlite://"}, [], None),
])
def test_production_refuses_what_allow_insecure_does_not_name(
        changes: dict[str, Any], failed: list[str], named: str | None) -> None:
    s = settings(**changes)
    assert [c.name for c in failures(s)] == failed
    if named is None:
        enforce(s)
    else:
        with pytest.raises(InsecureSettings, match=named):
            enforce(s)


def test_a_misspelt_check_in_allow_insecure_is_refused() -> None:
    with pytest.raises(InsecureSettings, match="no such check: cookie-secur"):
        enforce(settings(allow_insecure="cookie-secur"))


def test_the_defaults_are_development_and_start() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.environment == "development"
    enforce(s)


def test_a_production_runtime_is_not_built_on_insecure_settings(
        connection: Connection, redis: Redis, live_screener: Screener) -> None:
    with pytest.raises(InsecureSettings, match="MODEL_SIGNING_KEY"):
        Runtime.build(settings(model_signing_key=DEV_MODEL_SIGNING_KEY), bind=connection,
                      redis=redis, screener=live_screener)
    runtime = Runtime.build(settings(), bind=connection, redis=redis, screener=live_screener)
    assert runtime.settings.environment == "production"
