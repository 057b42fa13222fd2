"""/healthz answers while the process lives; /readyz says whether it can serve, and what not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import fakeredis
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import create_engine

from api.app import create_app
from moderation.config import Settings, get_settings
from moderation.migrate import alembic_config
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from tests.conftest import DEAD_REDIS

DEAD_DATABASE = "postgresql+psycopg://postgres:Sekret99@127.0.0.1:1/nothing?connect_timeout=2"


def ready(runtime: Runtime) -> tuple[int, dict[str, dict[str, object]]]:
    with TestClient(create_app(runtime)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        answer = client.get("/readyz")
    return answer.status_code, answer.json()["checks"]


def failed(checks: dict[str, dict[str, object]]) -> set[str]:
    return {name for name, check in checks.items() if not check["ok"]}


def test_ready_when_everything_answers(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    checks = answer.json()["checks"]
    assert failed(checks) == set()
    assert str(checks["screener"]["detail"]).startswith("rules ")


def test_not_ready_when_the_database_is_unreachable(redis: Redis, screener: Screener) -> None:
    runtime = Runtime.build(get_settings(), bind=create_engine(DEAD_DATABASE), redis=redis,
                            screener=screener)
    status, checks = ready(runtime)
    assert status == 503 and failed(checks) == {"database", "migrations"}
    assert "Sekret99" not in str(checks)


def test_not_ready_when_redis_is_unreachable(connection: object, screener: Screener,
                                            pg_engine: object) -> None:
    dead = Redis.from_url(DEAD_REDIS, socket_connect_timeout=0.5)
    runtime = Runtime.build(get_settings(), redis=dead, screener=screener)
    try:
        status, checks = ready(runtime)
    finally:
        runtime.engine.dispose()
    assert status == 503 and failed(checks) == {"redis"}


def test_not_ready_when_the_schema_is_behind_the_code(tmp_path: Path, redis: Redis,
                                                      screener: Screener) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_revision(script.get_current_head())
    assert head is not None and isinstance(head.down_revision, str)
    command.upgrade(alembic_config(url), head.down_revision)
    runtime = Runtime.build(Settings(database_url=url), redis=redis, screener=screener)
    try:
        status, checks = ready(runtime)
    finally:
        runtime.engine.dispose()
    assert status == 503 and failed(checks) == {"migrations"}
    assert checks["migrations"]["detail"] == f"at {head.down_revision}, head {head.revision}"


def test_not_ready_when_the_model_does_not_load(tmp_path: Path, redis: Redis,
                                                pg_engine: object) -> None:
    broken = tmp_path / "bundle"
    broken.mkdir()
    (broken / "model.joblib").write_bytes(b"not a model")
    runtime = Runtime.build(get_settings(), redis=redis,
                            screener=Screener(Settings(model_dir=broken)))
    try:
        status, checks = ready(runtime)
    finally:
        runtime.engine.dispose()
    assert status == 503 and failed(checks) == {"screener"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_routes_are_not_in_the_api_document(client: TestClient, path: str) -> None:
    assert path not in client.get("/openapi.json").json()["paths"]


def test_readiness_of_a_process_that_never_loaded_the_screener_checks_the_bundle(
        tmp_path: Path) -> None:
    from api.health import ArtifactsCheck
    from models.signing import DEFAULT_BUNDLE_DIR

    broken = tmp_path / "bundle"
    shutil.copytree(DEFAULT_BUNDLE_DIR, broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["version"] = "edited"
    (broken / "manifest.json").write_text(json.dumps(manifest))
    settings = Settings(model_dir=broken)
    runtime = Runtime.build(settings, bind=create_engine("sqlite://"), redis=fakeredis.FakeRedis())
    check = ArtifactsCheck()(runtime)
    assert not check.ok and "signature mismatch" in (check.detail or "")
    assert not runtime.lazy_screener.loaded
    good = Runtime.build(Settings(), bind=create_engine("sqlite://"), redis=fakeredis.FakeRedis())
    assert ArtifactsCheck()(good).ok
