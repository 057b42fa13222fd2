"""`moderation report ...`: the transparency report and the programme report, from the database."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.db import make_engine, read_only
from moderation.reports import export, programme, transparency
from moderation.reports.sql import Period

report_app = typer.Typer(help="Reports: DSA transparency report, programme figures.",
                         no_args_is_help=True)
console = Console(stderr=True)
From = Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")]
To = Annotated[str, typer.Option("--to", help="last day (included), YYYY-MM-DD")]


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def _period(first: str, last: str) -> Period:
    try:
        return Period(date.fromisoformat(first), date.fromisoformat(last))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@contextmanager
def _reading() -> Iterator[Session]:
    """A read-only session on the configured database (a report writes nothing)."""
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            yield read_only(session)
    finally:
        engine.dispose()


def _default_name(kind: str, period: Period) -> str:
    return f"{kind}-{period.first.isoformat()}_{period.last.isoformat()}"


@report_app.command("transparency")
def transparency_cmd(
    first: From, last: To,
    fmt: Annotated[Format, typer.Option("--format")] = Format.CSV,
    out: Annotated[Path | None, typer.Option(help="directory (csv) or file (xlsx)")] = None,
    provider: str = "Marketplace operator", service: str = "Marketplace",
    sample: Annotated[int, typer.Option(min=1, help="decisions sampled for accuracy")] = 1000,
    seed: int = 2835,
) -> None:
    """Write the harmonised transparency report (Implementing Regulation (EU) 2024/2835)."""
    period = _period(first, last)
    ident = transparency.Identification(provider=provider, service=service,
                                        published=date.today())
    with _reading() as session:
        report = transparency.build(session, period, ident, sample_size=sample, seed=seed)
    if fmt is Format.XLSX:
        path = export.write_xlsx(report, out or Path(_default_name("transparency", period)
                                                     + ".xlsx"))
        console.print(f"wrote {path}")
    else:
        files = export.write_csv(report, out or Path(_default_name("transparency", period)))
        console.print(f"wrote {len(files)} files to {files[0].parent}")
    console.print(f"accuracy sample: {report.sample.size} of {report.sample.population} "
                  f"moderators' decisions (seed {report.sample.seed})")


@report_app.command("programme")
def programme_cmd(
    first: From, last: To,
    out: Annotated[Path | None, typer.Option(help="CSV file (default: standard output)")] = None,
) -> None:
    """Write the programme figures (answer times, deadlines, notifiers, repeat infringers)."""
    period = _period(first, last)
    with _reading() as session:
        figures = programme.build(session, period)
    lines = programme.rows(figures)
    with (out.open("w", newline="", encoding="utf-8") if out else nullcontext(sys.stdout)) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["section", "indicator", "scope", "value"])
        writer.writerows(lines)
    if out:
        console.print(f"wrote {len(lines)} figures to {out}")
