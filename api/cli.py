"""`moderation serve` and `moderation demo`: the API, with a worker in this process when the
queue is embedded (or when asked); the worker is handed down by the composed command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from moderation.cli import build_runtime, in_process_worker, migrate
from moderation.config import get_settings

if TYPE_CHECKING:
    from moderation.runtime import Runtime

app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)


@app.command()
def serve(
    ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000,
    worker: Annotated[bool, typer.Option(help="Run a worker in-process.")] = False,
    workers: Annotated[int, typer.Option(
        min=1, help="API processes, each with its own runtime (needs REDIS_URL).")] = 1,
) -> None:
    """Serve the API; without REDIS_URL an in-process worker runs the queue."""
    if workers > 1:
        _serve_processes(host=host, port=port, workers=workers, worker=worker)
        return
    _serve(ctx, build_runtime(), host=host, port=port, worker=worker)


def _serve(ctx: typer.Context, runtime: Runtime, *, host: str, port: int, worker: bool
           ) -> None:
    """Serve the API on this runtime, the in-process worker (if any) on the same one."""
    import uvicorn

    from api.app import create_app
    from api.metrics import prepare

    prepare()  # PROMETHEUS_MULTIPROC_DIR, before any process counts anything
    if worker or runtime.embedded:
        in_process_worker(ctx).start(runtime)
        console.print("in-process worker started"
                      + (" (embedded queue: no REDIS_URL)" if runtime.embedded else ""))
    from moderation.logs import uvicorn_config

    # Our handler, not Uvicorn's: its own would replace the one configured at start-up.
    uvicorn.run(create_app(runtime), host=host, port=port,
                log_config=uvicorn_config(runtime.settings),
                log_level=runtime.settings.log_level.lower())


# How long uvicorn's supervisor waits for a process to answer its health check. Its default
# (5 s) is shorter than a spawned process takes to import the service on a busy 2-core host
# (10-20 s seen in the container under compose): each was killed as hung before it had
# started and replaced, forever, and the API never answered. A process that is started but
# hung is still found, this much later.
WORKER_START_TIMEOUT = 60


def _serve_processes(*, host: str, port: int, workers: int, worker: bool) -> None:
    """Serve the API from several processes; each builds its own runtime (create_app as
    uvicorn's app factory, reading the settings), none runs a worker.

    The embedded queue lives in one process's memory: offers taken in by another process
    would never be screened, so it is refused, as is an in-process worker.
    """
    import uvicorn

    if not get_settings().redis_url:
        console.print("[red]--workers > 1 needs REDIS_URL:[/red] the embedded queue (no "
                      "REDIS_URL) lives inside one process; serve one process, or set "
                      "REDIS_URL and run `moderation worker` beside the API")
        raise typer.Exit(2)
    if worker:
        console.print("[red]--worker runs in one API process only:[/red] with --workers > 1 "
                      "run `moderation worker` processes beside the API")
        raise typer.Exit(2)
    import tempfile
    from pathlib import Path

    from api.metrics import prepare
    from moderation.logs import uvicorn_config

    settings = get_settings()
    # /metrics adds up every process's counts from files in one directory; without
    # PROMETHEUS_MULTIPROC_DIR, one of this start's own (set in the environment the
    # processes inherit), or each scrape would see one process's share.
    prepare(settings.prometheus_multiproc_dir
            or Path(tempfile.mkdtemp(prefix="moderation-metrics-")))
    # Each process gets its own engine, pool and Redis connections (nothing built here is
    # inherited); every one logs through our handler.
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                timeout_worker_healthcheck=WORKER_START_TIMEOUT,
                log_config=uvicorn_config(settings),
                log_level=settings.log_level.lower())


@app.command()
def demo(ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000,
         serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True) -> None:
    """Load demo data (staff, offers) into the database, screen it, and serve."""
    from moderation.demo import DEMO_PASSWORD, load_demo, statement_samples

    migrate()
    runtime = build_runtime()
    keys = load_demo(runtime.sessionmaker)
    if runtime.embedded:
        in_process_worker(ctx).work_off(runtime)
    console.print(f"demo accounts (console: http://{host}:{port}/login, password "
                  f"{DEMO_PASSWORD!r}; JSON API: header X-API-Key):")
    for role, key in keys.items():
        login = f"demo-{role}" if role != "integration" else "(API client only)"
        login += {"rights_holder": " (/portal)", "authority": " (/authority)"}.get(role, "")
        console.print(f"  {role:<14} login {login:<28} key {key}")
    console.print(f"try: curl -H 'X-API-Key: {keys['moderator']}' http://{host}:{port}/v1/cases")
    total, samples = statement_samples(runtime.sessionmaker)
    console.print(f"statements of reasons sent to sellers: {total} (each offer's on "
                  f"http://{host}:{port}/offers/<id>; JSON: /v1/offers/<id>/statements)")
    for offer_id, text in samples:
        console.print(f"--- offer {offer_id}: http://{host}:{port}/offers/{offer_id}",
                      markup=False)
        console.print(text, markup=False, highlight=False, soft_wrap=True)
    if serve_after:
        _serve(ctx, runtime, host=host, port=port, worker=False)
