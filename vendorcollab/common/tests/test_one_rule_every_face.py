"""Rules that once lived in one face only: the page, the API and an imported document now meet the same service and
are refused with the same code (the page shows that code's message next to the field, or above the form)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from vendorcollab.api.tests.helpers import API, ApiClient, error_of
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.common.text import MESSAGES as TEXT_MESSAGES
from vendorcollab.interop.tests.documents import OrderLine, order_xml
from vendorcollab.partners.models import Vendor
from vendorcollab.partners.services import MESSAGES as PARTNER_MESSAGES
from vendorcollab.partners.services import vendor_update
from vendorcollab.purchasing.errors import MESSAGES as PURCHASING_MESSAGES
from vendorcollab.purchasing.models import PurchaseOrder, VendorResponse

# Fits the quantity (12 digits) and price (14 digits) columns, but not the 18-digit total of a version.
HUGE = {"quantity": "99999999999", "unit_price": "99999999999"}


def message(catalogue, code):
    with translation.override("en"):
        return str(catalogue[code])


def test_a_po_total_too_large_for_its_column_is_refused_by_page_api_and_ubl_import(client, cast):
    # The page: a 500 at sending time before the rule moved into the service.
    client.force_login(cast.agent)
    prefix = "lines-0-"
    page = client.post(
        reverse("buyer:po_create"),
        {
            "po-vendor": cast.vendor_a.pk,
            "po-currency": "EUR",
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "charges-TOTAL_FORMS": 0,
            "charges-INITIAL_FORMS": 0,
            prefix + "item": cast.items[0].number,
            prefix + "quantity": HUGE["quantity"],
            prefix + "unit_price": HUGE["unit_price"],
            prefix + "delivery_date": in_days(10).isoformat(),
        },
    )
    assert page.status_code == 422
    assert message(TEXT_MESSAGES, "total_too_large") in page.content.decode()
    assert f'value="{HUGE["quantity"]}"' in page.content.decode()  # what was typed is kept

    # The API.
    line = {"item": cast.items[0].pk, "delivery_date": in_days(10).isoformat(), **HUGE}
    answer = ApiClient(client, cast.agent).post("/purchase-orders", {"vendor": cast.vendor_a.pk, "lines": [line]})
    assert answer.status_code == 422 and error_of(answer)["code"] == "total_too_large"

    # An imported UBL Order, through the API's import endpoint.
    cast.company.endpoint_scheme, cast.company.endpoint_id = "0088", "7300010000001"
    cast.company.save()
    cast.vendor_a.endpoint_scheme, cast.vendor_a.endpoint_id = "0192", "987654325"
    cast.vendor_a.save()
    document = order_xml([OrderLine(cast.items[0].number, quantity=HUGE["quantity"], price=HUGE["unit_price"])])
    importer = ApiClient(client, cast.agent)
    imported = client.post(
        API + "/purchase-orders/import-ubl", document, content_type="application/xml", headers=importer.headers
    )
    assert imported.status_code == 422
    assert error_of(imported)["code"] == "total_too_large", error_of(imported)
    assert message(TEXT_MESSAGES, "total_too_large") in error_of(imported)["fields"].values()
    assert not PurchaseOrder.objects.exists()


def test_a_change_equal_to_the_ordered_quantity_and_date_is_no_change_on_page_and_api(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    ordered = po.latest_version.lines.get(line_number=1)

    # The API accepted this as a change before; the page alone refused it.
    body = {
        "version": 1,
        "action": "accept_with_changes",
        "lines": [
            {
                "line_number": 1,
                "action": "change",
                "quantity": str(ordered.quantity),
                "delivery_date": ordered.delivery_date.isoformat(),
            }
        ],
    }
    answer = ApiClient(client, cast.vendor_a_user).post(f"/vendor/purchase-orders/{po.pk}/responses", body)
    assert answer.status_code == 422, answer.json()
    assert error_of(answer)["code"] == "change_without_change"
    assert set(error_of(answer)["fields"]) == {"lines.0.quantity"}

    client.force_login(cast.vendor_a_user)
    data = {"version": 1, "command": "submit", "response-vendor_reference": "SO-1"}
    for line in po.latest_version.lines.all():
        prefix = f"line-{line.line_number}-"
        data |= {
            prefix + "action": "change" if line.line_number == 1 else "accept",
            prefix + "quantity": str(line.quantity),
            prefix + "delivery_date": line.delivery_date.isoformat(),
            prefix + "schedule-count": "2",
        }
    page = client.post(reverse("vendor:po_respond", args=[po.pk]), data)
    assert page.status_code == 422
    assert message(PURCHASING_MESSAGES, "change_without_change") in page.content.decode()
    assert not VendorResponse.objects.exists()


def test_one_vendor_update_for_page_and_api_with_the_same_codes(client, cast):
    # The API.
    admin = ApiClient(client, cast.admin)
    url = f"{API}/vendors/{cast.vendor_a.pk}"
    answer = client.patch(url, {"language": "fr"}, content_type="application/json", headers=admin.headers)
    assert answer.status_code == 422 and error_of(answer)["code"] == "unknown_language"
    assert error_of(answer)["fields"] == {"language": message(PARTNER_MESSAGES, "unknown_language")}

    # The service as the page calls it (the old page service answered ``invalid_input`` here).
    with pytest.raises(ValidationFailed) as refused:
        vendor_update(actor=cast.admin, vendor=cast.vendor_a, collaboration="disabled", show_prices=True, language="fr")
    assert refused.value.code == "unknown_language" and refused.value.field_codes == {"language": "unknown_language"}

    # The page: the same message next to the field, and nothing changed.
    client.force_login(cast.admin)
    page = client.post(
        reverse("partners:vendor_edit", args=[cast.vendor_a.pk]),
        {"collaboration": "disabled", "show_prices": "on", "language": "fr"},
    )
    assert page.status_code == 422
    assert message(PARTNER_MESSAGES, "unknown_language") in page.content.decode()
    assert Vendor.objects.get(pk=cast.vendor_a.pk).language == "en"

    # Both faces write through it: a page save and an API change land on the same row.
    client.post(
        reverse("partners:vendor_edit", args=[cast.vendor_a.pk]),
        {"collaboration": "disabled", "language": "nl"},
    )
    client.patch(url, {"name": "Alpha B.V."}, content_type="application/json", headers=admin.headers)
    fresh = Vendor.objects.get(pk=cast.vendor_a.pk)
    assert (fresh.collaboration, fresh.show_prices, fresh.language) == ("disabled", False, "nl")
    assert fresh.name == "Alpha B.V."
