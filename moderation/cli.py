"""The domain's commands: schema, imports, dry runs, training, rule packs, accounts, evaluations.

The `moderation` command puts these together with `serve` (api/cli.py) and `worker`
(workers/cli.py) in moderation_cli.py, which sees every package; so a command here that
needs the queue worked off in this process (the embedded queue has no other worker) is
handed a worker by that composition (`InProcessWorker`), never reaches for one itself.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from moderation.cli_eval import eval_app
from moderation.cli_reports import report_app
from moderation.cli_tdb import tdb_app
from moderation.cli_users import COMMANDS as USER_COMMANDS
from moderation.config import get_settings

if TYPE_CHECKING:
    from moderation.intake.importer import ImportSummary
    from moderation.runtime import Runtime

app = typer.Typer(no_args_is_help=True)
rules_app = typer.Typer(help="Rule packs.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts: people (password) and API clients (key).",
                        no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(users_app, name="users")
app.add_typer(eval_app, name="eval")
app.add_typer(tdb_app, name="tdb")
app.add_typer(report_app, name="report")
for _name, _command in USER_COMMANDS.items():  # unlock, deactivate, ... (cli_users.py)
    users_app.command(_name)(_command)
console = Console(stderr=True)


@dataclass(frozen=True, slots=True)
class InProcessWorker:
    """How a command runs the queue's jobs in its own process (the embedded default)."""

    work_off: Callable[[Runtime], None]  # until the queue is empty
    start: Callable[[Runtime], threading.Event]  # in daemon threads, until the event is set


def in_process_worker(ctx: typer.Context) -> InProcessWorker:
    """The worker the composed command line handed down (its context's object)."""
    worker = ctx.find_object(InProcessWorker)
    if worker is None:
        raise RuntimeError("no in-process worker: run the composed `moderation` command "
                           "(moderation_cli.py)")
    return worker


def build_runtime() -> Runtime:
    """The runtime of this command's process, from the settings."""
    from moderation.runtime import Runtime

    return Runtime.build(get_settings())


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from moderation.migrate import upgrade

    upgrade(get_settings().database_url)
    from sqlalchemy.engine import make_url

    # Printed, not logged, so the log's masking does not reach it: hide the password here.
    shown = make_url(get_settings().database_url).render_as_string(hide_password=True)
    console.print(f"schema up to date: {shown}")


@app.command()
def purge() -> None:
    """Purge expired web sessions, old delivered outbox rows and old offer versions now
    (what the periodic retention job does; the settings name how old)."""
    from moderation import retention
    from moderation.db import session_scope
    from moderation.retries import retry_transient
    from moderation.tables import utcnow

    runtime = build_runtime()

    @retry_transient
    def batch() -> retention.Purged:
        with session_scope(runtime.sessionmaker) as session:
            return retention.purge_batch(session, runtime.settings, now=utcnow())

    total = retention.purge_all(batch)  # a transaction per batch, until nothing is left
    console.print("purged " + ", ".join(f"{n} {kind}" for kind, n in total.as_dict().items()))


@app.command("import-offers")
def import_offers_cmd(ctx: typer.Context, file: Path, chunk: int = 500) -> None:
    """Import offer events from an NDJSON file and enqueue their screening.

    Rides out a PostgreSQL or Redis restart (OUTAGE_RETRY_SECONDS); exits 1 when any line
    was rejected (or the database stayed away), 0 when every line was accepted.
    """
    from moderation.intake.importer import ImportStopped, import_offers
    from moderation.runtime import freeze_loaded

    runtime = build_runtime()
    total = sum(1 for line in file.open(encoding="utf-8") if line.strip())
    freeze_loaded()
    stopped: ImportStopped | None = None
    with Progress(console=console) as progress:
        task = progress.add_task(f"importing {file.name}", total=total)
        try:
            summary = import_offers(runtime.sessionmaker, file, chunk=chunk,
                                    on_progress=lambda n: progress.advance(task, n))
        except ImportStopped as exc:
            stopped, summary = exc, exc.summary
    if runtime.embedded and stopped is None:
        # The embedded queue lives in this process: work it off before exiting.
        in_process_worker(ctx).work_off(runtime)
    _print_import(file, summary)
    if stopped is not None:
        console.print(f"[red]{stopped}; import the same file again to resume (lines "
                      "stored already come back as duplicates)")
    if stopped is not None or summary.rejected:
        raise typer.Exit(1)


def _print_import(file: Path, summary: ImportSummary) -> None:
    table = Table(title=f"import of {file}")
    table.add_column("outcome")
    table.add_column("lines", justify="right")
    for outcome, n in sorted(summary.outcomes.items()):
        table.add_row(outcome, str(n))
    table.add_row("rejected", str(len(summary.rejected)))
    console.print(table)
    reasons: dict[str, list[int]] = {}
    for r in summary.rejected:
        reasons.setdefault(r.reason, []).append(r.line)
    for reason, lines in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
        console.print(f"  rejected {len(lines)}× {reason} (lines {shown})")
    _print_outage(summary.retried_chunks, summary.left_to_sweep, "screening", "offers")
    console.print(f"accepted {summary.accepted}, rejected {len(summary.rejected)}, "
                  f"screening jobs enqueued {summary.enqueued_jobs}")


