"""The VAT rate a PO line takes when it names none: the item's, else the company's. The master data keeps only rates
an invoice can carry, refused with the same codes by the services, the back office and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory
from vendorcollab.partners import services
from vendorcollab.partners.models import Company, Item
from vendorcollab.partners.tax import TaxRate, default_rate, line_rate

pytestmark = pytest.mark.django_db


def company(category: str = "S", percent: str | None = "21") -> Company:
    return CompanyFactory.build(default_tax_category=category, default_tax_percent=_dec(percent))


def item(category: str = "", percent: str | None = None) -> Item:
    return ItemFactory.build(tax_category=category, tax_percent=_dec(percent))


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


# --- which rate a line takes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("the_item", "the_company", "expected"),
    [
        (None, company(), TaxRate("S", Decimal(21))),
        (item(), company(), TaxRate("S", Decimal(21))),  # an item without a rate of its own: the company's
        (item("S", "9"), company(), TaxRate("S", Decimal(9))),
        (item("Z", "0"), company(), TaxRate("Z", Decimal(0))),
        (item("S"), company(), TaxRate("S", Decimal(21))),  # "standard rate" follows the company's percentage
        (item("E"), company(), TaxRate("E", None)),  # never the company's 21 % for an exempt item
        (None, company(percent=None), TaxRate("S", None)),  # no default percentage: typed on the invoice
    ],
)
def test_the_default_is_the_items_rate_else_the_companys(the_item, the_company, expected):
    assert default_rate(the_item, the_company) == expected


@pytest.mark.parametrize(
    ("category", "percent", "expected"),
    [
        ("", None, TaxRate("S", Decimal(9))),  # nothing given: the item's
        ("s", None, TaxRate("S", Decimal(9))),  # the same category: its percentage
        ("Z", None, TaxRate("Z", None)),  # another category: never the item's percentage
        ("", Decimal(6), TaxRate("S", Decimal(6))),  # a percentage alone: of the default category
        ("S", Decimal(21), TaxRate("S", Decimal(21))),  # given in full: kept as given
        ("AE", Decimal(0), TaxRate("AE", Decimal(0))),
    ],
)
def test_a_line_keeps_what_it_gives_and_takes_the_rest(category, percent, expected):
    assert line_rate(category, percent, item=item("S", "9"), company=company()) == expected


# --- the master data's rules -----------------------------------------------------------------------------------------


def test_a_company_and_an_item_are_created_with_their_rates(cast):
    new = services.company_create(
        actor=cast.admin, code="NL02", name="Retail", default_tax_category=" s ", default_tax_percent=Decimal(21)
    )
    new.refresh_from_db()
    assert (new.default_tax_category, new.default_tax_percent) == ("S", Decimal(21))
    coffee = services.item_create(
        actor=cast.admin, company=new, number="K-1", name="Coffee", tax_category="s", tax_percent=Decimal(9)
    )
    coffee.refresh_from_db()
    assert (coffee.tax_category, coffee.tax_percent) == ("S", Decimal(9))
    plain = services.item_create(actor=cast.admin, company=new, number="K-2", name="Mug")
    assert (plain.tax_category, plain.tax_percent) == ("", None)
    assert services.company_create(actor=cast.admin, code="NL03", name="X").default_tax_category == "S"


@pytest.mark.parametrize(
    ("category", "percent", "field", "code"),
    [
        ("X", None, "tax_category", "unknown_tax_category"),
        ("S", "100.01", "tax_percent", "tax_percent_out_of_range"),
        ("S", "-1", "tax_percent", "tax_percent_out_of_range"),
        ("S", "9.125", "tax_percent", "tax_percent_out_of_range"),
        ("S", "0", "tax_percent", "tax_percent_not_for_category"),
        ("Z", "9", "tax_percent", "tax_percent_not_for_category"),
        ("AE", "21", "tax_percent", "tax_percent_not_for_category"),
        ("", "9", "tax_category", "required"),  # a percentage without its category
    ],
)
def test_an_item_rate_an_invoice_could_not_carry_is_refused(cast, category, percent, field, code):
    with pytest.raises(ValidationFailed) as raised:
        services.item_create(
            actor=cast.admin,
            company=cast.company,
            number="I-1",
            name="I",
            tax_category=category,
            tax_percent=Decimal(percent) if percent else None,
        )
    assert raised.value.code == code
    assert set(raised.value.fields) == {field}
    assert not Item.objects.filter(number="I-1").exists()


@pytest.mark.parametrize(
    ("category", "percent", "field", "code"),
    [
        ("", None, "default_tax_category", "required"),
        ("Q", None, "default_tax_category", "unknown_tax_category"),
        ("S", "0", "default_tax_percent", "tax_percent_not_for_category"),
        ("S", "101", "default_tax_percent", "tax_percent_out_of_range"),
    ],
)
def test_a_company_rate_is_held_to_the_same_rules_on_its_own_fields(cast, category, percent, field, code):
    with pytest.raises(ValidationFailed) as raised:
        services.company_create(
            actor=cast.admin,
            code="X1",
            name="X",
            default_tax_category=category,
            default_tax_percent=Decimal(percent) if percent else None,
        )
    assert (raised.value.code, set(raised.value.fields)) == (code, {field})


def test_the_back_office_refuses_what_the_services_refuse(cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    url = f"/admin/partners/item/{cast.items[0].pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(company=cast.company.pk, tax_category="Z", tax_percent="9")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "does not take this percentage" in str(response.context["adminform"].form.errors["tax_percent"])
    data.update(tax_category="s", tax_percent="9")
    assert client.post(url, data).status_code == 302
    cast.items[0].refresh_from_db()
    assert (cast.items[0].tax_category, cast.items[0].tax_percent) == ("S", Decimal(9))


# --- the API ---------------------------------------------------------------------------------------------------------


def test_the_api_reads_and_writes_the_rates(cast):
    admin = ApiClient(Client(), cast.admin)
    created = admin.post("/companies", {"code": "BE02", "name": "Contoso BE", "default_tax_percent": "21"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["default_tax_category"], body["default_tax_percent"]) == ("S", "21.00")
    item_body = {"company": body["id"], "number": "B-1", "name": "Water", "tax_category": "S", "tax_percent": 6}
    made = admin.post("/items", item_body)
    assert made.status_code == 201, made.json()
    assert (made.json()["tax_category"], made.json()["tax_percent"]) == ("S", "6.00")
    plain = admin.post("/items", {"company": body["id"], "number": "B-2", "name": "Box"}).json()
    assert (plain["tax_category"], plain["tax_percent"]) == ("", None)
    listed = {row["number"]: row for row in admin.get("/items", {"company": body["id"]}).json()["items"]}
    assert (listed["B-1"]["tax_percent"], listed["B-2"]["tax_percent"]) == ("6.00", None)
    companies = {row["code"]: row for row in admin.get("/companies").json()["items"]}
    assert companies["BE02"]["default_tax_percent"] == "21.00"
    assert companies[cast.company.code]["default_tax_percent"] is None


NOT_FOR_CATEGORY = "tax_percent_not_for_category"


@pytest.mark.parametrize(
    ("path", "body", "field", "code"),
    [
        ("/companies", {"code": "X", "name": "X", "default_tax_percent": "0"}, "default_tax_percent", NOT_FOR_CATEGORY),
        ("/companies", {"code": "X", "default_tax_category": "XX"}, "default_tax_category", "unknown_tax_category"),
        ("/items", {"tax_category": "Z", "tax_percent": "9"}, "tax_percent", NOT_FOR_CATEGORY),
        ("/items", {"tax_percent": "9"}, "tax_category", "required"),
    ],
)
def test_the_api_refuses_a_rate_with_the_services_code(cast, path, body, field, code):
    admin = ApiClient(Client(), cast.admin)
    body = {"name": "X", **body}
    if path == "/items":
        body = {**body, "company": cast.company.pk, "number": "I"}
    response = admin.post(path, body)
    assert response.status_code == 422, response.json()
    error = error_of(response)
    assert (error["code"], set(error["fields"])) == (code, {field})


@pytest.mark.parametrize("percent", ["100.5", "-2", "9.999", "abc"])
def test_the_api_refuses_a_percentage_out_of_range_before_the_service(cast, percent):
    admin = ApiClient(Client(), cast.admin)
    body = {"company": cast.company.pk, "number": "I", "name": "I", "tax_category": "S", "tax_percent": percent}
    response = admin.post("/items", body)
    assert response.status_code == 422, response.json()
    assert not Item.objects.filter(number="I").exists()
