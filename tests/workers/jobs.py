"""Jobs that only tests enqueue, run by real worker processes."""

from __future__ import annotations

from threadpoolctl import threadpool_info


def thread_pools() -> list[tuple[str, int]]:
    """The BLAS and OpenMP pools as the job's own thread sees them."""
    return sorted((p["internal_api"], p["num_threads"]) for p in threadpool_info())


def fail_loudly(offer_id: int) -> None:
    """Write a line, then fail, as a job meeting a bug does."""
    import logging

    logging.getLogger("tests.workers.jobs").warning("about to fail on offer %d", offer_id)
    raise RuntimeError(f"offer {offer_id} broke the job")
