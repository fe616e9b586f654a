"""The GIN index on Entry.search_vector, on PostgreSQL only (SQLite has no GIN and
searches with icontains): it serves knowledge.search.search's ``@@`` match; and the
vector stored with lz4 compression."""

from typing import Any

from django.db import migrations

INDEX = "knowledge_entry_search_gin"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON knowledge_entry USING gin (search_vector)"
        )
        # Ranking reads the vector of every hit: lz4 unpacks it several times faster
        # than the default pglz (bench/run_knowledge_search.py, broad queries).
        schema_editor.execute(
            "ALTER TABLE knowledge_entry ALTER COLUMN search_vector SET COMPRESSION lz4"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_knowledge_base")]

    operations = [migrations.RunPython(create, drop)]
