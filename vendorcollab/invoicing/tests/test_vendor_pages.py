"""The vendor's invoicing pages through Django's test client: the workspace and its lists, the invoice form (new,
draft, credit note), submitting, and scoping (vendor B gets 404 on everything of vendor A's)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse, reverse_lazy
from django.utils import timezone
from openpyxl import load_workbook

from vendorcollab.accounts.models import Role
from vendorcollab.common.testing.factories import VendorFactory, make_user
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.invoicing import services
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from vendorcollab.invoicing.selectors import VendorInvoiceList
from vendorcollab.purchasing.models import Visibility

from .vendor_helpers import draft_for, received_po, submitted_for

# --- data -----------------------------------------------------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    return client


def page_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_data(response, **changes):
    """The form of a rendered invoice page as the browser would post it, with ``changes``."""
    editor = response.context["editor"]
    data = {}
    for form in [editor.header, *editor.lines.forms, *editor.charges.forms]:
        for name in form.fields:
            if name == "attachment":
                continue
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    for formset in (editor.lines, editor.charges):
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
    data.update(changes)
    data.setdefault("command", "save")
    return data


# --- scoping --------------------------------------------------------------------------------------------------------


def invoice_urls(invoice, attachment_pk=1):
    """Every vendor page about ``invoice`` (GET unless marked)."""
    return [
        ("get", reverse("vendor:invoice_detail", args=[invoice.pk])),
        ("get", reverse("vendor:invoice_edit", args=[invoice.pk])),
        ("post", reverse("vendor:invoice_edit", args=[invoice.pk])),
        ("get", reverse("vendor:invoice_submit", args=[invoice.pk])),
        ("post", reverse("vendor:invoice_submit", args=[invoice.pk])),
        ("get", reverse("vendor:invoice_delete", args=[invoice.pk])),
        ("post", reverse("vendor:invoice_delete", args=[invoice.pk])),
        ("get", reverse("vendor:credit_note_create", args=[invoice.pk])),
        ("post", reverse("vendor:credit_note_create", args=[invoice.pk])),
        ("post", reverse("vendor:invoice_note_add", args=[invoice.pk])),
        ("get", reverse("vendor:invoice_attachment", args=[attachment_pk])),
        ("get", reverse("vendor:invoice_pdf", args=[invoice.pk])),
    ]


LIST_URLS = [
    ("get", reverse_lazy("vendor:invoicing")),
    ("get", reverse_lazy("vendor:invoice_list", args=["draft"])),
    ("get", reverse_lazy("vendor:invoice_create")),
]


def test_every_invoicing_url_is_covered_by_the_scoping_tests():
    """A new vendor invoicing page must be added to ``invoice_urls`` or ``LIST_URLS``, or this fails."""
    _, vendor_resolver = get_resolver().namespace_dict["vendor"]
    names = {
        pattern.name
        for pattern in vendor_resolver.url_patterns
        if pattern.lookup_str.startswith(("vendorcollab.invoicing.vendor_views", "vendorcollab.invoicing.pdf_views"))
    }
    tested = invoice_urls(Invoice(pk=1)) + LIST_URLS
    assert names == {resolve(str(url)).url_name for _, url in tested}


def test_vendor_b_gets_404_on_every_page_of_vendor_as_invoices(client, cast):
    po = received_po(cast)
    draft = draft_for(cast, po, "A-DRAFT", quantity=Decimal(1))
    services.invoice_attachment_add(
        actor=cast.vendor_a_user, invoice=draft, upload=SimpleUploadedFile("slip.txt", b"slip", "text/plain")
    )
    attachment = draft.attachments.get()
    submitted = submitted_for(cast, po, "A-SENT", quantity=Decimal(1))
    before = list(Invoice.objects.order_by("pk").values_list("pk", "status", "number"))
    signed_in(client, cast.vendor_b_user)
    for invoice in (draft, submitted):
        for method, url in invoice_urls(invoice, attachment.pk):
            response = getattr(client, method)(url, {"confirmed": "1", "text": "x"} if method == "post" else None)
            assert response.status_code == 404, (method, url)
    # Nothing of A's in B's lists and tiles either.
    for which in VendorInvoiceList:
        assert client.get(reverse("vendor:invoice_list", args=[which])).context["page"].paginator.count == 0
    # A's POs cannot be slipped into B's form.
    assert client.get(reverse("vendor:invoice_create"), {"po": f"{cast.vendor_a.pk}:{po.pk}"}).status_code == 404
    assert list(Invoice.objects.order_by("pk").values_list("pk", "status", "number")) == before
    # ... while vendor A's user reaches every page.
    signed_in(client, cast.vendor_a_user)
    for method, url in invoice_urls(draft, attachment.pk):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url


def test_buyers_get_404_on_the_vendors_invoicing_pages(client, cast):
    po = received_po(cast)
    invoice = submitted_for(cast, po, quantity=Decimal(1))
    signed_in(client, cast.admin)
    for method, url in invoice_urls(invoice) + LIST_URLS:
        assert getattr(client, method)(url).status_code == 404, url


def test_the_buyers_internal_notes_never_reach_the_vendor(client, cast):
    po = received_po(cast)
    invoice = submitted_for(cast, po, quantity=Decimal(1))
    services.invoice_note_add(actor=cast.admin, invoice=invoice, text="Margin too thin", visibility=Visibility.INTERNAL)
    services.invoice_note_add(actor=cast.admin, invoice=invoice, text="Paid next week", visibility=Visibility.EXTERNAL)
    page = page_of(signed_in(client, cast.vendor_a_user).get(reverse("vendor:invoice_detail", args=[invoice.pk])))
    assert "Paid next week" in page
    assert "Margin too thin" not in page
    # The vendor's own note goes to the customer; an empty one is refused beside the field.
    url = reverse("vendor:invoice_note_add", args=[invoice.pk])
    assert client.post(url, {"text": ""}).status_code == 422
    response = client.post(url, {"text": "Bank details changed"}, follow=True)
    assert "Bank details changed" in page_of(response) and "Margin too thin" not in page_of(response)


# --- workspace and lists -------------------------------------------------------------------------------------------


def tile_count(page, which):
    marker = f'data-list="invoicing-{which}">'
    start = page.index(marker)
    return int(page[start:].split('<span class="tile-count">', 1)[1].split("<", 1)[0])


def test_workspace_tiles_count_every_list_and_move_with_the_invoice(client, cast):
    first, second = received_po(cast), received_po(cast)
    signed_in(client, cast.vendor_a_user)
    page = page_of(client.get(reverse("vendor:invoicing")))
    assert "Vendor collaboration invoicing workspace" in page
    assert tile_count(page, "ready_to_invoice") == 2 and tile_count(page, "draft") == 0
    draft = draft_for(cast, first)
    page = page_of(client.get(reverse("vendor:invoicing")))
    assert tile_count(page, "draft") == 1 and tile_count(page, "submitted") == 0
    services.invoice_submit(actor=cast.vendor_a_user, invoice=draft)
    page = page_of(client.get(reverse("vendor:invoicing")))
    assert tile_count(page, "ready_to_invoice") == 1  # the first PO is invoiced in full
    assert tile_count(page, "draft") == 0 and tile_count(page, "submitted") == 1
    # The portal's workspace shows the same tiles.
    page = page_of(client.get(reverse("vendor:workspace")))
    assert tile_count(page, "submitted") == 1 and tile_count(page, "ready_to_invoice") == 1
    assert second.number in page_of(client.get(reverse("vendor:invoice_list", args=["ready_to_invoice"])))


def test_every_list_pages_searches_filters_and_exports(client, cast):
    po = received_po(cast, items=cast.items[:1])
    for index in range(27):
        draft_for(cast, po, f"D-{index:03d}", quantity=Decimal(1))
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:invoice_list", args=["draft"])
    response = client.get(url)
    assert response.context["page"].paginator.count == 27
    assert len(response.context["page"].object_list) == 25
    assert "27 invoices" in page_of(response)
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 2
    found = client.get(url, {"q": "D-013"}).context["page"]
    assert [invoice.number for invoice in found] == ["D-013"]
    assert client.get(url, {"q": po.number}).context["page"].paginator.count == 27  # by the PO it invoices
    assert client.get(url, {"company": cast.company.pk + 999}).context["page"].paginator.count == 0
    assert client.get(url, {"company": cast.company.pk}).context["page"].paginator.count == 27
    assert client.get(reverse("vendor:invoice_list", args=["nonsense"])).status_code == 404

    exported = client.get(url, {"format": "csv", "q": "D-00"})
    assert exported["Content-Disposition"] == 'attachment; filename="invoicing-draft.csv"'
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Invoice number" and sorted(row[0] for row in rows[1:]) == [f"D-00{i}" for i in range(10)]
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert workbook.active.max_row == 28
    ready = client.get(reverse("vendor:invoice_list", args=["ready_to_invoice"]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(ready.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Purchase order" and rows[1][0] == po.number


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_every_list_uses_a_constant_number_of_queries(client, cast):
    def populate(count):
        for _ in range(count):
            received_po(cast, items=cast.items[:1])
            po = received_po(cast, items=cast.items[:1])
            draft_for(cast, po, f"N-{Invoice.objects.count()}", quantity=Decimal(1))
            submitted_for(cast, po, f"N-{Invoice.objects.count()}", quantity=Decimal(1))

    urls = [
        reverse("vendor:invoicing"),
        reverse("vendor:workspace"),
        *(reverse("vendor:invoice_list", args=[which]) for which in VendorInvoiceList),
    ]
    signed_in(client, cast.vendor_a_user)
    populate(2)
    small = [cold_count(client, url) for url in urls]
    populate(28)  # 30 per list: more than a page of 25
    large = [cold_count(client, url) for url in urls]
    assert large == small


# --- creating, editing, submitting --------------------------------------------------------------------------------


def test_a_new_invoice_from_two_pos_is_prefilled_saved_as_draft_and_submitted(client, cast):
    first, second = received_po(cast), received_po(cast, items=cast.items[:1])
    signed_in(client, cast.vendor_a_user)
    response = client.get(
        reverse("vendor:invoice_create"), {"po": [f"{cast.vendor_a.pk}:{first.pk}", f"{cast.vendor_a.pk}:{second.pk}"]}
    )
    page = page_of(response)
    editor = response.context["editor"]
    assert len(editor.lines.forms) == 3
    assert first.number in page and second.number in page
    header = editor.header
    today = timezone.localdate()
    assert header["issue_date"].value() == today
    assert header["due_date"].value() == today + timedelta(days=cast.vendor_a.payment_terms_days)
    response = client.post(reverse("vendor:invoice_create"), form_data(response, **{"invoice-number": "F-2026-1"}))
    invoice = Invoice.objects.get(number="F-2026-1")
    assert response.status_code == 302 and response["Location"] == reverse("vendor:invoice_detail", args=[invoice.pk])
    assert invoice.status == InvoiceStatus.DRAFT and invoice.lines.count() == 3
    assert invoice.tax_exclusive_total == Decimal("100.00")  # (10 + 20 + 10) x 2.50
    page = page_of(client.get(response["Location"]))
    assert "F-2026-1" in page and 'data-action="submit"' in page and 'data-action="credit"' not in page
    assert reverse("vendor:invoice_pdf", args=[invoice.pk]) in page

    # The first tap asks once (without script, a page of its own); the answer submits.
    asked = client.post(reverse("vendor:invoice_submit", args=[invoice.pk]))
    assert asked.status_code == 200 and "Yes, submit" in asked.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT
    response = client.post(reverse("vendor:invoice_submit", args=[invoice.pk]), {"confirmed": "1"}, follow=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MATCHED
    page = page_of(response)
    assert "matches the purchase orders" in page
    assert 'data-action="submit"' not in page and 'data-action="edit"' not in page


def test_consignment_receipts_are_invoiced_from_their_own_list(client, cast):
    priced(cast, "3.00")
    stocked(cast, quantity="8")
    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="5")])
    consigned = journal.purchase_order
    signed_in(client, cast.vendor_a_user)
    page = page_of(client.get(reverse("vendor:invoicing")))
    assert tile_count(page, "consignment") == 1 and tile_count(page, "ready_to_invoice") == 0
    page = page_of(client.get(reverse("vendor:invoice_list", args=["consignment"])))
    assert reverse("consignment_vendor:purchase_order", args=[consigned.pk]) in page
    response = client.get(
        reverse("vendor:invoice_create"), {"po": f"{cast.vendor_a.pk}:{consigned.pk}", "list": "consignment"}
    )
    line = response.context["editor"].lines.forms[0]
    assert line["quantity"].value() == Decimal(5) and line["unit_price"].value() == Decimal(3)
    # A consignment purchase carries no VAT rate: the vendor gives it on the invoice.
    data = form_data(response, **{"invoice-number": "CONS-1", "lines-0-tax_percent": "21"})
    response = client.post(reverse("vendor:invoice_create"), data)
    invoice = Invoice.objects.get(number="CONS-1")
    services.invoice_submit(actor=cast.vendor_a_user, invoice=invoice)
    page = page_of(client.get(reverse("vendor:invoicing")))
    assert tile_count(page, "consignment") == 0 and tile_count(page, "submitted") == 1
    assert Invoice.objects.get(pk=invoice.pk).tax_exclusive_total == Decimal("15.00")


def test_pos_of_two_vendor_accounts_make_no_invoice(client, cast):
    other = VendorFactory(company=cast.company, number="V-A2")
    both = make_user("vic", Role.VENDOR_USER, vendors=(cast.vendor_a, other))
    first = received_po(cast)
    signed_in(client, both)
    response = client.get(
        reverse("vendor:invoice_create"), {"po": [f"{cast.vendor_a.pk}:{first.pk}", f"{other.pk}:{first.pk}"]}
    )
    assert response.status_code == 302
    assert "one vendor account" in page_of(client.get(response["Location"]))
    response = client.get(reverse("vendor:invoice_create"))
    assert response.status_code == 302
    assert "Select at least one purchase order" in page_of(client.get(response["Location"]))


def test_bad_input_is_marked_next_to_its_field_and_everything_typed_is_kept(client, cast):
    po = received_po(cast)
    draft_for(cast, po, "TAKEN-1", quantity=Decimal(1))
    signed_in(client, cast.vendor_a_user)
    response = client.get(reverse("vendor:invoice_create"), {"po": f"{cast.vendor_a.pk}:{po.pk}"})
    data = form_data(
        response,
        **{"invoice-number": "", "invoice-note": "Typed note", "lines-0-quantity": "3", "lines-1-unit_price": "abc"},
    )
    response = client.post(reverse("vendor:invoice_create"), data)
    assert response.status_code == 422
    editor = response.context["editor"]
    assert editor.header.errors["number"] and editor.lines.forms[1].errors["unit_price"]
    page = response.content.decode()
    assert "Typed note" in page and 'value="3"' in page and 'value="abc"' in page
    # A rule of the service (the number is taken) is shown next to the number, the rest kept.
    response = client.post(reverse("vendor:invoice_create"), {**data, "invoice-number": "TAKEN-1",
                                                              "lines-1-unit_price": "2.50"})  # fmt: skip
    assert response.status_code in (409, 422)
    assert response.context["editor"].header.errors["number"]
    assert "Typed note" in response.content.decode()
    assert Invoice.objects.count() == 1


def test_a_draft_is_edited_with_a_removed_line_and_a_charge(client, cast):
    po = received_po(cast)
    draft = draft_for(cast, po, "EDIT-1")
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:invoice_edit", args=[draft.pk])
    response = client.get(url)
    assert response.context["editor"].header["number"].value() == "EDIT-1"
    response = client.post(url, form_data(response, command="add_charge"))
    assert len(response.context["editor"].charges.forms) == 1
    data = form_data(
        response,
        **{
            "lines-1-DELETE": "on",
            "lines-0-quantity": "4",
            "charges-0-is_charge": "1",
            "charges-0-reason": "Freight",
            "charges-0-amount": "15.00",
            "charges-0-tax_category": "S",
            "charges-0-tax_percent": "21",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [(line.po_line.line_number, line.quantity) for line in draft.lines.all()] == [(1, Decimal(4))]
    assert draft.charge_total == Decimal("15.00")
    page = page_of(client.get(reverse("vendor:invoice_detail", args=[draft.pk])))
    assert "Freight" in page


def test_a_changed_price_goes_on_hold_with_the_difference_shown(client, cast):
    po = received_po(cast, items=cast.items[:1])
    invoice = submitted_for(cast, po, "HOLD-1", price=Decimal("3.10"))
    assert invoice.status == InvoiceStatus.ON_HOLD
    page = page_of(signed_in(client, cast.vendor_a_user).get(reverse("vendor:invoice_detail", args=[invoice.pk])))
    assert 'id="exceptions"' in page
    assert "<del>2.50</del> <ins>3.10</ins>" in page
    assert 'class="row-changed"' in page
    exceptions = page[page.index('id="exceptions"') :].split("</section>", 1)[0]
    assert "Line 1" in exceptions and "<del>2.50</del> <ins>3.10</ins>" in exceptions
    # In the reader's separators: Dutch reads a decimal comma.
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save(update_fields=["language"])
    page = page_of(client.get(reverse("vendor:invoice_detail", args=[invoice.pk])))
    exceptions = page[page.index('id="exceptions"') :].split("</section>", 1)[0]
    assert "<del>2,50</del> <ins>3,10</ins>" in exceptions


def test_over_invoicing_at_submit_is_a_clear_conflict_and_the_draft_is_kept(client, cast):
    po = received_po(cast, items=cast.items[:1])
    mine = draft_for(cast, po, "MINE-1")
    submitted_for(cast, po, "QUICKER-1", actor=cast.vendor_a_admin)  # a colleague was quicker
    signed_in(client, cast.vendor_a_user)
    response = client.post(reverse("vendor:invoice_submit", args=[mine.pk]), {"confirmed": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "The invoice was not submitted" in page and "Your draft is kept" in page
    assert '<tr class="row-rejected" id="line-1">' in page  # the line someone invoiced first is marked
    mine.refresh_from_db()
    assert mine.status == InvoiceStatus.DRAFT and mine.lines.count() == 1


def test_a_draft_is_deleted_after_asking_once(client, cast):
    draft = draft_for(cast, received_po(cast), "DEL-1")
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:invoice_delete", args=[draft.pk])
    assert "Yes, delete" in page_of(client.post(url))
    assert Invoice.objects.filter(pk=draft.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response["Location"] == reverse("vendor:invoice_list", args=["draft"])
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_a_credit_note_is_prefilled_from_its_invoice_and_gives_quantities_back(client, cast):
    po = received_po(cast, items=cast.items[:1])
    invoice = submitted_for(cast, po, "CRED-1")
    signed_in(client, cast.vendor_a_user)
    page = page_of(client.get(reverse("vendor:invoice_detail", args=[invoice.pk])))
    assert 'data-action="credit"' in page
    url = reverse("vendor:credit_note_create", args=[invoice.pk])
    response = client.get(url)
    editor = response.context["editor"]
    assert editor.is_credit_note and len(editor.lines.forms) == 1
    assert "CRED-1" in page_of(response)
    response = client.post(url, form_data(response, **{"invoice-number": "CN-1", "lines-0-quantity": "4"}))
    credit = Invoice.objects.get(number="CN-1")
    assert response.status_code == 302
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.credited_invoice_id == invoice.pk
    client.post(reverse("vendor:invoice_submit", args=[credit.pk]), {"confirmed": "1"})
    credit.refresh_from_db()
    assert credit.status in (InvoiceStatus.MATCHED, InvoiceStatus.ON_HOLD)
    assert po.lines.get().invoiced_quantity == Decimal(6)
    page = page_of(client.get(reverse("vendor:invoice_detail", args=[invoice.pk])))
    assert "CN-1" in page  # the invoice lists its credit notes


def test_the_workspace_speaks_dutch(client, cast):
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save(update_fields=["language"])
    page = page_of(signed_in(client, cast.vendor_a_user).get(reverse("vendor:invoicing")))
    assert 'lang="nl"' in page
    assert "Werkgebied voor samenwerkingsfacturering van leveranciers" in page


def cold_count(client, url):
    """The queries of a page whose caches are empty: the workspace keeps its fragments and the performance tiles for
    a few minutes, so a second measurement would read them instead of counting what building them costs."""
    caches["pages"].clear()
    return count_queries(client, url)


def test_the_list_rows_show_each_invoice_with_its_orders_and_mark_a_credit_note(client, cast):
    """The rows are written in Python (``invoicing.list_rows``): number and link, the POs covered, customer,
    account, dates, amount and status, a credit note marked in words, stored names escaped, in the reader's
    language."""
    cast.company.name = "Contoso & <Co>"
    cast.company.save()
    first, second = received_po(cast, items=cast.items[:1]), received_po(cast, items=cast.items[:1])

    def submitted(number, lines, **kind):
        data = InvoiceInput(
            vendor_id=cast.vendor_a.pk, number=number, issue_date=timezone.localdate(), lines=lines, **kind
        )
        return services.invoice_create_and_submit(actor=cast.vendor_a_user, data=data)

    ten_each = [
        InvoiceLineInput(purchase_order_id=po.pk, line_number=1, quantity=Decimal(10)) for po in (second, first)
    ]
    invoice = submitted("INV-2PO", ten_each)
    one = [InvoiceLineInput(purchase_order_id=first.pk, line_number=1, quantity=Decimal(1))]
    credit = submitted("CN-1", one, kind=InvoiceKind.CREDIT_NOTE, credited_invoice_id=invoice.pk)
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:invoice_list", args=["submitted"])
    html = page_of(client.get(url, headers={"accept-language": "nl"}))
    rows = {
        row.split('">', 1)[1].split("<", 1)[0]: row
        for row in html.split('<td data-label="Factuurnummer"><a href="')[1:]
    }
    assert set(rows) == {"INV-2PO", "CN-1"}
    assert rows["CN-1"].startswith(
        f'{reverse("vendor:invoice_detail", args=[credit.pk])}">CN-1</a> <span class="badge">Creditnota</span></td>'
    )
    assert rows["INV-2PO"].split("</td>", 1)[0].endswith("INV-2PO</a>")  # an invoice is not marked
    assert f'<td data-label="Inkooporders">{first.number}, {second.number}</td>' in rows["INV-2PO"]
    assert f'<td data-label="Inkooporders">{first.number}</td>' in rows["CN-1"]
    for row in rows.values():
        assert '<td data-label="Klant">Contoso &amp; &lt;Co&gt;</td>' in row
        assert f'<td data-label="Leveranciersaccount">{cast.vendor_a.number}</td>' in row
        assert '<td data-label="Vervaldatum" class="date">' in row
