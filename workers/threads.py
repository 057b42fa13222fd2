"""One bounded BLAS/OpenMP thread count for a worker, set once when it starts.

An unset pool starts a thread per core for every classifier or matcher call; on a busy
machine those threads spin and wait on each other (100 matcher pairs took 2 s instead of
47 ms). Screening batches are small, so one thread per worker is the default.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from threadpoolctl import threadpool_info, threadpool_limits

from moderation.config import get_settings

log = logging.getLogger(__name__)

# Read by OpenBLAS, MKL and OpenMP when a library loads after this point.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS")


def limit_threads(threads: int | None = None) -> list[dict[str, Any]]:
    """Cap the thread pools of this process (and of the calling thread) at WORKER_THREADS.

    OpenBLAS's cap holds for the whole process; OpenMP's is per thread (threads started
    later read the environment's default), so a worker thread calls this itself. The
    numerical libraries are loaded first, so that there is something to cap.
    """
    n = threads or get_settings().worker_threads
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n)
    import numpy  # noqa: F401  (loads OpenBLAS)
    import scipy.sparse  # noqa: F401
    import sklearn.utils._openmp_helpers  # noqa: F401  (loads OpenMP)

    threadpool_limits(limits=n)
    info = threadpool_info()
    log.info("thread pools capped at %d: %s", n,
             ", ".join(f"{p['internal_api']} {p['num_threads']}" for p in info))
    return info
