"""Outbox delivery: e-mail over SMTP to people, a webhook to the marketplace for its sellers
and its payment webhook for buyers' compensation.

Delivery is at least once: a message is marked sent in the job's transaction after it went
out, so a crash in between sends it again; each carries its outbox id (Message-ID,
Idempotency-Key) so that a receiver can drop the repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from types import TracebackType
from typing import Any

import httpx
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from moderation import metrics
from moderation.config import Settings, get_settings
from moderation.db import is_postgres
from moderation.domain import OutboxStatus
from moderation.tables import Account, OutboxMessage, utcnow

log = logging.getLogger(__name__)

# Polish first: the notifiers, the authority and the leads are mostly Polish-speaking.
SUBJECTS = {
    "seller.statement_of_reasons": "Decyzja w sprawie oferty / Decision on your offer",
    "marketplace.offer_held": "Oferta wstrzymana / Offer held: do not show it",
    "marketplace.offer_released": "Wstrzymanie zakończone / Hold on an offer ended",
    "seller.strike_warning": "Ostrzeżenie / Warning: a strike on your account",
    "seller.suspended": "Konto zawieszone / Your account is suspended",
    "seller.terminated": "Konto zamknięte / Your account is terminated",
    "seller.counter_notice_received": "Sprzeciw przyjęty / Counter-notice received",
    "seller.counter_notice_outcome": "Wynik sprzeciwu / Outcome of your counter-notice",
    "notifier.acknowledgement": "Potwierdzenie zgłoszenia / Notice received",
    "notifier.outcome": "Wynik zgłoszenia / Outcome of your notice",
    "notifier.counter_notice_outcome": "Wynik sprzeciwu sprzedającego / Counter-notice outcome",
    "notifier.warning": "Ostrzeżenie / Warning: manifestly unfounded notices",
    "notifier.suspended": "Zawieszenie zgłoszeń / Notices suspended",
    "authority.acknowledgement": "Potwierdzenie nakazu / Order received",
    "leads.deadline_warning": "Zbliżające się terminy / Safety deadlines close",
    "leads.flood_guard": "Reguła wstrzymana / A rule or version was put into shadow",
}
MAX_BACKOFF = timedelta(hours=6)
# Buyers, like sellers, are the marketplace's customers: it relays what they are told.
WEBHOOK_RECIPIENTS = ("seller:", "buyer:", "marketplace:")
# A buyer's compensation, asked of the marketplace's payment webhook.
PAYMENT_RECIPIENT = "payment:"


class Undeliverable(Exception):
    """A message no retry can deliver, e.g. its recipient has no address."""


def render_text(payload: Any, indent: str = "") -> str:
    """Render a payload as plain-text lines a person can read, nested by indentation."""
    lines: list[str] = []
    items = payload.items() if isinstance(payload, dict) else enumerate(payload)
    for key, value in items:
        label = str(key).replace("_", " ") if isinstance(key, str) else "-"
        if isinstance(value, dict | list) and value:
            lines.append(f"{indent}{label}:")
            lines.append(render_text(value, indent + "  "))
        else:
            lines.append(f"{indent}{label}: {value}")
    return "\n".join(lines)


class Channels:
    """The ways out: one SMTP connection per batch, opened on first use, and the webhook."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Channels:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._drop_smtp()

    def _drop_smtp(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except OSError:  # SMTPException is an OSError
                self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        s = self.settings
        if self._smtp is None:
            assert s.smtp_host is not None
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.delivery_timeout_seconds)
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password or "")
            self._smtp = smtp
        return self._smtp

    def send_email(self, message: OutboxMessage, addresses: list[str]) -> None:
        s = self.settings
        email = EmailMessage()
        email["From"] = s.mail_from
        email["To"] = ", ".join(addresses)
        email["Subject"] = SUBJECTS.get(message.kind, message.kind)
        email["Message-ID"] = f"<outbox-{message.id}@{s.mail_from.rpartition('@')[2]}>"
        email.set_content(render_text(message.payload))
        try:
            self._connection().send_message(email)
        except (smtplib.SMTPException, OSError):
            self._drop_smtp()  # a broken connection is not reused for the next message
            raise

    def post_webhook(self, message: OutboxMessage) -> None:
        s = self.settings
        assert s.seller_webhook_url is not None
        self._post_signed(message, s.seller_webhook_url, secret=s.webhook_secret,
                          idempotency_key=f"outbox-{message.id}")

    def post_payment(self, message: OutboxMessage) -> None:
        """Ask the marketplace to pay; its key is the compensation's, not the message's, so
        that a payment asked again by any path is still paid once."""
        s = self.settings
        assert s.payment_webhook_url is not None
        self._post_signed(message, s.payment_webhook_url, secret=s.payment_webhook_secret,
                          idempotency_key=str(message.payload["idempotency_key"]))

    def _post_signed(self, message: OutboxMessage, url: str, *, secret: str | None,
                     idempotency_key: str) -> None:
        body = json.dumps({"id": message.id, "kind": message.kind,
                           "recipient": message.recipient, "payload": message.payload},
                          ensure_ascii=False, sort_keys=True).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key}
        if secret:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Signature"] = f"sha256={digest}"
        response = httpx.post(url, content=body, headers=headers,
                              timeout=self.settings.delivery_timeout_seconds)
        response.raise_for_status()


