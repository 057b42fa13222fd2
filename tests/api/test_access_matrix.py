"""Every route declares who may use it; each role × each route answers as designed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import Allow
from moderation.domain import StaffRole
from tests.factories import make_case, make_staff

M, L, A, INT = StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN, StaffRole.INTEGRATION
RH = StaffRole.RIGHTS_HOLDER
AUTH = StaffRole.AUTHORITY
PEOPLE = {M, L, A}
LEADS = {L, A}
PUBLIC = None
# Routes a role may call only from a logged-in browser: its API key is refused as such
# (the own-password tests let each role in with a session).
SESSION_ONLY = {("POST", "/account/password")}
# The design: who may call each route. A new route fails the test until it is added here.
DESIGN: dict[tuple[str, str], set[StaffRole] | None] = {
    ("GET", "/healthz"): PUBLIC,
    # Operators' probes and Prometheus scrape from inside (README: Logs, metrics, health).
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/"): PUBLIC,  # a redirect to the queue, which asks for a login
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/v1/offers"): {INT, A},
    ("POST", "/v1/offers/batch"): {INT, A},
    ("GET", "/v1/offers/{offer_id}"): PEOPLE | {INT},
    ("GET", "/v1/offers/{offer_id}/statements"): PEOPLE | {INT},
    ("GET", "/v1/statements/{puid}"): PEOPLE | {INT},
    ("GET", "/v1/cases"): PEOPLE,
    ("GET", "/v1/cases/{case_id}"): PEOPLE,
    ("POST", "/v1/cases/claim-next"): PEOPLE,
    ("POST", "/v1/cases/{case_id}/claim"): PEOPLE,
    ("POST", "/v1/cases/{case_id}/lease"): PEOPLE,
    ("POST", "/v1/cases/{case_id}/reassign"): LEADS,
    ("POST", "/v1/cases/bulk-decision"): LEADS,
    ("POST", "/v1/cases/{case_id}/release"): PEOPLE,
    ("POST", "/v1/cases/{case_id}/decision"): PEOPLE,
    ("POST", "/logout"): PEOPLE | {RH, AUTH},
    ("POST", "/settings/language"): PEOPLE | {RH, AUTH},
    ("GET", "/account/password"): PEOPLE | {RH, AUTH},
    ("POST", "/account/password"): PEOPLE | {RH, AUTH},
    ("GET", "/queue"): PEOPLE,
    ("POST", "/queue/next"): PEOPLE,
    ("GET", "/cases/{case_id}"): PEOPLE,
    ("GET", "/offers/{offer_id}"): PEOPLE,
    ("POST", "/cases/{case_id}/claim"): PEOPLE,
    ("POST", "/cases/{case_id}/lease"): PEOPLE,
    ("POST", "/cases/{case_id}/decision"): PEOPLE,
    ("POST", "/cases/{case_id}/release"): PEOPLE,
    ("POST", "/cases/{case_id}/reassign"): LEADS,
    ("GET", "/escalations"): LEADS,
    ("POST", "/cases/bulk"): LEADS,
    ("GET", "/dashboard"): LEADS,
    ("GET", "/console/reports/programme"): LEADS,
    ("GET", "/audit"): LEADS,
    ("POST", "/v1/notices"): {RH},
    ("GET", "/v1/notices"): PEOPLE | {RH},
    ("GET", "/v1/notices/{reference}"): PEOPLE | {RH},
    ("GET", "/v1/notifiers"): LEADS,
    ("GET", "/v1/caught-offers"): {RH},
    ("POST", "/v1/rights"): {RH},
    ("GET", "/v1/rights"): PEOPLE | {RH},
    ("GET", "/v1/rights/{right_id}"): PEOPLE | {RH},
    ("POST", "/v1/rights/{right_id}/documents"): {RH},
    ("GET", "/v1/rights/{right_id}/documents/{document_id}"): PEOPLE | {RH},
    ("POST", "/v1/rights/{right_id}/verification"): LEADS,
    ("GET", "/portal/rights"): {RH},
    ("POST", "/portal/rights"): {RH},
    ("GET", "/portal/rights/{right_id}"): {RH},
    ("POST", "/portal/rights/{right_id}/documents"): {RH},
    ("GET", "/rights"): LEADS,
    ("POST", "/rights/{right_id}/verification"): LEADS,
    ("POST", "/v1/counter-notices"): {INT, A},
    ("GET", "/v1/counter-notices/{reference}"): PEOPLE | {INT},
    # Feedback (issue 14): the marketplace relays buyers' ratings and sellers' reports.
    ("POST", "/v1/feedback"): {INT, A},
    ("GET", "/v1/feedback/{feedback_id}"): PEOPLE | {INT},
    ("PUT", "/v1/feedback/{feedback_id}"): {INT, A},
    ("DELETE", "/v1/feedback/{feedback_id}"): {INT, A},
    ("POST", "/v1/feedback/{feedback_id}/report"): {INT, A},
    ("GET", "/v1/sellers/{external_id}/quality"): PEOPLE | {INT},
    ("GET", "/v1/cases/{case_id}/feedback-report"): PEOPLE,
    ("POST", "/v1/appeals"): {INT, RH, AUTH},
    ("GET", "/v1/appeals/{appeal_id}"): PEOPLE | {INT, RH, AUTH},
    ("GET", "/portal"): {RH},
    ("GET", "/portal/notices/new"): {RH},
    ("POST", "/portal/notices"): {RH},
    ("GET", "/portal/notices/{reference}"): {RH},
    ("GET", "/notifiers"): LEADS,
    ("POST", "/v1/safety/orders"): {AUTH},
    ("GET", "/v1/safety/orders"): PEOPLE | {AUTH},
    ("GET", "/v1/safety/orders/{order_id}"): PEOPLE | {AUTH},
    ("GET", "/v1/safety/orders/{order_id}/report.csv"): PEOPLE | {AUTH},
    ("GET", "/v1/safety/orders/{order_id}/report.pdf"): PEOPLE | {AUTH},
    ("GET", "/authority"): {AUTH},
    ("GET", "/authority/orders/new"): {AUTH},
    ("POST", "/authority/orders"): {AUTH},
    ("GET", "/authority/orders/{order_id}"): {AUTH},
    ("GET", "/shadow"): LEADS,
    ("POST", "/shadow/trips/{trip_id}/lift"): LEADS,
    ("GET", "/admin"): {A},
    ("POST", "/admin/users"): {A},
    ("POST", "/admin/users/{staff_id}/unlock"): {A},
    ("POST", "/admin/users/{staff_id}/deactivate"): {A},
    ("POST", "/admin/users/{staff_id}/reactivate"): {A},
    ("POST", "/admin/users/{staff_id}/password"): {A},
    ("POST", "/admin/users/{staff_id}/key"): {A},
    ("POST", "/admin/users/{staff_id}/key/revoke"): {A},
    # Buyer Protection, compensation: only the marketplace confirms what it paid.
    ("POST", "/v1/compensations/{idempotency_key}/paid"): {INT},
    ("GET", "/v1/compensations/{idempotency_key}"): PEOPLE | {INT},
    # Buyer Protection, discussions and claims: the marketplace relays every step; staff and
    # the marketplace follow them; moderators decide a claim through its case.
    ("POST", "/v1/discussions"): {INT},
    ("POST", "/v1/discussions/{discussion_id}/messages"): {INT},
    ("POST", "/v1/discussions/{discussion_id}/answer"): {INT},
    ("POST", "/v1/discussions/{discussion_id}/refuse"): {INT},
    ("POST", "/v1/discussions/{discussion_id}/settle"): {INT},
    ("POST", "/v1/discussions/{discussion_id}/escalate"): {INT},
    ("GET", "/v1/discussions/{discussion_id}"): PEOPLE | {INT},
    ("GET", "/v1/claims/{claim_id}"): PEOPLE | {INT},
    ("POST", "/v1/cases/{case_id}/claim-decision"): PEOPLE,
    ("POST", "/cases/{case_id}/claim-decision"): PEOPLE,
    # Buyers (issue 14): the marketplace tells accounts, orders and tracking; staff read.
    ("PUT", "/v1/buyers/{buyer_id}"): {INT, A},
    ("PUT", "/v1/sellers/{seller_id}/account"): {INT, A},
    ("POST", "/v1/orders"): {INT, A},
    ("POST", "/v1/orders/{order_id}/tracking"): {INT, A},
    ("GET", "/v1/orders/{order_id}"): PEOPLE | {INT},
    # Support standards (issue 14, part E): the marketplace sends ratings and survey answers;
    # leads close the loop.
    ("POST", "/v1/support/ratings"): {INT, A},
    ("POST", "/v1/surveys/answers"): {INT, A},
    ("GET", "/v1/support/tasks"): LEADS,
    ("POST", "/v1/support/tasks/{task_id}/done"): LEADS,
    ("GET", "/console/support/tasks"): LEADS,
    ("POST", "/console/support/tasks/{task_id}/done"): LEADS,
}
FRAMEWORK = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    for route in app.routes:
        contexts = (route.effective_route_contexts()  # routers included by the app
                    if hasattr(route, "effective_route_contexts") else [route])
        for ctx in contexts:
            path = getattr(ctx, "path", None)
            if path is None or path in FRAMEWORK or path.startswith("/static"):
                continue
            for method in sorted(getattr(ctx, "methods", None) or ()):
                if method != "HEAD":
                    yield method, path, getattr(ctx, "dependant", None)


def _declared(dependant: Any) -> set[StaffRole] | None:
    stack, found = [dependant], []
    while stack:
        dep = stack.pop()
        if dep is None:
            continue
        if isinstance(dep.call, Allow):
            found.append(set(dep.call.roles))
        stack.extend(dep.dependencies)
    assert len(found) <= 1, "a route should declare its roles once"
    return found[0] if found else None


def test_every_route_declares_its_roles_as_designed() -> None:
    declared = {(m, p): _declared(d) for m, p, d in _routes(create_app())}
    assert declared == DESIGN


@pytest.fixture
def callers(session: Session) -> dict[StaffRole, dict[str, str]]:
    return {role: {"X-API-Key": make_staff(session, role).api_key or ""} for role in StaffRole}


def test_each_role_on_each_route_is_let_in_or_refused(
        session: Session, client: TestClient, callers: dict[StaffRole, dict[str, str]]) -> None:
    case = make_case(session)
    params = {"case_id": str(case.id), "offer_id": str(case.offer_id), "reference": "N-0-0",
              "right_id": "1", "document_id": "1", "order_id": "1", "trip_id": "1",
              "puid": "sor-0", "appeal_id": "1", "staff_id": "999999999",
              "buyer_id": "b-matrix", "seller_id": "s-matrix", "task_id": "1",
              "feedback_id": "f-0", "external_id": "s-0",
              "idempotency_key": "claim-0-decision-0", "discussion_id": "1", "claim_id": "1"}
    checked = 0
    for (method, path), allowed in DESIGN.items():
        url = path.format(**params)
        if allowed is PUBLIC:
            status = client.request(method, url, follow_redirects=False).status_code
            assert status not in (401, 403) and status < 500, (method, path, status)
            continue
        anonymous = client.request(method, url, follow_redirects=False)
        if path.startswith("/v1/"):
            assert anonymous.status_code == 401, (method, path)
        else:
            assert anonymous.status_code == 303, (method, path)
            assert anonymous.headers["location"].startswith("/login?next=")
        for role, headers in callers.items():
            answer = client.request(method, url, headers=headers, follow_redirects=False)
            status = answer.status_code
            if role in allowed and (method, path) in SESSION_ONLY:
                assert 'data-code="session_required"' in answer.text, (role, method, path)
            elif role in allowed:
                assert status not in (401, 403) and status < 500, (role, method, path, status)
            else:
                assert status == 403, (role, method, path, status)
            checked += 1
    assert checked == len(StaffRole) * sum(1 for v in DESIGN.values() if v is not PUBLIC)
