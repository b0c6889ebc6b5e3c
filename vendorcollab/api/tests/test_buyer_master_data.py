"""Master data through the API: what an ERP creates and reads (companies, vendor accounts, users, items, sites,
warehouses), the refusals of the services, and lists whose query count does not grow with the data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.testing.factories import (
    CompanyFactory,
    ItemFactory,
    SiteFactory,
    VendorFactory,
    WarehouseFactory,
    make_user,
)
from vendorcollab.partners.models import Company, Item, Site, Vendor, Warehouse

from .helpers import API, error_of


def patch(client, path, body):
    return client.client.patch(API + path, body, content_type="application/json", headers=client.headers)


def test_an_erp_sets_up_a_company_and_a_vendor_user_who_then_signs_in(api, cast):
    admin = api(cast.admin)
    company = admin.post(
        "/companies", {"code": "BE01", "name": "Contoso België", "endpoint_scheme": "0208", "endpoint_id": "0123456789"}
    )
    assert company.status_code == 201, company.json()
    company = company.json()
    assert company == {
        "id": company["id"],
        "code": "BE01",
        "name": "Contoso België",
        "endpoint_scheme": "0208",
        "endpoint_id": "0123456789",
        "street_name": "",
        "additional_street_name": "",
        "city_name": "",
        "postal_zone": "",
        "country_subentity": "",
        "country_code": "",
        "vat_id": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "invoice_tolerance_percent": "0.00",
        "invoice_tolerance_amount": "0.00",
        "default_tax_category": "S",
        "default_tax_percent": None,
        "delivery_tolerance_days": 0,
    }
    site = admin.post(
        "/sites",
        {
            "company": company["id"],
            "code": "ANR",
            "name": "Antwerpen",
            "street_name": " Noorderlaan 100 ",
            "postal_zone": "2030",
            "city_name": "Antwerpen",
            "country_code": "be",
        },
    ).json()
    assert (site["company"], site["code"], site["street_name"], site["country_code"]) == (
        company["id"],
        "ANR",
        "Noorderlaan 100",
        "BE",
    )
    warehouse = admin.post("/warehouses", {"site": site["id"], "code": "ANR-1", "name": "Hal 1"}).json()
    assert (warehouse["company"], warehouse["site"], warehouse["code"]) == (company["id"], site["id"], "ANR-1")
    item = admin.post("/items", {"company": company["id"], "number": "BOLT-8", "name": "Bolt M8", "unit": "pcs"})
    assert item.status_code == 201 and item.json()["unit"] == "pcs"
    vendor = admin.post(
        "/vendors",
        {
            "company": company["id"],
            "number": "V-100",
            "name": "Gamma Parts",
            "collaboration": "auto_confirm",
            "show_prices": False,
            "language": "nl",
            "email": "orders@gamma.example",
            "endpoint_scheme": "0208",
            "endpoint_id": "0999999999",
        },
    )
    assert vendor.status_code == 201, vendor.json()
    vendor = vendor.json()
    assert (vendor["collaboration"], vendor["show_prices"], vendor["language"]) == ("auto_confirm", False, "nl")
    user = admin.post(
        "/users",
        {
            "username": "gina",
            "email": "gina@gamma.example",
            "password": "a long and unusual passphrase",
            "roles": ["vendor_user"],
            "vendors": [vendor["id"]],
            "first_name": "Gina",
            "language": "nl",
        },
    )
    assert user.status_code == 201, user.json()
    assert user.json() == {
        "id": user.json()["id"],
        "username": "gina",
        "email": "gina@gamma.example",
        "first_name": "Gina",
        "last_name": "",
        "language": "nl",
        "is_active": True,
        "roles": ["vendor_user"],
        "vendors": [vendor["id"]],
    }
    token = api().post("/auth/token", {"username": "gina", "password": "a long and unusual passphrase"})
    assert token.status_code == 201
    assert User.objects.get(username="gina").vendor_ids == {vendor["id"]}

    # Every buyer role reads all of it.
    clerk = api(cast.clerk)
    assert {row["code"] for row in clerk.get("/companies").json()["items"]} == {"NL01", "BE01"}
    assert [row["id"] for row in clerk.get("/vendors", {"company": company["id"]}).json()["items"]] == [vendor["id"]]
    assert clerk.get(f"/vendors/{vendor['id']}").json() == vendor
    assert [row["number"] for row in clerk.get("/items", {"company": company["id"]}).json()["items"]] == ["BOLT-8"]
    assert [row["code"] for row in clerk.get("/sites", {"company": company["id"]}).json()["items"]] == ["ANR"]
    assert [row["id"] for row in clerk.get("/warehouses", {"site": site["id"]}).json()["items"]] == [warehouse["id"]]
    assert [row["id"] for row in clerk.get("/warehouses", {"company": company["id"]}).json()["items"]] == [
        warehouse["id"]
    ]
    users = {row["username"]: row for row in clerk.get("/users", {"page_size": 200}).json()["items"]}
    assert users["alice"]["roles"] == ["procurement_admin"] and users["dave"]["vendors"] == [cast.vendor_a.pk]
    assert "password" not in users["gina"]


def test_duplicates_are_refused_on_their_field(api, cast):
    admin = api(cast.admin)
    item = cast.items[0].number
    cases = [
        ("/companies", {"code": "NL01", "name": "Again"}, "code", "company_code_taken"),
        ("/vendors", {"company": cast.company.pk, "number": "V-A", "name": "Again"}, "number", "vendor_number_taken"),
        ("/sites", {"company": cast.company.pk, "code": "AMS", "name": "Again"}, "code", "site_code_taken"),
        ("/warehouses", {"site": cast.site.pk, "code": "AMS-1", "name": "Again"}, "code", "warehouse_code_taken"),
        ("/items", {"company": cast.company.pk, "number": item, "name": "Again"}, "number", "item_number_taken"),
        ("/users", {"username": "ALICE", "roles": ["purchasing_agent"]}, "username", "invalid_input"),
    ]  # fmt: skip
    before = [model.objects.count() for model in (Company, Vendor, Site, Warehouse, Item, User)]
    for path, body, field, code in cases:
        response = admin.post(path, body)
        assert response.status_code == 422, path
        error = error_of(response)
        assert (error["code"], set(error["fields"])) == (code, {field}), path
    assert [model.objects.count() for model in (Company, Vendor, Site, Warehouse, Item, User)] == before
    # The same code in another company (or at another site) is another object.
    other = CompanyFactory()
    assert admin.post("/sites", {"company": other.pk, "code": "AMS", "name": "Elsewhere"}).status_code == 201


def test_unknown_references_and_bad_values_are_422(api, cast):
    admin = api(cast.admin)
    vendor = {"company": cast.company.pk, "number": "V-9", "name": "X"}
    for path, body, field in [
        ("/vendors", {"company": 999999, "number": "V-9", "name": "X"}, "company"),
        ("/items", {"company": 999999, "number": "I-9", "name": "X"}, "company"),
        ("/sites", {"company": 999999, "code": "S9", "name": "X"}, "company"),
        ("/warehouses", {"site": 999999, "code": "W9", "name": "X"}, "site"),
        ("/vendors", {**vendor, "collaboration": "sometimes"}, "collaboration"),
        ("/vendors", {**vendor, "language": "fr"}, "language"),
        ("/vendors", {**vendor, "email": "not-an-address"}, "email"),
        ("/vendors", {**vendor, "number": " "}, "number"),
        ("/companies", {"code": "", "name": "X"}, "code"),
        ("/companies", {"code": "C9", "name": "Nul\u0000"}, "name"),
        ("/warehouses", {"site": cast.site.pk, "code": "W\u0000", "name": "X"}, "code"),
        ("/users", {"username": "x y", "roles": ["purchasing_agent"]}, "username"),
        ("/users", {"username": "xavier", "roles": []}, "roles"),
        ("/users", {"username": "xavier", "roles": ["vendor_user"], "vendors": [999999]}, "vendors.0"),
        ("/users", {"username": "xavier", "roles": ["vendor_user"]}, "vendors"),
        ("/users", {"username": "xavier", "roles": ["purchasing_agent"], "vendors": [cast.vendor_a.pk]}, "vendors"),
        ("/users", {"username": "xavier", "roles": ["purchasing_agent", "vendor_user"]}, "roles"),
        ("/users", {"username": "xavier", "roles": ["purchasing_agent"], "password": "xavier"}, "password"),
        ("/users", {"username": "xavier", "roles": ["purchasing_agent"], "email": "nope"}, "email"),
    ]:  # fmt: skip
        response = admin.post(path, body)
        assert response.status_code == 422, (path, body)
        assert field in error_of(response)["fields"], (path, body, error_of(response))
    assert not User.objects.filter(username="xavier").exists()


def test_payment_terms_and_invoice_tolerances_are_master_data(api, cast):
    admin = api(cast.admin)
    company = admin.post(
        "/companies",
        {"code": "DE01", "name": "Contoso GmbH", "invoice_tolerance_percent": 2.5, "invoice_tolerance_amount": "10"},
    )
    assert company.status_code == 201, company.json()
    tolerances = (company.json()["invoice_tolerance_percent"], company.json()["invoice_tolerance_amount"])
    assert tolerances == ("2.50", "10.00")
    stored = Company.objects.get(code="DE01")
    assert (stored.invoice_tolerance_percent, stored.invoice_tolerance_amount) == (Decimal("2.5"), Decimal(10))
    vendor = admin.post("/vendors", {"company": stored.pk, "number": "V-9", "name": "Delta", "payment_terms_days": 14})
    assert vendor.status_code == 201 and vendor.json()["payment_terms_days"] == 14
    assert api(cast.agent).get(f"/vendors/{cast.vendor_a.pk}").json()["payment_terms_days"] == 30
    changed = patch(admin, f"/vendors/{cast.vendor_a.pk}", {"payment_terms_days": 60})
    assert changed.status_code == 200 and changed.json()["payment_terms_days"] == 60
    assert Vendor.objects.get(pk=cast.vendor_a.pk).payment_terms_days == 60

    # The service's limits, the same for every face: a year of payment terms, a tolerance from 0 to 100 %.
    vendor_a = f"/vendors/{cast.vendor_a.pk}"
    for path, body, field, code in [
        (vendor_a, {"payment_terms_days": 366}, "payment_terms_days", "payment_terms_out_of_range"),
        ("/companies", {"code": "X1", "name": "X", "invoice_tolerance_percent": "100.01"}, "invoice_tolerance_percent",
         "tolerance_out_of_range"),
        ("/companies", {"code": "X1", "name": "X", "invoice_tolerance_amount": "-1"}, "invoice_tolerance_amount",
         "tolerance_out_of_range"),
    ]:  # fmt: skip
        response = patch(admin, path, body) if path == vendor_a else admin.post(path, body)
        assert response.status_code == 422, (body, response.json())
        assert (error_of(response)["code"], list(error_of(response)["fields"])) == (code, [field])
    assert patch(admin, f"/vendors/{cast.vendor_a.pk}", {"payment_terms_days": -1}).status_code == 422
    assert Vendor.objects.get(pk=cast.vendor_a.pk).payment_terms_days == 60
    assert not Company.objects.filter(code="X1").exists()


def test_an_accounts_payable_user_is_made_and_listed_with_its_role(api, cast):
    response = api(cast.admin).post("/users", {"username": "paula", "roles": ["accounts_payable"]})
    assert response.status_code == 201, response.json()
    assert response.json()["roles"] == ["accounts_payable"]
    assert User.objects.get(username="paula").has_role(Role.ACCOUNTS_PAYABLE)
    users = {row["username"]: row for row in api(cast.clerk).get("/users", {"page_size": 200}).json()["items"]}
    assert users["paula"]["roles"] == ["accounts_payable"]
    schema = api().get("/openapi.json").json()["components"]["schemas"]
    assert "accounts_payable" in schema["Role"]["enum"]


def test_a_user_without_a_password_cannot_sign_in_until_it_is_reset(api, cast):
    response = api(cast.admin).post("/users", {"username": "henk", "roles": ["receiving_clerk"]})
    assert response.status_code == 201
    assert not User.objects.get(username="henk").has_usable_password()


def test_a_vendor_account_is_changed_field_by_field(api, cast):
    admin = api(cast.admin)
    url = f"/vendors/{cast.vendor_a.pk}"
    response = patch(admin, url, {"collaboration": "disabled", "show_prices": False})
    assert response.status_code == 200, response.json()
    cast.vendor_a.refresh_from_db()
    assert (cast.vendor_a.collaboration, cast.vendor_a.show_prices, cast.vendor_a.name) == (
        "disabled",
        False,
        "Alpha Supplies",
    )
    body = patch(
        admin, url, {"name": "Alpha Supplies B.V.", "endpoint_scheme": "0106", "endpoint_id": "123", "email": ""}
    ).json()
    assert (body["name"], body["endpoint_id"], body["collaboration"]) == ("Alpha Supplies B.V.", "123", "disabled")
    response = patch(admin, url, {"number": "V-B"})
    assert response.status_code == 422 and error_of(response)["code"] == "vendor_number_taken"
    response = patch(admin, f"/vendors/{cast.vendor_b.pk}", {"endpoint_scheme": "0106", "endpoint_id": "123"})
    assert response.status_code == 422 and error_of(response)["code"] == "endpoint_taken"
    assert patch(admin, url, {"company": cast.company.pk}).status_code == 422
    assert patch(admin, url, {"language": "xx"}).status_code == 422
    assert patch(admin, "/vendors/999999", {"name": "X"}).status_code == 404
    assert patch(admin, url, {}).status_code == 200


@pytest.mark.parametrize(
    ("path", "grow"),
    [
        ("/companies", lambda cast: CompanyFactory()),
        ("/vendors", lambda cast: VendorFactory(company=cast.company)),
        ("/items", lambda cast: ItemFactory(company=cast.company)),
        ("/sites", lambda cast: SiteFactory(company=cast.company)),
        ("/warehouses", lambda cast: WarehouseFactory(site=cast.site)),
        ("/users", lambda cast: make_user(f"u{User.objects.count()}", Role.VENDOR_USER, vendors=(cast.vendor_a,))),
    ],
)  # fmt: skip
def test_each_list_costs_the_same_queries_for_few_and_many_rows(api, cast, path, grow):
    client = api(cast.agent)
    client.get(path)  # stamps the token's first use

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    few, count = queries()
    for _ in range(12):
        grow(cast)
    many, more = queries()
    assert more == count + 12
    assert few == many
