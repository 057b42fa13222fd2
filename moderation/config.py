"""One settings object, read from the environment."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development key for the model bundle's HMAC; production sets MODEL_SIGNING_KEY.
DEV_MODEL_SIGNING_KEY = "moderation-dev-model-signing-key"
_LEVELS = ("debug", "info", "warning", "error", "critical")


class Settings(BaseSettings):
    """Service configuration; every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Production refuses to start on insecure settings (moderation/settings_checks.py) unless
    # ALLOW_INSECURE names the checks to skip, comma-separated (e.g. "cookie-secure").
    environment: Literal["development", "production"] = "development"
    allow_insecure: str = ""

    database_url: str = "sqlite:///./moderation.db"
    # No REDIS_URL means the embedded default: an in-process Redis stand-in and worker thread.
    redis_url: str | None = None
    queue_name: str = "moderation"

    rules_dir: Path | None = None  # None: the packs shipped in rules/packs
    model_dir: Path | None = None  # None: models/bundles/current
    model_signing_key: str = DEV_MODEL_SIGNING_KEY
    # Shadow runs: a candidate rule pack and/or model bundle screened beside the live ones
    # (the other half of the pair is the live one); results stored, routes unchanged.
    shadow_rules_dir: Path | None = None
    shadow_model_dir: Path | None = None

    # The flood guard: a rule, a pack version or a model version whose share of screened
    # offers sent to review or block over the last FLOOD_WINDOW_MINUTES exceeds FLOOD_RATIO
    # times its share over the FLOOD_BASELINE_MINUTES before (never less than
    # FLOOD_BASELINE_FLOOR, so brand-new rules have a baseline), with more than
    # FLOOD_MIN_OFFERS such offers in the window, is put into shadow until a lead lifts it.
    # With fewer than FLOOD_MIN_OFFERS offers screened in the baseline window, nothing is
    # judged. FLOOD_GUARD=false stops counting and applying trips alike.
    flood_guard: bool = True
    flood_ratio: float = Field(default=5.0, gt=1)
    flood_window_minutes: int = Field(default=10, ge=1, le=24 * 60)
    flood_baseline_minutes: int = Field(default=60, ge=1, le=24 * 60)
    flood_min_offers: int = Field(default=50, ge=1)
    flood_baseline_floor: float = Field(default=0.01, gt=0, le=1)

    # BLAS and OpenMP threads of a worker (the classifier, the product matcher): set once
    # at start. Threads spinning on a busy machine cost far more than they bring.
    worker_threads: int = Field(default=1, ge=1, le=64)

    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # POST /v1/offers/batch: at most this many offers per request, in a body of at most
    # MAX_BATCH_BODY_BYTES (the other paths keep MAX_BODY_BYTES).
    max_batch_offers: int = Field(default=1000, ge=1, le=10_000)
    max_batch_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # PostgreSQL pool of a process: one connection per request thread (AnyIO's 40), a few
    # more for the in-process worker and commands; a connection idle this long is pinged
    # before use, one older than the recycle time is reopened.
    db_pool_size: int = Field(default=40, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_ping_after_idle_seconds: float = Field(default=10, ge=0)
    db_pool_recycle_seconds: int = Field(default=3600, ge=-1)
    lease_seconds: int = Field(default=300, ge=10)  # a moderator's hold on a claimed case
    screen_window_ms: int = Field(default=200, ge=10)
    screen_batch_size: int = Field(default=500, ge=1)
    sweep_interval_seconds: int = Field(default=30, ge=1)
    # Offers unscreened for longer than this are re-enqueued by the sweep.
    sweep_grace_seconds: int = Field(default=60, ge=0)
    # A worker running a job says so under a key that lives this long, set again every third
    # of it; a started job of a worker whose key lapsed counts as lost (moderation/queue.py).
    # Longer hides a killed worker's jobs from the sweep for longer; shorter, a stalled beat
    # (a Redis blip, a starved thread) sooner has a living worker's job queued a second time.
    worker_alive_seconds: int = Field(default=15, ge=3)
    # How long a bulk command (import-offers) keeps retrying while PostgreSQL or Redis is
    # unreachable: long enough to ride out a restart.
    outage_retry_seconds: float = Field(default=60, ge=0)

    session_hours: int = Field(default=12, ge=1)
    # Secure cookies need HTTPS; the embedded default serves plain HTTP on localhost.
    cookie_secure: bool = False
    # Login throttling (moderation/accounts/throttle.py), never a lock: after the free
    # failures each further attempt waits 2^k seconds after the last, up to the cap. Per
    # name from one address (hardest), per name from all addresses (gently: the owner
    # elsewhere shares it, so its cap is short) and per address over all names (spraying).
    login_free_failures: int = Field(default=3, ge=1)
    login_name_free_failures: int = Field(default=10, ge=1)
    login_address_free_failures: int = Field(default=30, ge=1)
    login_max_wait_seconds: int = Field(default=900, ge=1)
    login_name_max_wait_seconds: int = Field(default=60, ge=1)
    login_failure_memory_hours: int = Field(default=24, ge=1)
    # API keys verified from a per-process cache for this long: a revoked or rotated key, or
    # a deactivated account, is refused at once by the process that changed it and by the
    # others within this many seconds. 0: every request reads the database.
    api_key_cache_seconds: float = Field(default=5, ge=0, le=60)

    # Rate limits (the `limits` library; "N/second|minute|hour", several joined by ";"),
    # each counted per API key (or session account) and per client address, in Redis
    # (in process memory in the embedded default). Empty: no limit.
    # Intake: a runaway client, not the marketplace's own pace (its integration key sends every
    # offer; one API process takes a few hundred single offers a second).
    rate_limit_intake: str = "120000/minute"
    rate_limit_notices: str = "600/minute"
    rate_limit_orders: str = "600/minute"
    rate_limit_login: str = "60/minute"

    # Rights protection programme (issue 4).
    max_notice_offers: int = Field(default=500, ge=1)
    max_document_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    notice_due_hours: int = Field(default=48, ge=1)
    fast_track_due_hours: int = Field(default=12, ge=1)
    # Trusted notifiers (fast track): this share of decided notice items upheld, over at
    # least this many decided items in the window; below it, the fast track is lost.
    trusted_accuracy: float = Field(default=0.9, ge=0, le=1)
    trusted_min_decided: int = Field(default=10, ge=1)
    accuracy_window_days: int = Field(default=180, ge=1)
    # Manifestly unfounded notices (DSA art. 23): a warning, then a suspension.
    unfounded_warn_after: int = Field(default=3, ge=1)
    unfounded_suspend_after: int = Field(default=5, ge=1)
    unfounded_window_days: int = Field(default=180, ge=1)
    notifier_suspension_days: int = Field(default=30, ge=1)
    # Sellers: time to file a counter-notice; strikes and the repeat-infringer ladder.
    counter_notice_days: int = Field(default=14, ge=1)
    strike_expiry_days: int = Field(default=365, ge=1)
    # One step per active strike count: "warning", "suspend:<days>" or "terminate".
    strike_ladder: str = "warning,suspend:7,suspend:30,terminate"

    # Statements of reasons (DSA art. 17): the countries the marketplace sells in (where a
    # restriction holds), and the address sellers open the console's pages at (the appeal
    # link in every statement).
    marketplace_countries: list[str] = Field(default_factory=lambda: ["PL"], min_length=1)
    public_url: str = "http://127.0.0.1:8000"

    # Product safety (issue 5): deadlines in working days (Polish public holidays), after
    # GPSR art. 22 and the Product Safety Pledge.
    authority_order_working_days: int = Field(default=2, ge=1)
    safety_notice_working_days: int = Field(default=3, ge=1)
    consumer_notice_working_days: int = Field(default=5, ge=1)
    # Leads are warned about safety cases this long before their deadline.
    deadline_warning_hours: int = Field(default=8, ge=1)
    # A directory the Safety Gate weekly exports are dropped into; imported by a job.
    safety_feed_dir: Path | None = None

    # Outbox delivery: e-mail to notifiers, the authority and leads; a webhook to the
    # marketplace for its sellers. Without them, messages are written to the log.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "moderacja@localhost"
    seller_webhook_url: str | None = None
    # Signs each webhook body (HMAC-SHA256, header X-Signature) so the marketplace can trust it.
    webhook_secret: str | None = None
    delivery_timeout_seconds: float = Field(default=10, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)

    # The DSA Transparency Database (art. 24(5)): the API's base URL, e.g.
    # https://transparency.dsa.ec.europa.eu/api/v1 (its sandbox for testing), and the
    # platform's token. Without both, nothing is sent; `moderation tdb export` still works.
    tdb_url: str | None = None
    tdb_token: str | None = None
    tdb_timeout_seconds: float = Field(default=30, gt=0)

    # Retention (moderation/retention.py), run by a periodic job every
    # RETENTION_INTERVAL_HOURS and by `moderation purge`: web sessions expired more than
    # SESSION_RETENTION_DAYS ago, outbox rows delivered more than OUTBOX_RETENTION_DAYS ago,
    # and offer versions beyond each offer's latest OFFER_VERSIONS_KEEP (never one a case,
    # a decision or a statement rests on), deleted RETENTION_BATCH_SIZE rows at a time.
    retention_interval_hours: int = Field(default=24, ge=1)
    session_retention_days: int = Field(default=7, ge=0)
    outbox_retention_days: int = Field(default=90, ge=1)
    offer_versions_keep: int = Field(default=5, ge=1)
    retention_batch_size: int = Field(default=5000, ge=1)

    # Logs, metrics, health (moderation/logs.py, api/metrics.py, api/health.py).
    # LOG_FORMAT: json (one object per line), text (for people), or auto: text when stderr
    # is a terminal, json otherwise. LOG_LEVEL: a logging level name.
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # Several processes (`serve --workers N`, workers beside the API) each write their
    # metrics to files here and /metrics adds them up; unset, one process's own metrics.
    # The same variable prometheus-client reads.
    prometheus_multiproc_dir: Path | None = None

    # Buyer Protection, compensation (moderation/buyers/compensation.py): the marketplace's
    # payment webhook, asked to pay a buyer on a claim decision (Idempotency-Key: the
    # compensation's key), and the secret signing each request as WEBHOOK_SECRET signs the
    # sellers' (X-Signature). Without the URL the request is only written to the log.
    payment_webhook_url: str | None = None
    payment_webhook_secret: str | None = None

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        """LOG_LEVEL=info is as good as INFO; LOG_FORMAT=JSON as json."""
        if not isinstance(value, str):
            return value
        return value.upper() if value.lower() in _LEVELS else value.lower()

    @property
    def tdb_enabled(self) -> bool:
        """Whether statements are submitted to the Transparency Database."""
        return bool(self.tdb_url and self.tdb_token)

    @property
    def lease(self) -> timedelta:
        """How long a claimed case stays with its moderator without a renewal."""
        return timedelta(seconds=self.lease_seconds)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    return Settings()
