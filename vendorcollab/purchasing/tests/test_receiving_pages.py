"""The receiving clerk's page: partial and full receipts, refusals next to the field, roles, query counts, and the
"Receive everything remaining" convenience with and without JavaScript."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import ItemFactory, make_po
from vendorcollab.purchasing.models import LineAction, POStatus, PurchaseOrder, Receipt, ReceiptLine, ResponseKind
from vendorcollab.purchasing.services import ReceiptLineInput, po_cancel, po_confirm, receipt_post, response_submit

from .helpers import answer, database_fingerprint


def confirmed_po(cast, items):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items, send=True)  # quantities 10, 20, 30, ...
    return po_confirm(actor=cast.agent, purchase_order=po, without_response=True)


@pytest.fixture
def confirmed(cast):
    return confirmed_po(cast, cast.items)


def url(po):
    return reverse("buyer:po_receive", args=[po.pk])


def today():
    return timezone.localdate().isoformat()


def received(po):
    return {line.line_number: line.received_quantity for line in po.lines.order_by("line_number")}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_shows_each_line_with_what_remains(client, cast, confirmed):
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(2, Decimal(5))])
    client.force_login(cast.clerk)
    response = client.get(url(confirmed))
    assert response.status_code == 200
    page = response.content.decode()
    assert confirmed.number in page and "Alpha Supplies" in page and "Confirmed" in page
    line_2 = page[page.index('id="line-2"') : page.index('id="line-3"')]
    assert ">20 ea<" in line_2 and ">5<" in line_2 and ">15<" in line_2
    assert 'name="line_2"' in line_2 and 'data-remaining="15"' in line_2
    assert "Quantity received on line 2" in line_2  # a real (visually hidden) label for every input
    assert f'name="received_date" value="{today()}"' in page
    assert f'max="{today()}"' in page


def test_partial_then_full_receipt_through_the_page(client, cast, confirmed):
    client.force_login(cast.clerk)
    response = client.post(url(confirmed), {"received_date": today(), "line_1": "4", "line_2": "", "line_3": "30"})
    assert response.status_code == 302
    assert response["Location"] == reverse("buyer:po_detail", args=[confirmed.pk])
    assert messages_of(response) == [
        f"Receipt posted for {confirmed.number}: 2 lines. 2 lines are still to be received."
    ]
    assert received(confirmed) == {1: Decimal(4), 2: Decimal(0), 3: Decimal(30)}
    confirmed.refresh_from_db()
    assert confirmed.status == POStatus.CONFIRMED
    receipt = Receipt.objects.get(purchase_order=confirmed)
    assert (receipt.received_date, receipt.posted_by) == (timezone.localdate(), cast.clerk)

    # The fully received line has no input any more; the rest is received in one go, dated yesterday.
    page = client.get(url(confirmed)).content.decode()
    assert 'name="line_3"' not in page and "Fully received" in page
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(url(confirmed), {"received_date": yesterday, "line_1": "6", "line_2": "20"})
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Receipt posted for {confirmed.number}: 2 lines. The purchase order is fully received."
    ]
    assert received(confirmed) == {1: Decimal(10), 2: Decimal(20), 3: Decimal(30)}
    confirmed.refresh_from_db()
    assert confirmed.status == POStatus.RECEIVED
    assert Receipt.objects.filter(purchase_order=confirmed).latest("pk").received_date.isoformat() == yesterday

    # Nothing is left to receive: the page says why and offers no form.
    response = client.get(url(confirmed))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post" novalidate id="receipt-form"' not in page
    assert "“Post product receipt” is not possible now." in page


def test_over_receipt_is_refused_next_to_the_field_and_nothing_is_saved(client, cast, confirmed):
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(3, Decimal(28))])
    client.force_login(cast.clerk)
    before = database_fingerprint()  # signing in stamps last_login
    # Line 1 is left blank, so line 3 is the second line sent to the service (lines.1): its refusal must land on
    # line 3's input.
    response = client.post(url(confirmed), {"received_date": today(), "line_1": "", "line_2": "5", "line_3": "5"})
    assert response.status_code == 422
    assert database_fingerprint() == before
    page = response.content.decode()
    line_2 = page[page.index('id="line-2"') : page.index('id="line-3"')]
    line_3 = page[page.index('id="line-3"') :]
    assert "Only 2 remains to be received on line 3." in line_3
    assert 'aria-invalid="true"' in line_3 and 'id="id_line_3-error"' in line_3
    assert "field-error" not in page[: page.index('id="line-3"')]
    # Everything typed is still there.
    assert 'name="line_2" value="5"' in line_2 and 'name="line_3" value="5"' in line_3
    assert "Nothing was posted." in page


def test_refusals_are_in_the_users_language(client, cast, confirmed):
    cast.clerk.language = "nl"
    cast.clerk.save()
    client.force_login(cast.clerk)
    response = client.post(url(confirmed), {"received_date": today(), "line_1": "11"})
    assert response.status_code == 422
    page = response.content.decode()
    line_1 = page[page.index('id="line-1"') : page.index('id="line-2"')]
    assert "Op regel 1 moet nog maar 10 worden ontvangen." in line_1
    assert 'id="id_line_1-error"' in line_1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"line_1": "0"}, "line_1", "The quantity must be greater than zero."),
        ({"line_1": "-2"}, "line_1", "The quantity must be greater than zero."),
        ({"line_1": "two"}, "line_1", "Enter a number."),
        ({}, None, "Enter the quantity received on at least one line."),
        (
            {"line_1": "1", "received_date": "2999-01-01"},
            "received_date",
            "Goods cannot be received in the future.",
        ),
        ({"line_1": "1", "received_date": ""}, "received_date", "This field is required."),
    ],
)
def test_input_errors_save_nothing(client, cast, confirmed, data, field, message):
    client.force_login(cast.clerk)
    before = database_fingerprint()  # signing in stamps last_login
    response = client.post(url(confirmed), {"received_date": today(), **data})
    assert response.status_code == 422
    assert database_fingerprint() == before
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors)


def test_receive_everything_remaining_without_javascript_fills_the_form(client, cast, confirmed):
    receipt_post(actor=cast.clerk, purchase_order=confirmed, lines=[ReceiptLineInput(1, Decimal("2.5"))])
    client.force_login(cast.clerk)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        url(confirmed), {"command": "fill_remaining", "received_date": yesterday, "line_1": "1", "line_2": ""}
    )
    assert response.status_code == 200
    assert ReceiptLine.objects.count() == 1
    page = response.content.decode()
    assert 'name="line_1" value="7.5"' in page
    assert 'name="line_2" value="20"' in page and 'name="line_3" value="30"' in page
    assert f'value="{yesterday}"' in page
    assert "field-error" not in page
    # Posting the filled form receives everything.
    response = client.post(
        url(confirmed), {"received_date": yesterday, "line_1": "7.5", "line_2": "20", "line_3": "30"}
    )
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == POStatus.RECEIVED


def test_cancelled_lines_are_dimmed_and_have_no_input(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[answer(1, LineAction.ACCEPT), answer(2, LineAction.REJECT)],
    )
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)  # line 2 is now cancelled
    client.force_login(cast.clerk)
    page = client.get(url(po)).content.decode()
    line_2 = page[page.index('id="line-2"') :]
    assert 'class="row-rejected"' in line_2 and "Cancelled" in line_2
    assert 'name="line_2"' not in page and 'name="line_1"' in page
    response = client.post(url(po), {"received_date": today(), "line_1": "10", "line_2": "5"})
    assert response.status_code == 302  # a stray value for a cancelled line is not an input of the form
    po.refresh_from_db()
    assert po.status == POStatus.RECEIVED


def test_a_po_that_is_not_confirmed_says_why_and_offers_no_form(client, cast):
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.clerk)
    response = client.get(url(sent))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "has status “In external review”; “Post product receipt” is not possible now." in page
    assert 'name="line_1"' not in page
    before = database_fingerprint()
    response = client.post(url(sent), {"received_date": today(), "line_1": "1"})
    assert response.status_code == 409
    assert database_fingerprint() == before


def test_a_po_cancelled_while_the_clerk_was_typing(client, cast, confirmed):
    client.force_login(cast.clerk)
    assert client.get(url(confirmed)).context["form"] is not None
    po_cancel(actor=cast.agent, purchase_order=confirmed)
    response = client.post(url(confirmed), {"received_date": today(), "line_1": "1"})
    assert response.status_code == 409
    assert "“Post product receipt” is not possible now." in response.content.decode()
    assert not Receipt.objects.exists()


def test_role_matrix(client, cast, confirmed):
    target = url(confirmed)
    expected = {
        cast.clerk: 200,
        cast.admin: 200,
        cast.agent: 403,
        cast.vendor_a_user: 404,
        cast.vendor_a_admin: 404,
        cast.vendor_b_user: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(target).status_code == status, user.username
        assert client.post(target, {"received_date": today(), "line_1": "1"}).status_code in (
            {302} if status == 200 else {status}
        ), user.username
    assert ReceiptLine.objects.filter(receipt__posted_by__in=[cast.clerk, cast.admin]).count() == 2
    assert ReceiptLine.objects.count() == 2
    client.logout()
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("buyer:po_receive", args=[confirmed.pk + 999])).status_code == 302
    client.force_login(cast.clerk)
    assert client.get(reverse("buyer:po_receive", args=[confirmed.pk + 999])).status_code == 404


def count_queries(client, method, target, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(target, data)
    return response.status_code, len(captured)


def test_a_constant_number_of_queries_whatever_the_lines(client, cast):
    def po_with(count):
        return confirmed_po(cast, [ItemFactory(company=cast.company) for _ in range(count)])

    small, large = po_with(3), po_with(40)
    client.force_login(cast.clerk)
    assert count_queries(client, "get", url(small)) == count_queries(client, "get", url(large))
    assert count_queries(client, "post", url(small), {"command": "fill_remaining"}) == count_queries(
        client, "post", url(large), {"command": "fill_remaining"}
    )

    def over_receipt(po):
        data = {f"line_{number}": "1" for number in range(1, po.lines.count() + 1)}
        return {**data, "received_date": today(), "line_1": "999"}

    status, small_count = count_queries(client, "post", url(small), over_receipt(small))
    assert (status, small_count) == (422, count_queries(client, "post", url(large), over_receipt(large))[1])


@pytest.mark.django_db(transaction=True)
def test_receive_everything_remaining_in_the_browser(page, live_server, cast):
    po = confirmed_po(cast, cast.items)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(4))])
    login(page, live_server.url, "carol", "pw-carol")
    page.goto(live_server.url + url(po))
    assert_accessible(page, "buyer receive")
    screenshot(page, "buyer-receive")
    page.locator("#fill-remaining").click()
    assert page.locator("#id_line_1").input_value() == "6"
    assert page.locator("#id_line_3").input_value() == "30"
    page.fill("#id_line_2", "25")  # more than remains
    page.locator("#post-receipt").click()
    assert "Only 20 remains to be received on line 2." in page.locator("#id_line_2-error").inner_text()
    assert page.locator("#id_line_1").input_value() == "6"
    assert_accessible(page, "buyer receive with an error")
    page.fill("#id_line_2", "20")
    page.locator("#post-receipt").click()
    page.wait_for_url(f"**/buyer/purchase-orders/{po.pk}/")
    assert "The purchase order is fully received." in page.locator(".messages").inner_text()
    assert PurchaseOrder.objects.get(pk=po.pk).status == POStatus.RECEIVED
