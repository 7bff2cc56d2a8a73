"""Gunicorn settings: `gunicorn --config scripts/gunicorn.conf.py wsgi:app`.

Nothing heavy is loaded before fork (no --preload): faiss search can hang in a child forked after the parent used
OpenMP (faiss #5206) and PyTorch under --preload can hang (gunicorn #2478). Each worker caps OpenMP/torch at one
thread (a worker serves one request at a time; more threads only fight over the cores, faiss #1035), then loads
the model and its shards on a background thread so the first request does not pay for it.
"""
import os
import sys
import threading

# Inherited by every worker; torch and faiss read them when first imported, the app reads WEB_CONCURRENCY (its
# rate limits are shared out between the workers while they count apart: talent_match.config).
for name, value in (("OMP_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "1"), ("OMP_WAIT_POLICY", "PASSIVE"),
                    ("TOKENIZERS_PARALLELISM", "false"), ("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                    ("WEB_CONCURRENCY", "2")):
    os.environ.setdefault(name, value)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
workers = int(os.environ["WEB_CONCURRENCY"])
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = False
# The first request of a worker may wait for the model; do not kill it for that.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
accesslog = "-"


def post_fork(server, worker):
    """Cap native thread pools in the fresh worker before anything uses them."""
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except ImportError:
        pass
    if "torch" in sys.modules:  # normally not yet imported; OMP_NUM_THREADS covers it when it is
        sys.modules["torch"].set_num_threads(1)


def post_worker_init(worker):
    """Warm the worker (model, shards) off the request path; a failure only leaves it cold."""
    engine = getattr(worker.wsgi, "extensions", {}).get("search_engine")
    if engine is not None and hasattr(engine, "warm_up"):
        threading.Thread(target=engine.warm_up, name="warm-up", daemon=True).start()
