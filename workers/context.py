"""The runtime of the worker running the current job.

RQ calls a job by its dotted path with the job's arguments only, so a job cannot be handed
the runtime as an argument: the worker (main.py) makes its runtime current while it runs
each job, and the job asks for it. Outside a job there is none, and asking is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from moderation.runtime import Runtime

# A context variable, not a global: each worker thread sees only the runtime it set.
_RUNNING: ContextVar[Runtime] = ContextVar("moderation_runtime")


def current() -> Runtime:
    """The runtime of the worker running this job."""
    try:
        return _RUNNING.get()
    except LookupError:
        raise RuntimeError("no runtime: jobs run inside a worker (workers.main.make_worker), "
                           "or inside `with running(runtime)`") from None


@contextmanager
def running(runtime: Runtime) -> Iterator[Runtime]:
    """Make this runtime current for the jobs run inside the block."""
    token = _RUNNING.set(runtime)
    try:
        yield runtime
    finally:
        _RUNNING.reset(token)