def _print_outage(retried_chunks: int, left_to_sweep: int, jobs: str, work: str) -> None:
    """What an import did about an outage: chunks run again, jobs left to the sweep."""
    if retried_chunks:
        console.print(f"{retried_chunks} chunk(s) run again after an outage")
    if left_to_sweep:
        console.print(f"[yellow]{left_to_sweep} {jobs} job(s) not queued (Redis away): the "
                      f"sweep queues their {work}")


@app.command("import-safety-gate")
def import_safety_gate_cmd(ctx: typer.Context, file: Path, chunk: int = 200) -> None:
    """Import EU Safety Gate alerts (the JSON export or the weekly XML feed) and match them.

    Rides out a PostgreSQL or Redis restart (OUTAGE_RETRY_SECONDS); exits 1 when any record
    was rejected (or the file unreadable, or the database stayed away), 0 otherwise.
    """
    from moderation.errors import ModerationError
    from moderation.safety import deadlines
    from moderation.safety.alerts import NOTICE
    from moderation.safety.importer import ImportStopped, import_safety_gate_file

    runtime = build_runtime()
    stopped: ImportStopped | None = None
    try:
        with Progress(console=console) as progress:
            task = progress.add_task(f"importing {file.name}", total=None)
            try:
                summary = import_safety_gate_file(
                    runtime.sessionmaker, file, chunk=chunk,
                    due_at=lambda received: deadlines.due_for(NOTICE, received),
                    on_progress=lambda done, total: progress.update(task, completed=done,
                                                                    total=total))
            except ImportStopped as exc:
                stopped, summary = exc, exc.summary
    except ModerationError as exc:
        console.print(f"[red]{file}: {exc.message}")
        raise typer.Exit(1) from None
    if runtime.embedded and stopped is None:
        in_process_worker(ctx).work_off(runtime)
    table = Table(title=f"import of {file}")
    table.add_column("alerts")
    table.add_column("count", justify="right")
    for label, n in (("created", len(summary.created)), ("updated", len(summary.updated)),
                     ("unchanged", summary.unchanged), ("rejected", len(summary.rejected))):
        table.add_row(label, str(n))
    console.print(table)
    for rejected in summary.rejected:
        console.print(f"  rejected record {rejected.index}: {rejected.reason}")
    _print_outage(summary.retried_chunks, summary.left_to_sweep, "matching", "alerts")
    console.print(f"{len(summary.alert_ids)} alert(s) to match, {summary.matching_jobs} "
                  "matching job(s) enqueued")
    if stopped is not None:
        console.print(f"[red]{stopped}; import the same file again to resume (alerts "
                      "stored already come back unchanged)")
    if stopped is not None or summary.rejected:
        raise typer.Exit(1)


@app.command()
def screen(
    file: Path,
    rules: Annotated[Path | None, typer.Option(help="Rule pack directory to try.")] = None,
    model: Annotated[Path | None, typer.Option(help="Model bundle directory to try.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write JSON lines here, not stdout.")] = None,
    skip: Annotated[int, typer.Option(help="Leave out the first N rows.")] = 0,
    compare: Annotated[Path | None, typer.Option(
        help="A rule pack or model bundle directory (told apart by its files) to compare "
             "with: what would change if it were live.")] = None,
    compare_rules: Annotated[Path | None, typer.Option(
        help="A rule pack directory to compare with.")] = None,
    compare_model: Annotated[Path | None, typer.Option(
        help="A model bundle directory to compare with.")] = None,
    examples: Annotated[int, typer.Option(
        min=0, max=1000, help="Offers shown per route transition.")] = 5,
) -> None:
    """Dry run: screen offers from a JSONL or CSV file, store nothing, print what would happen."""
    from moderation.screening.dry_run import artifact_kind, screen_file

    base = get_settings()
    settings = base.model_copy(update={"rules_dir": rules or base.rules_dir,
                                       "model_dir": model or base.model_dir})
    if compare is not None:
        try:
            kind = artifact_kind(compare)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--compare") from None
        if (compare_rules if kind == "rules" else compare_model) is not None:
            raise typer.BadParameter(f"{compare} is a {kind} directory, and --compare-{kind} "
                                     f"names one too", param_hint="--compare")
        compare_rules, compare_model = ((compare, compare_model) if kind == "rules"
                                        else (compare_rules, compare))
    other = None
    if compare_rules is not None or compare_model is not None:
        other = settings.model_copy(update={
            "rules_dir": compare_rules or settings.rules_dir,
            "model_dir": compare_model or settings.model_dir})
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        summary = screen_file(file, sink, settings=settings, skip=skip, compare_with=other,
                              examples=examples)
    finally:
        if out:
            sink.close()
    table = Table(title=f"{summary.total} offers · rules {summary.rules_version} · "
                        f"model {summary.model_version}")
    table.add_column("route")
    table.add_column("offers", justify="right")
    table.add_column("share", justify="right")
    if other is not None:
        table.add_column("compared", justify="right")
        table.add_column("share", justify="right")
    for route in ("allow", "review", "block"):
        n = summary.routes.get(route, 0)
        cells = [route, str(n), f"{100 * n / max(summary.total, 1):.2f}%"]
        if other is not None:
            m = summary.other_routes.get(route, 0)
            cells += [str(m), f"{100 * m / max(summary.total, 1):.2f}%"]
        table.add_row(*cells)
    console.print(table)
    if summary.comparison is not None:
        _print_comparison(summary)
    else:
        rules_table = Table(title="hits per rule")
        rules_table.add_column("rule")
        rules_table.add_column("offers", justify="right")
        for rule_id, n in summary.rules.most_common():
            rules_table.add_row(rule_id, str(n))
        console.print(rules_table)
    for item in summary.skipped:
        console.print(f"[yellow]skipped line {item.line}: {item.reason}")


