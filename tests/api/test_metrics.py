"""/metrics: requests by route template and status, screening by version, and the gauges of
what the database and Redis hold, read at the scrape."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy.orm import Session

from api.metrics import UNMATCHED
from moderation import queue
from moderation.outbox import notify
from moderation.runtime import Runtime
from moderation.tables import utcnow
from tests.api.conftest import auth
from tests.factories import COUNTERFEIT_TITLE, make_case, make_offer, screen_all
from tests.metrics_reading import value

REQUESTS = "moderation_http_requests_total"


def scrape(client: TestClient) -> str:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


def test_requests_are_counted_by_route_template_and_status(
        client: TestClient, keys: dict[str, str]) -> None:
    before = scrape(client)
    for case_id in (987654, 987655):
        assert client.get(f"/v1/cases/{case_id}",
                          headers=auth(keys["moderator"])).status_code == 404
    assert client.get("/no/such/page").status_code == 404
    after = scrape(client)
    route = {"method": "GET", "route": "/v1/cases/{case_id}", "status": "404"}
    assert value(after, REQUESTS, **route) - value(before, REQUESTS, **route) == 2
    lost = {"method": "GET", "route": UNMATCHED, "status": "404"}
    assert value(after, REQUESTS, **lost) - value(before, REQUESTS, **lost) == 1
    timed = {"method": "GET", "route": "/v1/cases/{case_id}"}
    count = "moderation_http_request_duration_seconds_count"
    assert value(after, count, **timed) - value(before, count, **timed) == 2
    assert "/v1/cases/987654" not in after  # one series per route, not per path


def test_each_answer_carries_a_request_id_and_keeps_a_sane_given_one(
        client: TestClient) -> None:
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.1"})
    assert given.headers["X-Request-ID"] == "edge-7f3a.1"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\" level=ERROR" + "a" * 200})
    assert forged.headers["X-Request-ID"] not in ("x\" level=ERROR" + "a" * 200,)
    assert len(forged.headers["X-Request-ID"]) == 32


def test_offers_screened_are_counted_per_route_and_versions(
        client: TestClient, session: Session, runtime: Runtime) -> None:
    art = runtime.screener.current()
    versions = {"rules_version": art.ruleset.version, "model_version": art.classifier.version}
    before = scrape(client)
    make_offer(session, title=COUNTERFEIT_TITLE, brand="Louis Vuitton", price="349.00")
    make_offer(session, title="Rower miejski damski, koła 28 cali", price="900.00")
    summary = screen_all(session)
    after = scrape(client)
    name = "moderation_offers_screened_total"
    for route, n in summary.routes.items():
        assert value(after, name, route=route, **versions) - value(
            before, name, route=route, **versions) == n
    assert summary.routes.get("block") == 1
    batches = "moderation_screening_batch_duration_seconds_count"
    assert value(after, batches, **versions) - value(before, batches, **versions) == 1


def test_open_cases_deadlines_and_outbox_are_read_at_the_scrape(
        client: TestClient, session: Session) -> None:
    before = scrape(client)
    make_case(session)
    soon, late = make_case(session, due_in_hours=1), make_case(session, due_in_hours=-2)
    for case in (soon, late):
        case.kind = "safety"
    old = make_case(session, due_in_hours=500)
    old.opened_at = utcnow() - timedelta(days=3)
    notify(session, kind="notifier.acknowledgement", recipient="email:a@example.pl",
           payload={"notice_id": 1})
    sent = notify(session, kind="notifier.outcome", recipient="email:a@example.pl",
                  payload={"notice_id": 1})
    sent.status = "sent"
    session.flush()
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("moderation_cases_open", kind="screening") == 2
    assert grew("moderation_cases_open", kind="safety") == 2
    assert value(after, "moderation_cases_oldest_open_age_seconds", kind="screening") >= 3 * 86400
    assert grew("moderation_deadlines_at_risk") == 2
    assert grew("moderation_deadlines_overdue") == 1
    assert grew("moderation_outbox_pending") == 1
    assert value(after, "moderation_outbox_oldest_pending_age_seconds") >= 0
    assert value(after, "moderation_metrics_scrape_error", source="database") == 0


def test_queue_depth_and_the_oldest_jobs_age_per_lane(client: TestClient, redis: Redis) -> None:
    empty = scrape(client)
    assert value(empty, "moderation_queue_jobs", lane="bulk") == 0
    queue.enqueue(redis, "workers.tasks.sweep", lane=queue.Lane.BULK)
    queue.enqueue(redis, "workers.tasks.sweep", lane=queue.Lane.BULK)
    queue.enqueue(redis, "workers.tasks.sweep", lane=queue.Lane.INTERACTIVE)
    after = scrape(client)
    assert value(after, "moderation_queue_jobs", lane="bulk") == 2
    assert value(after, "moderation_queue_jobs", lane="interactive") == 1
    assert value(after, "moderation_queue_jobs", lane="periodic") == 0
    age = value(after, "moderation_queue_oldest_job_age_seconds", lane="bulk")
    assert 0 <= age < 60
    assert value(after, "moderation_metrics_scrape_error", source="redis") == 0
