"""Administrators unlock, deactivate, reactivate, reset and re-key accounts on the admin page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.accounts import auth
from moderation.domain import StaffRole
from moderation.tables import AuditEntry, WebSession, utcnow
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_staff


def _attempt(client: TestClient, name: str, password: str) -> int:
    form = client.get("/login")
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": csrf_of(form.text)},
                       follow_redirects=False).status_code


def _admin(session: Session) -> tuple[TestClient, str]:
    admin = make_staff(session, StaffRole.ADMIN, password=TEST_PASSWORD).staff
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    return browser, csrf_of(browser.get("/admin").text)


def _audited(session: Session, staff_id: int, action: str) -> int:
    return session.query(AuditEntry).filter_by(entity="staff", entity_id=staff_id,
                                               action=action).count()


def test_unlock_lets_a_throttled_owner_in_at_once(session: Session, client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    now = utcnow()  # one instant: the 1 s wait must not pass on a slow machine
    monkeypatch.setattr(auth, "utcnow", lambda: now)
    mod = make_staff(session, password=TEST_PASSWORD).staff
    assert [_attempt(client, mod.name, "wrong password") for _ in range(4)][-1] == 429
    browser, token = _admin(session)
    page = browser.get("/admin")
    assert f'action="/admin/users/{mod.id}/unlock"' in page.text
    done = browser.post(f"/admin/users/{mod.id}/unlock", data={"csrf_token": token})
    assert done.status_code == 200 and f'action="/admin/users/{mod.id}/unlock"' not in done.text
    assert _attempt(client, mod.name, TEST_PASSWORD) == 303
    assert _audited(session, mod.id, "account.unlocked") == 1


def test_deactivation_ends_sessions_and_reactivation_lets_the_password_in(
        session: Session) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    theirs = logged_in(session, mod.name, TEST_PASSWORD)
    browser, token = _admin(session)
    browser.post(f"/admin/users/{mod.id}/deactivate", data={"csrf_token": token})
    assert session.query(WebSession).filter_by(staff_id=mod.id).count() == 0
    assert theirs.get("/queue", follow_redirects=False).status_code == 303  # to the login
    assert _attempt(theirs, mod.name, TEST_PASSWORD) == 401
    browser.post(f"/admin/users/{mod.id}/reactivate", data={"csrf_token": token})
    assert _attempt(theirs, mod.name, TEST_PASSWORD) == 303
    assert (_audited(session, mod.id, "account.deactivated"),
            _audited(session, mod.id, "account.reactivated")) == (1, 1)


def test_an_admin_cannot_deactivate_themselves(session: Session) -> None:
    admin = make_staff(session, StaffRole.ADMIN, password=TEST_PASSWORD).staff
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    token = csrf_of(browser.get("/admin").text)
    assert browser.post(f"/admin/users/{admin.id}/deactivate",
                        data={"csrf_token": token}).status_code == 409


def test_a_generated_password_is_shown_once_and_works(session: Session,
                                                      client: TestClient) -> None:
    mod = make_staff(session, password=TEST_PASSWORD).staff
    browser, token = _admin(session)
    page = browser.post(f"/admin/users/{mod.id}/password", data={"csrf_token": token})
    generated = page.text.split('<code class="password">')[1].split("</code>")[0]
    assert _attempt(client, mod.name, TEST_PASSWORD) == 401
    assert _attempt(client, mod.name, generated) == 303
    assert client.get("/queue", follow_redirects=False).headers["location"] == (
        "/account/password")  # one-time: tests/api/test_own_password_pages.py
    assert generated not in browser.get("/admin").text
    chosen = "a brand new passphrase"
    browser.post(f"/admin/users/{mod.id}/password", data={"csrf_token": token,
                                                          "password": chosen})
    assert _attempt(client, mod.name, chosen) == 303
    assert _audited(session, mod.id, "account.password_reset") == 2


def test_account_actions_need_the_csrf_token(session: Session) -> None:
    mod = make_staff(session)
    browser, _ = _admin(session)
    for action in ("unlock", "deactivate", "password", "key", "key/revoke"):
        refused = browser.post(f"/admin/users/{mod.staff.id}/{action}", data={})
        assert refused.status_code == 403, action
    assert browser.get("/v1/cases", headers={"X-API-Key": mod.api_key or ""}
                       ).status_code == 200


def test_key_rotation_and_revocation_are_audited(session: Session) -> None:
    integration = make_staff(session, StaffRole.INTEGRATION)
    browser, token = _admin(session)
    browser.post(f"/admin/users/{integration.staff.id}/key", data={"csrf_token": token})
    browser.post(f"/admin/users/{integration.staff.id}/key/revoke", data={"csrf_token": token})
    assert (_audited(session, integration.staff.id, "account.key_rotated"),
            _audited(session, integration.staff.id, "account.key_revoked")) == (1, 1)
    session.refresh(integration.staff)
    assert integration.staff.api_key_hash is None
    # An integration has no password to reset.
    assert browser.post(f"/admin/users/{integration.staff.id}/password",
                        data={"csrf_token": token}).status_code == 422
