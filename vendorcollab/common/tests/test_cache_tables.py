"""`migrate` makes the database cache tables, so a fresh production instance needs no `createcachetable`."""

from importlib import import_module

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

cache_migration = import_module("vendorcollab.common.migrations.0002_cache_tables")


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db
def test_migrate_made_the_cache_tables_and_they_work():
    # The tests run with the in-memory cache, so these tables exist only because the migration made them.
    assert {"vendorcollab_cache", "vendorcollab_document_cache"} <= _tables()
    cache = DatabaseCache("vendorcollab_cache", {})
    cache.set("sign-in-count", 3)
    assert cache.get("sign-in-count") == 3


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_runs_again():
    with connection.schema_editor() as editor:
        cache_migration.drop_cache_tables(None, editor)
    assert not {"vendorcollab_cache", "vendorcollab_document_cache"} & _tables()
    with connection.schema_editor() as editor:
        cache_migration.create_cache_tables(None, editor)
        # Running it over existing tables (made by an earlier createcachetable) changes nothing.
        cache_migration.create_cache_tables(None, editor)
    assert {"vendorcollab_cache", "vendorcollab_document_cache"} <= _tables()
