"""POST /v1/offers/batch: each offer event validated and answered on its own, idempotent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.runtime import Runtime
from moderation.tables import Offer, OfferVersion
from tests.api.conftest import auth
from tests.factories import offer_event, runtime_of
from workers.main import make_worker

BATCH = "/v1/offers/batch"


def _post(client: TestClient, key: str, offers: list[Any]) -> Any:
    return client.post(BATCH, json={"offers": offers}, headers=auth(key))


def _stored(session: Session, mids: list[str]) -> int:
    return session.scalar(select(func.count()).select_from(Offer)
                          .where(Offer.marketplace_id.in_(mids))) or 0


def test_each_event_is_answered_on_its_own_and_bad_ones_do_not_stop_the_rest(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    good, other = offer_event(), offer_event()
    sent = [good, offer_event(title=""), other, "not an object",
            offer_event(title="Rower\x00"), offer_event(version=2**70), good,
            offer_event(seller={"id": "s\x00"}), {**good, "surprise": 1}]
    response = _post(client, keys["integration"], sent)
    assert response.status_code == 200
    body = response.json()
    assert [(i["index"], i["outcome"], i["field"]) for i in body["items"]] == [
        (0, "created", None), (1, "invalid", "offers[1].title"), (2, "created", None),
        (3, "invalid", "offers[3]"), (4, "invalid", "offers[4].title"),
        (5, "invalid", "offers[5].version"), (6, "duplicate", None),
        (7, "invalid", "offers[7].seller.id"), (8, "invalid", "offers[8].surprise")]
    assert body["counts"] == {"created": 2, "invalid": 6, "duplicate": 1}
    assert body["items"][1]["marketplace_id"] == sent[1]["marketplace_id"]
    assert body["items"][0]["id"] == body["items"][6]["id"] is not None
    assert _stored(session, [e["marketplace_id"] for e in sent if isinstance(e, dict)]) == 2


def test_a_batch_sent_again_changes_nothing_and_a_changed_version_is_a_conflict(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    events = [offer_event() for _ in range(5)]
    first = _post(client, keys["integration"], events).json()
    assert first["counts"] == {"created": 5}
    again = _post(client, keys["integration"], events).json()
    assert again["counts"] == {"duplicate": 5}
    changed = [events[0], {**events[1], "title": "Inny tytuł"},
               {**events[2], "version": 2, "title": "Nowa wersja"}]
    third = _post(client, keys["integration"], changed).json()["items"]
    assert [(i["outcome"], i["field"]) for i in third] == [
        ("duplicate", None), ("conflict", "offers[1].version"), ("updated", None)]
    ids = [i["id"] for i in first["items"]]
    assert session.scalar(select(func.count()).select_from(OfferVersion)
                          .where(OfferVersion.offer_id.in_(ids))) == 6


def test_the_batch_is_screened_once_it_is_committed(
        client: TestClient, keys: dict[str, str], session: Session, redis: Redis) -> None:
    events = [offer_event() for _ in range(20)]
    ids = [i["id"] for i in _post(client, keys["integration"], events).json()["items"]]
    make_worker(runtime_of(session)).work(burst=True)
    screened = session.scalars(select(Offer.screened_version).where(Offer.id.in_(ids))).all()
    assert screened == [1] * 20


def test_more_events_than_allowed_answers_422_and_stores_nothing(
        client: TestClient, keys: dict[str, str], session: Session, runtime: Runtime,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime.settings, "max_batch_offers", 3)
    events = [offer_event() for _ in range(4)]
    response = _post(client, keys["integration"], events)
    assert response.status_code == 422 and response.json()["field"] == "offers"
    assert _stored(session, [e["marketplace_id"] for e in events]) == 0
    assert _post(client, keys["integration"], events[:3]).status_code == 200


def test_an_empty_batch_or_no_list_answers_422(client: TestClient,
                                               keys: dict[str, str]) -> None:
    assert _post(client, keys["integration"], []).status_code == 422
    response = client.post(BATCH, json=offer_event(), headers=auth(keys["integration"]))
    assert response.status_code == 422


def test_a_batch_may_be_larger_than_a_single_offer_body_but_not_unbounded(
        client: TestClient, keys: dict[str, str]) -> None:
    events = [offer_event(description="opis " * 200) for _ in range(100)]  # ~130 KB
    assert len(json.dumps({"offers": events})) > 64 * 1024
    assert _post(client, keys["integration"], events).status_code == 200
    huge = json.dumps({"offers": [offer_event(description="x" * 19_000)
                                  for _ in range(500)]})  # ~9.5 MB
    response = client.post(BATCH, content=huge, headers={**auth(keys["integration"]),
                                                         "content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("moderator", 403),
                                              ("integration", 200), ("admin", 200)])
def test_who_may_send_batches(client: TestClient, keys: dict[str, str], role: str | None,
                              status: int) -> None:
    headers = {} if role is None else auth(keys[role])
    response = client.post(BATCH, json={"offers": [offer_event()]}, headers=headers)
    assert response.status_code == status
