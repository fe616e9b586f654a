"""The GIN index on Entry.search_vector, on PostgreSQL only (SQLite has no GIN and
searches with icontains): it serves knowledge.search.search's ``@@`` match."""

from typing import Any

from django.db import migrations

INDEX = "knowledge_entry_search_gin"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON knowledge_entry USING gin (search_vector)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_knowledge_base")]

    operations = [migrations.RunPython(create, drop)]
