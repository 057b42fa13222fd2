"""Rate limits per API key and per client address, counted in the real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from api.app import create_app
from api.rate_limits import RateLimits, Scope
from moderation.config import Settings
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from tests.api.console import csrf_of
from tests.conftest import DEAD_REDIS
from tests.factories import TEST_PASSWORD, make_staff, offer_event

LIMIT = 3


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    app = create_app(runtime)
    app.state.rate_limits = RateLimits(Settings(
        redis_url=runtime.settings.redis_url, rate_limit_intake=f"{LIMIT}/minute",
        rate_limit_notices=f"{LIMIT}/minute", rate_limit_orders=f"{LIMIT}/minute",
        rate_limit_login=f"{LIMIT}/minute"))
    return app


@pytest.fixture
def client(app: FastAPI, session: Session) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def test_intake_past_the_limit_answers_429_with_retry_after(session: Session,
                                                            client: TestClient) -> None:
    key = {"X-API-Key": make_staff(session, StaffRole.INTEGRATION).api_key or ""}
    statuses = [client.post("/v1/offers", json=offer_event(), headers=key).status_code
                for _ in range(LIMIT + 1)]
    assert statuses == [201] * LIMIT + [429]
    refused = client.post("/v1/offers", json=offer_event(), headers=key)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["error"] == "rate_limited"
    # Reads are not counted.
    assert client.get("/v1/offers/1", headers=key).status_code in (200, 404)


def test_another_key_from_another_address_is_unaffected(session: Session, app: FastAPI,
                                                        client: TestClient) -> None:
    first = {"X-API-Key": make_staff(session, StaffRole.INTEGRATION).api_key or ""}
    second = {"X-API-Key": make_staff(session, StaffRole.INTEGRATION).api_key or ""}
    for _ in range(LIMIT):
        client.post("/v1/offers", json=offer_event(), headers=first)
    assert client.post("/v1/offers", json=offer_event(), headers=first).status_code == 429
    with _from(app, "192.0.2.20") as other:
        assert other.post("/v1/offers", json=offer_event(), headers=second).status_code == 201
        # The spent key stays held back from a new address too.
        assert other.post("/v1/offers", json=offer_event(), headers=first).status_code == 429


def test_one_address_is_held_back_whatever_keys_it_sends(session: Session,
                                                         client: TestClient) -> None:
    keys = [{"X-API-Key": make_staff(session, StaffRole.INTEGRATION).api_key or ""}
            for _ in range(LIMIT + 1)]
    statuses = [client.post("/v1/offers", json=offer_event(), headers=k).status_code
                for k in keys]
    assert statuses == [201] * LIMIT + [429]


@pytest.mark.parametrize(("path", "role"), [("/v1/notices", StaffRole.RIGHTS_HOLDER),
                                            ("/v1/safety/orders", StaffRole.AUTHORITY)])
def test_notices_and_orders_are_limited(session: Session, client: TestClient, path: str,
                                        role: StaffRole) -> None:
    key = {"X-API-Key": make_staff(session, role).api_key or ""}
    statuses = [client.post(path, json={}, headers=key).status_code for _ in range(LIMIT + 1)]
    assert statuses == [422] * LIMIT + [429]


def test_login_posts_are_limited_per_address(client: TestClient) -> None:
    statuses = []
    for i in range(LIMIT + 1):
        form = client.get("/login")
        statuses.append(client.post("/login", data={
            "name": f"someone-{i}", "password": "wrong password",
            "csrf_token": csrf_of(form.text)}).status_code)
    assert statuses == [401] * LIMIT + [429]


def _member(app: FastAPI, session: Session, role: StaffRole) -> tuple[TestClient, str]:
    """A client logged in through the form on this app (its own limits); the CSRF token."""
    name = make_staff(session, role, password=TEST_PASSWORD, locale="pl").staff.name
    client = TestClient(app)
    form = client.get("/login")
    assert client.post("/login", data={"name": name, "password": TEST_PASSWORD,
                                       "csrf_token": csrf_of(form.text)}).status_code == 200
    home = "/portal" if role is StaffRole.RIGHTS_HOLDER else "/authority"
    return client, csrf_of(client.get(home).text)


def test_the_notice_form_spends_the_notices_limit_and_answers_a_page(
        session: Session, app: FastAPI) -> None:
    browser, token = _member(app, session, StaffRole.RIGHTS_HOLDER)
    # Forms missing everything: each is refused (422) and still counted.
    statuses = [browser.post("/portal/notices", data={"csrf_token": token}).status_code
                for _ in range(LIMIT)]
    assert statuses == [422] * LIMIT
    refused = browser.post("/portal/notices", data={"csrf_token": token})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"].startswith("text/html")
    assert "<h1>Zbyt wiele żądań</h1>" in refused.text
    assert "Zbyt wiele żądań: spróbuj ponownie za" in refused.text
    # The API and the form share the limit: the key of the same organisation is a new
    # credential, but the address is spent.
    key = {"X-API-Key": make_staff(session, StaffRole.RIGHTS_HOLDER).api_key or ""}
    assert browser.post("/v1/notices", json={}, headers=key).status_code == 429


@pytest.mark.parametrize(("role", "path"), [
    (StaffRole.RIGHTS_HOLDER, "/portal/rights"),
    (StaffRole.RIGHTS_HOLDER, "/portal/rights/999999/documents"),
    (StaffRole.AUTHORITY, "/authority/orders"),
])
def test_the_rights_and_order_forms_are_limited(session: Session, app: FastAPI,
                                                role: StaffRole, path: str) -> None:
    browser, token = _member(app, session, role)
    files = ({"file": ("a.pdf", b"%PDF-1.4 proof", "application/pdf")}
             if path.endswith("/documents") else None)
    statuses = [browser.post(path, data={"csrf_token": token, "kind": "licence"},
                             files=files).status_code for _ in range(LIMIT + 1)]
    assert statuses[:LIMIT] == [statuses[0]] * LIMIT and statuses[0] in (404, 422)
    assert statuses[LIMIT] == 429


@pytest.mark.parametrize("path", ["/v1/rights", "/v1/rights/999999/documents"])
def test_the_rights_api_writes_are_limited(session: Session, client: TestClient,
                                           path: str) -> None:
    key = {"X-API-Key": make_staff(session, StaffRole.RIGHTS_HOLDER).api_key or ""}
    statuses = [client.post(path, json={}, headers=key).status_code for _ in range(LIMIT + 1)]
    assert statuses == [422] * LIMIT + [429]


def test_the_embedded_default_counts_in_memory() -> None:
    limits = RateLimits(Settings(redis_url=None, rate_limit_intake="2/minute"))

    def allowed(credential: str, address: str) -> bool:
        # A loop of its own each time, as a test client may give: the counts are the process's.
        return asyncio.run(limits.hit(Scope.INTAKE, credential=credential,
                                      address=address)).allowed

    assert [allowed("k", "a") for _ in range(3)] == [True, True, False]
    assert allowed("other", "b")


def test_while_their_redis_is_away_the_limits_let_requests_through_uncounted(
        session: Session, runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    # Intake stores the offer (the sweep sends its screening later) and the owner can log
    # in: an outage of the counter must not turn every write into a 500.
    app = create_app(runtime)
    app.state.rate_limits = RateLimits(Settings(redis_url=DEAD_REDIS,
                                                rate_limit_intake="1/minute"))
    key = {"X-API-Key": make_staff(session, StaffRole.INTEGRATION).api_key or ""}
    before = uncounted()
    with TestClient(app) as client:
        statuses = [client.post("/v1/offers", json=offer_event(), headers=key).status_code
                    for _ in range(3)]
    assert statuses == [201, 201, 201]
    assert uncounted() == before + 3
    warnings = [r for r in caplog.records if r.name == "api.rate_limits"]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def uncounted() -> float:
    return REGISTRY.get_sample_value("moderation_rate_limits_uncounted_total",
                                     {"scope": "intake"}) or 0.0
