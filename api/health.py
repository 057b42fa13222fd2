"""/healthz (the process lives) and /readyz (it can serve: database, Redis, schema, artifacts).

An orchestrator restarts a process whose /healthz fails and sends no traffic to one whose
/readyz fails; so /healthz checks nothing outside the process (a database outage must not
restart every API process at once), and /readyz names what failed.
"""

from __future__ import annotations

from typing import Literal

from alembic.script import ScriptDirectory
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from moderation import logs
from moderation.migrate import alembic_config
from moderation.runtime import Runtime
from moderation.screening.readiness import artifacts_loadable

router = APIRouter(include_in_schema=False)


class Check(BaseModel):
    ok: bool
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, Check]


def migration_heads() -> frozenset[str]:
    """The revisions the code's migrations end at (read once, at start-up)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def _problem(error: Exception) -> str:
    # The first line of the error's name and text: enough to act on, never a whole
    # traceback, and masked as a log line is (a driver may name the URL it failed on).
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return logs.mask_secrets(f"{type(error).__name__}: {first}"[:300])


def check_database(runtime: Runtime, heads: frozenset[str]) -> tuple[Check, Check]:
    """Whether the database answers, and whether its schema is at the code's head."""
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                current = frozenset(conn.execute(
                    text("SELECT version_num FROM alembic_version")).scalars())
            except Exception as error:  # answers, but was never migrated
                return Check(ok=True), Check(ok=False, detail=_problem(error))
    except Exception as error:
        return Check(ok=False, detail=_problem(error)), Check(ok=False, detail="not checked")
    if current != heads:
        at = ", ".join(sorted(current)) or "nothing"
        return Check(ok=True), Check(ok=False, detail=f"at {at}, head {', '.join(sorted(heads))}")
    return Check(ok=True), Check(ok=True, detail=", ".join(sorted(current)))


def check_redis(runtime: Runtime) -> Check:
    try:
        runtime.redis.ping()
    except Exception as error:
        return Check(ok=False, detail=_problem(error))
    return Check(ok=True)


class ArtifactsCheck:
    """Whether the live rule pack and model bundle load.

    A process that has loaded its screener (a worker, or the API after a page that needs it)
    asks the screener, which reloads what changed on disk. One that has not (the API serving
    intake) checks once that they would load, without importing scikit-learn, and keeps a
    success: it never scores, so a later change on disk is the workers' to load.
    """

    def __init__(self) -> None:
        self._passed: str | None = None

    def __call__(self, runtime: Runtime) -> Check:
        try:
            if runtime.lazy_screener.loaded:
                art = runtime.screener.current()
                return Check(ok=True, detail=f"rules {art.ruleset.version}, "
                                             f"model {art.classifier.version}")
            if self._passed is None:
                self._passed = artifacts_loadable(runtime.settings)
        except Exception as error:
            return Check(ok=False, detail=_problem(error))
        return Check(ok=True, detail=self._passed)


def readiness(runtime: Runtime, heads: frozenset[str], artifacts: ArtifactsCheck
              ) -> Readiness:
    database, schema = check_database(runtime, heads)
    checks = {"database": database, "migrations": schema, "redis": check_redis(runtime),
              "screener": artifacts(runtime)}
    ok = all(c.ok for c in checks.values())
    return Readiness(status="ok" if ok else "unavailable", checks=checks)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process lives and answers: nothing outside it is checked."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "a check failed"}})
def readyz(request: Request) -> JSONResponse:
    """Whether this process can serve: every check's outcome, 503 when one failed."""
    state = request.app.state
    result = readiness(state.runtime, state.migration_heads, state.artifacts_check)
    return JSONResponse(result.model_dump(), status_code=200 if result.status == "ok" else 503)


def install(app: FastAPI) -> None:
    """Add the two routes; the migrations' head is read here, once."""
    app.state.migration_heads = migration_heads()
    app.state.artifacts_check = ArtifactsCheck()
    app.include_router(router)
