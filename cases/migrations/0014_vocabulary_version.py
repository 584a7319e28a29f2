"""One version stamp for the vocabulary tables (HPO terms, diseases, agents, analytes), read by
every cache built from them (cases/vocabulary_version.py): the search vocabulary, ingestion's
vocabulary ids and the extraction overlay of curator-added names.

A statement-level trigger on each table bumps the single row of `cases_vocabulary_version` in the
writing transaction, so an edit in the admin, a vocabulary load or an agent created by ingestion
all move the stamp, and a reader sees the new stamp only once the change is committed (a row,
not a sequence: sequences move outside transactions). Raw SQL with built-in PostgreSQL features
only, as 0004.
"""

from django.db import migrations

TABLES = ("cases_term", "cases_disease", "cases_agent", "cases_analyte")

FORWARD = """
CREATE TABLE IF NOT EXISTS cases_vocabulary_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO cases_vocabulary_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION cases_vocabulary_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases_vocabulary_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_vocabulary_version ON {table};
CREATE TRIGGER {table}_vocabulary_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION cases_vocabulary_bump();
"""
    for table in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_vocabulary_version ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS cases_vocabulary_bump();\nDROP TABLE IF EXISTS cases_vocabulary_version;\n"
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_disease_hierarchy")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
