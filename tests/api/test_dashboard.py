"""The Grafana dashboard (deploy/grafana/moderation.json) queries only metrics /metrics has,
and shows every one the service defines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.metrics import MetricWrapperBase

from moderation import metrics
from tests.metrics_reading import names

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "moderation.json"
METRIC = re.compile(r"\bmoderation_[a-z0-9_]+\b")


def queried(dashboard: dict[str, Any]) -> set[str]:
    """Every metric name in the dashboard's queries."""
    found: set[str] = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            found |= set(METRIC.findall(target["expr"]))
    return found


def missing(dashboard: dict[str, Any], exposition: str) -> set[str]:
    return queried(dashboard) - names(exposition)


def test_every_metric_the_dashboard_queries_is_exposed(client: TestClient) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exposition = client.get("/metrics").text
    assert len(queried(dashboard)) >= 15
    assert missing(dashboard, exposition) == set()


def test_a_query_of_a_metric_that_does_not_exist_is_caught(client: TestClient) -> None:
    fake = {"panels": [{"targets": [
        {"expr": "rate(moderation_http_requests_total[5m])"},
        {"expr": "max(moderation_cases_opened)"}]}]}
    assert missing(fake, client.get("/metrics").text) == {"moderation_cases_opened"}


def test_the_dashboard_shows_every_metric_the_service_defines() -> None:
    shown = queried(json.loads(DASHBOARD.read_text(encoding="utf-8")))
    defined = {m._name for m in vars(metrics).values()
               if isinstance(m, MetricWrapperBase)} | set(metrics.STATE_METRICS)
    assert len(defined) >= 15
    unshown = {name for name in defined if not any(s.startswith(name) for s in shown)}
    assert unshown == set()
