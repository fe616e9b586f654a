"""Unique markers in personal data, and a scan of the whole database for them."""

import uuid

from django.db import connection

PREFIX = "PRIVMRK"


def marker(label: str) -> str:
    return f"{PREFIX}-{label}-{uuid.uuid4().hex[:8]}"


def _searchable_columns() -> list[tuple[str, str]]:
    """(table, SQL expression as text) of every text, JSON and binary column."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type IN "
                "('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')"
            )
            return [
                (
                    table,
                    f"encode({quote(column)}, 'escape')"
                    if data_type == "bytea"
                    else f"{quote(column)}::text",
                )
                for table, column, data_type in cursor.fetchall()
            ]
        return [
            (table, f"CAST({quote(column.name)} AS TEXT)")
            for table in connection.introspection.table_names(cursor)
            for column in connection.introspection.get_table_description(cursor, table)
        ]


def scan(prefix: str = PREFIX) -> list[str]:
    """Every value in the database, in any table and column, that contains the prefix."""
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    found: list[str] = []
    with connection.cursor() as cursor:
        for table, expression in _searchable_columns():
            table_name = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT {expression} FROM {table_name} WHERE {expression} {like} %s",
                [f"%{prefix}%"],
            )
            found += [f"{table} {expression}: {str(row[0])[:160]}" for row in cursor.fetchall()]
    return found
