"""The vendor's ship-notice pages through Django's test client: the lists and their tabs, the create form (prefilled
from the open confirmed POs, refusals shown next to the fields with everything typed kept), the notice page with its
difference after a short receipt, cancelling, the open confirmed list's columns, and scoping (vendor B gets 404)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from vendorcollab.common.testing.factories import SiteFactory
from vendorcollab.purchasing.models import PurchaseOrderLine
from vendorcollab.shipping import services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

from .conftest import confirmed_po, ship

TODAY = timezone.localdate


def signed_in(client, user):
    client.force_login(user)
    return client


def page_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def create_url(*pos, site=None):
    query = "&".join(f"po={po.pk}" for po in pos) + (f"&site={site}" if site else "")
    return reverse("vendor:ship_notice_create") + "?" + query


def form_data(response, **changes):
    """The create form as the browser would post it (prefilled values), with ``changes`` (by input name)."""
    editor = response.context["editor"]
    data = {}
    for form in [editor.header, *editor.lines.forms]:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    management = editor.lines.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = str(management[name].value())
    data.update(changes)
    return data


def body_of(response):
    """A download's text, streamed or not."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def expected_in(days):
    return (TODAY() + dt.timedelta(days=days)).isoformat()


# --- scoping --------------------------------------------------------------------------------------------------------


def notice_urls(notice):
    return [
        ("get", reverse("vendor:ship_notice", args=[notice.pk])),
        ("post", reverse("vendor:ship_notice_cancel", args=[notice.pk])),
    ]


def test_every_vendor_shipping_url_is_covered_by_the_scoping_tests():
    """A new vendor ship-notice page must be added here (or to the lists below), or this fails."""
    _, vendor_resolver = get_resolver().namespace_dict["vendor"]
    names = {
        pattern.name
        for pattern in vendor_resolver.url_patterns
        if pattern.lookup_str.startswith("vendorcollab.shipping.vendor_views")
    }
    tested = [url for _method, url in notice_urls(ShipNotice(pk=1))]
    tested += [reverse("vendor:ship_notices"), reverse("vendor:ship_notice_create")]
    assert names == {resolve(url).url_name for url in tested}


