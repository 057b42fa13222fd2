"""Jobs that only tests enqueue, run by real worker processes."""

from __future__ import annotations

from threadpoolctl import threadpool_info


def thread_pools() -> list[tuple[str, int]]:
    """The BLAS and OpenMP pools as the job's own thread sees them."""
    return sorted((p["internal_api"], p["num_threads"]) for p in threadpool_info())
