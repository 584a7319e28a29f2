"""Database support for the search index (cases/search/index.py) and report full-text search.

Raw SQL, no model state: only built-in PostgreSQL features (plpgsql triggers, sequences, GIN over
tsvector expressions), so the embedded server without contrib extensions serves as well.

- `cases_case.search_seq` is stamped from one sequence on every insert and update of a case, and a
  deleted case leaves a row in `cases_search_deleted` stamped from the same sequence. Every web
  worker keeps an in-memory bitmap index and, before a query, compares the sequence's last value
  with the one it has seen: changed rows are re-read by `search_seq > seen` (btree), so ingestion
  and curation never have to notify the search.
- `cases_report_tsv(title, text)` is the full-text document of a report: the English parser for
  words plus Chinese character bigrams (the 'simple'/'english' parsers do not segment Chinese), with
  a GIN expression index that the full-text fallback of the query language uses.
"""

from django.db import migrations

FORWARD = r"""
CREATE SEQUENCE IF NOT EXISTS cases_search_seq;

ALTER TABLE cases_case ADD COLUMN IF NOT EXISTS search_seq bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS cases_case_search_seq ON cases_case (search_seq);

CREATE OR REPLACE FUNCTION cases_case_stamp_search_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_seq := nextval('cases_search_seq');
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS cases_case_search_seq ON cases_case;
CREATE TRIGGER cases_case_search_seq BEFORE INSERT OR UPDATE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION cases_case_stamp_search_seq();

CREATE TABLE IF NOT EXISTS cases_search_deleted (
    seq bigint PRIMARY KEY DEFAULT nextval('cases_search_seq'),
    case_id bigint NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION cases_case_log_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cases_search_deleted (case_id) VALUES (OLD.id);
    RETURN OLD;
END
$$;

DROP TRIGGER IF EXISTS cases_case_search_deleted ON cases_case;
CREATE TRIGGER cases_case_search_deleted AFTER DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION cases_case_log_deletion();

CREATE OR REPLACE FUNCTION cases_cjk_bigrams(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN body IS NULL OR body !~ '[\u3400-\u9fff\uf900-\ufaff]' THEN ''::tsvector ELSE (
        SELECT coalesce(array_to_tsvector(array_agg(DISTINCT gram)), ''::tsvector)
        FROM (SELECT substr(body, i, 2) AS gram
              FROM generate_series(1, greatest(char_length(body) - 1, 0)) AS i) AS grams
        WHERE gram ~ '^[\u3400-\u9fff\uf900-\ufaff]{2}$'
    ) END
$$;

CREATE OR REPLACE FUNCTION cases_report_tsv(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))
        || cases_cjk_bigrams(coalesce(title, '') || ' ' || coalesce(body, ''))
$$;

CREATE INDEX IF NOT EXISTS cases_report_fts ON cases_report USING gin (cases_report_tsv(title, text));
"""

BACKWARD = r"""
DROP INDEX IF EXISTS cases_report_fts;
DROP FUNCTION IF EXISTS cases_report_tsv(text, text);
DROP FUNCTION IF EXISTS cases_cjk_bigrams(text);
DROP TRIGGER IF EXISTS cases_case_search_deleted ON cases_case;
DROP FUNCTION IF EXISTS cases_case_log_deletion();
DROP TABLE IF EXISTS cases_search_deleted;
DROP TRIGGER IF EXISTS cases_case_search_seq ON cases_case;
DROP FUNCTION IF EXISTS cases_case_stamp_search_seq();
DROP INDEX IF EXISTS cases_case_search_seq;
ALTER TABLE cases_case DROP COLUMN IF EXISTS search_seq;
DROP SEQUENCE IF EXISTS cases_search_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_ingest_archive_format"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
