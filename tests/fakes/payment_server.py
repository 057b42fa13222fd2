"""A local stand-in for the marketplace's payment webhook, served by http.server in a thread.

It refuses a request whose X-Signature is not the HMAC-SHA256 of its body under the shared
secret (401) or that has no Idempotency-Key (400), pays each key once (a repeat is answered
with the first payment, nothing paid again), and can be told to pay and then drop the
connection without answering, as when the answer is lost on the way back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "fake-payment-secret"


@dataclass
class FakePayments:
    """The fake's state and switches (set them between calls)."""

    secret: str = SECRET
    url: str = ""
    paid: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> payment
    requests: list[str] = field(default_factory=list)  # the key of every request, in order
    refused: list[int] = field(default_factory=list)  # statuses of the requests refused
    lose_answer_next: int = 0  # pay, then close the connection without an answer
    fail_next: int = 0  # answer 503 without paying
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any] | None]:
        """Answer one request: its status and body, or None for a dropped connection."""
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("x-signature", ""), expected):
            self.refused.append(401)
            return 401, {"error": "bad signature"}
        key = headers.get("idempotency-key")
        if not key:
            self.refused.append(400)
            return 400, {"error": "Idempotency-Key missing"}
        with self.lock:
            self.requests.append(key)
            if self.fail_next:
                self.fail_next -= 1
                return 503, {"error": "try later"}
            payment = self.paid.get(key)
            if payment is None:
                payload = json.loads(body)["payload"]
                payment = {"payment_reference": f"PAY-{uuid.uuid4().hex[:12]}",
                           "amount": payload["amount"], "currency": payload["currency"],
                           "buyer": payload["buyer"]}
                self.paid[key] = payment
            if self.lose_answer_next:
                self.lose_answer_next -= 1
                return 200, None
        return 200, payment


def _handler(fake: FakePayments) -> type[BaseHTTPRequestHandler]:
    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = fake.handle({k.lower(): v for k, v in self.headers.items()}, body)
            if answer is None:
                self.close_connection = True  # the payment is made; its answer never arrives
                return
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Endpoint


@contextmanager
def payment_server() -> Iterator[FakePayments]:
    """Serve a fake payment webhook on a free local port for the block's duration."""
    fake = FakePayments()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/payments"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
