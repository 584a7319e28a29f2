"""Gunicorn settings: the Dockerfile, docker-compose.yml and `manage.py serve` all start
`gunicorn -c registry/gunicorn.conf.py registry.wsgi:application`. Each value can be overridden
from the environment (README, "Running at scale").

- workers (WEB_CONCURRENCY, default 2): each worker is one process answering one request at a
  time; on a 2-core machine more than 2-4 only queue on the CPU. Memory is what limits them: with
  preload the index is shared (1M cases: see README for RSS per worker and in total).
- timeout (GUNICORN_TIMEOUT, default 60 s): no request builds the search index any more (the
  build task does: cases/search/publish.py), so the slowest legitimate request is a broad search
  answered from PostgreSQL before the first snapshot exists (seconds at 1M cases) or a large CSV
  export. A worker silent for longer is stuck and is replaced.
- graceful_timeout 30 s, keepalive 5 s: a restart lets running requests finish.
- preload_app: the master imports Django, loads the vocabulary and the newest search snapshot
  once, before it forks; the workers share those pages copy-on-write instead of each loading (or
  building) its own copy, and patch only what changed since (cases/search/index.py).
"""

import logging
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")


def when_ready(server) -> None:
    """In the master, after the application is imported and before any worker is forked."""
    if not preload_app or os.environ.get("SEARCH_PRELOAD", "1") == "0":
        return
    try:
        # Loaded once here, not by each worker's first request (seconds, while that request and
        # whoever queued behind it wait); the workers share it copy-on-write.
        from cases.search.vocabulary import get_vocabulary

        get_vocabulary()
    except Exception:  # no vocabulary tables yet: each worker loads it when first needed
        logging.getLogger("gunicorn.error").exception("vocabulary preload failed")
    try:
        from cases.search.publish import preload_for_workers

        cases = preload_for_workers()
    except Exception:  # a missing table or an unreachable database must not stop the server
        logging.getLogger("gunicorn.error").exception("search index preload failed")
        return
    server.log.info("search index preloaded for the workers: %d cases", cases)


def post_fork(server, worker) -> None:
    # A connection opened in the master must never be shared by two processes.
    from django.db import connections

    connections.close_all()
