"""Logging in to the console: cookie flags, CSRF, the throttle after failed logins, logging out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from moderation.accounts import auth
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.tables import AuditEntry, Case, WebSession, utcnow
from tests.api.console import csrf_of, logged_in
from tests.conftest import redis_down
from tests.factories import TEST_PASSWORD, make_case, make_staff


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Logins happen at one instant: a 1 s wait must not pass on a slow machine mid-test."""
    now = utcnow()
    monkeypatch.setattr(auth, "utcnow", lambda: now)


def _attempt(client: TestClient, name: str, password: str) -> int:
    form = client.get("/login")
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": csrf_of(form.text)},
                       follow_redirects=False).status_code


def test_login_sets_a_session_cookie_browsers_guard(session: Session, client: TestClient
                                                    ) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    form = client.get("/login")
    response = client.post("/login", data={"name": mod.name, "password": TEST_PASSWORD,
                                           "csrf_token": csrf_of(form.text),
                                           "next": "/cases/1"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/cases/1"
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("moderation_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert session.query(WebSession).filter_by(staff_id=mod.id).count() == 1
    assert all(token not in (w.token_hash, w.csrf_token) for w in session.query(WebSession))
    assert client.get("/queue").status_code == 200


def test_login_refuses_a_form_without_its_csrf_cookie(session: Session, client: TestClient
                                                      ) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    response = client.post("/login", data={"name": mod.name, "password": TEST_PASSWORD,
                                           "csrf_token": "forged"}, follow_redirects=False)
    assert response.status_code == 403
    assert session.query(WebSession).filter_by(staff_id=mod.id).count() == 0


def test_an_open_redirect_after_login_goes_to_the_queue(session: Session, client: TestClient
                                                        ) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    form = client.get("/login")
    response = client.post("/login", data={"name": mod.name, "password": TEST_PASSWORD,
                                           "csrf_token": csrf_of(form.text),
                                           "next": "//evil.example/phish"},
                           follow_redirects=False)
    assert response.headers["location"] == "/queue"


@pytest.mark.usefixtures("frozen_clock")
def test_repeated_failures_hold_back_the_address_with_429_not_a_lock(
        session: Session, client: TestClient, runtime: Runtime) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    assert [_attempt(client, mod.name, "wrong password") for _ in range(4)] == [401] * 3 + [429]
    form = client.get("/login")
    held = client.post("/login", data={"name": mod.name, "password": TEST_PASSWORD,
                                       "csrf_token": csrf_of(form.text)})
    assert held.status_code == 429 and held.headers["retry-after"] == "1"
    assert "spróbuj ponownie za 1 sekundę" in held.text  # the login form speaks Polish first
    # The owner, from another address, is not held back by the attacker's wait.
    with TestClient(create_app(runtime), client=("192.0.2.7", 50000)) as home:
        assert _attempt(home, mod.name, TEST_PASSWORD) == 303
    assert session.query(AuditEntry).filter_by(entity="staff", entity_id=mod.id,
                                               action="account.login").count() == 1


def test_while_the_throttles_redis_is_away_logins_warn_once_not_per_request(
        session: Session, client: TestClient, runtime: Runtime,
        caplog: pytest.LogCaptureFixture) -> None:
    # The process keeps one throttle: one built per request forgot when it had last warned,
    # and logged a warning on every login for as long as the outage lasted.
    mod = make_staff(session, password=TEST_PASSWORD).staff
    with redis_down(runtime.redis):
        statuses = [_attempt(client, mod.name, "wrong password") for _ in range(3)]
        statuses.append(_attempt(client, mod.name, TEST_PASSWORD))
    assert statuses == [401] * 3 + [303]
    assert [r.levelname for r in caplog.records
            if r.name == "moderation.accounts.throttle"] == ["WARNING"]


@pytest.mark.usefixtures("frozen_clock")
def test_unknown_names_are_answered_as_known_ones(session: Session, client: TestClient
                                                  ) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    known = [_attempt(client, mod.name, "wrong password") for _ in range(4)]
    unknown = [_attempt(client, "nobody-by-this-name", "wrong password") for _ in range(4)]
    assert known == unknown == [401] * 3 + [429]


@pytest.mark.usefixtures("frozen_clock")
def test_a_success_forgets_the_failures_from_that_address(session: Session,
                                                          client: TestClient) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    for _ in range(2):
        _attempt(client, mod.name, "wrong password")
    assert _attempt(client, mod.name, TEST_PASSWORD) == 303
    assert [_attempt(client, mod.name, "wrong password") for _ in range(4)] == [401] * 3 + [429]


def test_form_posts_without_the_csrf_token_are_refused(session: Session) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    case = make_case(session)
    browser = logged_in(session, mod.name, TEST_PASSWORD)
    for token in (None, "not-the-token"):
        data = {"csrf_token": token} if token else {}
        refused = browser.post("/queue/next", data=data, follow_redirects=False)
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert session.get(Case, case.id).lease_holder_id is None  # type: ignore[union-attr]
    token = csrf_of(browser.get("/queue").text)
    taken = browser.post("/queue/next", data={"csrf_token": token}, follow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == f"/cases/{case.id}"


def test_logout_ends_the_session(session: Session) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    browser = logged_in(session, mod.name, TEST_PASSWORD)
    token = csrf_of(browser.get("/queue").text)
    assert browser.post("/logout", data={"csrf_token": token},
                        follow_redirects=False).status_code == 303
    assert session.query(WebSession).filter_by(staff_id=mod.id).count() == 0
    again = browser.get("/queue", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_api_keys_need_no_csrf_and_api_clients_cannot_log_in(session: Session,
                                                             client: TestClient) -> None:
    mod = make_staff(session)
    assert client.post("/v1/cases/claim-next",
                       headers={"X-API-Key": mod.api_key or ""}).status_code == 204
    integration = make_staff(session, StaffRole.INTEGRATION)
    assert integration.staff.organisation_id is not None
    assert _attempt(client, integration.staff.name, TEST_PASSWORD) == 401
