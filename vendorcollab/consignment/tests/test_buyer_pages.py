"""The buyer's consignment pages through Django's test client: replenishment orders and their receipts, the
inventory ownership change journal, refusals next to the field, roles, and query counts."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse

from vendorcollab.common.testing.factories import ItemFactory, SiteFactory, WarehouseFactory, in_days
from vendorcollab.consignment.models import (
    ConsignmentPrice,
    ConsignmentStock,
    OwnershipChange,
    ReplenishmentOrder,
    ReplenishmentStatus,
)
from vendorcollab.consignment.services import (
    ReceiveInput,
    StockLineInput,
    ownership_change_post,
    replenishment_create,
    replenishment_receive,
)
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import Origin, POStatus, PurchaseOrder
from vendorcollab.purchasing.tests.helpers import database_fingerprint

from .helpers import priced, stock_line, stocked


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def balance(cast, item=0, vendor=None):
    stock = ConsignmentStock.objects.get(vendor=vendor or cast.vendor_a, item=cast.items[item])
    return stock.physical_quantity, stock.expected_quantity


def journal_data(cast, lines, vendor=None, **extra):
    """A posted stock-lines form (replenishment or ownership change): ``lines`` as dicts of the line fields."""
    data = {
        "header-vendor": (vendor or cast.vendor_a).pk,
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 0,
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    data.update(extra)
    return data


def replenishment_data(cast, lines, **extra):
    defaults = {"quantity": "10", "warehouse": cast.warehouse.code, "expected_date": in_days(5).isoformat()}
    return journal_data(cast, [{**defaults, **line} for line in lines], **extra)


def ownership_data(cast, lines, **extra):
    defaults = {"warehouse": cast.warehouse.code}
    return journal_data(cast, [{**defaults, **line} for line in lines], **{"header-transfer_date": today(), **extra})


def today():
    return in_days(0).isoformat()


def section(page, start, end=None):
    """The part of the page from the element with id ``start`` to the one with id ``end``."""
    begin = page.index(f'id="{start}"')
    return page[begin : page.index(f'id="{end}"') if end else None]


# --- replenishment orders ---------------------------------------------------------------------------------------


def test_create_a_replenishment_order_through_the_page(client, cast):
    client.force_login(cast.agent)
    page = client.get(reverse("consignment_buyer:replenishment_create")).content.decode()
    assert f'name="lines-0-expected_date" value="{in_days(7).isoformat()}"' in page
    assert "Item number, line 1" in page and "Expected date, line 1" in page  # a label for every input

    response = client.post(
        reverse("consignment_buyer:replenishment_create"),
        replenishment_data(
            cast,
            [
                {"item": cast.items[0].number.lower(), "quantity": "12", "site": "ams", "color": "Red", "size": "L"},
                {"item": cast.items[1].number, "quantity": "2.5", "warehouse": "ams-1"},
            ],
            **{"header-note": "Summer stock"},
        ),
    )

    order = ReplenishmentOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consignment_buyer:replenishment_detail", args=[order.pk])
    assert messages_of(response) == [
        f"Replenishment order {order.number} created for Alpha Supplies: 2 lines. "
        "They show as expected stock until they are received."
    ]
    assert (order.vendor, order.status, order.note, order.created_by) == (
        cast.vendor_a,
        ReplenishmentStatus.OPEN,
        "Summer stock",
        cast.agent,
    )
    first, second = order.lines.all()
    assert (first.item, first.quantity, first.site, first.warehouse, first.color, first.size) == (
        cast.items[0],
        Decimal(12),
        cast.site,
        cast.warehouse,
        "Red",
        "L",
    )
    assert (second.item, second.quantity, second.site, second.expected_date) == (
        cast.items[1],
        Decimal("2.5"),
        cast.site,
        in_days(5),
    )
    assert balance(cast, 1) == (0, Decimal("2.5"))


def test_replenishment_errors_are_next_to_the_field_and_keep_what_was_typed(client, cast):
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:replenishment_create")
    response = client.post(
        url,
        replenishment_data(
            cast,
            [
                {"item": "NOPE-1", "color": "Typed colour"},
                {"item": cast.items[1].number, "warehouse": "XX", "site": "ZZ"},
                {"item": cast.items[2].number, "warehouse": ""},
            ],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_lines-0-item-error">There is no item NOPE-1 in Contoso Nederland.' in page
    assert 'id="id_lines-1-warehouse-error">There is no warehouse XX in Contoso Nederland.' in page
    assert 'id="id_lines-1-site-error">There is no site ZZ in Contoso Nederland.' in page
    assert 'id="id_lines-2-warehouse-error">This field is required.' in page
    assert 'value="Typed colour"' in page and 'value="NOPE-1"' in page
    assert "The replenishment order was not created." in page

    # The service's own rules come back to the same place: the second line's date is in the past.
    response = client.post(
        url,
        replenishment_data(
            cast, [{"item": cast.items[0].number}, {"item": cast.items[1].number, "expected_date": in_days(-1)}]
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_lines-1-expected_date-error">The date cannot be in the past.' in page
    assert "lines-0-expected_date-error" not in page
    assert not ReplenishmentOrder.objects.exists() and not ConsignmentStock.objects.exists()


def test_a_warehouse_code_used_in_two_sites_needs_the_site(client, cast):
    other = WarehouseFactory(site=SiteFactory(company=cast.company, code="RTM"), code=cast.warehouse.code)
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:replenishment_create")
    response = client.post(url, replenishment_data(cast, [{"item": cast.items[0].number}]))
    assert "There is a warehouse AMS-1 in more than one site of Contoso Nederland. Enter the site too." in (
        response.content.decode()
    )
    client.post(url, replenishment_data(cast, [{"item": cast.items[0].number, "site": "RTM"}]))
    assert ReplenishmentOrder.objects.get().lines.get().warehouse == other


def test_add_line_without_javascript_keeps_the_lines(client, cast):
    client.force_login(cast.agent)
    data = replenishment_data(cast, [{"item": cast.items[0].number, "color": "Blue"}], command="add_line")
    response = client.post(reverse("consignment_buyer:replenishment_create"), data)
    editor = response.context["editor"]
    assert response.status_code == 200 and len(editor.lines.forms) == 2
    assert editor.lines.forms[0]["color"].value() == "Blue"
    assert not editor.has_errors and not ReplenishmentOrder.objects.exists()
    # The added empty line is left out when the order is created.
    data = {**data, "lines-TOTAL_FORMS": 2, "command": "save"}
    assert client.post(reverse("consignment_buyer:replenishment_create"), data).status_code == 302
    assert ReplenishmentOrder.objects.get().lines.count() == 1


def test_an_empty_order_is_refused(client, cast):
    client.force_login(cast.agent)
    response = client.post(reverse("consignment_buyer:replenishment_create"), replenishment_data(cast, []))
    assert response.status_code == 422 and "Enter at least one line." in response.content.decode()


@pytest.fixture
def announced(cast):
    """Vendor A announces 10 of item 0 and 20 of item 1."""
    return replenishment_create(
        actor=cast.agent,
        vendor=cast.vendor_a,
        lines=[stock_line(cast, 0, "10"), stock_line(cast, 1, "20")],
    )


def test_receive_part_then_the_rest_through_the_page(client, cast, announced):
    client.force_login(cast.clerk)
    detail = reverse("consignment_buyer:replenishment_detail", args=[announced.pk])
    receive = reverse("consignment_buyer:replenishment_receive", args=[announced.pk])
    page = client.get(detail).content.decode()
    assert 'name="line_1"' in page and 'data-remaining="20"' in section(page, "line-2")
    assert "Quantity received on line 2" in page
    assert "cancel-replenishment" not in page  # a clerk receives, does not cancel

    response = client.post(receive, {"line_1": "4", "line_2": ""})
    assert response.status_code == 302 and response["Location"] == detail
    assert messages_of(response) == [
        f"Receipt posted for replenishment order {announced.number}: 1 line. The vendor owns what arrived. "
        "The rest is still expected."
    ]
    assert balance(cast, 0) == (4, 6) and balance(cast, 1) == (0, 20)

    page = client.get(detail).content.decode()
    line_1 = section(page, "line-1", "line-2")
    assert ">10 ea<" in line_1 and ">4<" in line_1 and ">6<" in line_1

    response = client.post(receive, {"line_1": "6", "line_2": "20"})
    assert messages_of(response) == [
        f"Receipt posted for replenishment order {announced.number}: 2 lines. The vendor owns what arrived. "
        "The replenishment order is fully received."
    ]
    assert balance(cast, 0) == (10, 0) and balance(cast, 1) == (20, 0)
    announced.refresh_from_db()
    assert announced.status == ReplenishmentStatus.RECEIVED

    # Nothing is expected any more: no form, and a late post changes nothing.
    page = client.get(detail).content.decode()
    assert 'id="receive-form"' not in page and "Received" in page
    response = client.post(receive, {"line_1": "1"})
    assert messages_of(response) == [f"Nothing more is expected on replenishment order {announced.number}."]
    assert balance(cast, 0) == (10, 0)


def test_over_receipt_is_refused_next_to_the_line_and_nothing_is_saved(client, cast, announced):
    replenishment_receive(actor=cast.clerk, order=announced, lines=[ReceiveInput(2, Decimal(18))])
    client.force_login(cast.clerk)
    before = database_fingerprint()
    # Line 1 is left blank, so line 2 is the first line sent to the service (lines.0): its refusal must land on
    # line 2's input.
    response = client.post(
        reverse("consignment_buyer:replenishment_receive", args=[announced.pk]), {"line_1": "", "line_2": "5"}
    )
    assert response.status_code == 422
    assert database_fingerprint() == before
    page = response.content.decode()
    line_2 = section(page, "line-2")
    assert 'id="id_line_2-error">Only 2 is still expected on line 2.' in line_2
    assert 'name="line_2" value="5"' in line_2 and 'aria-invalid="true"' in line_2
    assert "field-error" not in section(page, "line-1", "line-2")
    assert "No receipt was posted." in page

    response = client.post(reverse("consignment_buyer:replenishment_receive", args=[announced.pk]), {})
    assert response.status_code == 422
    assert "Enter the quantity received on at least one line." in response.content.decode()


def test_cancel_through_the_page(client, cast, announced):
    replenishment_receive(actor=cast.clerk, order=announced, lines=[ReceiveInput(1, Decimal(3))])
    client.force_login(cast.agent)
    detail = reverse("consignment_buyer:replenishment_detail", args=[announced.pk])
    page = client.get(detail).content.decode()
    assert 'id="cancel-replenishment"' in page
    assert 'id="receive-form"' not in page  # an agent cancels, does not receive

    response = client.post(reverse("consignment_buyer:replenishment_cancel", args=[announced.pk]))
    assert response["Location"] == detail
    assert messages_of(response) == [
        f"Replenishment order {announced.number} is cancelled. Its remaining quantities are no longer expected."
    ]
    announced.refresh_from_db()
    assert announced.status == ReplenishmentStatus.CANCELLED
    assert balance(cast, 0) == (3, 0) and balance(cast, 1) == (0, 0)
    assert 'id="cancel-replenishment"' not in client.get(detail).content.decode()

    # A second cancel is refused with the service's own words.
    response = client.post(reverse("consignment_buyer:replenishment_cancel", args=[announced.pk]))
    [refusal] = messages_of(response)
    assert refusal.startswith(f"Replenishment order {announced.number} has status ") and "cannot be changed" in refusal


# --- the ownership change journal ---------------------------------------------------------------------------------


def test_post_an_ownership_change_through_the_page(client, cast):
    priced(cast, "4.00")
    ConsignmentPrice.objects.filter(item=cast.items[1]).update(unit_price=Decimal("2.50"))
    stocked(cast, quantity="10", item=0)
    stocked(cast, quantity="10", item=1, color="Red")
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:ownership_create")
    page = client.get(url).content.decode()
    assert f'name="header-transfer_date" value="{today()}"' in page

    response = client.post(
        url,
        ownership_data(
            cast,
            [
                {"item": cast.items[0].number, "quantity": "4"},
                {"item": cast.items[1].number, "color": "Red", "quantity": "3", "site": cast.site.code},
                {"item": cast.items[0].number.lower(), "quantity": "6"},
            ],
        ),
    )

    journal = OwnershipChange.objects.get()
    po = journal.purchase_order
    assert response.status_code == 302
    assert response["Location"] == reverse("consignment_buyer:ownership_detail", args=[journal.pk])
    assert messages_of(response) == [
        f"Ownership change {journal.number} posted: 3 lines. Consignment purchase order {po.number} created."
    ]
    assert journal.number == "OC-000001" and journal.posted_by == cast.agent
    # The vendor's stock went down: all of item 0, three of the red item 1.
    assert balance(cast, 0) == (0, 0)
    assert balance(cast, 1) == (7, 0)
    # The consignment PO is received in full, priced from the consignment prices.
    assert (po.origin, po.status, po.vendor) == (Origin.CONSIGNMENT, POStatus.RECEIVED, cast.vendor_a)
    assert [(line.item, line.quantity, line.unit_price, line.received_quantity) for line in po.lines.all()] == [
        (cast.items[0], Decimal(4), Decimal(4), Decimal(4)),
        (cast.items[1], Decimal(3), Decimal("2.5"), Decimal(3)),
        (cast.items[0], Decimal(6), Decimal(4), Decimal(6)),
    ]

    page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("buyer:po_detail", args=[po.pk])}" id="consignment-po">{po.number}</a>' in page
    line_2 = section(page, "line-2", "line-3")
    assert ">2.50 EUR<" in line_2 and ">7.50 EUR<" in line_2 and "Red" in line_2
    assert ">47.50 EUR<" in page  # 16 + 7.50 + 24

    # The lists show it, and the stock page no longer offers item 0.
    listing = client.get(reverse("consignment_buyer:ownership_list")).content.decode()
    assert journal.number in listing and po.number in listing and ">3<" in listing
    stock_page = client.get(reverse("consignment_buyer:stock")).content.decode()
    assert cast.items[1].number in stock_page and cast.items[0].number not in stock_page


def test_more_than_owned_is_refused_next_to_the_field_and_nothing_is_saved(client, cast):
    priced(cast)
    stocked(cast, quantity="5", item=0)
    stocked(cast, quantity="5", item=1)
    client.force_login(cast.agent)
    before = database_fingerprint()
    response = client.post(
        reverse("consignment_buyer:ownership_create"),
        ownership_data(
            cast,
            [{"item": cast.items[1].number, "quantity": "2"}, {"item": cast.items[0].number, "quantity": "8"}],
        ),
    )
    assert response.status_code == 422
    assert database_fingerprint() == before
    page = response.content.decode()
    assert (
        'id="id_lines-1-quantity-error">The vendor owns only 5 of '
        f"{cast.items[0].number} in warehouse AMS-1; you cannot take 8." in page
    )
    assert "lines-0-quantity-error" not in page
    assert 'name="lines-1-quantity" value="8"' in page and f'value="{cast.items[1].number}"' in page
    assert "Nothing was posted." in page


def test_no_consignment_price_is_refused_next_to_the_item(client, cast):
    stocked(cast, quantity="5", item=0)
    client.force_login(cast.agent)
    response = client.post(
        reverse("consignment_buyer:ownership_create"),
        ownership_data(cast, [{"item": cast.items[0].number, "quantity": "1"}]),
    )
    assert response.status_code == 422
    assert (
        f'id="id_lines-0-item-error">There is no consignment price for {cast.items[0].number} from this vendor.'
        in response.content.decode()
    )
    assert not OwnershipChange.objects.exists() and not PurchaseOrder.objects.exists()


def test_the_stock_page_filters_by_vendor_and_opens_a_prefilled_journal(client, cast):
    stocked(cast, vendor=cast.vendor_a, quantity="5", item=0, size="XL")
    stocked(cast, vendor=cast.vendor_b, quantity="7", item=1)
    replenishment_create(actor=cast.agent, vendor=cast.vendor_b, lines=[stock_line(cast, 2, "9")])
    client.force_login(cast.agent)
    url = reverse("consignment_buyer:stock")
    page = client.get(url).content.decode()
    assert "Alpha Supplies" in page and "Beta Trading" in page and "3 stock balances" in page
    page = client.get(url, {"vendor": cast.vendor_b.pk}).content.decode()
    rows = section(page, "stock")
    assert "Alpha Supplies" not in rows and "2 stock balances" in page
    assert ">9 ea<" in rows  # expected on the open replenishment
    assert f'<option value="{cast.vendor_b.pk}" selected>' in page

    # "Take ownership" links only where there is physical stock, and fill in the journal.
    prefilled = reverse("consignment_buyer:ownership_create") + "?"
    link = [part for part in page.split('href="') if part.startswith(prefilled)]
    assert len(link) == 1
    journal_page = client.get(link[0].split('"')[0].replace("&amp;", "&")).content.decode()
    assert f'<option value="{cast.vendor_b.pk}" selected>' in journal_page
    assert f'name="lines-0-item" value="{cast.items[1].number}"' in journal_page
    assert 'name="lines-0-warehouse" value="AMS-1"' in journal_page

    client.force_login(cast.clerk)
    assert "Take ownership" not in client.get(url).content.decode()


def test_the_buyer_menu_leads_to_consignment(client, cast):
    client.force_login(cast.clerk)
    workspace = client.get(reverse("buyer:receiving")).content.decode()  # the clerk's workspace
    assert f'<a href="{reverse("consignment_buyer:stock")}" >Consignment</a>' in workspace
    page = client.get(reverse("consignment_buyer:replenishment_list")).content.decode()
    assert f'<a href="{reverse("consignment_buyer:stock")}" aria-current="page">Consignment</a>' in page
    # A clerk is not offered what only purchasing may do.
    assert reverse("consignment_buyer:ownership_create") not in page


def test_disabled_vendors_get_no_replenishment_orders(client, cast):
    cast.vendor_b.collaboration = Collaboration.DISABLED
    cast.vendor_b.save()
    client.force_login(cast.agent)
    page = client.get(reverse("consignment_buyer:replenishment_create")).content.decode()
    assert "Alpha Supplies" in page and "Beta Trading" not in page
    response = client.post(
        reverse("consignment_buyer:replenishment_create"),
        replenishment_data(cast, [{"item": cast.items[0].number}], vendor=cast.vendor_b),
    )
    assert response.status_code == 422 and "Select a valid choice." in response.content.decode()


# --- roles ----------------------------------------------------------------------------------------------------------


def consignment_urls(order, journal, price_pk=None):
    """Every page of the namespace, with the method that uses it."""
    price_pk = price_pk or ConsignmentPrice.objects.order_by("pk").values_list("pk", flat=True).first()
    return [
        ("get", reverse("consignment_buyer:price_list")),
        ("get", reverse("consignment_buyer:price_create")),
        ("get", reverse("consignment_buyer:price_edit", args=[price_pk])),
        ("get", reverse("consignment_buyer:stock")),
        ("get", reverse("consignment_buyer:replenishment_list")),
        ("get", reverse("consignment_buyer:replenishment_create")),
        ("get", reverse("consignment_buyer:replenishment_detail", args=[order.pk])),
        ("post", reverse("consignment_buyer:replenishment_receive", args=[order.pk])),
        ("post", reverse("consignment_buyer:replenishment_cancel", args=[order.pk])),
        ("get", reverse("consignment_buyer:ownership_list")),
        ("get", reverse("consignment_buyer:ownership_create")),
        ("get", reverse("consignment_buyer:ownership_detail", args=[journal.pk])),
    ]


# What each buyer role may not use (403); every other page of the namespace it may.
FORBIDDEN = {
    "clerk": {"replenishment_create", "replenishment_cancel", "ownership_create", "price_create"},
    "agent": {"replenishment_receive"},
    "admin": set(),
}


@pytest.fixture
def posted(cast):
    priced(cast)
    stocked(cast, quantity="5")
    order = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, 1, "5")])
    journal = ownership_change_post(
        actor=cast.agent,
        vendor=cast.vendor_a,
        lines=[StockLineInput(item=cast.items[0], quantity=Decimal(2), warehouse=cast.warehouse)],
    )
    return order, journal


def test_every_consignment_url_is_in_the_role_tests():
    _, resolver = get_resolver().namespace_dict["consignment_buyer"]
    order, journal = ReplenishmentOrder(pk=1), OwnershipChange(pk=1)
    assert {pattern.name for pattern in resolver.url_patterns} == {
        resolve(url).url_name for _, url in consignment_urls(order, journal, price_pk=1)
    }


def test_vendor_users_reach_no_buyer_consignment_page(client, cast, posted):
    for user in (cast.vendor_a_user, cast.vendor_a_admin, cast.vendor_b_user):
        client.force_login(user)
        for method, url in consignment_urls(*posted):
            assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("role", sorted(FORBIDDEN))
def test_each_buyer_role_uses_only_its_pages(client, cast, posted, role):
    order, journal = posted
    client.force_login(getattr(cast, role))
    for method, url in consignment_urls(order, journal):
        status = getattr(client, method)(url).status_code
        if resolve(url).url_name in FORBIDDEN[role]:
            assert status == 403, url
        else:
            # 422: an empty receipt is refused by the form, after the role gate let it through.
            assert status in (200, 302, 422), url
    order.refresh_from_db()
    # Only a role that may cancel did; nothing else was written by the pages.
    assert order.status == (ReplenishmentStatus.OPEN if role == "clerk" else ReplenishmentStatus.CANCELLED)
    assert (ReplenishmentOrder.objects.count(), OwnershipChange.objects.count()) == (2, 1)


def test_anonymous_users_are_sent_to_sign_in(client, cast, posted):
    for method, url in consignment_urls(*posted):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_unknown_objects_are_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("consignment_buyer:replenishment_detail", args=[999])).status_code == 404
    assert client.get(reverse("consignment_buyer:ownership_detail", args=[999])).status_code == 404
    assert client.post(reverse("consignment_buyer:replenishment_cancel", args=[999])).status_code == 404


# --- query counts ---------------------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_the_lists_use_a_constant_number_of_queries(client, cast):
    priced(cast)
    items = [ItemFactory(company=cast.company) for _ in range(30)]
    for item in items:
        ConsignmentPrice.objects.create(vendor=cast.vendor_a, item=item, unit_price=Decimal(1))

    def populate(start, count):
        for item in items[start : start + count]:
            line = StockLineInput(item=item, quantity=Decimal(3), warehouse=cast.warehouse, expected_date=in_days(3))
            order = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=[line, line])
            replenishment_receive(actor=cast.clerk, order=order, lines=[ReceiveInput(1, Decimal(3))])
            ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[line])

    urls = [
        reverse("consignment_buyer:stock"),
        reverse("consignment_buyer:replenishment_list"),
        reverse("consignment_buyer:ownership_list"),
    ]
    client.force_login(cast.agent)
    populate(0, 2)
    few = [count_queries(client, url) for url in urls]
    populate(2, 28)
    assert ConsignmentStock.objects.count() == 30 and OwnershipChange.objects.count() == 30
    assert [count_queries(client, url) for url in urls] == few


def test_the_detail_pages_use_a_constant_number_of_queries_whatever_the_lines(client, cast):
    def with_lines(count):
        items = [ItemFactory(company=cast.company) for _ in range(count)]
        lines = [
            StockLineInput(item=item, quantity=Decimal(4), warehouse=cast.warehouse, expected_date=in_days(3))
            for item in items
        ]
        for item in items:
            ConsignmentPrice.objects.create(vendor=cast.vendor_a, item=item, unit_price=Decimal(2))
        received = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=lines)
        replenishment_receive(
            actor=cast.clerk, order=received, lines=[ReceiveInput(n, Decimal(4)) for n in range(1, count + 1)]
        )
        journal = ownership_change_post(
            actor=cast.agent, vendor=cast.vendor_a, lines=[replace(line, quantity=Decimal(1)) for line in lines]
        )
        still_open = replenishment_create(actor=cast.agent, vendor=cast.vendor_a, lines=lines)
        return still_open, journal

    (small_order, small_journal), (large_order, large_journal) = with_lines(2), with_lines(30)
    for user in (cast.admin, cast.agent, cast.clerk):
        client.force_login(user)
        for name, small, large in (
            ("consignment_buyer:replenishment_detail", small_order, large_order),
            ("consignment_buyer:ownership_detail", small_journal, large_journal),
        ):
            assert count_queries(client, reverse(name, args=[small.pk])) == count_queries(
                client, reverse(name, args=[large.pk])
            ), (name, user.username)