def test_vendor_b_gets_404_on_vendor_as_notice_and_sees_none_of_them(client, cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"))
    signed_in(client, cast.vendor_b_user)
    for method, url in notice_urls(notice):
        response = getattr(client, method)(url, {"confirmed": "1"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    for which in ("shipped", "received", "cancelled", "all"):
        response = client.get(reverse("vendor:ship_notices"), {"list": which})
        assert response.context["page"].paginator.count == 0
        assert notice.number not in page_of(response)
    # A's PO cannot be shipped from B's form: nothing of it is offered, and a forged post is refused.
    response = client.get(create_url(po))
    assert response.status_code == 302
    data = {
        "notice-despatch_date": TODAY().isoformat(),
        "notice-expected_delivery_date": expected_in(2),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-purchase_order": str(po.pk),
        "lines-0-line_number": "1",
        "lines-0-quantity": "1",
    }
    response = client.post(reverse("vendor:ship_notice_create"), data)
    assert response.status_code in (409, 422)
    assert ShipNotice.objects.count() == 1
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.SHIPPED


def test_a_buyer_gets_404_on_the_vendor_pages(client, cast):
    notice = ship(cast, (confirmed_po(cast), 1, "4"))
    signed_in(client, cast.agent)
    assert client.get(reverse("vendor:ship_notices")).status_code == 404
    assert client.get(reverse("vendor:ship_notice", args=[notice.pk])).status_code == 404


# --- the lists ------------------------------------------------------------------------------------------------------


def test_the_tabs_count_and_list_each_status(client, cast):
    po = confirmed_po(cast, quantities=("10", "20", "30"))
    in_transit = ship(cast, (po, 1, "4"), number="SN-T")
    cancelled = ship(cast, (po, 2, "5"), number="SN-C")
    services.ship_notice_cancel(actor=cast.vendor_a_user, notice=cancelled)
    received = ship(cast, (po, 3, "6"), number="SN-R")
    services.ship_notice_receive(
        actor=cast.clerk, notice=received, lines=[NoticeReceiptLineInput(line_number=1, quantity=Decimal(6))]
    )
    signed_in(client, cast.vendor_a_user)
    expected = {"shipped": {"SN-T"}, "received": {"SN-R"}, "cancelled": {"SN-C"}, "all": {"SN-T", "SN-C", "SN-R"}}
    for which, numbers in expected.items():
        response = client.get(reverse("vendor:ship_notices"), {"list": which})
        listed = {notice.number for notice, _numbers in response.context["rows"]}
        assert listed == numbers, which
        assert dict((kind.value, count) for kind, count in response.context["tabs"])[which] == len(numbers)
    html = page_of(client.get(reverse("vendor:ship_notices")))
    assert in_transit.number in html and po.number in html  # each row names its POs
    # An unknown tab is the default one, not an error.
    assert client.get(reverse("vendor:ship_notices"), {"list": "nonsense"}).context["list_kind"] == "shipped"


def test_the_list_is_searched_filtered_and_exported(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    ship(cast, (po, 1, "4"), number="SN-APPLE", tracking_number="TRACK-1")
    ship(cast, (po, 2, "5"), number="SN-PEAR")
    signed_in(client, cast.vendor_a_user)
    response = client.get(reverse("vendor:ship_notices"), {"list": "all", "q": "apple"})
    assert [notice.number for notice, _numbers in response.context["rows"]] == ["SN-APPLE"]
    for sort, expected in (("number", ["SN-APPLE", "SN-PEAR"]), ("-number", ["SN-PEAR", "SN-APPLE"])):
        response = client.get(reverse("vendor:ship_notices"), {"list": "all", "sort": sort})
        assert [notice.number for notice, _numbers in response.context["rows"]] == expected
    assert 'aria-sort="descending"' in response.content.decode()
    response = client.get(reverse("vendor:ship_notices"), {"list": "all", "company": str(cast.company.pk + 1000)})
    assert response.context["page"].paginator.count == 0
    response = client.get(reverse("vendor:ship_notices"), {"list": "all", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body_of(response))))
    assert rows[0][0] == "Ship notice"
    assert sorted(row[0] for row in rows[1:]) == ["SN-APPLE", "SN-PEAR"]
    response = client.get(reverse("vendor:ship_notices"), {"list": "all", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_list_reads_a_constant_number_of_queries_whatever_its_rows(client, cast):
    signed_in(client, cast.vendor_a_user)

    def queries_for(count):
        po = confirmed_po(cast, quantities=tuple("50" for _ in range(count)))
        for number in range(1, count + 1):
            ship(cast, (po, number, "1"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("vendor:ship_notices"), {"list": "all"}).status_code == 200
        return len(captured)

    few = queries_for(2)
    many = queries_for(12)
    assert few == many


# --- the create form --------------------------------------------------------------------------------------------------


def test_the_form_is_prefilled_with_what_is_still_to_ship(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    ship(cast, (po, 1, "4"))
    signed_in(client, cast.vendor_a_user)
    response = client.get(create_url(po))
    html = page_of(response)
    editor = response.context["editor"]
    assert [(form["line_number"].value(), Decimal(form["quantity"].value())) for form in editor.lines.forms] == [
        (1, Decimal(6)),
        (2, Decimal(20)),
    ]
    assert editor.header["despatch_date"].value() == TODAY()
    assert po.number in html


def test_a_notice_is_created_from_the_form_and_shown(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    signed_in(client, cast.vendor_a_user)
    response = client.get(create_url(po))
    # Line 2 is not shipped now (0), line 1 only in part.
    data = form_data(
        response,
        **{
            "notice-expected_delivery_date": expected_in(3),
            "notice-carrier": "DHL",
            "notice-tracking_number": "JD0001",
            "notice-packages": "2",
            "lines-0-quantity": "7",
            "lines-1-quantity": "0",
        },
    )
    response = client.post(reverse("vendor:ship_notice_create"), data)
    notice = ShipNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("vendor:ship_notice", args=[notice.pk])
    assert [(line.po_line.line_number, line.quantity) for line in notice.lines.all()] == [(1, Decimal(7))]
    assert (notice.carrier, notice.tracking_number, notice.packages) == ("DHL", "JD0001", 2)
    assert PurchaseOrderLine.objects.get(purchase_order=po, line_number=1).in_transit_quantity == Decimal(7)
    html = page_of(client.get(response["Location"]))
    assert "JD0001" in html and po.number in html
    assert 'data-action="cancel"' in html


def test_refusals_are_shown_beside_the_fields_and_keep_what_was_typed(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    signed_in(client, cast.vendor_a_user)
    response = client.get(create_url(po))
    # Over-announced on line 2, delivery before despatch, a carrier and a note typed: nothing may be lost.
    data = form_data(
        response,
        **{
            "notice-number": "MY-SN-9",
            "notice-despatch_date": TODAY().isoformat(),
            "notice-expected_delivery_date": expected_in(-1),
            "notice-carrier": "PostNL",
            "notice-note": "Fragile, keep upright",
            "lines-0-quantity": "3",
            "lines-1-quantity": "25",
        },
    )
    response = client.post(reverse("vendor:ship_notice_create"), data)
    assert response.status_code in (409, 422)
    assert ShipNotice.objects.count() == 0
    editor = response.context["editor"]
    assert editor.header.errors.get("expected_delivery_date") or editor.lines.forms[1].errors.get("quantity")
    html = response.content.decode()
    for typed in ("MY-SN-9", "PostNL", "Fragile, keep upright", 'value="25"', 'value="3"'):
        assert typed in html, typed
    # Fix the date: the over-announced line is refused next to its own quantity.
    data["notice-expected_delivery_date"] = expected_in(2)
    response = client.post(reverse("vendor:ship_notice_create"), data)
    assert response.status_code == 409
    editor = response.context["editor"]
    assert "20" in " ".join(editor.lines.forms[1].errors["quantity"])
    assert not editor.lines.forms[0].errors
    assert 'id="form-errors"' in response.content.decode()
    assert ShipNotice.objects.count() == 0
    # Bad input of the wrong shape is refused by the form, beside the field, typed text kept.
    data["lines-1-quantity"] = "lots"
    response = client.post(reverse("vendor:ship_notice_create"), data)
    assert response.status_code == 422
    assert response.context["editor"].lines.forms[1].errors["quantity"]
    assert 'value="lots"' in response.content.decode()


def test_a_form_without_any_quantity_says_so(client, cast):
    po = confirmed_po(cast, quantities=("10",))
    signed_in(client, cast.vendor_a_user)
    data = form_data(
        client.get(create_url(po)), **{"notice-expected_delivery_date": expected_in(1), "lines-0-quantity": ""}
    )
    response = client.post(reverse("vendor:ship_notice_create"), data)
    assert response.status_code == 422
    assert "at least one line" in " ".join(response.context["editor"].general_errors)


def test_the_form_refuses_to_open_for_nothing_or_for_two_vendor_accounts(client, cast):
    signed_in(client, cast.vendor_a_user)
    assert client.get(reverse("vendor:ship_notice_create")).status_code == 302
    from vendorcollab.accounts.models import Role
    from vendorcollab.common.testing.factories import VendorFactory, make_user

    other = VendorFactory(company=cast.company, number="V-A2", name="Alpha Two")
    both = make_user("hank", Role.VENDOR_USER, vendors=(cast.vendor_a, other))
    first, second = confirmed_po(cast), confirmed_po(cast, vendor=other)
    client.force_login(both)
    response = client.get(create_url(first, second), follow=True)
    assert "one vendor account" in response.content.decode()
    assert response.context["list_kind"] == "open_confirmed"


def test_lines_of_two_sites_are_offered_one_site_at_a_time(client, cast):
    other_site = SiteFactory(company=cast.company, code="RTM")
    po = confirmed_po(cast, quantities=("10", "20"), sites=(cast.site, other_site))
    signed_in(client, cast.vendor_a_user)
    response = client.get(create_url(po))
    assert [form["line_number"].value() for form in response.context["editor"].lines.forms] == [1]
    assert "RTM" in page_of(response)
    response = client.get(create_url(po, site=other_site.pk))
    assert [form["line_number"].value() for form in response.context["editor"].lines.forms] == [2]


# --- the notice page, cancelling -----------------------------------------------------------------------------------


def test_a_short_receipt_shows_the_difference_to_the_vendor(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    notice = ship(cast, (po, 1, "10"), (po, 2, "20"))
    services.ship_notice_receive(
        actor=cast.clerk,
        notice=notice,
        lines=[NoticeReceiptLineInput(line_number=1, quantity=Decimal(8)), NoticeReceiptLineInput(2, Decimal(20))],
    )
    signed_in(client, cast.vendor_a_user)
    response = client.get(reverse("vendor:ship_notice", args=[notice.pk]))
    html = page_of(response)
    views = response.context["lines"]
    assert [view.difference for view in views] == [Decimal(-2), Decimal(0)]
    assert "Short by 2" in html
    assert 'id="notice-line-1" class="row-changed"' in html
    assert 'data-action="cancel"' not in html  # received: no longer cancellable


def test_cancel_asks_once_then_cancels_with_the_reason(client, cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"))
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:ship_notice_cancel", args=[notice.pk])
    # The first tap asks (a page of its own without the script) and cancels nothing.
    response = client.post(url)
    assert response.status_code == 200 and 'name="confirmed"' in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.SHIPPED
    response = client.post(url, {"confirmed": "1", "reason": "Truck broke down"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.CANCELLED and notice.cancel_reason == "Truck broke down"
    assert PurchaseOrderLine.objects.get(purchase_order=po, line_number=1).in_transit_quantity == 0
    html = page_of(client.get(reverse("vendor:ship_notice", args=[notice.pk])))
    assert "Truck broke down" in html and 'data-action="cancel"' not in html
    # Again: refused, said so, nothing changes.
    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "can no longer be cancelled" in response.content.decode()


def test_the_notice_page_reads_a_constant_number_of_queries_whatever_its_lines(client, cast):
    signed_in(client, cast.vendor_a_user)

    def queries_for(count):
        po = confirmed_po(cast, quantities=tuple("5" for _ in range(count)))
        notice = ship(cast, *((po, number, "5") for number in range(1, count + 1)))
        with CaptureQueriesContext(connection) as captured:
            page_of(client.get(reverse("vendor:ship_notice", args=[notice.pk])))
        return len(captured)

    assert queries_for(2) == queries_for(15)


# --- the PO lists and pages -----------------------------------------------------------------------------------------


def test_the_open_confirmed_list_shows_in_transit_and_still_to_ship_in_one_query(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    ship(cast, (po, 1, "4"))
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_list", args=["open_confirmed"])
    response = client.get(url)
    html = page_of(response)
    row = next(row for row in response.context["page"].object_list if row.pk == po.pk)
    assert (row.in_transit, row.to_ship) == (Decimal(4), Decimal(26))
    assert f'id="ship-select-{po.pk}"' in html and 'data-action="create-ship-notice"' in html

    def queries_for(count):
        for _ in range(count):
            confirmed_po(cast, quantities=("3",))
        with CaptureQueriesContext(connection) as captured:
            page_of(client.get(url))
        return len(captured)

    assert queries_for(1) == queries_for(8)


def test_the_po_page_lists_its_notices_and_offers_a_new_one_while_something_is_left(client, cast):
    po = confirmed_po(cast, quantities=("10",))
    signed_in(client, cast.vendor_a_user)
    html = page_of(client.get(reverse("vendor:po_detail", args=[po.pk])))
    assert 'data-action="create-ship-notice"' in html
    notice = ship(cast, (po, 1, "10"))
    html = page_of(client.get(reverse("vendor:po_detail", args=[po.pk])))
    assert notice.number in html
    assert 'data-action="create-ship-notice"' not in html  # everything is announced


@pytest.mark.parametrize("user", ["vendor_a_user", "vendor_a_admin"])
def test_the_workspace_tile_counts_the_notices_in_transit(client, cast, user):
    po = confirmed_po(cast)
    ship(cast, (po, 1, "4"))
    ship(cast, (po, 2, "4"))
    signed_in(client, getattr(cast, user))
    html = page_of(client.get(reverse("vendor:workspace")))
    assert 'data-list="shipping-shipped"' in html
    tile = html.split('data-list="shipping-shipped"', 1)[1]
    assert '<span class="tile-count">2</span>' in tile.split("</a>", 1)[0]
