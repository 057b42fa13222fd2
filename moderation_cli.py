"""The `moderation` command: the domain's commands, `serve` and `worker`, put together.

It stands above the packages it composes, so that each imports only downwards: the domain's
commands (moderation/cli.py) know nothing of the API and the workers, and are handed the
in-process worker that the embedded queue needs (`InProcessWorker`) from here, as `serve`
(api/cli.py) is; `worker` (workers/cli.py) runs the workers package itself.
"""

from __future__ import annotations

import typer

from api.cli import app as api_commands
from moderation.cli import InProcessWorker
from moderation.cli import app as domain_commands
from moderation.config import get_settings
from moderation.logs import configure as configure_logging
from workers.cli import app as worker_commands
from workers.main import start_in_process_worker, work_off

app = typer.Typer(
    help="Marketplace moderation service.", no_args_is_help=True,
    context_settings={"obj": InProcessWorker(work_off=work_off, start=start_in_process_worker)},
)


@app.callback()
def _start() -> None:
    """Configure logging once, before any command runs (LOG_FORMAT, LOG_LEVEL)."""
    configure_logging(get_settings())


app.add_typer(domain_commands)
app.add_typer(api_commands)
app.add_typer(worker_commands)

if __name__ == "__main__":
    app()
