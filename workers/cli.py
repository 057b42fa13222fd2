"""`moderation worker`: an RQ worker process on REDIS_URL."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from moderation.cli import build_runtime
from moderation.config import get_settings

app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)


@app.command()
def worker(burst: Annotated[bool, typer.Option(help="Stop when the queue is empty.")] = False
           ) -> None:
    """Run an RQ worker on REDIS_URL (any number, on any hosts)."""
    from workers.main import run

    if not get_settings().redis_url:
        console.print("[red]worker needs REDIS_URL; without it `serve` runs its own worker")
        raise typer.Exit(2)
    run(build_runtime(), burst=burst)
