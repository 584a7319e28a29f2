"""TRUNCATE of cases_case fires no row triggers, so the search index would not see it: a
statement-level trigger leaves a marker (case_id -1) in the deletion log, on which every process
rebuilds its index (cases/search/index.py)."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION cases_case_log_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cases_search_deleted (case_id) VALUES (-1);
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS cases_case_search_truncated ON cases_case;
CREATE TRIGGER cases_case_search_truncated AFTER TRUNCATE ON cases_case
    FOR EACH STATEMENT EXECUTE FUNCTION cases_case_log_truncate();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS cases_case_search_truncated ON cases_case;
DROP FUNCTION IF EXISTS cases_case_log_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_search_index_support"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
