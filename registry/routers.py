"""Reads from a PostgreSQL read replica, when DATABASE_REPLICA_URL names one (README, "Scale-out").

Writes, and every read inside a transaction (a curator's edit, ingestion's services, a request
that wrote), go to the primary, so a process always reads what it has just written. Reads
outside transactions — search result pages, case pages, the public API — go to the replica and
may lag it by the replication delay (typically well under a second). The search index itself
reads its change stamps and builds from the primary (`django.db.connection`), so it never runs
behind what it was told.
"""

from __future__ import annotations

from django.db import connections

REPLICA = "replica"


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return "default" if connections["default"].in_atomic_block else REPLICA

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same database, one of them a copy

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema by replication
