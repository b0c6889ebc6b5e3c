"""A version's lines table is rendered once and kept (``purchasing.fragments.lines_table_key``): a version never
changes, but what the table names from master data does, and so may how its reader sees it. Each of those must
show at once."""

from django.urls import reverse

from vendorcollab.common.testing.factories import make_po


def _page(client, user, po) -> str:
    client.force_login(user)
    answer = client.get(reverse("vendor:po_detail", args=[po.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_an_items_new_number_shows_on_a_kept_table(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    item = cast.items[0]
    assert item.number in _page(client, cast.vendor_a_user, po)

    item.number = "RENUMBERED-77"
    item.save()

    assert "RENUMBERED-77" in _page(client, cast.vendor_a_user, po)


def test_prices_and_dimensions_follow_the_reader_not_the_kept_table(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    hidden = _page(client, cast.vendor_a_user, po)
    assert 'data-label="Unit price"' not in hidden and 'data-label="Warehouse"' not in hidden

    cast.vendor_a.show_prices = True
    cast.vendor_a.save()
    cast.vendor_a_user.show_dimensions = True
    cast.vendor_a_user.save()
    shown = _page(client, cast.vendor_a_user, po)
    assert 'data-label="Unit price"' in shown and 'data-label="Warehouse"' in shown


def test_the_table_is_kept_per_language(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.vendor_a_user)
    english = client.get(reverse("vendor:po_detail", args=[po.pk]), headers={"accept-language": "en"}).content
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save()
    dutch = client.get(reverse("vendor:po_detail", args=[po.pk])).content.decode()
    assert b'data-label="Quantity"' in english
    assert 'data-label="Hoeveelheid"' in dutch and 'data-label="Quantity"' not in dutch
