"""The buyer's ship-notice pages through Django's test client: incoming shipments (tabs, filters, export), the
notice page, receiving from a notice (prefilled, one line short, refusals beside the line with the typed quantities
kept), the difference shown to both sides, the PO page's notices, the tiles, roles and the wall to vendor users."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from vendorcollab.purchasing.models import PurchaseOrderLine, Receipt
from vendorcollab.shipping import services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput
from vendorcollab.shipping.models import ShipNotice, ShipNoticeStatus

from .conftest import confirmed_po, ship
from .test_vendor_pages import body_of, page_of, signed_in


def days(count):
    return timezone.localdate() + dt.timedelta(days=count)


def receive_data(response, **changes):
    """The receipt form as the browser would post it (prefilled), with ``changes`` by input name."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    data.update(changes)
    return data


# --- the wall and the roles -----------------------------------------------------------------------------------------


def test_every_buyer_shipping_url_is_covered_here():
    _, buyer_resolver = get_resolver().namespace_dict["buyer"]
    names = {
        pattern.name
        for pattern in buyer_resolver.url_patterns
        if pattern.lookup_str.startswith("vendorcollab.shipping.buyer_views")
    }
    tested = [
        reverse("buyer:shipments"),
        reverse("buyer:ship_notice", args=[1]),
        reverse("buyer:ship_notice_receive", args=[1]),
    ]
    assert names == {resolve(url).url_name for url in tested}


def test_vendor_users_get_404_and_only_receiving_roles_receive(client, cast):
    notice = ship(cast, (confirmed_po(cast), 1, "4"))
    for user in (cast.vendor_a_user, cast.vendor_b_user):
        signed_in(client, user)
        for url in (
            reverse("buyer:shipments"),
            reverse("buyer:ship_notice", args=[notice.pk]),
            reverse("buyer:ship_notice_receive", args=[notice.pk]),
        ):
            assert client.get(url).status_code == 404, url
    signed_in(client, cast.agent)
    assert client.get(reverse("buyer:ship_notice", args=[notice.pk])).status_code == 200
    assert 'data-action="receive"' not in page_of(client.get(reverse("buyer:ship_notice", args=[notice.pk])))
    assert client.get(reverse("buyer:ship_notice_receive", args=[notice.pk])).status_code == 403
    assert client.post(reverse("buyer:ship_notice_receive", args=[notice.pk])).status_code == 403
    for user in (cast.clerk, cast.admin):
        signed_in(client, user)
        assert 'data-action="receive"' in page_of(client.get(reverse("buyer:ship_notice", args=[notice.pk])))
        assert client.get(reverse("buyer:ship_notice_receive", args=[notice.pk])).status_code == 200
    assert client.get(reverse("buyer:ship_notice", args=[notice.pk + 1000])).status_code == 404


# --- the lists ------------------------------------------------------------------------------------------------------


def test_the_tabs_sort_the_shipments_by_when_they_are_expected(client, cast):
    po = confirmed_po(cast, quantities=("10", "10", "10", "10"))
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    late = ship(cast, (po, 1, "1"), number="SN-LATE", despatch_date=days(-10), expected_delivery_date=days(-2))
    this_week = ship(cast, (po, 2, "1"), number="SN-WEEK", expected_delivery_date=monday + dt.timedelta(days=6))
    later = ship(cast, (po, 3, "1"), number="SN-LATER", expected_delivery_date=days(30))
    done = ship(cast, (po, 4, "1"), number="SN-DONE")
    services.ship_notice_receive(actor=cast.clerk, notice=done, lines=[NoticeReceiptLineInput(1, Decimal(1))])
    signed_in(client, cast.agent)
    expected = {
        "overdue": {late.number},
        "in_transit": {late.number, this_week.number, later.number},
        "received": {done.number},
        "all": {late.number, this_week.number, later.number, done.number},
    }
    for which, numbers in expected.items():
        response = client.get(reverse("buyer:shipments"), {"list": which})
        assert {notice.number for notice, _pos, _late in response.context["rows"]} == numbers, which
    response = client.get(reverse("buyer:shipments"), {"list": "this_week"})
    week = {notice.number for notice, _pos, _late in response.context["rows"]}
    assert this_week.number in week and later.number not in week and done.number not in week
    # The late one says so in words on every list it is on.
    html = page_of(client.get(reverse("buyer:shipments"), {"list": "in_transit"}))
    row = html.split(f">{late.number}</a>", 1)[1].split("</tr>", 1)[0]
    assert "Overdue" in row


def test_the_list_filters_by_vendor_and_exports(client, cast):
    mine = ship(cast, (confirmed_po(cast), 1, "2"), number="SN-A")
    theirs = ship(cast, (confirmed_po(cast, vendor=cast.vendor_b), 1, "2"), number="SN-B", actor=cast.vendor_b_user)
    signed_in(client, cast.admin)
    response = client.get(reverse("buyer:shipments"), {"list": "all", "vendor": str(cast.vendor_b.pk)})
    assert [notice.number for notice, _pos, _late in response.context["rows"]] == [theirs.number]
    assert 'name="vendor"' in response.content.decode()
    response = client.get(reverse("buyer:shipments"), {"list": "all", "q": "Alpha"})
    assert [notice.number for notice, _pos, _late in response.context["rows"]] == [mine.number]
    response = client.get(reverse("buyer:shipments"), {"list": "all", "format": "csv"})
    text = body_of(response)
    assert "SN-A" in text and "SN-B" in text and "Beta Trading" in text


