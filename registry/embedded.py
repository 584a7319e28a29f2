"""Servers that a new user does not have to install: PostgreSQL from `pgserver`, a file broker.

With `DATABASE_URL` unset, the web process, the Celery workers and the tests all share one
PostgreSQL server started from the `pgserver` package in `var/pgdata/` of the checkout. It listens
on a Unix socket inside that folder, needs no root, and keeps running after the process that
started it exits (so the next command reuses it); `make stop-db` stops it.

With `CELERY_BROKER_URL` unset, Kombu's filesystem transport carries tasks through `var/broker/`:
a real broker between real processes, with no server at all.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

VAR_DIR = Path(os.environ.get("REGISTRY_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))


def embedded_database() -> dict:
    """Start (or reuse) the embedded PostgreSQL server and return its DATABASES entry."""
    # pgserver keeps its inter-process lock in the user's runtime folder; give it one of ours
    # when the session has none (CI, containers) rather than let it warn and fall back to /tmp.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    runtime_dir = Path(os.environ["XDG_RUNTIME_DIR"])
    runtime_dir.mkdir(parents=True, exist_ok=True)
    if runtime_dir == VAR_DIR / "run":
        runtime_dir.chmod(0o700)  # the permission platformdirs expects of a runtime folder
    try:
        import pgserver
    except ImportError as error:  # pragma: no cover - an install problem, not a code path
        raise ImproperlyConfigured(
            "DATABASE_URL is unset and the pgserver package is missing; run `make setup` "
            "or point DATABASE_URL at a PostgreSQL server"
        ) from error
    pgdata = VAR_DIR / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else info.hostname
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": str(info.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def stop_embedded_database() -> None:
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    import pgserver

    pgdata = VAR_DIR / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        # As root, pgserver runs PostgreSQL as its own unprivileged user; pg_ctl must run as it too.
        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        pgserver.pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)


def filesystem_broker() -> tuple[str, dict]:
    """Broker URL and transport options for Kombu's serverless filesystem transport."""
    folder = VAR_DIR / "broker"
    queue_dir = folder / "queue"
    processed_dir = folder / "processed"
    control_dir = folder / "control"  # broadcast exchanges; Kombu's default is ./control of the cwd
    for path in (queue_dir, processed_dir, control_dir):
        path.mkdir(parents=True, exist_ok=True)
    return "filesystem://", {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        "control_folder": str(control_dir),
        "store_processed": False,
    }