def _print_comparison(summary: Any) -> None:
    """The transition matrix, per-rule changes and moving offers of a dry-run comparison."""
    from moderation.screening.compare import ROUTES

    comparison = summary.comparison
    console.print(f"compared with rules {summary.other_rules_version} · model "
                  f"{summary.other_model_version}: {comparison.moved} of {comparison.total} "
                  f"offers move")
    matrix = Table(title="live (rows) -> compared (columns)")
    matrix.add_column("live")
    for route in ROUTES:
        matrix.add_column(route, justify="right")
    for live in ROUTES:
        matrix.add_row(live, *(str(comparison.matrix.get((live, route), 0)) for route in ROUTES))
    console.print(matrix)
    rules_table = Table(title="per rule (model: the score alone)")
    for column in ("rule", "newly flags", "no longer flags", "other outcome", "moved stricter",
                   "moved laxer"):
        rules_table.add_column(column, justify="left" if column == "rule" else "right")
    for rule_id, change in comparison.rule_rows():
        rules_table.add_row(rule_id, f"+{change.added}", f"-{change.removed}",
                            str(change.changed), str(change.stricter), str(change.laxer))
    console.print(rules_table)
    for move in comparison.examples:
        console.print(f"  {move.live_route} -> {move.route}  {move.offer}  "
                      f"{move.title[:70]!r}  ({move.live_reason} -> {move.reason}) "
                      f"{' '.join(move.changes)}", markup=False, highlight=False)


@app.command()
def train(
    out: Annotated[Path | None, typer.Option(help="Bundle directory to write.")] = None,
    listings: Annotated[Path | None, typer.Option(
        help="Folder of real shop feeds (default ../shared/data/polish-listings).")] = None,
    seed: int = 7,
) -> None:
    """Train the classifier on real listings and write a signed model bundle (minutes)."""
    from models.bundle import save_bundle
    from models.train import DEFAULT_BUNDLE_DIR, DEFAULT_LISTINGS_DIR, train_bundle

    target = out or get_settings().model_dir or DEFAULT_BUNDLE_DIR
    try:
        classifier = train_bundle(listings_dir=listings or DEFAULT_LISTINGS_DIR, seed=seed)
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(1) from None
    save_bundle(classifier, target, signing_key=get_settings().model_signing_key.encode())
    console.print(f"wrote {target} ({classifier.version})")
    console.print_json(json.dumps(classifier.manifest.get("metrics", {})))


@rules_app.command("test")
def rules_test(
    directory: Annotated[Path | None, typer.Argument(help="Pack directory.")] = None,
) -> None:
    """Run every rule's must-match and must-not-match examples (without a directory: the
    offers' packs and the buyers' comments' packs)."""
    from rules.comments import FEEDBACK_PACKS_DIR
    from rules.examples import run_examples
    from rules.loader import load_ruleset

    directories = ([directory] if directory is not None
                   else [get_settings().rules_dir, FEEDBACK_PACKS_DIR])
    failed = False
    for where in directories:
        ruleset = load_ruleset(where)
        failures = run_examples(ruleset)
        for f in failures:
            console.print(f"[red]FAIL[/red] {f}")
        examples = sum(len(r.examples.match) + len(r.examples.no_match) for r in ruleset.rules)
        console.print(f"{len(ruleset.rules)} rules, {examples} examples, {len(failures)} "
                      f"failures ({ruleset.version})")
        failed = failed or bool(failures)
    if failed:
        raise typer.Exit(1)
