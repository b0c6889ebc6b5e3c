"""The item lookup of the PO form: scoped to the vendor's company, at most twenty matches, a constant query count,
hostile text answered calmly; and the form's errors when an item is unknown."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendorcollab.common.testing import hostile
from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory, in_days
from vendorcollab.partners.models import Item
from vendorcollab.partners.selectors import ITEM_LOOKUP_LIMIT, item_lookup
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.tests.test_buyer_pages import form_data, signed_in

URL = reverse("buyer:item_options")


def numbers(response):
    return re.findall(r'data-number="([^"]*)"', response.content.decode())


@pytest.fixture
def other_company_vendor(cast):
    other = CompanyFactory(code="BE01", name="Contoso België")
    ItemFactory(company=other, number="BOLT-99", name="Bolt from Belgium")
    return VendorFactory(company=other, number="V-BE", name="Belgian Bolts")


def test_matches_number_prefixes_and_names_of_the_vendors_company_only(client, cast, other_company_vendor):
    ItemFactory(company=cast.company, number="BOLT-10", name="Hex bolt M10")
    ItemFactory(company=cast.company, number="NUT-10", name="Nut for bolt M10")
    ItemFactory(company=cast.company, number="XBOLT", name="Washer")  # "bolt" inside the number, not a prefix
    signed_in(client, cast.agent)

    response = client.get(URL, {"vendor": cast.vendor_a.pk, "q": "bolt"})

    assert response.status_code == 200
    # The number match first, then the name match; never the other company's BOLT-99, nor XBOLT.
    assert numbers(response) == ["BOLT-10", "NUT-10"]
    assert "Hex bolt M10" in response.content.decode()
    other = client.get(URL, {"vendor": other_company_vendor.pk, "q": "bolt"})
    assert numbers(other) == ["BOLT-99"]


def test_at_most_twenty_matches_in_a_constant_number_of_queries(client, cast):
    Item.objects.bulk_create(
        Item(company=cast.company, number=f"SCREW-{n:03d}", name=f"Screw {n}") for n in range(ITEM_LOOKUP_LIMIT + 15)
    )
    signed_in(client, cast.agent)
    client.get(URL, {"vendor": cast.vendor_a.pk, "q": "scr"})  # the session and the user, read once
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL, {"vendor": cast.vendor_a.pk, "q": "scr"})
    assert len(numbers(response)) == ITEM_LOOKUP_LIMIT
    with CaptureQueriesContext(connection) as one:
        response = client.get(URL, {"vendor": cast.vendor_a.pk, "q": "screw-001"})
    assert numbers(response) == ["SCREW-001"]
    assert len(few) == len(one) <= 6


def test_without_vendor_or_match_it_says_why(client, cast):
    signed_in(client, cast.agent)
    assert "Choose the vendor first" in client.get(URL, {"q": "item"}).content.decode()
    assert "Choose the vendor first" in client.get(URL, {"vendor": "987654", "q": "item"}).content.decode()
    page = client.get(URL, {"vendor": cast.vendor_a.pk, "q": "zzz"}).content.decode()
    assert "No item of Contoso Nederland matches “zzz”." in page


def test_hostile_text_is_answered_calmly(client, cast):
    signed_in(client, cast.agent)
    for text in hostile.TEXTS:
        response = client.get(URL, {"vendor": cast.vendor_a.pk, "q": text})
        assert response.status_code == 200, repr(text)[:80]
    for vendor in ("-1", "1e9", "\x00", str(2**63)):
        assert client.get(URL, {"vendor": vendor, "q": "it"}).status_code == 200


@pytest.mark.parametrize(
    ("user", "status"),
    [("agent", 200), ("admin", 200), ("clerk", 403), ("vendor_a_user", 404), ("vendor_b_user", 404)],
)
def test_who_may_look_items_up(client, cast, user, status):
    signed_in(client, getattr(cast, user))
    assert client.get(URL, {"vendor": cast.vendor_a.pk, "q": "item"}).status_code == status


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.get(URL, {"vendor": cast.vendor_a.pk, "q": "item"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_item_lookup_at_twelve_thousand_items(cast, capsys):
    """The measure the issue asks for (SQLite here; ``bench/`` has the PostgreSQL figure): well under 50 ms."""
    Item.objects.bulk_create(
        Item(company=cast.company, number=f"P{n:05d}", name=f"Part {n} {'steel' if n % 7 else 'brass'} fitting")
        for n in range(12_000)
    )
    started = time.perf_counter()
    for term in ("P1", "P119", "brass", "fitting", "zz"):
        rows = item_lookup(actor=cast.agent, company=cast.company, q=term)
        assert len(rows) <= ITEM_LOOKUP_LIMIT
    elapsed = (time.perf_counter() - started) / 5
    with capsys.disabled():
        print(f"\nitem lookup, 12,000 items: {elapsed * 1000:.1f} ms per lookup")
    assert elapsed < 0.05
    if connection.vendor == "postgresql":
        # The indexes of partners' migration 0003 serve the expressions the lookup compares (sequential scans off:
        # the planner rightly prefers one where a term matches most of the items).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE partners_item")
            cursor.execute("SET LOCAL enable_seqscan = off")
        for queryset, index in (
            (Item.objects.filter(company=cast.company, number__istartswith="P119"), "item_number_upper_prefix"),
            (Item.objects.filter(company=cast.company, name__icontains="11911"), "item_name_upper_trgm"),
        ):
            assert index in queryset.explain(), index


# --- the form's errors --------------------------------------------------------------------------------------------


def field_errors(page, field):
    return re.findall(rf'id="id_{field}-error">([^<]*)<', page)


def test_an_unknown_item_and_a_missing_quantity_are_both_shown(client, cast):
    signed_in(client, cast.agent)
    response = client.post(reverse("buyer:po_create"), form_data(cast, [{"item": "NOPE-1", "quantity": ""}]))
    page = response.content.decode()
    assert response.status_code == 422
    assert field_errors(page, "lines-0-item") == ["There is no item NOPE-1 in Contoso Nederland."]
    assert field_errors(page, "lines-0-quantity") == ["This field is required."]
    assert 'value="NOPE-1"' in page
    assert not PurchaseOrder.objects.exists()


def test_an_unknown_item_does_not_hide_the_services_errors_on_the_same_line(client, cast):
    signed_in(client, cast.agent)
    response = client.post(
        reverse("buyer:po_create"),
        form_data(
            cast,
            [
                {"item": "NOPE-1", "quantity": "0", "delivery_date": in_days(-2).isoformat(), "site": "NOWHERE"},
                {"item": cast.items[0].number, "quantity": "-3"},
            ],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert field_errors(page, "lines-0-item") == ["There is no item NOPE-1 in Contoso Nederland."]
    assert field_errors(page, "lines-0-quantity") == ["The quantity must be greater than zero."]
    assert field_errors(page, "lines-0-delivery_date") == ["The date cannot be in the past."]
    assert field_errors(page, "lines-0-site") == ["There is no site NOWHERE in Contoso Nederland."]
    assert field_errors(page, "lines-1-quantity") == ["The quantity must be greater than zero."]
    assert not PurchaseOrder.objects.exists()


def test_the_item_field_offers_the_lookup_and_stays_a_text_input(client, cast):
    signed_in(client, cast.agent)
    page = client.get(reverse("buyer:po_create")).content.decode()
    field = re.search(r'<input[^>]*name="lines-0-item"[^>]*>', page).group(0)
    assert 'type="text"' in field
    assert f'data-item-lookup="{URL}"' in field
    assert "purchasing/item_lookup.js" in page
