"""The statements routes: the marketplace and staff read what sellers were told."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.conftest import auth
from tests.statement_builders import removal_on_notice


def test_an_offers_statements_and_one_by_its_puid(client: TestClient, keys: dict[str, str],
                                                  session: Session) -> None:
    statement = removal_on_notice(session)
    listed = client.get(f"/v1/offers/{statement.offer_id}/statements",
                        headers=auth(keys["integration"]))
    assert listed.status_code == 200
    body = listed.json()
    # The removal, and the strike's warning on the seller's account.
    assert [s["restriction"] for s in body] == ["strike", "removal"]
    removal = body[1]
    assert removal["puid"] == statement.puid and removal["decision_id"] == statement.decision_id
    assert (removal["automated_detection"], removal["automated_decision"],
            removal["source_type"]) == (False, "not", "notice")
    assert removal["text"].startswith("UZASADNIENIE DECYZJI")
    assert removal["content"]["counter_notice"]["until"]

    one = client.get(f"/v1/statements/{statement.puid}", params={"language": "en"},
                     headers=auth(keys["moderator"]))
    assert one.status_code == 200
    assert one.json()["text"].startswith("STATEMENT OF REASONS")
    assert one.json()["language"] == "pl"  # what the seller got it in


def test_unknown_statements_and_offers_are_404_and_bad_input_422(
        client: TestClient, keys: dict[str, str]) -> None:
    headers = auth(keys["integration"])
    assert client.get("/v1/statements/sor-nope", headers=headers).status_code == 404
    assert client.get("/v1/offers/999999/statements", headers=headers).status_code == 404
    bad = client.get("/v1/offers/1/statements", params={"language": "de"}, headers=headers)
    assert bad.status_code == 422
    assert client.get("/v1/statements/sor-nope").status_code == 401


def test_rights_holders_may_not_read_sellers_statements(client: TestClient,
                                                        keys: dict[str, str]) -> None:
    assert client.get("/v1/statements/sor-x",
                      headers=auth(keys["rights_holder"])).status_code == 403
