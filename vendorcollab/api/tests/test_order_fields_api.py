"""Issue 15 in the buyer's purchase order API: free-text lines, each line's identifiers, unit code, tax and
requested period, and the header's terms, delivery place and parties, written, read back, patched, refused with
the field named; a send missing what the Order document needs is refused the same way."""

from django.core.cache import caches

from vendorcollab.common.testing.factories import in_days

from .helpers import API, error_of


def patch(client, path, body):
    return client.client.patch(API + path, body, content_type="application/json", headers=client.headers)


def body(cast, **extra):
    return {
        "vendor": cast.vendor_a.pk,
        "order_document_id": "ERP-1",
        "payment_terms": "30 days",
        "delivery_terms_code": "DAP",
        "delivery_city_name": "Amsterdam",
        "delivery_country_code": "NL",
        "parties": {"buyer": {"name": "Contoso", "vat_id": "NL001"}},
        "lines": [
            {
                "description": "Custom bracket",
                "unit_code": "H87",
                "sellers_item_id": "BR-1",
                "buyer_line_id": "A",
                "quantity": "5",
                "unit_price": "3",
                "delivery_date": in_days(14).isoformat(),
                "tax_category": "S",
                "tax_percent": "21",
                "requested_start": in_days(10).isoformat(),
                "requested_end": in_days(20).isoformat(),
            },
            {"item": cast.items[0].pk, "quantity": "1", "unit_price": "1", "delivery_date": in_days(14).isoformat()},
        ],
        **extra,
    }


def test_a_free_text_line_and_the_terms_go_in_and_come_back(api, cast):
    agent = api(cast.agent)
    created = agent.post("/purchase-orders", body(cast))
    assert created.status_code == 201, created.json()
    po = created.json()
    free, known = po["lines"]
    assert (free["item"], free["item_number"], free["sellers_item_id"], free["unit_code"]) == (None, "", "BR-1", "H87")
    assert (free["buyer_line_id"], free["tax_percent"], free["requested_end"]) == (
        "A",
        "21.00",
        in_days(20).isoformat(),
    )
    assert (known["item"], known["unit_code"], known["tax_category"]) == (cast.items[0].pk, "H87", "S")
    assert (po["order_document_id"], po["delivery_terms_code"], po["response_expected"]) == ("ERP-1", "DAP", True)
    assert po["parties"] == {"buyer": {"name": "Contoso", "vat_id": "NL001"}}

    # What GET returned goes back whole, edited: one term changes, the rest stays.
    po["payment_terms"] = "60 days"
    changed = patch(agent, f"/purchase-orders/{po['id']}", po)
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["payment_terms"], changed.json()["order_document_id"]) == ("60 days", "ERP-1")
    assert changed.json()["lines"][0]["sellers_item_id"] == "BR-1"
    only = patch(agent, f"/purchase-orders/{po['id']}", {"contract_reference": "CT-1"}).json()
    assert (only["contract_reference"], only["payment_terms"], only["parties"]["buyer"]["vat_id"]) == (
        "CT-1",
        "60 days",
        "NL001",
    )


def test_wrong_codes_are_refused_with_the_field_named(api, cast):
    agent = api(cast.agent)
    wrong = body(cast)
    wrong["lines"][0]["unit_code"] = "PCS"
    answer = agent.post("/purchase-orders", wrong)
    assert answer.status_code == 422 and error_of(answer)["fields"].keys() == {"lines.0.unit_code"}
    assert error_of(answer)["code"] == "invalid_unit_code"
    answer = agent.post("/purchase-orders", body(cast, delivery_country_code="XX"))
    assert answer.status_code == 422 and error_of(answer)["code"] == "unknown_country"
    free_without_unit = body(cast)
    del free_without_unit["lines"][0]["unit_code"]
    answer = agent.post("/purchase-orders", free_without_unit)
    assert answer.status_code == 422 and error_of(answer)["fields"].keys() == {"lines.0.unit_code"}


def test_a_send_lacking_document_data_is_refused_with_the_fields_named(api, cast):
    cast.vendor_a.endpoint_scheme, cast.vendor_a.endpoint_id = "0088", "8712345000103"
    cast.vendor_a.save()
    agent = api(cast.agent)
    po = agent.post("/purchase-orders", body(cast)).json()
    answer = agent.post(f"/purchase-orders/{po['id']}/send", {})
    assert answer.status_code == 422, answer.json()
    assert error_of(answer)["fields"].keys() == {
        "company.endpoint_scheme",
        "company.endpoint_id",
        "company.city_name",
        "company.country_code",
        "vendor.city_name",
        "vendor.country_code",
    }


def test_the_answer_to_create_is_the_po_as_read_afterwards(api, cast):
    """Create answers from the PO it saved and the lines and charges it wrote (none read again): with every kind of
    term, the parties, a number and date of the caller's, charges, lines numbered out of order and decimals shorter
    than their columns', the answer must be the PO as a read after it shows it."""
    agent = api(cast.agent)
    lines = body(cast)["lines"]
    lines[0]["line_number"] = 30
    lines[1] |= {"line_number": 10, "quantity": "2.25", "discount_percent": "2.5", "unit_price": "7.1"}
    extra_line = {"item": cast.items[1].pk, "line_number": 20, "quantity": "3", "unit_price": "0.5"}
    created = agent.post(
        "/purchase-orders",
        body(
            cast,
            lines=[*lines, extra_line | {"delivery_date": in_days(15).isoformat()}],
            number="ERP-PO-7",
            order_date=in_days(-2).isoformat(),
            currency="USD",
            contract_reference="C-9",
            delivery_party_name="Dock 3 \u2018north\u2019",
            charges=[{"code": "FC", "description": "Freight", "amount": "12.5"}],
        ),
    )
    assert created.status_code == 201, created.content
    assert [line["line_number"] for line in created.json()["lines"]] == [10, 20, 30]
    caches["api"].clear()
    assert created.json() == agent.get(f"/purchase-orders/{created.json()['id']}").json()
