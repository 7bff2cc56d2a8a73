"""Thread caps for one process, so each gunicorn worker uses its share of the cores and no more."""
from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

_configured: int | None = None


def configure_threads(n: int) -> None:
    """Cap faiss (OpenMP), torch and our ONNX sessions at `n` threads; call after fork, before loading models."""
    global _configured
    n = max(1, int(n))
    os.environ["OMP_NUM_THREADS"] = str(n)  # read by libraries loaded after this call
    import faiss
    import torch

    faiss.omp_set_num_threads(n)
    torch.set_num_threads(n)
    _configured = n
    log.debug("thread cap set to %d", n)


def thread_cap() -> int:
    """The cap set by configure_threads, else OMP_NUM_THREADS (gunicorn's post_fork sets it to 1 per worker), else
    the cores this process may run on."""
    if _configured is not None:
        return _configured
    cores = available_cores()
    wanted = os.environ.get("OMP_NUM_THREADS", "").strip()
    return min(int(wanted), cores) if wanted.isdigit() and int(wanted) > 0 else cores


def available_cores() -> int:
    """The cores this process may run on, whatever the caps: what bulk encoding (seeding, reindexing) asks for."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
