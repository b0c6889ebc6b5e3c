"""Indexes for the buyer's item lookup on PostgreSQL, where the item master holds tens of thousands of rows.

``istartswith`` and ``icontains`` compare ``UPPER(column::text)``, so the indexes are on that expression: a b-tree
with ``text_pattern_ops`` (a ``LIKE 'ABC%'`` prefix in any collation) on the number within a company, and a trigram
GIN index on the name (``LIKE '%abc%'``) within a company (``btree_gin`` for the company column: without it the
planner filters the company's rows through the number index instead). The GIN index writes every new item at once
(``fastupdate = off``): items change rarely, and an import's pending list would otherwise make the planner avoid
the index until the next vacuum. SQLite, used for development and tests, has neither operator class: there
the migration does nothing and the lookup reads the company's items (12,000 in a few milliseconds).
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS item_number_upper_prefix "
    "ON partners_item (company_id, (UPPER(number::text)) text_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS item_name_upper_trgm "
    "ON partners_item USING gin (company_id, (UPPER(name::text)) gin_trgm_ops) WITH (fastupdate = off)",
]
DROP = [
    "DROP INDEX IF EXISTS item_name_upper_trgm",
    "DROP INDEX IF EXISTS item_number_upper_prefix",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_site_address")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
