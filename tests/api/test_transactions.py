"""A request whose transaction lost a race is served again; what escaped never is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import SessionDep
from moderation.retries import ATTEMPTS
from moderation.runtime import Runtime
from moderation.tables import Account
from tests.factories import make_staff
from tests.moderation.test_retries import busy_snapshot


@pytest.fixture
def busy(tmp_path: Path) -> OperationalError:
    return busy_snapshot(tmp_path)


def probe(runtime: Runtime, endpoint: Callable[..., Any]) -> TestClient:
    """The application with one more route, POST /v1/probe."""
    app = create_app(runtime)
    app.add_api_route("/v1/probe", endpoint, methods=["POST"], status_code=201)
    return TestClient(app, raise_server_exceptions=False)


def test_a_request_is_served_again_with_its_body(session: Session, runtime: Runtime,
                                                 busy: OperationalError) -> None:
    bodies: list[dict[str, Any]] = []

    def endpoint(body: dict[str, Any], s: SessionDep) -> dict[str, Any]:
        bodies.append(body)
        s.add(Account(name=f"probe-{len(bodies)}", role="moderator", locale="pl", active=True))
        s.flush()
        if len(bodies) < 3:
            raise busy
        s.commit()
        return {"attempts": len(bodies)}

    sent = {"reference": "DIH/1", "text": "zażółć gęślą jaźń " * 200}
    with probe(runtime, endpoint) as client:
        answer = client.post("/v1/probe", json=sent)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"attempts": 3}
    assert bodies == [sent] * 3
    # The failed runs' rows were rolled back with their sessions.
    assert [s.name for s in session.query(Account).filter(Account.name.like("probe-%"))] == [
        "probe-3"]


def test_a_request_that_committed_is_not_served_again(session: Session, runtime: Runtime,
                                                      busy: OperationalError) -> None:
    calls: list[int] = []

    def endpoint(s: SessionDep) -> dict[str, Any]:
        calls.append(1)
        s.commit()
        raise busy

    with probe(runtime, endpoint) as client:
        answer = client.post("/v1/probe")
    assert answer.status_code == 500
    assert len(calls) == 1


def test_the_client_is_told_to_come_back_after_the_last_attempt(
        session: Session, runtime: Runtime, busy: OperationalError) -> None:
    calls: list[int] = []

    def endpoint(s: SessionDep) -> None:
        calls.append(1)
        raise busy

    with probe(runtime, endpoint) as client:
        answer = client.post("/v1/probe")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["error"] == "busy" and answer.json()["status"] == 503
    assert len(calls) == ATTEMPTS


def test_other_failures_are_not_served_again(session: Session, runtime: Runtime) -> None:
    calls: list[int] = []

    def endpoint(s: SessionDep) -> None:
        calls.append(1)
        raise RuntimeError("a bug")

    with probe(runtime, endpoint) as client:
        answer = client.post("/v1/probe")
    assert answer.status_code == 500
    assert len(calls) == 1


def test_a_unique_rule_broken_at_commit_is_a_conflict(session: Session,
                                                      runtime: Runtime) -> None:
    taken = make_staff(session).staff.name

    def endpoint(s: SessionDep) -> None:
        s.add(Account(name=taken, role="moderator", locale="pl", active=True))
        s.commit()

    with probe(runtime, endpoint) as client:
        answer = client.post("/v1/probe")
    assert answer.status_code == 409
    problem = answer.json()
    assert (problem["error"], problem["field"], problem["detail"]) == (
        "conflict", "name", "an account of this name already exists")
