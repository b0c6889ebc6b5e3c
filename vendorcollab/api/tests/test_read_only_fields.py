"""GET → edit → PATCH (issue 13 point 7, AIP-203): a purchase order as the API returns it can be sent back edited;
output-only fields are ignored when unchanged, refused by name when changed where ignoring would mislead, and
unknown fields are still refused."""

from decimal import Decimal

import pytest
from django.test import Client

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import PurchaseOrderLine

from .helpers import API, error_of


def patch(client, path, body):
    return client.client.patch(API + path, body, content_type="application/json", headers=client.headers)


@pytest.fixture
def draft(cast):
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items)


def test_a_po_read_edited_and_sent_back_whole_is_saved(api, cast, draft):
    client = api(cast.agent)
    url = f"/purchase-orders/{draft.pk}"
    po = client.get(url).json()
    po["lines"][1]["quantity"] = "7"
    response = patch(client, url, po)
    assert response.status_code == 200, response.json()
    assert [line["quantity"] for line in response.json()["lines"]][1] == "7.0000"
    assert PurchaseOrderLine.objects.get(purchase_order=draft, line_number=2).quantity == Decimal(7)
    # Only the lines are sent back, as the client does.
    lines = response.json()["lines"]
    lines[0]["quantity"] = "3"
    response = patch(client, url, {"lines": lines})
    assert response.status_code == 200, response.json()
    assert response.json()["lines"][0]["quantity"] == "3.0000"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "1.00"),
        ("received_quantity", "1"),
        ("remaining_quantity", "0"),
        ("item_number", "SOMETHING-ELSE"),
        ("is_cancelled", True),
        ("external_item_number", "V-1"),
        ("schedule", [{"quantity": "1", "delivery_date": "2030-01-01"}]),
    ],
)
def test_a_changed_output_only_line_field_is_refused_by_name(api, cast, draft, field, value):
    client = api(cast.agent)
    url = f"/purchase-orders/{draft.pk}"
    po = client.get(url).json()
    po["lines"][0][field] = value
    po["lines"][0]["quantity"] = "99"
    response = patch(client, url, {"lines": po["lines"]})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "read_only_field"
    assert set(error["fields"]) == {f"lines.0.{field}"}
    assert field in error["fields"][f"lines.0.{field}"]
    assert PurchaseOrderLine.objects.get(purchase_order=draft, line_number=1).quantity != Decimal(99)


def test_amount_refusal_says_what_to_change_in_dutch_too(api, cast, draft):
    client = api(cast.agent)
    url = f"/purchase-orders/{draft.pk}"
    po = client.get(url).json()
    po["lines"][0]["amount"] = "1.00"
    response = client.client.patch(
        API + url, po, content_type="application/json", headers={**client.headers, "Accept-Language": "nl"}
    )
    assert response.status_code == 422
    assert "berekend" in error_of(response)["fields"]["lines.0.amount"]


@pytest.mark.parametrize(
    ("field", "value"), [("total", "1.00"), ("status", "confirmed"), ("vendor", 1), ("number", "X")]
)
def test_a_changed_output_only_header_field_is_refused(api, cast, draft, field, value):
    client = api(cast.agent)
    url = f"/purchase-orders/{draft.pk}"
    po = client.get(url).json()
    po[field] = value if po[field] != value else "2.00"
    response = patch(client, url, po)
    assert response.status_code == 422
    assert error_of(response)["code"] == "read_only_field" and set(error_of(response)["fields"]) == {field}


def test_fields_that_move_on_their_own_and_new_lines_copied_from_others_are_ignored(api, cast, draft):
    client = api(cast.agent)
    url = f"/purchase-orders/{draft.pk}"
    po = client.get(url).json()
    po["updated_at"] = "2001-01-01T00:00:00Z"
    po["version"] = 9
    po["actions"] = ["send"]
    copy = {**po["lines"][0], "line_number": None, "amount": "12345.00", "item_number": "whatever"}
    po["lines"].append(copy)
    response = patch(client, url, po)
    assert response.status_code == 200, response.json()
    assert len(response.json()["lines"]) == 4
    # A new line cannot arrive already received.
    po = response.json()
    po["lines"].append({**po["lines"][0], "line_number": None, "received_quantity": "1"})
    response = patch(client, url, po)
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"lines.4.received_quantity"}


def test_unknown_fields_are_still_refused(api, cast, draft):
    client = api(cast.agent)
    url = f"/purchase-orders/{draft.pk}"
    po = client.get(url).json()
    po["lines"][0]["colour"] = "Red"
    response = patch(client, url, po)
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_input"
    assert "lines.0.colour" in error_of(response)["fields"]
    po = client.get(url).json()
    po["favourite"] = True
    assert patch(client, url, po).status_code == 422


def test_the_openapi_document_marks_the_output_only_fields(db):
    schemas = Client().get(API + "/openapi.json").json()["components"]["schemas"]
    line = schemas["PurchaseOrderLinePatch"]["properties"]
    assert line["amount"]["readOnly"] is True and "read_only_field" in line["amount"]["description"]
    assert "readOnly" not in line["quantity"]
    assert "AIP-203" in schemas["PurchaseOrderPatch"]["description"]
