"""Search index snapshots kept in PostgreSQL (cases/search/snapshot.py): one row per published
build and its pickled state cut into chunks of a few MB, so that every web process on any machine
starts from the last build without a shared disk and without building in a request.

Raw SQL, no model state, like 0004: the tables belong to the search index, not to the domain.
A snapshot row is written first with complete = false and marked complete after its last chunk,
so a reader never loads a half-written one; chunks go with their snapshot (ON DELETE CASCADE).
"""

from django.db import migrations

FORWARD = r"""
CREATE TABLE IF NOT EXISTS cases_search_snapshot (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    complete boolean NOT NULL DEFAULT false,
    seen_seq bigint NOT NULL,
    layout text NOT NULL,
    cases integer NOT NULL,
    size_bytes bigint NOT NULL DEFAULT 0,
    build_seconds double precision NOT NULL DEFAULT 0,
    host text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS cases_search_snapshot_complete ON cases_search_snapshot (complete, id);

CREATE TABLE IF NOT EXISTS cases_search_snapshot_chunk (
    snapshot_id bigint NOT NULL REFERENCES cases_search_snapshot (id) ON DELETE CASCADE,
    number integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (snapshot_id, number)
);
-- Roaring bitmaps and numpy arrays are already compact: compressing them again costs CPU on
-- every load for little.
ALTER TABLE cases_search_snapshot_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
"""

BACKWARD = r"""
DROP TABLE IF EXISTS cases_search_snapshot_chunk;
DROP TABLE IF EXISTS cases_search_snapshot;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_phenopacket_round_trip"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
