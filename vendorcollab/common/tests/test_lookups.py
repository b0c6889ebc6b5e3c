"""``common.lookups.EqualsAny``: the rows whose field is one of many values, in one statement whatever their number."""

from django.db import connection
from django.db.models import F

from vendorcollab.common.lookups import EqualsAny
from vendorcollab.common.testing.factories import ItemFactory
from vendorcollab.partners.models import Item


def test_the_rows_of_any_of_the_values_and_no_others(cast):
    items = [ItemFactory(company=cast.company) for _ in range(30)]
    wanted = {item.pk for item in items[::3]}
    absent = max(item.pk for item in Item.objects.all()) + 1000
    found = set(Item.objects.filter(EqualsAny(F("pk"), [*wanted, absent])).values_list("pk", flat=True))
    assert found == wanted
    assert not Item.objects.filter(EqualsAny(F("pk"), [])).exists()
    assert list(Item.objects.filter(EqualsAny(F("number"), [items[4].number])).values_list("pk", flat=True)) == [
        items[4].pk
    ]


def test_lists_of_any_length_are_one_statement(cast):
    items = [ItemFactory(company=cast.company) for _ in range(12)]
    statements = set()
    for count in (1, 5, 12):
        rows = Item.objects.filter(EqualsAny(F("pk"), [item.pk for item in items[:count]]))
        assert rows.count() == count
        statements.add(rows.query.sql_with_params()[0])
    if connection.vendor == "postgresql":
        assert len(statements) == 1, statements  # the values travel as one array
    else:
        assert len(statements) == 3  # SQLite: a placeholder per value, as ``__in``
