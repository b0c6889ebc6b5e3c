"""The vendor's lists count their rows once per change of the vendor's POs (``fragments.vendor_stamp``), on the
pages and in the API: a PO sent, answered or confirmed moves the counts at once."""

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import PurchaseOrder
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


def test_a_po_a_vendor_can_see_cannot_be_deleted(cast):
    """What lets the vendor's stamp (``fragments.vendor_stamp``) leave out a count of the vendor's POs: a vendor sees a
    PO once a version was sent, and such a PO cannot be deleted, in the admin or anywhere; a draft never sent can."""
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    assert list(PurchaseOrder.objects.visible_to(cast.vendor_a_user)) == [sent]
    with pytest.raises(ProtectedError):
        sent.delete()
    with pytest.raises(ProtectedError):
        PurchaseOrder.objects.filter(pk=sent.pk).delete()
    draft.delete()
    assert PurchaseOrder.objects.filter(pk=sent.pk).exists()
