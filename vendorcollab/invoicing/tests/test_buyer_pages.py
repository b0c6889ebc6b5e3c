"""The buyer's invoice pages through the Django client: the workspace and its tiles, the lists (counts, paging,
search, company and vendor filters, export, constant queries), the invoice beside its POs and receipts with its
exceptions marked, the decisions of accounts payable and their refusals, notes, and who may see what."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from vendorcollab.api.services import token_issue
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import InvoiceKind, InvoiceNote, InvoiceStatus
from vendorcollab.invoicing.selectors import BuyerInvoiceList
from vendorcollab.invoicing.services import invoice_create_and_submit
from vendorcollab.purchasing.models import Visibility

from .buyer_helpers import accounts_payable, received_po, stored_invoice


@pytest.fixture
def ap(cast):
    return accounts_payable()


@pytest.fixture
def on_hold(cast):
    return stored_invoice(cast, received_po(cast), number="INV-HOLD", price_on_line_1="2.75")


@pytest.fixture
def matched(cast):
    return stored_invoice(cast, received_po(cast), number="INV-OK")


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


# --- landing and tiles -------------------------------------------------------------------------------------------


def test_accounts_payable_lands_on_the_invoices_workspace(client, ap, cast):
    client.force_login(ap)
    assert client.get(reverse("home")).url == reverse("buyer:invoices")
    assert client.get(reverse("buyer:workspace")).url == reverse("buyer:invoices")
    client.force_login(cast.agent)
    assert client.get(reverse("home")).url == reverse("buyer:workspace")


def test_the_buyer_workspace_counts_the_invoices_on_hold(client, cast, on_hold, matched):
    html = page(client, cast.agent, "buyer:workspace").content.decode()
    tile = html[html.index('data-list="invoices-on_hold"') :]
    tile = tile[: tile.index("</a>")]
    assert '<span class="tile-count">1</span>' in tile
    assert reverse("buyer:invoice_list", args=["on_hold"]) in html
    assert "tile-action" in html[html.rindex("<a", 0, html.index('data-list="invoices-on_hold"')) :][:200]


def test_the_invoices_workspace_opens_with_what_is_on_hold(client, ap, on_hold, matched):
    response = page(client, ap, "buyer:invoices")
    html = response.content.decode()
    counts = dict((which.value, count) for which, count in response.context["tiles"])
    assert counts["on_hold"] == 1 and counts["matched"] == 1 and counts["all"] == 2
    assert response.context["tiles"][0][0].value == "on_hold"
    section = html[html.index('id="on-hold-heading"') :]
    assert "INV-HOLD" in section and "INV-OK" not in section


# --- lists ---------------------------------------------------------------------------------------------------------


def test_a_list_searches_filters_and_counts(client, cast, ap, on_hold, matched):
    other_company = CompanyFactory(code="BE01", name="Contoso België")
    other_vendor = VendorFactory(company=other_company, number="V-C", name="Gamma")
    cast.vendor_c = other_vendor
    html = page(client, ap, "buyer:invoice_list", "all").content.decode()
    assert "INV-HOLD" in html and "INV-OK" in html and "2 invoices" in html
    html = page(client, ap, "buyer:invoice_list", "all", q="HOLD").content.decode()
    assert "INV-HOLD" in html and "INV-OK" not in html and "1 invoice" in html
    html = page(client, ap, "buyer:invoice_list", "all", company=other_company.pk).content.decode()
    assert "INV-HOLD" not in html and "No invoices here." in html
    html = page(client, ap, "buyer:invoice_list", "all", vendor=cast.vendor_a.pk).content.decode()
    assert "INV-HOLD" in html and "INV-OK" in html
    html = page(client, ap, "buyer:invoice_list", "all", vendor=cast.vendor_b.pk).content.decode()
    assert "INV-HOLD" not in html
    assert page(client, ap, "buyer:invoice_list", "nonsense").status_code == 404


def test_a_list_pages_by_25(client, cast, ap):
    po = received_po(cast, quantity="1")
    for index in range(26):
        stored_invoice(cast, po, number=f"INV-{index:03}", quantity="0.01")
    first = page(client, ap, "buyer:invoice_list", "matched").content.decode()
    assert "26 invoices" in first and "Page 1 of 2" in first
    assert len(page(client, ap, "buyer:invoice_list", "matched", page=2).context["page"].object_list) == 1


def test_a_list_downloads_as_csv_and_excel(client, ap, on_hold, matched):
    response = page(client, ap, "buyer:invoice_list", "all", format="csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Invoice", "Kind"]
    assert sorted(row[0] for row in rows[1:]) == ["INV-HOLD", "INV-OK"]
    assert {row[-1] for row in rows[1:]} == {"On hold", "Matched"}
    xlsx = page(client, ap, "buyer:invoice_list", "on_hold", format="xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("which", [which.value for which in BuyerInvoiceList])
def test_every_list_costs_the_same_queries_for_3_rows_as_for_20(client, cast, ap, which):
    """Whatever the rows, with both vendor accounts in the vendor filter, and filtered."""
    status = InvoiceStatus.MATCHED if which == BuyerInvoiceList.ALL else which
    price = "2.75" if status == InvoiceStatus.ON_HOLD else None

    def queries(count: int, prefix: str, **query: Any) -> int:
        for index in range(count):
            po = received_po(cast, quantity="1", vendor=(cast.vendor_a, cast.vendor_b)[index % 2])
            stored_invoice(cast, po, number=f"{prefix}-{index}", quantity="1", status=status, price_on_line_1=price)
        client.force_login(ap)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("buyer:invoice_list", args=[which]), query)
        assert response.status_code == 200
        assert response.content.decode().count(f">{prefix}-") == min(count, 25)
        return len(captured)

    small = queries(3, "S")
    assert queries(17, "L") == small
    assert queries(1, "F", vendor=cast.vendor_a.pk, company=cast.company.pk) == small


def test_the_vendor_filter_offers_the_vendors_with_invoices_in_the_list(client, cast, ap, on_hold, matched):
    other_company = CompanyFactory(code="BE01", name="Contoso België")
    stored_invoice(cast, received_po(cast, vendor=cast.vendor_b), number="INV-B")

    def offered(which: str, **query: Any) -> list[tuple[str, str]]:
        html = page(client, ap, "buyer:invoice_list", which, **query).content.decode()
        if '<select id="vendor"' not in html:
            return []
        start = html.index('<select id="vendor"')
        return re.findall(r'<option value="(\d*)"( selected)?>', html[start : html.index("</select>", start)])

    a, b = str(cast.vendor_a.pk), str(cast.vendor_b.pk)
    # Only vendor A has an invoice on hold; both have a matched one.
    assert offered("on_hold") == [("", ""), (a, "")]
    assert offered("matched") == [("", ""), (a, ""), (b, "")]
    assert offered("matched", company=other_company.pk) == []
    # A chosen vendor stays chosen, even where it has no invoice: the filter says what the empty list is about.
    assert offered("on_hold", vendor=cast.vendor_b.pk) == [("", ""), (a, ""), (b, " selected")]
    html = page(client, ap, "buyer:invoice_list", "on_hold", vendor=cast.vendor_b.pk).content.decode()
    assert "No invoices here." in html and '<label for="vendor">Vendor</label>' in html
    assert f'<option value="{a}">V-A Alpha Supplies</option>' in html
    odd = VendorFactory(company=cast.company, number="V-<i>", name='Smith & "Sons" <b>')
    html = page(client, ap, "buyer:invoice_list", "on_hold", vendor=odd.pk).content.decode()
    assert f'<option value="{odd.pk}" selected>V-&lt;i&gt; Smith &amp; &quot;Sons&quot; &lt;b&gt;</option>' in html
    # A new invoice shows at once, in the filter and in the count: both are kept per change of the invoices.
    stored_invoice(cast, received_po(cast, vendor=cast.vendor_b), number="INV-B-HOLD", price_on_line_1="2.75")
    assert offered("on_hold") == [("", ""), (a, ""), (b, "")]
    html = page(client, ap, "buyer:invoice_list", "on_hold").content.decode()
    assert "2 invoices" in html and "INV-B-HOLD" in html


def test_the_vendor_filter_in_dutch(client, cast, ap, on_hold):
    client.force_login(ap)
    html = client.get(reverse("buyer:invoice_list", args=["on_hold"]), headers={"accept-language": "nl"})
    text = html.content.decode()
    assert '<label for="vendor">Leverancier</label>' in text and "Alle leveranciers" in text


# --- the invoice page ----------------------------------------------------------------------------------------------


def test_the_invoice_page_marks_the_exception_beside_the_po_line(client, ap, on_hold):
    html = page(client, ap, "buyer:invoice_detail", on_hold.pk).content.decode()
    row = html[html.index('id="invoice-line-1"') :]
    row = row[: row.index("</tr>")]
    assert 'class="row-changed"' in html[html.index('id="invoice-line-1"') - 5 : html.index('id="invoice-line-1"') + 40]
    # the PO's price struck through beside the invoice's, with a label (colour is never the only signal)
    assert "<del>2.50</del> <ins>2.75</ins>" in row and "Price differs from the purchase order" in row
    # ordered 10, received 5, invoiced 5 on the PO line
    assert ">10<" in row and row.count(">5<") >= 2
    line_2 = html[html.index('id="invoice-line-2"') - 40 : html.index('id="invoice-line-2"')]
    assert "row-changed" not in line_2
    assert on_hold.lines.first().purchase_order.number in html and "Received on" in html
    # the total the match compared is the invoice's own finding, marked the same way
    assert "The match found 2 exceptions" in html
    findings = html[html.index('class="findings"') :]
    findings = findings[: findings.index("</ul>")]
    assert (
        "Total differs from the purchase order" in findings and "<del>25.00 EUR</del> <ins>26.25 EUR</ins>" in findings
    )


def test_accounts_payable_approves_and_records_payment(client, ap, matched):
    client.force_login(ap)
    response = client.post(reverse("buyer:invoice_approve", args=[matched.pk]), follow=True)
    assert "INV-OK of Alpha Supplies is approved" in response.content.decode()
    matched.refresh_from_db()
    assert matched.status == InvoiceStatus.APPROVED
    response = client.post(
        reverse("buyer:invoice_record_payment", args=[matched.pk]),
        {"payment_date": "2026-12-01", "reference": "PAY-77"},
        follow=True,
    )
    matched.refresh_from_db()
    assert matched.status == InvoiceStatus.PAID and matched.payment_reference == "PAY-77"
    assert "PAY-77" in response.content.decode()


def test_a_rejection_needs_a_reason_next_to_the_field(client, ap, on_hold):
    client.force_login(ap)
    response = client.post(reverse("buyer:invoice_reject", args=[on_hold.pk]), {"reason": "  "})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_reason-error"' in html and 'aria-invalid="true"' in html
    assert (
        "<details" in html
        and 'data-decision="reject"' in html
        and " open " in html[html.index('data-decision="reject"') - 30 :][:60]
    )
    on_hold.refresh_from_db()
    assert on_hold.status == InvoiceStatus.ON_HOLD
    response = client.post(
        reverse("buyer:invoice_reject", args=[on_hold.pk]), {"reason": "Price not agreed"}, follow=True
    )
    on_hold.refresh_from_db()
    assert on_hold.status == InvoiceStatus.REJECTED and on_hold.reject_reason == "Price not agreed"
    assert "Price not agreed" in response.content.decode()


def test_a_refused_payment_keeps_what_was_typed(client, ap, matched):
    client.force_login(ap)
    client.post(reverse("buyer:invoice_approve", args=[matched.pk]))
    response = client.post(reverse("buyer:invoice_record_payment", args=[matched.pk]), {"reference": "PAY-9"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="PAY-9"' in html and 'id="id_payment_date-error"' in html
    matched.refresh_from_db()
    assert matched.status == InvoiceStatus.APPROVED


def test_a_second_decision_on_a_decided_invoice_is_a_clear_conflict(client, cast, ap, on_hold):
    # given two people with the same invoice open; the first approves
    client.force_login(ap)
    client.post(reverse("buyer:invoice_approve", args=[on_hold.pk]))
    # when the second rejects from the page they still have open
    second = Client()
    second.force_login(cast.admin)
    response = second.post(reverse("buyer:invoice_reject", args=[on_hold.pk]), {"reason": "Too late"}, follow=True)
    # then the invoice stays approved and they are told why nothing happened
    on_hold.refresh_from_db()
    assert on_hold.status == InvoiceStatus.APPROVED and on_hold.reject_reason == ""
    messages = list(response.context["messages"])
    assert [message.level_tag for message in messages] == ["error"]
    assert 'class="badge badge-approved"' in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("buyer:invoice_detail", args=[on_hold.pk])


def test_a_purchasing_agent_reads_but_does_not_decide(client, cast, on_hold):
    html = page(client, cast.agent, "buyer:invoice_detail", on_hold.pk).content.decode()
    assert "INV-HOLD" in html and 'data-action="approve"' not in html and 'data-decision="reject"' not in html
    assert client.post(reverse("buyer:invoice_approve", args=[on_hold.pk])).status_code == 403
    on_hold.refresh_from_db()
    assert on_hold.status == InvoiceStatus.ON_HOLD


def test_accounts_payable_sees_the_buttons_the_table_offers(client, ap, on_hold):
    html = page(client, ap, "buyer:invoice_detail", on_hold.pk).content.decode()
    assert 'data-action="approve"' in html and 'data-decision="reject"' in html
    assert 'data-decision="payment"' not in html


def test_an_internal_note_is_added_and_never_shown_to_the_vendor(client, cast, ap, on_hold):
    client.force_login(ap)
    response = client.post(
        reverse("buyer:invoice_note_add", args=[on_hold.pk]), {"text": "Check with Bob", "visibility": "internal"}
    )
    assert response.status_code == 302
    note = InvoiceNote.objects.get(invoice=on_hold)
    assert note.visibility == Visibility.INTERNAL and note.author == ap
    html = page(client, ap, "buyer:invoice_detail", on_hold.pk).content.decode()
    assert "Check with Bob" in html
    # the form offers internal first: a buyer who does not choose keeps the note to the buyer's side
    assert page(client, ap, "buyer:invoice_detail", on_hold.pk).context["note_form"]["visibility"].value() == "internal"
    # every page and API answer of the vendor about this invoice leaves the note out
    client.force_login(cast.vendor_a_user)
    _token, key = token_issue(actor=cast.vendor_a_user)
    api = client.get(f"/api/v1/vendor/invoices/{on_hold.pk}", headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 200 and api.json()["number"] == "INV-HOLD"
    assert "Check with Bob" not in api.content.decode()
    for url in vendor_pages_of(on_hold):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "INV-HOLD" in response.content.decode() and "Check with Bob" not in response.content.decode(), url


def vendor_pages_of(invoice) -> list[str]:
    """The vendor's page of an invoice, where it exists (it is built beside these pages)."""
    urls = []
    with contextlib.suppress(NoReverseMatch):
        urls.append(reverse("vendor:invoice_detail", args=[invoice.pk]))
    return urls


