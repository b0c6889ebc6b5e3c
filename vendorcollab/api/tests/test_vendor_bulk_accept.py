"""The vendor's batch accept: a result per purchase order, each exactly a single accept, the batch's size limited."""

from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import BULK_ACCEPT_LIMIT, response_submit

from .helpers import error_of

URL = "/vendor/purchase-orders/bulk-accept"


def test_a_result_per_item_and_refusals_leave_the_others_accepted(api, cast):
    first = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.REJECTED)
    theirs = make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)

    response = api(cast.vendor_a_user).post(
        URL,
        {
            "items": [
                {"purchase_order": first.pk, "version": 1},
                {"purchase_order": answered.pk, "version": 1},
                {"purchase_order": theirs.pk, "version": 1},
                {"purchase_order": first.pk, "version": 2},
            ]
        },
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["purchase_order"], r["outcome"], r["error"] and r["error"]["code"]) for r in results] == [
        (first.pk, "accepted", None),
        (answered.pk, "refused", "already_answered"),
        (theirs.pk, "refused", "not_found"),
        (first.pk, "refused", "already_answered"),
    ]
    assert results[0]["version_label"] == f"{first.number}-1"
    assert results[0]["response"] == VendorResponse.objects.get(purchase_order=first).pk
    assert results[2]["version_label"] is None  # nothing of another vendor's PO is told
    assert not VendorResponse.objects.filter(purchase_order=theirs).exists()


def test_an_auto_confirm_vendor_is_confirmed(api, cast):
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response = api(cast.vendor_a_user).post(URL, {"items": [{"purchase_order": po.pk, "version": 1}]})
    assert response.json()["results"][0]["outcome"] == "confirmed"
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.CONFIRMED


def test_a_batch_over_the_limit_is_422_and_accepts_nothing(api, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    items = [{"purchase_order": po.pk, "version": 1}] * (BULK_ACCEPT_LIMIT + 1)
    response = api(cast.vendor_a_user).post(URL, {"items": items})
    assert response.status_code == 422
    assert error_of(response)["code"] == "too_many_rows"
    assert not VendorResponse.objects.exists()


def test_an_empty_batch_is_422(api, cast):
    response = api(cast.vendor_a_user).post(URL, {"items": []})
    assert response.status_code == 422


def test_buyers_get_404(api, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response = api(cast.agent).post(URL, {"items": [{"purchase_order": po.pk, "version": 1}]})
    assert response.status_code == 404
    assert not VendorResponse.objects.exists()