def addresses_of(session: Session, recipient: str) -> list[str]:
    """Resolve a recipient ("email:", "organisation:", "role:") to e-mail addresses."""
    scheme, _, target = recipient.partition(":")
    if scheme == "email":
        return [target]
    people = select(Account.email).where(Account.active.is_(True), Account.email.is_not(None))
    if scheme == "organisation" and target.isdigit():
        people = people.where(Account.organisation_id == int(target))
    elif scheme == "role":
        people = people.where(Account.role == target)
    else:
        raise Undeliverable(f"unknown recipient {recipient!r}")
    return sorted({e for e in session.scalars(people) if e})


def write_to_log(message: OutboxMessage, to: str, *, why: str) -> None:
    """Deliver a message to the log: who it is for, what kind, and all of its text.

    The embedded default has neither SMTP nor a webhook, and a message marked sent this way
    exists nowhere else for the operator to pass on (a statement of reasons above all), so
    the line carries the whole body, not a reference to it.
    """
    text = message.payload.get("text") if isinstance(message.payload, dict) else None
    body = text if isinstance(text, str) else render_text(message.payload)
    log.info("outbox %s %s -> %s (%s):\n%s", message.id, message.kind, to, why, body,
             extra={"outbox_id": message.id, "kind": message.kind, "recipient": to})


def deliver(session: Session, message: OutboxMessage, channels: Channels) -> str:
    """Send one message and return the channel it went by."""
    s = channels.settings
    if message.recipient.startswith(PAYMENT_RECIPIENT):
        if s.payment_webhook_url is None:
            write_to_log(message, message.recipient, why="no payment webhook configured")
            return "log"
        channels.post_payment(message)
        return "payment"
    # Sellers are reached through the marketplace, which also hears of holds on its offers.
    if message.recipient.startswith(WEBHOOK_RECIPIENTS):
        if s.seller_webhook_url is None:
            write_to_log(message, message.recipient, why="no webhook configured")
            return "log"
        channels.post_webhook(message)
        return "webhook"
    addresses = addresses_of(session, message.recipient)
    if s.smtp_host is None:
        write_to_log(message, ", ".join(addresses) or message.recipient,
                     why="no SMTP configured")
        return "log"
    if not addresses:
        raise Undeliverable(f"no e-mail address for {message.recipient}")
    channels.send_email(message, addresses)
    return "email"


def deliver_pending(session: Session, *, limit: int = 100,
                    settings: Settings | None = None) -> int:
    """Deliver the messages that are due; failures are retried later with a growing pause.

    Returns how many were sent. Rows are locked (SKIP LOCKED on PostgreSQL) so that two
    workers never send the same message at once.
    """
    settings = settings or get_settings()
    now = utcnow()
    query = (select(OutboxMessage)
             .where(OutboxMessage.status == OutboxStatus.PENDING.value,
                    or_(OutboxMessage.next_attempt_at.is_(None),
                        OutboxMessage.next_attempt_at <= now))
             .order_by(OutboxMessage.id).limit(limit))
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    sent = 0
    with Channels(settings) as channels:
        for message in session.scalars(query).all():
            message.attempts += 1
            try:
                message.channel = deliver(session, message, channels)
            except Undeliverable as error:
                message.status, message.last_error = OutboxStatus.FAILED.value, str(error)
                _count_failure(message, given_up=True)
                log.error("outbox %s not deliverable: %s", message.id, error)
            except (OSError, httpx.HTTPError) as error:  # SMTPException is an OSError
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                if message.attempts >= settings.outbox_max_attempts:
                    message.status = OutboxStatus.FAILED.value
                else:
                    message.next_attempt_at = now + min(
                        timedelta(minutes=2 ** message.attempts), MAX_BACKOFF)
                _count_failure(message, given_up=message.status == OutboxStatus.FAILED.value)
                log.warning("outbox %s attempt %d failed: %s", message.id, message.attempts,
                            message.last_error)
            else:
                message.status = OutboxStatus.SENT.value
                message.sent_at, message.last_error = utcnow(), None
                sent += 1
    session.flush()
    return sent


def _count_failure(message: OutboxMessage, *, given_up: bool) -> None:
    channel = ("payment" if message.recipient.startswith(PAYMENT_RECIPIENT) else
               "webhook" if message.recipient.startswith(WEBHOOK_RECIPIENTS) else "email")
    metrics.OUTBOX_DELIVERY_FAILURES.labels(channel=channel,
                                            given_up=str(given_up).lower()).inc()


def outbox_state(session: Session, *, failures: int = 10) -> dict[str, Any]:
    """Count messages per status and list the latest failures, for the admin page."""
    counts = {status: n for status, n in session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
    failed = session.scalars(select(OutboxMessage)
                             .where(OutboxMessage.status == OutboxStatus.FAILED.value)
                             .order_by(OutboxMessage.id.desc()).limit(failures)).all()
    return {"counts": {s: counts.get(s, 0) for s in OutboxStatus},
            "failed": failed}
