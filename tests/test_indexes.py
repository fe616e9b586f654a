"""No index of ours repeats the leading columns of another: every such index only adds
write cost (issue #22). A ForeignKey's own index goes (``db_index=False``) when a
composite index or unique constraint already leads with its column."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue"),
]

# Tables of the libraries we use, whose indexes are theirs to choose.
THEIRS = ("account_", "auth_", "mfa_", "socialaccount_", "django_", "usersessions_")


def many_to_many_tables() -> set[str]:
    """The tables Django makes for a many-to-many field without a through model: their
    indexes are Django's (one per column beside the unique pair) and cannot be chosen."""
    return {
        field.remote_field.through._meta.db_table
        for model in apps.get_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    }


REDUNDANT = """
select t.relname, i.relname, covering.relname
from pg_index ix
join pg_class i on i.oid = ix.indexrelid
join pg_class t on t.oid = ix.indrelid
join pg_namespace n on n.oid = t.relnamespace
join pg_index ix2 on ix2.indrelid = ix.indrelid
    and ix2.indexrelid <> ix.indexrelid
    and ix2.indpred is null
    and ix.indpred is null
    and not ix.indisunique
    and ix.indnatts < ix2.indnatts
    and (ix2.indkey::int2[])[0:ix.indnatts - 1] = (ix.indkey::int2[])[0:ix.indnatts - 1]
join pg_class covering on covering.oid = ix2.indexrelid
where n.nspname = current_schema()
order by 1, 2
"""


def test_no_index_repeats_the_leading_columns_of_another() -> None:
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT)
        rows = cursor.fetchall()
    ours = [
        f"{table}.{index} (covered by {covering})"
        for table, index, covering in rows
        if not table.startswith(THEIRS) and table not in many_to_many_tables()
    ]
    assert ours == []


def test_the_check_finds_a_redundant_index() -> None:
    """The query above must see a single-column index under a composite one."""
    with connection.cursor() as cursor:
        cursor.execute("create temporary table probe (a int, b int)")
        cursor.execute("create index probe_a on probe (a)")
        cursor.execute("create index probe_ab on probe (a, b)")
        cursor.execute(
            REDUNDANT.replace("n.nspname = current_schema()", "n.oid = pg_my_temp_schema()")
        )
        rows = cursor.fetchall()
    assert ("probe", "probe_a", "probe_ab") in rows
