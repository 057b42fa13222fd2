"""The compensation routes: the marketplace confirms what it paid, once; staff read it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation import delivery
from moderation.config import Settings
from moderation.tables import Compensation, utcnow
from tests.api.conftest import auth
from tests.claim_rows import compensation_asked
from tests.fakes.payment_server import SECRET, payment_server


def _asked(session: Session) -> Compensation:
    return compensation_asked(session, value="300.00")


def _paid(reference: str, **changes: Any) -> dict[str, Any]:
    return {"payment_reference": reference, "paid_at": utcnow().isoformat(), **changes}


def test_the_marketplace_pays_what_it_was_asked_and_confirms_it(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    row = _asked(session)
    with payment_server() as payments:
        settings = Settings(payment_webhook_url=payments.url, payment_webhook_secret=SECRET)
        assert delivery.deliver_pending(session, settings=settings) == 1
    reference = payments.paid[row.idempotency_key]["payment_reference"]
    url = f"/v1/compensations/{row.idempotency_key}"
    assert client.get(url, headers=auth(keys["moderator"])).json()["paid_at"] is None

    confirmed = client.post(f"{url}/paid", json=_paid(reference),
                            headers=auth(keys["integration"]))
    assert confirmed.status_code == 200
    shown = confirmed.json()
    assert shown["payment_reference"] == reference and shown["amount"] == "300.00"
    assert shown["paid_at"] is not None
    # A repeat (its answer lost, say) is answered as before; the first time stands.
    repeat = client.post(f"{url}/paid", json=_paid(reference, paid_at=(
        utcnow() + timedelta(minutes=1)).isoformat()), headers=auth(keys["integration"]))
    assert repeat.status_code == 200 and repeat.json()["paid_at"] == shown["paid_at"]
    other = client.post(f"{url}/paid", json=_paid("PAY-other"),
                        headers=auth(keys["integration"]))
    assert other.status_code == 409 and other.json()["field"] == "payment_reference"
    assert client.get(url, headers=auth(keys["lead"])).json() == shown


@pytest.mark.parametrize(("change", "field"), [
    ({"payment_reference": ""}, "payment_reference"),
    ({"payment_reference": "PAY\x00"}, "payment_reference"),
    ({"payment_reference": "P" * 129}, "payment_reference"),
    ({"paid_at": "yesterday"}, "paid_at"),
    ({"paid_at": "2026-01-01T10:00:00"}, "paid_at"),  # no time zone
    ({"paid_at": "2999-01-01T10:00:00Z"}, "paid_at"),
    ({"amount": "1.00"}, "amount"),
])
def test_bad_confirmations_answer_422_with_the_field(
        client: TestClient, keys: dict[str, str], session: Session,
        change: dict[str, Any], field: str) -> None:
    row = _asked(session)
    answer = client.post(f"/v1/compensations/{row.idempotency_key}/paid",
                         json={**_paid("PAY-1"), **change}, headers=auth(keys["integration"]))
    assert answer.status_code == 422 and answer.json()["field"] == field
    assert session.get(Compensation, row.id, populate_existing=True).paid_at is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("key", "status"), [
    ("claim-0-decision-0", 404),
    ("k" * 65, 422),
])
def test_an_unknown_or_impossible_key(client: TestClient, keys: dict[str, str],
                                      key: str, status: int) -> None:
    answer = client.post(f"/v1/compensations/{key}/paid", json=_paid("PAY-1"),
                         headers=auth(keys["integration"]))
    assert answer.status_code == status
    assert client.get(f"/v1/compensations/{key}",
                      headers=auth(keys["moderator"])).status_code == status


def test_only_the_marketplace_confirms_a_payment(client: TestClient, keys: dict[str, str],
                                                 session: Session) -> None:
    row = _asked(session)
    for role in ("moderator", "lead", "admin"):
        answer = client.post(f"/v1/compensations/{row.idempotency_key}/paid",
                             json=_paid("PAY-1"), headers=auth(keys[role]))
        assert answer.status_code == 403, role