def test_the_list_and_the_notice_page_read_a_constant_number_of_queries(client, cast):
    signed_in(client, cast.admin)

    def queries(count):
        po = confirmed_po(cast, quantities=tuple("9" for _ in range(count)))
        notice = ship(cast, *((po, number, "3") for number in range(1, count + 1)))
        for number in range(1, count + 1):
            ship(cast, (po, number, "1"))
        measured = []
        for url in (reverse("buyer:shipments") + "?list=all", reverse("buyer:ship_notice", args=[notice.pk])):
            with CaptureQueriesContext(connection) as captured:
                page_of(client.get(url))
            measured.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            page_of(client.get(reverse("buyer:ship_notice_receive", args=[notice.pk])))
        measured.append(len(captured))
        return measured

    assert queries(2) == queries(11)


# --- receiving ------------------------------------------------------------------------------------------------------


def test_receive_with_one_line_short_shows_the_difference_to_both_sides(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    notice = ship(cast, (po, 1, "10"), (po, 2, "20"), number="SN-SHORT")
    signed_in(client, cast.clerk)
    url = reverse("buyer:ship_notice_receive", args=[notice.pk])
    response = client.get(url)
    form = response.context["form"]
    # Prefilled with what was shipped: the clerk changes only what differs.
    assert [form[form.field_name(number)].value() for number in (1, 2)] == ["10", "20"]
    response = client.post(url, receive_data(response, line_1="8"))
    assert response.status_code == 302 and response["Location"] == reverse("buyer:ship_notice", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.RECEIVED and notice.has_difference
    assert Receipt.objects.filter(ship_notice=notice).count() == 1
    lines = PurchaseOrderLine.objects.filter(purchase_order=po).order_by("line_number")
    assert [(line.received_quantity, line.in_transit_quantity) for line in lines] == [
        (Decimal(8), Decimal(0)),
        (Decimal(20), Decimal(0)),
    ]
    buyer_page = client.get(response["Location"], follow=True)
    html = page_of(buyer_page)
    assert "Short by 2" in html and "difference" in html.lower()
    assert 'data-action="receive"' not in html
    signed_in(client, cast.vendor_a_user)
    html = page_of(client.get(reverse("vendor:ship_notice", args=[notice.pk])))
    assert "Short by 2" in html
    # The lists flag it too.
    html = page_of(client.get(reverse("vendor:ship_notices"), {"list": "received"}))
    assert 'data-difference="1"' in html


def test_a_line_left_empty_stays_in_transit_to_be_received_later(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    notice = ship(cast, (po, 1, "10"), (po, 2, "20"))
    signed_in(client, cast.clerk)
    url = reverse("buyer:ship_notice_receive", args=[notice.pk])
    response = client.post(url, receive_data(client.get(url), line_2=""), follow=True)
    assert "stay in transit" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.SHIPPED
    response = client.get(url)
    assert list(response.context["form"].fields) == ["received_date", "line_2"]
    assert "Received: 10" in response.content.decode()
    client.post(url, receive_data(response))
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.RECEIVED and not notice.has_difference


def test_refusals_are_shown_beside_the_line_and_keep_the_typed_quantities(client, cast):
    po = confirmed_po(cast, quantities=("10", "20"))
    notice = ship(cast, (po, 1, "10"), (po, 2, "5"))
    signed_in(client, cast.clerk)
    url = reverse("buyer:ship_notice_receive", args=[notice.pk])
    start = client.get(url)
    # More than the PO line has open (10) on line 1; line 2 changed to 4: refused as a whole, both kept as typed.
    response = client.post(url, receive_data(start, line_1="12", line_2="4"))
    assert response.status_code in (409, 422)
    form = response.context["form"]
    assert form.errors.get("line_1"), form.errors
    html = response.content.decode()
    assert 'value="12"' in html and 'value="4"' in html
    assert not Receipt.objects.exists()
    # A negative quantity and a date in the future: refused beside their fields, nothing received.
    response = client.post(url, receive_data(start, line_1="-1", received_date=days(3).isoformat()))
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors.get("line_1") or form.errors.get("received_date")
    assert 'value="-1"' in response.content.decode()
    # Nothing entered at all: said above the form.
    response = client.post(url, {"received_date": days(0).isoformat(), "line_1": "", "line_2": ""})
    assert response.status_code == 422 and "at least one line" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == ShipNoticeStatus.SHIPPED and not Receipt.objects.exists()


def test_a_cancelled_notice_offers_nothing_to_receive(client, cast):
    notice = ship(cast, (confirmed_po(cast), 1, "4"))
    services.ship_notice_cancel(actor=cast.vendor_a_user, notice=notice, reason="Wrong truck")
    signed_in(client, cast.clerk)
    html = page_of(client.get(reverse("buyer:ship_notice", args=[notice.pk])))
    assert "Wrong truck" in html and 'data-action="receive"' not in html
    response = client.post(reverse("buyer:ship_notice_receive", args=[notice.pk]), {"line_1": "4"}, follow=True)
    assert "nothing to receive" in response.content.decode()
    assert not Receipt.objects.exists()


# --- the PO page and the tiles --------------------------------------------------------------------------------------


def test_the_po_page_lists_its_notices(client, cast):
    po = confirmed_po(cast)
    notice = ship(cast, (po, 1, "4"))
    signed_in(client, cast.agent)
    html = page_of(client.get(reverse("buyer:po_detail", args=[po.pk])))
    assert reverse("buyer:ship_notice", args=[notice.pk]) in html
    assert 'data-action="create-ship-notice"' not in html
    assert 'data-action="receive-notice"' not in html  # an agent does not receive
    signed_in(client, cast.clerk)
    html = page_of(client.get(reverse("buyer:po_detail", args=[po.pk])))
    assert reverse("buyer:ship_notice_receive", args=[notice.pk]) in html


def test_the_pos_receipt_page_points_the_clerk_at_its_notices_in_transit(client, cast):
    po = confirmed_po(cast)
    in_transit = ship(cast, (po, 1, "4"))
    cancelled = ship(cast, (po, 2, "5"))
    services.ship_notice_cancel(actor=cast.vendor_a_user, notice=cancelled)
    signed_in(client, cast.clerk)
    html = page_of(client.get(reverse("buyer:po_receive", args=[po.pk])))
    assert 'id="receive-from-notice"' in html
    assert reverse("buyer:ship_notice_receive", args=[in_transit.pk]) in html
    assert reverse("buyer:ship_notice_receive", args=[cancelled.pk]) not in html
    # Once the notice is received there is nothing to point at: a plain receipt of the rest is all there is.
    services.ship_notice_receive(
        actor=cast.clerk, notice=in_transit, lines=[NoticeReceiptLineInput(line_number=1, quantity=Decimal(4))]
    )
    html = page_of(client.get(reverse("buyer:po_receive", args=[po.pk])))
    assert 'id="receive-from-notice"' not in html


def tile_count(html, which):
    tile = html.split(f'data-list="shipping-{which}"', 1)[1].split("</a>", 1)[0]
    return int(tile.split('<span class="tile-count">', 1)[1].split("<", 1)[0]), "Needs your action" in tile


@pytest.mark.parametrize(("user", "url"), [("agent", "buyer:workspace"), ("clerk", "buyer:receiving")])
def test_the_workspace_tiles_count_this_week_and_flag_the_overdue(client, cast, user, url):
    po = confirmed_po(cast, quantities=("10", "10"))
    signed_in(client, getattr(cast, user))
    html = page_of(client.get(reverse(url)))
    assert tile_count(html, "overdue") == (0, False)
    ship(cast, (po, 1, "1"), despatch_date=days(-9), expected_delivery_date=days(-1))
    ship(cast, (po, 2, "1"), expected_delivery_date=days(0))
    html = page_of(client.get(reverse(url)))
    assert tile_count(html, "overdue") == (1, True)
    assert tile_count(html, "this_week")[0] >= 1
    assert ShipNotice.objects.count() == 2


def test_the_lines_table_says_over_and_short_in_words_in_both_languages(client, cast):
    """The notice's lines are written in Python (``list_rows.notice_line_rows``): a line over, one short and the
    tint, the difference in the reader's number format, the PO line in words."""
    po = confirmed_po(cast, quantities=("30", "20"))  # more ordered than shipped: a line may arrive over
    notice = ship(cast, (po, 1, "10"), (po, 2, "20"), number="SN-OVER")
    services.ship_notice_receive(
        actor=cast.clerk,
        notice=notice,
        lines=[NoticeReceiptLineInput(1, Decimal("12.5")), NoticeReceiptLineInput(2, Decimal(17))],
    )
    signed_in(client, cast.clerk)
    url = reverse("buyer:ship_notice", args=[notice.pk])
    english = page_of(client.get(url, headers={"accept-language": "en"}))
    over, short = english.split('<tr id="notice-line-')[1:3]
    assert over.startswith('1" class="row-changed">') and short.startswith('2" class="row-changed">')
    assert f"{po.number} · line 1" in over
    assert 'data-difference="2.5000"><span class="badge badge-change">Over by 2.5</span>' in over
    assert 'data-difference="-3.0000"><span class="badge badge-change">Short by 3</span>' in short
    dutch = page_of(client.get(url, headers={"accept-language": "nl"}))
    over = dutch.split('<tr id="notice-line-')[1]
    assert f"{po.number} · regel 1" in over
    assert 'data-difference="2,5000"><span class="badge badge-change">2,5 te veel</span>' in over
