"""The vendor's lists count their rows once per change of the vendor's POs (``fragments.vendor_stamp``), on the
pages and in the API: a PO sent, answered or confirmed moves the counts at once."""

from django.test import Client
from django.urls import reverse

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.services import BulkAcceptItem, response_accept_many


def _counts(client, api) -> tuple[str, int]:
    page = client.get(reverse("vendor:po_list", args=["for_review"])).content.decode()
    total = page.split('<span class="total">')[1].split("</span>")[0]
    return total, api.get("/vendor/purchase-orders?list=for_review").json()["count"]


def test_a_sent_po_and_an_answered_one_move_the_kept_counts_at_once(client, cast):
    client.force_login(cast.vendor_a_user)
    api = ApiClient(Client(), cast.vendor_a_user)
    first = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert _counts(client, api) == ("1 purchase order", 1)

    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert _counts(client, api) == ("2 purchase orders", 2)

    response_accept_many(
        actor=cast.vendor_a_user, items=[BulkAcceptItem(purchase_order=first.pk, version=first.latest_version.number)]
    )
    assert _counts(client, api) == ("1 purchase order", 1)
