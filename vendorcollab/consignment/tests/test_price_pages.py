"""The buyer's consignment price pages (issue 13 point 8): list, add and change prices, with errors next to the
field; an ownership change line with its own unit price."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from vendorcollab.common.testing.factories import in_days
from vendorcollab.consignment.models import ConsignmentPrice, OwnershipChange

from .helpers import stocked
from .test_buyer_pages import messages_of, ownership_data


def price_data(cast, **extra):
    return {
        "vendor": cast.vendor_a.pk,
        "item": cast.items[0].number.lower(),
        "unit_price": "2.50",
        "currency": "eur",
        "valid_from": "2024-03-01",
        **extra,
    }


def test_add_list_and_change_a_price_through_the_pages(client, cast):
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:price_create")
    assert client.get(url).status_code == 200
    response = client.post(url, price_data(cast))
    assert response.status_code == 302, response.content.decode()[:3000]
    price = ConsignmentPrice.objects.get()
    assert (price.item, price.unit_price, price.currency) == (cast.items[0], Decimal("2.5"), "EUR")
    assert any(cast.items[0].number in message for message in messages_of(response))

    listing = client.get(reverse("consignment_buyer:price_list"), {"q": cast.items[0].number}).content.decode()
    assert reverse("consignment_buyer:price_edit", args=[price.pk]) in listing
    assert "1 consignment price" in listing
    empty = client.get(reverse("consignment_buyer:price_list"), {"q": "no-such-thing"}).content.decode()
    assert "No consignment prices." in empty

    edit = reverse("consignment_buyer:price_edit", args=[price.pk])
    assert 'value="2.5000"' in client.get(edit).content.decode()
    response = client.post(edit, {"unit_price": "3", "currency": "USD", "valid_from": "2024-04-01"})
    assert response.status_code == 302
    price.refresh_from_db()
    assert (price.unit_price, price.currency, str(price.valid_from)) == (Decimal(3), "USD", "2024-04-01")


def test_errors_are_next_to_the_field_and_keep_what_was_typed(client, cast):
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:price_create")
    response = client.post(url, price_data(cast, unit_price="0", currency="EURO", item="NOPE"))
    page = response.content.decode()
    assert response.status_code == 422
    assert "There is no item NOPE" in page and 'value="NOPE"' in page
    response = client.post(url, price_data(cast, unit_price="0", currency="E1R"))
    page = response.content.decode()
    assert response.status_code == 422
    assert "The unit price must be greater than zero." in page and 'value="E1R"' in page
    assert not ConsignmentPrice.objects.exists()
    client.post(url, price_data(cast))
    with translation.override("nl"):
        twice = client.post(url, price_data(cast), headers={"accept-language": "nl"})
    assert twice.status_code == 422 and "Er is al een consignatieprijs" in twice.content.decode()
    assert ConsignmentPrice.objects.count() == 1


def test_roles(client, cast):
    price = ConsignmentPrice.objects.create(vendor=cast.vendor_a, item=cast.items[0], unit_price=Decimal(1))
    edit = reverse("consignment_buyer:price_edit", args=[price.pk])
    client.force_login(cast.clerk)
    assert client.get(reverse("consignment_buyer:price_list")).status_code == 200
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"unit_price": "9", "currency": "EUR", "valid_from": "2024-01-01"}).status_code == 403
    assert client.get(reverse("consignment_buyer:price_create")).status_code == 403
    client.force_login(cast.vendor_a_user)
    assert client.get(reverse("consignment_buyer:price_list")).status_code == 404
    assert client.get(edit).status_code == 404
    price.refresh_from_db()
    assert price.unit_price == Decimal(1)


def test_an_ownership_change_line_with_its_own_price(client, cast):
    ConsignmentPrice.objects.create(
        vendor=cast.vendor_a, item=cast.items[0], unit_price=Decimal(4), valid_from=in_days(-3)
    )
    stocked(cast, quantity="10")
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:ownership_create")
    assert 'name="lines-0-unit_price"' in client.get(url).content.decode()
    refused = client.post(
        url, ownership_data(cast, [{"item": cast.items[0].number, "quantity": "1", "unit_price": "-1"}])
    )
    assert refused.status_code == 422 and "The unit price must be greater than zero." in refused.content.decode()
    response = client.post(
        url,
        ownership_data(
            cast,
            [
                {"item": cast.items[0].number, "quantity": "2", "unit_price": "1.25"},
                {"item": cast.items[0].number, "quantity": "1"},
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lines = OwnershipChange.objects.get().lines.order_by("line_number")
    assert [(line.unit_price, line.amount) for line in lines] == [
        (Decimal("1.25"), Decimal("2.50")),
        (Decimal(4), Decimal(4)),
    ]
