"""An administrator's password works once: the login leads to setting one's own, and every
other page leads there until it is set; API keys are not held back. Any member may change
their own password later, knowing the current one."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.pages.auth import HOME_OF
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.tables import Account, AuditEntry
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_staff

GIVEN = "given by the admin"
OWN = "a passphrase of my own"


def _log_in(client: TestClient, name: str, password: str, next_url: str = "/queue") -> str:
    form = client.get("/login")
    done = client.post("/login", data={"name": name, "password": password, "next": next_url,
                                       "csrf_token": csrf_of(form.text)},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    return done.headers["location"]


def _created_by_admin(session: Session, client: TestClient, name: str) -> str:
    """An account an administrator creates on the admin page; its API key."""
    admin = make_staff(session, StaffRole.ADMIN, password=TEST_PASSWORD).staff
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    created = browser.post("/admin/users", data={
        "csrf_token": csrf_of(browser.get("/admin").text), "name": name, "role": "lead",
        "password": GIVEN, "locale": "en"})
    key = re.search(r'<code class="api-key">([^<]+)</code>', created.text)
    assert created.status_code == 200 and key
    return key.group(1)


def test_a_created_account_sets_its_own_password_before_anything_else(
        session: Session, client: TestClient) -> None:
    key = _created_by_admin(session, client, "new-lead")
    assert _log_in(client, "new-lead", GIVEN, "/dashboard") == (
        "/account/password?next=/dashboard")
    for page in ("/queue", "/dashboard", "/admin", "/cases/1"):
        refused = client.get(page, follow_redirects=False)
        assert (refused.status_code, refused.headers["location"]) == (
            303, "/account/password"), page
    # The console's scripts call the API with the cookie: refused, not redirected.
    scripted = client.get("/v1/cases", headers={"Accept": "application/json"})
    assert scripted.status_code == 403 and scripted.json()["error"] == (
        "password_change_required")
    # An API key is no password: it works as before.
    assert client.get("/v1/cases", headers={"X-API-Key": key}).status_code == 200

    form = client.get("/account/password?next=/dashboard")
    assert form.status_code == 200 and "Set your own password" in form.text
    # The administrator has just given the password: it is not asked for again.
    assert "current_password" not in form.text
    token = csrf_of(form.text)
    same = client.post("/account/password", data={
        "csrf_token": token, "new_password": GIVEN, "new_password_repeated": GIVEN,
        "next": "/dashboard"})
    assert same.status_code == 422
    assert "Choose a password other than the one you were given." in same.text
    assert client.get("/queue", follow_redirects=False).status_code == 303

    done = client.post("/account/password", data={
        "csrf_token": token, "new_password": OWN, "new_password_repeated": OWN,
        "next": "/dashboard"}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/dashboard")
    assert client.get("/dashboard").status_code == 200
    # The one-time form is done with: the page is now the change of one's own password.
    assert "Change your password" in client.get("/account/password").text
    staff = session.query(Account).filter_by(name="new-lead").one()
    assert not staff.password_must_change
    assert session.query(AuditEntry).filter_by(
        entity_id=staff.id, action="account.password_changed").count() == 1
    with TestClient(client.app) as other:
        assert _log_in(other, "new-lead", OWN) == "/queue"
        form = other.get("/login")
        assert other.post("/login", data={"name": "new-lead", "password": GIVEN,
                                          "csrf_token": csrf_of(form.text)}
                          ).status_code == 401


def test_a_reset_password_is_one_time_and_the_page_is_in_polish(session: Session,
                                                                 client: TestClient) -> None:
    mod = make_staff(session, StaffRole.RIGHTS_HOLDER, password=TEST_PASSWORD,
                     locale="pl").staff
    admin = make_staff(session, StaffRole.ADMIN, password=TEST_PASSWORD).staff
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    browser.post(f"/admin/users/{mod.id}/password",
                 data={"csrf_token": csrf_of(browser.get("/admin").text), "password": GIVEN})
    assert _log_in(client, mod.name, GIVEN) == "/account/password?next=/portal"
    form = client.get("/account/password?next=%2Fportal")
    assert "<h1>Ustaw własne hasło</h1>" in form.text and "Set your own" not in form.text
    short = client.post("/account/password", data={
        "csrf_token": csrf_of(form.text), "new_password": "krótkie",
        "new_password_repeated": "krótkie", "next": "/portal"})
    assert short.status_code == 422 and "co najmniej 10 znaków" in short.text
    differ = client.post("/account/password", data={
        "csrf_token": csrf_of(form.text), "new_password": OWN,
        "new_password_repeated": OWN + "x", "next": "/portal"})
    assert differ.status_code == 422 and "Podane hasła się różnią." in differ.text
    # The language and logging out still work before the password is set.
    english = client.post("/settings/language", data={
        "csrf_token": csrf_of(form.text), "locale": "en"},
        headers={"referer": "http://testserver/account/password?next=/portal"})
    assert english.url.path == "/account/password" and "<h1>Set your own password</h1>" in (
        english.text)
    assert client.post("/logout", data={"csrf_token": csrf_of(form.text)},
                       follow_redirects=False).headers["location"] == "/login"


def test_setting_the_password_needs_the_csrf_token(session: Session,
                                                   client: TestClient) -> None:
    _created_by_admin(session, client, "csrf-lead")
    _log_in(client, "csrf-lead", GIVEN)
    refused = client.post("/account/password", data={
        "new_password": OWN, "new_password_repeated": OWN})
    assert refused.status_code == 403
    assert session.query(Account.password_must_change).filter_by(
        name="csrf-lead").scalar() is True


# What each role's API key may read, to show the key outlives a change of password.
KEY_READS = {StaffRole.MODERATOR: "/v1/cases", StaffRole.RIGHTS_HOLDER: "/v1/notices",
             StaffRole.AUTHORITY: "/v1/safety/orders"}


@pytest.mark.parametrize(("role", "current", "new", "status", "shown"), [
    (StaffRole.MODERATOR, TEST_PASSWORD, OWN, 200,
     "Your password is changed. Your sessions in other browsers have ended."),
    (StaffRole.RIGHTS_HOLDER, "not my password", OWN, 422, "The current password is wrong."),
    (StaffRole.AUTHORITY, TEST_PASSWORD, TEST_PASSWORD, 422,
     "Choose a password other than your current one."),
], ids=["changed", "wrong-current", "same-as-current"])
def test_a_member_changes_their_own_password_from_the_header(
        session: Session, client: TestClient, role: StaffRole, current: str, new: str,
        status: int, shown: str) -> None:
    made = make_staff(session, role, password=TEST_PASSWORD)
    name, before = made.staff.name, made.staff.password_hash
    elsewhere = logged_in(session, name, TEST_PASSWORD)
    _log_in(client, name, TEST_PASSWORD)
    home = client.get(HOME_OF.get(role.value, "/queue"))
    assert 'href="/account/password"' in home.text  # the header's link
    form = client.get("/account/password")
    assert form.status_code == 200 and "Change your password" in form.text
    answer = client.post("/account/password", data={
        "csrf_token": csrf_of(form.text), "current_password": current,
        "new_password": new, "new_password_repeated": new})
    assert answer.status_code == status and shown in answer.text
    changed = status == 200
    assert answer.url.path == "/account/password"
    session.expire_all()
    staff = session.query(Account).filter_by(name=name).one()
    assert (staff.password_hash != before) is changed
    assert session.query(AuditEntry).filter_by(
        entity_id=staff.id, action="account.password_changed").count() == int(changed)
    # This browser stays logged in; the other one is logged out only by a change.
    assert client.get("/account/password", follow_redirects=False).status_code == 200
    other = elsewhere.get("/account/password", follow_redirects=False)
    assert (other.status_code == 303 and other.headers["location"].startswith(
        "/login")) is changed
    # An API key is no password: a change leaves it working.
    assert client.get(KEY_READS[role], headers={"X-API-Key": made.api_key or ""}
                      ).status_code == 200
    if changed:
        with TestClient(client.app) as fresh:
            assert _log_in(fresh, name, OWN) == HOME_OF.get(role.value, "/queue")


def test_wrong_current_passwords_spend_the_login_throttle(session: Session,
                                                          client: TestClient) -> None:
    """A stolen session cookie guesses the password no faster than the login form."""
    staff = make_staff(session, StaffRole.MODERATOR, password=TEST_PASSWORD).staff
    _log_in(client, staff.name, TEST_PASSWORD)
    token = csrf_of(client.get("/account/password").text)

    def change(current: str, csrf: str = token) -> int:
        return client.post("/account/password", data={
            "csrf_token": csrf, "current_password": current, "new_password": OWN,
            "new_password_repeated": OWN}).status_code

    # A form without the session's CSRF token is refused before any password is checked.
    assert change(TEST_PASSWORD, csrf="") == 403
    assert [change(f"guess {n}") for n in range(3)] == [422] * 3  # LOGIN_FREE_FAILURES
    held = client.post("/account/password", data={
        "csrf_token": token, "current_password": TEST_PASSWORD, "new_password": OWN,
        "new_password_repeated": OWN})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) >= 1
    assert "Too many failed attempts" in held.text
    session.expire_all()
    assert not session.query(AuditEntry).filter_by(
        entity_id=staff.id, action="account.password_changed").count()
    # The same counters as the login form's: logging in as this name waits as well.
    form = client.get("/login")
    assert client.post("/login", data={"name": staff.name, "password": TEST_PASSWORD,
                                       "csrf_token": csrf_of(form.text)}
                       ).status_code == 429


def test_a_one_time_form_sent_again_after_the_password_is_set_is_no_failed_guess(
        session: Session, client: TestClient, runtime: Runtime) -> None:
    # A second tab's one-time form has no current-password field: before, the change read
    # it as a wrong current password and counted a failure at the login throttle.
    _created_by_admin(session, client, "two-tabs")
    _log_in(client, "two-tabs", GIVEN)
    stale = client.get("/account/password")
    first = client.post("/account/password", data={
        "csrf_token": csrf_of(stale.text), "new_password": OWN, "new_password_repeated": OWN})
    assert first.status_code == 200 and first.url.path == "/queue"
    again = client.post("/account/password", data={
        "csrf_token": csrf_of(stale.text), "new_password": OWN + "!",
        "new_password_repeated": OWN + "!"})
    assert again.status_code == 422 and "Enter your current password." in again.text
    assert 'data-field="current_password"' in again.text
    assert runtime.login_throttle.failures_of(["two-tabs"]) == {"two-tabs": 0}
    assert _log_in(client, "two-tabs", OWN) == "/queue"


def test_an_api_key_cannot_change_the_password(session: Session, client: TestClient) -> None:
    # A key is no proof of the password, and a change would end its owner's browser sessions.
    made = make_staff(session, StaffRole.MODERATOR, password=TEST_PASSWORD)
    browser = logged_in(session, made.staff.name, TEST_PASSWORD)
    refused = client.post("/account/password", headers={"X-API-Key": made.api_key or ""},
                          data={"current_password": TEST_PASSWORD, "new_password": OWN,
                                "new_password_repeated": OWN})
    assert refused.status_code == 403 and "logged-in browser" in refused.text
    session.expire_all()
    assert session.query(AuditEntry).filter_by(
        entity_id=made.staff.id, action="account.password_changed").count() == 0
    assert browser.get("/account/password", follow_redirects=False).status_code == 200
