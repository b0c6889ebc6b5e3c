"""Issue 14, points 4, 5 and 11: what the buyer changed since the previous version (on the vendor's PO page and
lists), what a vendor's answer costs (per line and in total), and line outcomes as results."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.purchasing.diff import LINE_OUTCOMES, diff_versions, response_lines, response_totals
from vendorcollab.purchasing.models import LineAction, ResponseKind
from vendorcollab.purchasing.selectors import (
    VendorList,
    changed_since_previous,
    po_page_for_vendor,
    po_versions,
    version_get,
    version_previous,
)
from vendorcollab.purchasing.services import (
    ChargeInput,
    po_confirm,
    po_create,
    po_request_change,
    po_send,
    po_update,
    response_submit,
)

from .helpers import answer, split


def respond(cast, po, kind, lines=(), **extra):
    return response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=po.latest_version.number,
        kind=kind,
        lines=lines,
        **extra,
    )


def resend(cast, po, **changes):
    """Version N+1 with ``changes`` (``po_update`` arguments) after a rejection of version N."""
    respond(cast, po, ResponseKind.REJECTED)
    po = po_request_change(actor=cast.agent, purchase_order=po)
    if changes:
        po_update(actor=cast.agent, purchase_order=po, **changes)
    return po_send(actor=cast.agent, purchase_order=po)


def changed_lines(cast):
    """Version 1 with lines 1-3 (10, 20, 30 at 2.50), version 2: line 1 16 at 2.50, line 2 at 3.00, line 3 gone,
    line 4 added."""
    first, second, third = cast.items
    return [
        line(first, line_number=1, quantity="16"),
        line(second, line_number=2, quantity="20", price="3.00"),
        line(third, line_number=4, quantity="5"),
    ]


# --- services and selectors ------------------------------------------------------------------------------------


def test_outcomes_read_as_results_in_english_and_dutch():
    expected = {
        "en": ["Accepted", "Rejected", "Changed", "Split", "Substituted"],
        "nl": ["Geaccepteerd", "Afgewezen", "Gewijzigd", "Gesplitst", "Vervangen"],
    }
    order = [LineAction.ACCEPT, LineAction.REJECT, LineAction.CHANGE, LineAction.SPLIT, LineAction.SUBSTITUTE]
    for language, words in expected.items():
        with translation.override(language):
            assert [str(LINE_OUTCOMES[action]) for action in order] == words
    with translation.override("nl"):  # the vendor's choice while answering stays a verb
        assert (str(LineAction.SPLIT.label), str(LineAction.ACCEPT.label)) == ("Splitsen", "Accepteren")


def test_what_an_answer_costs_per_line_and_in_total(cast, django_assert_num_queries):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(cast.items[0], quantity="10", price="162.925"),  # 1,629.25
            line(cast.items[1], quantity="40", price="2.50", discount_percent=Decimal(10)),  # 90.00
            line(cast.items[2], quantity="30", price="2.00"),  # 60.00
            line(cast.items[0], quantity="5", price="1.00"),  # 5.00
        ],
        charges=[ChargeInput("FREIGHT", Decimal(25))],
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    respond(
        cast,
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [
            answer(1, LineAction.CHANGE, quantity=Decimal(5)),  # 5 x 162.925 = 814.625: 814.63 half-up
            split(2, ("20", 10), ("15", 20)),  # 35 of 40
            answer(3, LineAction.REJECT),
            answer(4, LineAction.SUBSTITUTE, external_item_number="ALT-1", external_description="Other"),
        ],
    )
    version = version_get(purchase_order=po)
    with django_assert_num_queries(0):
        rows = response_lines(version, version.response)
        totals = response_totals(version, rows)
    assert [(row.amount_before, row.amount_after) for row in rows] == [
        (Decimal("1629.25"), Decimal("814.63")),
        (Decimal("90.00"), Decimal("78.75")),
        (Decimal("60.00"), Decimal(0)),
        (Decimal("5.00"), Decimal("5.00")),
    ]
    assert rows[3].amount is None and rows[0].amount.old == Decimal("1629.25")
    assert (totals.before, totals.after, totals.difference) == (
        Decimal("1809.25"),
        Decimal("923.38"),
        Decimal("-885.87"),
    )
    assert totals.before == version.total_amount
    # Applying the changes lands on exactly the total the review announced.
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    assert po.confirmed_version.total_amount == totals.after


def test_the_diff_a_reader_without_prices_sees(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = resend(cast, po, lines=[line(cast.items[0], line_number=1, price="9.99")])
    before, after = po_versions(purchase_order=po)
    diff = diff_versions(before, after)
    assert diff.has_changes and set(diff.header) == {"total_amount"}
    assert diff.for_reader(show_prices=True) is diff
    hidden = diff.for_reader(show_prices=False)
    assert not hidden.has_changes
    assert hidden.lines[0].is_unchanged and hidden.lines[0].changes == {}


def test_version_previous(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    first = version_get(purchase_order=po)
    assert version_previous(version=first) is None
    po = resend(cast, po, lines=changed_lines(cast))
    previous = version_previous(version=version_get(purchase_order=po))
    assert previous.number == 1 and [line.line_number for line in previous.lines.all()] == [1, 2, 3]


def test_changed_since_previous_in_a_constant_number_of_queries(cast, django_assert_num_queries):
    unchanged = resend(cast, make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True))
    first_only = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    changed = [
        resend(cast, make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True), **edit)
        for edit in (
            {"lines": changed_lines(cast)},
            {"charges": [ChargeInput("FREIGHT", Decimal(5))]},
            {"lines": [line(item, line_number=n, quantity=str(10 * n)) for n, item in enumerate(cast.items, 1)][:2]},
        )
    ]
    rows = list(po_page_for_vendor(actor=cast.vendor_a_user, which=VendorList.FOR_REVIEW))
    with django_assert_num_queries(3):
        flagged = changed_since_previous(rows)
    assert flagged == {po.pk: 1 for po in changed}
    assert unchanged.pk not in flagged and first_only.pk not in flagged
    assert changed_since_previous([]) == {}
    # Versions never change: the next page of the same rows reads none of their lines again.
    with django_assert_num_queries(0):
        assert changed_since_previous(rows) == flagged


def test_a_new_version_is_compared_although_the_one_before_was_kept(cast):
    po = resend(cast, make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True))
    rows = list(po_page_for_vendor(actor=cast.vendor_a_user, which=VendorList.FOR_REVIEW))
    assert changed_since_previous(rows) == {}

    po = resend(cast, po, lines=changed_lines(cast))

    rows = list(po_page_for_vendor(actor=cast.vendor_a_user, which=VendorList.FOR_REVIEW))
    assert changed_since_previous(rows) == {po.pk: 2}


def test_a_price_change_is_no_change_for_a_vendor_without_prices(cast):
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = resend(cast, po, lines=[line(cast.items[0], line_number=1, price="9.99")])
    rows = po_page_for_vendor(actor=cast.vendor_a_user, which=VendorList.FOR_REVIEW)
    assert changed_since_previous(rows) == {}


def test_a_confirmation_version_is_not_flagged_as_changed_by_the_buyer(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    respond(cast, po, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(1, LineAction.CHANGE, quantity=Decimal(7))])
    po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    rows = po_page_for_vendor(actor=cast.vendor_a_user, which=VendorList.OPEN_CONFIRMED)
    assert [row.list_version for row in rows] == [2]
    assert changed_since_previous(rows) == {}


# --- pages -----------------------------------------------------------------------------------------------------


def test_the_vendor_po_page_marks_what_changed_since_the_previous_version(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    po = resend(cast, po, lines=changed_lines(cast))
    client.force_login(cast.vendor_a_user)
    page = client.get(reverse("vendor:po_detail", args=[po.pk])).content.decode()
    assert "Changed since version 1" in page
    assert "4 lines changed, added or removed" in page  # 1 and 2 changed, 3 removed, 4 added
    assert "<del>10</del> <ins>16</ins>" in page  # line 1's quantity
    assert "<del>2.50</del> <ins>3.00</ins>" in page  # line 2's price
    assert "<del>25.00</del> <ins>40.00</ins>" in page  # line 1's amount
    assert 'data-change="removed"' in page and ">Removed<" in page
    assert 'data-change="added"' in page and ">Added<" in page
    # Version 1 itself marks nothing.
    first = client.get(reverse("vendor:po_version", args=[po.pk, 1])).content.decode()
    assert 'data-change="unchanged"' in first and "Changed since version" not in first
    assert 'data-change="changed"' not in first and 'data-change="removed"' not in first


def test_the_buyer_version_page_marks_what_changed_since_the_version_before(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    po = resend(cast, po, lines=changed_lines(cast))
    client.force_login(cast.agent)
    page = client.get(reverse("buyer:po_version", args=[po.pk, 2])).content.decode()
    assert "<del>10</del> <ins>16</ins>" in page  # line 1's quantity
    assert "<del>2.50</del> <ins>3.00</ins>" in page  # line 2's price
    assert 'data-change="removed"' in page and 'data-change="added"' in page
    first = client.get(reverse("buyer:po_version", args=[po.pk, 1])).content.decode()
    assert 'data-change="changed"' not in first and 'data-change="removed"' not in first


def test_the_vendor_po_page_hides_price_changes_without_prices(client, cast):
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = resend(cast, po, lines=[line(cast.items[0], line_number=1, price="9.99")])
    client.force_login(cast.vendor_a_user)
    page = client.get(reverse("vendor:po_detail", args=[po.pk])).content.decode()
    assert "Changed since version" not in page and "<del>" not in page and "9.99" not in page


def test_the_vendor_lists_flag_changed_pos(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    resend(cast, po, lines=changed_lines(cast))
    resend(cast, make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True))  # unchanged
    client.force_login(cast.vendor_a_user)
    for url in (reverse("vendor:po_list", args=["for_review"]), reverse("vendor:workspace")):
        page = client.get(url).content.decode()
        assert page.count("Changed since version 1") == 1, url
        assert 'data-changed-since="1">Changed since version 1</span>' in page


def test_the_buyer_po_page_shows_total_currency_and_discount(client, cast):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[line(cast.items[0], quantity="5", price="162.925", discount_percent=Decimal("2.5"))],
        charges=[ChargeInput("FREIGHT", Decimal(25))],
    )
    client.force_login(cast.agent)
    page = client.get(reverse("buyer:po_detail", args=[po.pk])).content.decode()
    # 814.625 less 2.5 % = 794.259375: 794.26; and 25 freight.
    assert "data-po-total>819.26 EUR</dd>" in page
    assert "<dt>Currency</dt><dd>EUR</dd>" in page
    assert ">Discount %</th>" in page and ">2.5</td>" in page


def test_the_buyer_review_shows_the_cost_of_the_changes_and_results(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)  # 25 + 50 + 75
    respond(
        cast,
        po,
        ResponseKind.ACCEPTED_WITH_CHANGES,
        [split(1, ("4", 10), ("4", 20)), answer(3, LineAction.REJECT)],
        vendor_reference="SO-991",
    )
    client.force_login(cast.agent)
    page = client.get(reverse("buyer:po_detail", args=[po.pk])).content.decode()
    assert "<del>25.00</del> <ins>20.00</ins>" in page  # the split: 8 of 10
    assert "<del>75.00</del> <ins>0.00</ins>" in page  # the rejected line
    assert "<del>150.00 EUR</del> <ins>70.00 EUR</ins>" in page
    assert "difference \u221280.00 EUR" in page
    assert ">Split</span>" in page and ">Rejected</span>" in page and ">Accepted</span>" in page
    assert ">Reject</span>" not in page
    # The vendor's reference is information, not a change.
    assert "<dd>SO-991</dd>" in page and "<ins>SO-991</ins>" not in page


def test_the_vendor_sees_its_answer_as_results(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    respond(cast, po, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(2, LineAction.CHANGE, delivery_date=in_days(40))])
    client.force_login(cast.vendor_a_user)
    with translation.override("nl"):
        page = client.get(reverse("vendor:po_detail", args=[po.pk]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert ">Gewijzigd</span>" in page and ">Geaccepteerd</span>" in page


@pytest.mark.parametrize("name", ["vendor:po_detail", "vendor:po_list"])
def test_vendor_pages_with_changes_keep_constant_queries(client, cast, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def changed_po(lines):
        items = (cast.items * lines)[:lines]
        po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items, send=True)
        return resend(cast, po, lines=[line(item, line_number=n, quantity="7") for n, item in enumerate(items, 1)])

    client.force_login(cast.vendor_a_user)
    if name == "vendor:po_detail":
        small, large = changed_po(2), changed_po(30)
        assert count(reverse(name, args=[small.pk])) == count(reverse(name, args=[large.pk]))
    else:
        changed_po(1)
        url = reverse(name, args=["for_review"])
        few = count(url)
        for _ in range(5):
            changed_po(1)
        assert count(url) == few


def test_a_list_row_names_its_po_for_screen_readers_and_marks_a_change_in_dutch(client, cast):
    """The rows are written in Python (``list_rows``): each checkbox says which PO it selects (the template's
    label came out empty), and the row's words follow the reader's language."""
    po = resend(
        cast,
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True),
        **{"lines": changed_lines(cast)},
    )
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save()
    client.force_login(cast.vendor_a_user)

    page = client.get(reverse("vendor:po_list", args=["for_review"])).content.decode()

    assert f'aria-label="{po.number}-2 selecteren"' in page
    assert f'<a href="{reverse("vendor:po_detail", args=[po.pk])}">{po.number}-2</a>' in page
    assert 'data-changed-since="1">Gewijzigd sinds versie 1</span>' in page