def test_an_empty_note_is_refused_next_to_the_field(client, ap, on_hold):
    client.force_login(ap)
    response = client.post(reverse("buyer:invoice_note_add", args=[on_hold.pk]), {"text": "", "visibility": "internal"})
    assert response.status_code == 422 and 'id="id_text-error"' in response.content.decode()


# --- who may see what --------------------------------------------------------------------------------------------


def test_vendor_users_get_404_on_every_buyer_invoice_page(client, cast, on_hold):
    for user in (cast.vendor_a_user, cast.vendor_b_user):
        client.force_login(user)
        assert client.get(reverse("buyer:invoices")).status_code == 404
        assert client.get(reverse("buyer:invoice_detail", args=[on_hold.pk])).status_code == 404
        assert client.post(reverse("buyer:invoice_approve", args=[on_hold.pk])).status_code == 404


def test_a_vendor_draft_does_not_exist_for_the_buyer(client, cast, ap):
    draft = stored_invoice(cast, received_po(cast), number="INV-DRAFT", status=InvoiceStatus.DRAFT)
    assert page(client, ap, "buyer:invoice_detail", draft.pk).status_code == 404
    assert "INV-DRAFT" not in page(client, ap, "buyer:invoice_list", "all").content.decode()


def test_the_accounts_payable_role_is_offered_where_roles_are_listed(client, cast):
    html = page(client, cast.admin, "people:user_list").content.decode()
    assert 'value="accounts_payable"' in html and "Accounts payable" in html


