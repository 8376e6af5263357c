"""Full-text search: an FTS5 table on SQLite, a GIN expression index on PostgreSQL (see vigil/incidents/search.py)."""

from typing import Any

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE incidents_fts USING fts5(title, summary, tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_FILL = "INSERT INTO incidents_fts (rowid, title, summary) SELECT id, title, summary FROM incidents_incident"
POSTGRES_CREATE = (
    "CREATE INDEX incidents_incident_fts ON incidents_incident USING GIN "
    "(to_tsvector('simple', coalesce(\"incidents_incident\".\"title\", '') || ' ' || "
    "coalesce(\"incidents_incident\".\"summary\", '')))"
)


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(SQLITE_FILL)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS incidents_fts")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS incidents_incident_fts")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
