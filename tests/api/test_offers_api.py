from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.tables import Offer, OfferKey, OfferVersion, Seller
from tests.api.conftest import auth
from tests.factories import COUNTERFEIT_TITLE, offer_event, runtime_of
from workers.main import make_worker


def _count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_intake_is_idempotent_and_screens_once(client: TestClient, keys: dict[str, str],
                                               session: Session, redis: Redis) -> None:
    event = offer_event(title=COUNTERFEIT_TITLE, brand="Louis Vuitton", price="349.00")
    first = client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    again = client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["outcome"] == "duplicate"
    make_worker(runtime_of(session)).work(burst=True)
    body = client.get(f"/v1/offers/{first.json()['id']}", headers=auth(keys["moderator"])).json()
    assert body["offer"]["screened_version"] == 1
    assert len(body["screenings"]) == 1 and body["screenings"][0]["route"] in ("review", "block")
    assert body["screenings"][0]["hits"][0]["spans"]


def test_conflicting_version_answers_409(client: TestClient, keys: dict[str, str]) -> None:
    event = offer_event()
    client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    other = client.post("/v1/offers", json={**event, "title": "Zupełnie inny"},
                        headers=auth(keys["integration"]))
    assert other.status_code == 409 and other.json()["field"] == "version"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"version": 0}, "version"),
        ({"price": "-1"}, "price"),
        ({"currency": "złoty"}, "currency"),
        ({"gtins": ["1" * 65]}, "gtins.0"),
        ({"gtins": ["5901234123457", "590\x001234"]}, "gtins.1"),
        ({"seller": {}}, "seller.id"),
        # Stored as UTC: converting it overflowed (a 500).
        ({"seller": {"id": "s-1", "account_created_at": "0001-01-01T00:00:00+01:00"}},
         "seller.account_created_at"),
        ({"surprise": 1}, "surprise"),
        ({"marketplace_id": "bad id with spaces"}, "marketplace_id"),
    ],
)
def test_invalid_offer_answers_422_naming_the_field_and_stores_nothing(
    client: TestClient, keys: dict[str, str], session: Session, change: dict[str, object],
    field: str,
) -> None:
    before = (_count(session, Offer), _count(session, Seller), _count(session, OfferVersion))
    response = client.post("/v1/offers", json=offer_event(**change),
                           headers=auth(keys["integration"]))
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert (_count(session, Offer), _count(session, Seller),
            _count(session, OfferVersion)) == before


def test_oversized_body_answers_413_and_stores_nothing(client: TestClient,
                                                       keys: dict[str, str],
                                                       session: Session) -> None:
    before = _count(session, Offer)
    huge = offer_event(description="x" * 200_000)
    response = client.post("/v1/offers", content=json.dumps(huge),
                           headers={**auth(keys["integration"]),
                                    "content-type": "application/json"})
    assert response.status_code == 413
    assert _count(session, Offer) == before


def test_chunked_oversized_body_answers_413(client: TestClient, keys: dict[str, str]) -> None:
    payload = json.dumps(offer_event(description="y" * 200_000)).encode()

    def chunks():  # type: ignore[no-untyped-def]
        for i in range(0, len(payload), 16_384):
            yield payload[i:i + 16_384]

    response = client.post("/v1/offers", content=chunks(),
                           headers={**auth(keys["integration"]),
                                    "content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("bogus", 401), ("moderator", 403),
                                              ("lead", 403), ("integration", 201),
                                              ("admin", 201)])
def test_who_may_send_offers(client: TestClient, keys: dict[str, str], role: str | None,
                             status: int) -> None:
    headers = {} if role is None else auth(keys.get(role, "not-a-key"))
    assert client.post("/v1/offers", json=offer_event(), headers=headers).status_code == status


def test_unknown_offer_answers_404(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/offers/987654321", headers=auth(keys["moderator"]))
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_barcodes_are_read_as_written_and_bad_ones_flagged_not_refused(
        client: TestClient, keys: dict[str, str], session: Session, redis: Redis) -> None:
    event = offer_event(gtins=["590 1234 123457", "5901234123458", "brak"])
    created = client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    assert created.status_code == 201
    make_worker(runtime_of(session)).work(burst=True)
    offer = client.get(f"/v1/offers/{created.json()['id']}",
                       headers=auth(keys["moderator"])).json()["offer"]
    assert offer["gtins"] == ["5901234123457"]
    assert offer["barcode_flags"] == [
        {"value": "5901234123458", "problem": "check_digit", "source": "gtins"},
        {"value": "brak", "problem": "not_a_gtin", "source": "gtins"}]
    # Only the valid barcode is a safety-matching key.
    gtin_keys = session.scalars(select(OfferKey.key).where(
        OfferKey.offer_id == created.json()["id"], OfferKey.key.like("g:%"))).all()
    assert gtin_keys == ["g:05901234123457"]


@pytest.mark.parametrize("written", ["590 1234 123457", "5901-2341-23457", "5901234123457"])
def test_a_barcode_only_in_the_description_is_read(client: TestClient, keys: dict[str, str],
                                                   written: str) -> None:
    event = offer_event(gtins=[], description=f"Rower miejski. Kod EAN: {written}.")
    created = client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    assert created.status_code == 201
    offer = client.get(f"/v1/offers/{created.json()['id']}",
                       headers=auth(keys["moderator"])).json()["offer"]
    assert offer["gtins"] == ["5901234123457"] and offer["barcode_flags"] == []