def test_money_on_the_page_adds_up(client, ap, on_hold):
    html = page(client, ap, "buyer:invoice_detail", on_hold.pk).content.decode()
    # 5 x 2.75 + 5 x 2.50 = 26.25; VAT 21% = 5.51; due 31.76
    assert on_hold.line_total == Decimal("26.25") and "31.76" in html and "5.51" in html


def test_the_invoice_page_offers_its_pdf(client, ap, on_hold):
    html = page(client, ap, "buyer:invoice_detail", on_hold.pk).content.decode()
    url = reverse("buyer:invoice_pdf", args=[on_hold.pk])
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_list_rows_show_each_invoice_and_mark_a_credit_note(client, cast, ap, matched):
    """The rows are written in Python (``invoicing.list_rows``): number and link, company, vendor, dates, amount and
    status, a credit note marked in words, stored names escaped, in the reader's language."""
    cast.vendor_a.name = "Alpha & <Sons>"
    cast.vendor_a.save()
    po_id = matched.lines.first().purchase_order_id
    credit = invoice_create_and_submit(
        actor=cast.vendor_a_user,
        data=InvoiceInput(
            vendor_id=cast.vendor_a.pk,
            number="CN-1",
            issue_date=matched.issue_date,
            kind=InvoiceKind.CREDIT_NOTE,
            credited_invoice_id=matched.pk,
            lines=[InvoiceLineInput(purchase_order_id=po_id, line_number=1, quantity=Decimal(1))],
        ),
    )
    client.force_login(ap)
    html = client.get(reverse("buyer:invoice_list", args=["all"]), headers={"accept-language": "nl"}).content.decode()
    rows = {row.split('">', 1)[1].split("<", 1)[0]: row for row in html.split('<td data-label="Factuur"><a href="')[1:]}
    assert set(rows) == {"INV-OK", "CN-1"}
    assert rows["CN-1"].startswith(
        f'{reverse("buyer:invoice_detail", args=[credit.pk])}">CN-1</a> <span class="muted">('
    )
    assert rows["INV-OK"].split("</td>", 1)[0].endswith("INV-OK</a>")  # an invoice is not marked
    for row in rows.values():
        assert f'<td data-label="Leverancier">{cast.vendor_a.number} Alpha &amp; &lt;Sons&gt;</td>' in row
    assert '<span class="badge badge-matched">' in rows["INV-OK"]
