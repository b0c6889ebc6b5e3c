"""The database cache tables, made by `migrate` so that a fresh instance needs no `createcachetable` step.

Without them a production instance (CACHE_BACKEND=database, the default with DEBUG=0) answers every sign-in with a
server error: allauth counts failed sign-ins in the default cache. The tables are made whatever CACHE_BACKEND says
when migrating, so that switching to the database cache later needs no step either. Existing tables, made by an
earlier `createcachetable`, are left as they are.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# The LOCATIONs of the "default" and "documents" caches in settings.py with CACHE_BACKEND=database. Written out
# here, not read from the settings, so that this migration does the same on every machine whatever it is set to.
CACHE_TABLES = ("vendorcollab_cache", "vendorcollab_document_cache")


def create_cache_tables(apps, schema_editor):
    # Django's own createcachetable does the work: the same columns and index it would make by hand.
    command = CreateCacheTable()
    command.verbosity = 0
    for table in CACHE_TABLES:
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_cache_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    quote = schema_editor.quote_name
    for table in CACHE_TABLES:
        if table in existing:
            schema_editor.execute(f"DROP TABLE {quote(table)}")


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
