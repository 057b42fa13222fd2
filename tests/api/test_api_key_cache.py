"""API keys from the per-process cache: no database read per request, and a revoked key is
refused at once where it was revoked and within the cache's seconds elsewhere."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from api.app import create_app
from moderation.accounts.keys import KeyCache
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.tables import Account, Case
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_case, make_offer, make_staff


@contextmanager
def staff_reads(connection: Connection) -> Iterator[list[str]]:
    """The statements that read the accounts table while the block runs."""
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "FROM staff" in statement:
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def test_a_known_key_is_checked_without_reading_the_accounts(
        session: Session, client: TestClient, connection: Connection) -> None:
    mod = make_staff(session)
    key = {"X-API-Key": mod.api_key or ""}
    case = make_case(session)
    assert client.get("/v1/cases", headers=key).status_code == 200
    with staff_reads(connection) as reads:
        assert client.get("/v1/cases", headers=key).status_code == 200
        claimed = client.post("/v1/cases/claim-next", headers=key)
    assert reads == []
    assert claimed.status_code == 200
    session.expire_all()
    assert session.get(Case, case.id).lease_holder_id == mod.staff.id  # type: ignore[union-attr]


def test_the_cached_caller_is_a_real_account_of_the_request(session: Session,
                                                            client: TestClient) -> None:
    mod = make_staff(session)
    key = {"X-API-Key": mod.api_key or ""}
    offer = make_offer(session)
    assert client.get(f"/v1/offers/{offer.id}", headers=key).status_code == 200
    # Cached now: a change through the Account the route got is written like any other.
    assert client.post("/settings/language", data={"locale": "pl"}, headers=key,
                       follow_redirects=False).status_code == 303
    session.expire_all()
    account = session.get(Account, mod.staff.id)
    assert account is not None and account.locale == "pl"


def test_unknown_keys_are_refused_and_not_cached(client: TestClient) -> None:
    for _ in range(2):
        assert client.get("/v1/cases", headers={"X-API-Key": "mod_made_up"}).status_code == 401
    assert len(client.app.state.api_keys) == 0  # type: ignore[attr-defined]


def test_a_key_revoked_on_the_admin_page_is_refused_at_once_here_and_soon_elsewhere(
        session: Session, runtime: Runtime) -> None:
    admin = make_staff(session, StaffRole.ADMIN, password=TEST_PASSWORD).staff
    mod = make_staff(session)
    key = {"X-API-Key": mod.api_key or ""}
    other_process = create_app(runtime)
    other_process.state.api_keys = KeyCache(2)
    with TestClient(other_process) as elsewhere:
        browser = logged_in(session, admin.name, TEST_PASSWORD)
        token = csrf_of(browser.get("/admin").text)
        assert browser.get("/v1/cases", headers=key).status_code == 200
        assert elsewhere.get("/v1/cases", headers=key).status_code == 200
        revoked = browser.post(f"/admin/users/{mod.staff.id}/key/revoke",
                               data={"csrf_token": token})
        assert revoked.status_code == 200 and "revoked" in revoked.text
        assert browser.get("/v1/cases", headers=key).status_code == 401  # this process: at once
        assert elsewhere.get("/v1/cases", headers=key).status_code == 200  # cached a moment
        time.sleep(2.1)
        assert elsewhere.get("/v1/cases", headers=key).status_code == 401


def test_a_deactivated_account_and_a_rotated_key_are_refused(session: Session) -> None:
    admin = make_staff(session, StaffRole.ADMIN, password=TEST_PASSWORD).staff
    rotated, stopped = make_staff(session), make_staff(session)
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    for who in (rotated, stopped):
        assert browser.get("/v1/cases", headers={"X-API-Key": who.api_key or ""}
                           ).status_code == 200
    token = csrf_of(browser.get("/admin").text)
    page = browser.post(f"/admin/users/{rotated.staff.id}/key", data={"csrf_token": token})
    new_key = page.text.split('<code class="api-key">')[1].split("</code>")[0]
    browser.post(f"/admin/users/{stopped.staff.id}/deactivate", data={"csrf_token": token})
    assert browser.get("/v1/cases", headers={"X-API-Key": rotated.api_key or ""}
                       ).status_code == 401
    assert browser.get("/v1/cases", headers={"X-API-Key": new_key}).status_code == 200
    assert browser.get("/v1/cases", headers={"X-API-Key": stopped.api_key or ""}
                       ).status_code == 401
