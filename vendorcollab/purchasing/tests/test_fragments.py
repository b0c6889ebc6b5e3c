"""What makes the busy pages fast must never make them wrong: the vendor workspace is served from a fragment keyed
on a stamp of its content, and the lists read "answered or not" from ``PurchaseOrder.latest_response``."""

import re

import pytest
from django.urls import reverse

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import PurchaseOrder, ResponseKind
from vendorcollab.purchasing.services import po_confirm, po_request_change, po_send, response_submit

pytestmark = pytest.mark.django_db


def tile_counts(client) -> dict[str, int]:
    html = client.get(reverse("vendor:workspace")).content.decode()
    return {
        name: int(count)
        for name, count in re.findall(r'data-list="(\w+)">\s*<span class="tile-count">(\d+)</span>', html)
    }


def test_the_workspace_shows_every_change_at_once(cast, client):
    client.force_login(cast.vendor_a_user)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    assert tile_counts(client)["for_review"] == 1
    assert tile_counts(client)["for_review"] == 1  # served again from the fragment

    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert tile_counts(client) == {
        "for_review": 0,
        "awaiting_customer": 1,
        "open_confirmed": 0,
        "consignment_on_hand": 0,
        "consignment_received": 0,
        "consignment_pos": 0,
    }
    po_confirm(actor=cast.agent, purchase_order=po)
    counts = tile_counts(client)
    assert (counts["awaiting_customer"], counts["open_confirmed"]) == (0, 1)


def test_a_vendor_setting_changes_the_workspace_at_once(cast, client):
    """The stamp covers the vendor account itself: hiding prices hides them on the next request."""
    client.force_login(cast.vendor_a_user)
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    price = re.compile(r"\d[\d,.]* EUR")
    assert price.search(client.get(reverse("vendor:workspace")).content.decode())
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    assert not price.search(client.get(reverse("vendor:workspace")).content.decode())


def test_two_vendors_never_share_a_fragment(cast, client):
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    client.force_login(cast.vendor_a_user)
    assert tile_counts(client)["for_review"] == 1
    client.force_login(cast.vendor_b_user)
    assert tile_counts(client)["for_review"] == 0


def test_latest_response_follows_the_latest_version(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    assert po.latest_response_id is None
    answer = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED)
    po.refresh_from_db()
    assert po.latest_response_id == answer.pk
    po_request_change(actor=cast.agent, purchase_order=po, reason="Other dates")
    po.refresh_from_db()
    assert po.latest_response_id == answer.pk  # still the answer to version 1, the latest sent
    po_send(actor=cast.agent, purchase_order=po)
    po = PurchaseOrder.objects.get(pk=po.pk)
    assert (po.latest_version.number, po.latest_response_id) == (2, None)


def test_the_history_count_follows_every_new_version(cast, client):
    client.force_login(cast.vendor_a_user)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    url = reverse("vendor:history")
    assert client.get(url).context["page"].paginator.count == 1
    assert client.get(url).context["page"].paginator.count == 1
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED)
    po_request_change(actor=cast.agent, purchase_order=po, reason="New dates")
    po_send(actor=cast.agent, purchase_order=po)
    assert client.get(url).context["page"].paginator.count == 2
    assert client.get(url, {"q": "no such item"}).context["page"].paginator.count == 0
