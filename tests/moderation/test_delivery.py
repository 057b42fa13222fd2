"""Outbox delivery against a real local SMTP server and a real local HTTP endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.config import Settings
from moderation.delivery import deliver_pending
from moderation.domain import OrganisationKind, StaffRole
from moderation.outbox import notify
from moderation.tables import OutboxMessage, utcnow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.mail: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.mail.append((list(envelope.rcpt_tos), mail))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler, port = _Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


class _Endpoint(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]]
    status: int

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers.items()), body))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[type[_Endpoint]]:
    endpoint = type("Endpoint", (_Endpoint,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/sellers"  # type: ignore[attr-defined]
    yield endpoint
    server.shutdown()
    server.server_close()


def _settings(**overrides: Any) -> Settings:
    return Settings(mail_from="moderacja@marketplace.test", **overrides)


def _message(session: Session, recipient: str, kind: str = "notifier.outcome") -> OutboxMessage:
    message = notify(session, kind=kind, recipient=recipient,
                     payload={"notice": "N-17", "offers": [{"id": 5, "outcome": "removed"}]})
    session.flush()
    return message


def test_an_email_recipient_gets_a_readable_mail_carrying_the_outbox_id(
        session: Session, inbox: tuple[_Inbox, int]) -> None:
    handler, port = inbox
    message = _message(session, "email:brand@example.com")
    assert deliver_pending(session, settings=_settings(smtp_host="127.0.0.1", smtp_port=port)) == 1
    [(to, mail)] = handler.mail
    assert to == ["brand@example.com"]
    assert mail["Subject"] == "Wynik zgłoszenia / Outcome of your notice"
    assert mail["Message-ID"] == f"<outbox-{message.id}@marketplace.test>"
    body = mail.get_content()
    assert "notice: N-17" in body and "outcome: removed" in body
    assert (message.status, message.channel, message.attempts) == ("sent", "email", 1)
    assert message.sent_at is not None


def test_organisation_and_role_recipients_reach_active_members_with_an_address(
        session: Session, inbox: tuple[_Inbox, int]) -> None:
    handler, port = inbox
    org = ensure_organisation(session, "Lumora Fashion", OrganisationKind.RIGHTS_HOLDER)
    create_staff(session, name="rh-1", role=StaffRole.RIGHTS_HOLDER, organisation_id=org.id,
                 email="legal@lumora.test")
    create_staff(session, name="rh-2", role=StaffRole.RIGHTS_HOLDER, organisation_id=org.id)
    gone = create_staff(session, name="rh-3", role=StaffRole.RIGHTS_HOLDER,
                        organisation_id=org.id, email="former@lumora.test")
    gone.staff.active = False
    create_staff(session, name="lead-1", role=StaffRole.LEAD, email="lead@marketplace.test")
    create_staff(session, name="mod-1", role=StaffRole.MODERATOR, email="mod@marketplace.test")
    _message(session, f"organisation:{org.id}", kind="notifier.warning")
    _message(session, "role:lead", kind="leads.deadline_warning")
    assert deliver_pending(session, settings=_settings(smtp_host="127.0.0.1", smtp_port=port)) == 2
    assert sorted(to for to, _ in handler.mail) == [["lead@marketplace.test"],
                                                    ["legal@lumora.test"]]


def test_sellers_messages_go_to_the_marketplace_webhook_signed(
        session: Session, webhook: type[_Endpoint]) -> None:
    message = _message(session, "seller:S-42", kind="seller.statement_of_reasons")
    settings = _settings(seller_webhook_url=webhook.url,  # type: ignore[attr-defined]
                         webhook_secret="s3cret")
    assert deliver_pending(session, settings=settings) == 1
    [(headers, body)] = webhook.received
    assert headers["Idempotency-Key"] == f"outbox-{message.id}"
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == f"sha256={expected}"
    assert json.loads(body)["recipient"] == "seller:S-42"
    assert (message.status, message.channel) == ("sent", "webhook")


def test_holds_go_to_the_marketplace_webhook(session: Session,
                                             webhook: type[_Endpoint]) -> None:
    message = _message(session, "marketplace:webhook", kind="marketplace.offer_held")
    assert deliver_pending(session, settings=_settings(
        seller_webhook_url=webhook.url)) == 1  # type: ignore[attr-defined]
    [(_, body)] = webhook.received
    assert json.loads(body)["kind"] == "marketplace.offer_held"
    assert (message.status, message.channel) == ("sent", "webhook")


def test_a_failed_send_waits_and_retries_then_gives_up(session: Session) -> None:
    settings = _settings(smtp_host="127.0.0.1", smtp_port=_free_port(), outbox_max_attempts=2)
    message = _message(session, "email:brand@example.com")
    assert deliver_pending(session, settings=settings) == 0
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error and "Connection" in message.last_error
    assert message.next_attempt_at is not None and message.next_attempt_at > utcnow()
    deliver_pending(session, settings=settings)
    assert message.attempts == 1  # not due yet
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    deliver_pending(session, settings=settings)
    assert (message.status, message.attempts) == ("failed", 2)


def test_an_error_from_the_webhook_is_retried_later(
        session: Session, webhook: type[_Endpoint]) -> None:
    webhook.status = 503
    message = _message(session, "seller:S-42", kind="seller.suspended")
    assert deliver_pending(session, settings=_settings(
        seller_webhook_url=webhook.url)) == 0  # type: ignore[attr-defined]
    assert message.status == "pending" and "503" in (message.last_error or "")
    assert len(webhook.received) == 1


def test_a_recipient_without_any_address_fails_at_once(
        session: Session, inbox: tuple[_Inbox, int]) -> None:
    handler, port = inbox
    org = ensure_organisation(session, "No Mail Ltd", OrganisationKind.RIGHTS_HOLDER)
    message = _message(session, f"organisation:{org.id}", kind="notifier.suspended")
    deliver_pending(session, settings=_settings(smtp_host="127.0.0.1", smtp_port=port))
    assert message.status == "failed" and "no e-mail address" in (message.last_error or "")
    assert handler.mail == []


def test_without_smtp_or_webhook_the_embedded_default_logs_each_message(
        session: Session) -> None:
    messages = [_message(session, "email:a@example.com"), _message(session, "seller:S-1")]
    assert deliver_pending(session, settings=_settings()) == 2
    assert [(m.status, m.channel) for m in messages] == [("sent", "log"), ("sent", "log")]
