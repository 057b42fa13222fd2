"""`moderation tdb ...`: the DSA Transparency Database, by file."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

tdb_app = typer.Typer(help="The DSA Transparency Database (art. 24(5)).", no_args_is_help=True)
console = Console(stderr=True)


def _start_of(day: str, option: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)",
                                 param_hint=option) from None


@tdb_app.command("export")
def export_cmd(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, UTC).")],
    end: Annotated[str, typer.Option("--to", help="Last day, included (YYYY-MM-DD, UTC).")],
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: stdout).")]
    = None,
) -> None:
    """Write the statements of a period as the database's records, one JSON line each."""
    from moderation.config import get_settings
    from moderation.db import session_scope
    from moderation.runtime import Runtime
    from moderation.transparency_db.export import export_records

    first, last = _start_of(start, "--from"), _start_of(end, "--to") + timedelta(days=1)
    if last <= first:
        raise typer.BadParameter("must not be before --from", param_hint="--to")
    runtime = Runtime.build(get_settings())
    with session_scope(runtime.sessionmaker) as session:
        if out is None:
            summary = export_records(session, sys.stdout, start=first, end=last)
        else:
            with out.open("w", encoding="utf-8") as file:
                summary = export_records(session, file, start=first, end=last)
    for puid, why in sorted(summary.refused.items()):
        console.print(f"left out {puid}: {why}")
    console.print(f"written {summary.written}, not reported (no restriction) "
                  f"{summary.not_reported}, left out {len(summary.refused)}")
