"""Every input rule and refusal of the invoicing services, with its stable code and the field it names; a refusal
changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vendorcollab.accounts.models import Role
from vendorcollab.common.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from vendorcollab.common.testing.factories import VendorFactory, make_user
from vendorcollab.invoicing import selectors, services
from vendorcollab.invoicing.inputs import ChargeInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from vendorcollab.invoicing.services.drafts import _save_numbered
from vendorcollab.purchasing.models import PurchaseOrderLine
from vendorcollab.purchasing.tests.helpers import database_fingerprint

from .conftest import invoice_input, received_po


def refused_code(call, error=ValidationFailed):
    with pytest.raises(error) as refused:
        call()
    return refused.value


def create(cast, data, actor=None):
    return services.invoice_create(actor=actor or cast.vendor_a_user, data=data)


def line(po, line_number=1, quantity="1", **changes):
    return InvoiceLineInput(purchase_order_id=po.pk, line_number=line_number, quantity=Decimal(quantity), **changes)


def credit_of(invoice, *quantities, number="CN-1", **changes):
    po = invoice.lines.first().purchase_order
    return dataclasses.replace(
        invoice_input(po, *quantities, number=number, **changes),
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice_id=invoice.pk,
    )


@pytest.fixture
def po(cast):
    return received_po(cast, quantities=("10", "20"))


def test_only_a_vendor_user_of_the_vendor_account_creates(cast, po):
    assert refused_code(lambda: create(cast, invoice_input(po, (1, "1")), actor=cast.admin), PermissionRefused)
    data = dataclasses.replace(invoice_input(po, (1, "1")), vendor_id=cast.vendor_b.pk)
    error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == ("unknown_vendor", ["vendor"])


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"number": " "}, "required", "number"),
        ({"number": "INV\n1"}, "control_character", "number"),
        ({"number": "INV<1>"}, "identifier_characters", "number"),
        ({"number": "X" * 31}, "text_too_long", "number"),
        ({"kind": "bill"}, "kind_invalid", "kind"),
        ({"issue_date": dt.date(1999, 12, 31)}, "date_out_of_range", "issue_date"),
        ({"due_date": dt.date(2026, 1, 1), "issue_date": dt.date(2026, 1, 2)}, "due_before_issue", "due_date"),
        ({"currency": "USD"}, "currency_mismatch", "currency"),
        ({"note": "x" * 4001}, "text_too_long", "note"),
        ({"lines": []}, "no_lines", "lines"),
    ],
)
def test_header_rules(cast, po, changes, code, field):
    data = dataclasses.replace(invoice_input(po, (1, "1")), **changes)
    before = database_fingerprint()
    error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == (code, [field])
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("entry", "code", "field"),
    [
        ({"line_number": 9}, "unknown_line", "lines.0"),
        ({"quantity": "0"}, "quantity_not_positive", "lines.0.quantity"),
        ({"quantity": "-1"}, "quantity_not_positive", "lines.0.quantity"),
        ({"quantity": "11"}, "over_invoiced", "lines.0.quantity"),
        ({"quantity": "0.00001"}, "number_out_of_range", "lines.0.quantity"),
        ({"quantity": "NaN"}, "number_out_of_range", "lines.0.quantity"),
        ({"unit_price": Decimal("-0.01")}, "price_negative", "lines.0.unit_price"),
        ({"unit_price": Decimal("1e12")}, "number_out_of_range", "lines.0.unit_price"),
        ({"tax_category": "L"}, "tax_category_invalid", "lines.0.tax_category"),
        ({"tax_category": "Z", "tax_percent": Decimal("21")}, "tax_percent_invalid", "lines.0.tax_percent"),
        ({"tax_percent": Decimal("0")}, "tax_percent_invalid", "lines.0.tax_percent"),
        ({"tax_percent": Decimal("101")}, "tax_percent_invalid", "lines.0.tax_percent"),
        ({"note": "a\nb"}, "control_character", "lines.0.note"),
        ({"tax_category": "E", "tax_exemption_reason": "x" * 201}, "text_too_long", "lines.0.tax_exemption_reason"),
    ],
)
def test_line_rules(cast, po, entry, code, field):
    values = {"line_number": 1, "quantity": "1", **entry}
    data = dataclasses.replace(invoice_input(po), lines=[line(po, **values)])
    error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == (code, [field])


def test_every_wrong_field_is_named_at_once(cast, po):
    data = dataclasses.replace(invoice_input(po, number=""), lines=[line(po, 1, "0"), line(po, 2, "21")])
    error = refused_code(lambda: create(cast, data))
    assert error.code == "invalid_input"
    assert error.field_codes == {
        "number": "required",
        "lines.0.quantity": "quantity_not_positive",
        "lines.1.quantity": "over_invoiced",
    }


def test_a_line_twice_or_not_received_is_refused(cast):
    po = received_po(cast, quantities=("10", "20"), received=("10", "0"))
    twice = dataclasses.replace(invoice_input(po), lines=[line(po, 1), line(po, 1)])
    assert refused_code(lambda: create(cast, twice)).code == "duplicate_line"
    unreceived = invoice_input(po, (2, "1"))
    error = refused_code(lambda: create(cast, unreceived))
    assert (error.code, list(error.fields)) == ("not_invoiceable", ["lines.0"])


def test_lines_of_another_vendor_account_are_refused(cast, po):
    vendor_c = VendorFactory(company=cast.company, number="V-C", name="Gamma")
    both = make_user("heidi", Role.VENDOR_USER, vendors=(cast.vendor_a, vendor_c))
    data = dataclasses.replace(invoice_input(po, (1, "1")), vendor_id=vendor_c.pk)
    error = refused_code(lambda: create(cast, data, actor=both))
    assert (error.code, list(error.fields)) == ("wrong_vendor", ["lines.0.purchase_order"])
    # A PO the vendor user cannot see at all is no line of theirs.
    other = received_po(cast, vendor=cast.vendor_b)
    data = dataclasses.replace(invoice_input(other, (1, "1")), vendor_id=cast.vendor_a.pk)
    assert refused_code(lambda: create(cast, data)).code == "unknown_line"


def test_one_currency_per_invoice(cast, po):
    dollars = received_po(cast, currency="USD")
    data = dataclasses.replace(invoice_input(po), lines=[line(po), line(dollars)])
    error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == ("currency_mismatch", ["lines.1.purchase_order"])


def test_too_many_lines_are_refused_before_reading_them(cast, po):
    data = dataclasses.replace(invoice_input(po), lines=[line(po)] * 501)
    with CaptureQueriesContext(connection) as queries:
        error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == ("too_many_rows", ["lines"])
    assert not [query for query in queries if "purchasing_purchaseorderline" in query["sql"]]


def test_charge_rules(cast, po):
    charges = [
        ChargeInput(is_charge=True, reason="", amount=Decimal("1")),
        ChargeInput(is_charge=True, reason="Freight", amount=Decimal("0")),
        ChargeInput(is_charge=False, reason="Discount", amount=Decimal("1"), tax_category="XX"),
        ChargeInput(is_charge=True, reason="Fee", amount=Decimal("1"), reason_code="F<"),
    ]
    error = refused_code(lambda: create(cast, invoice_input(po, (1, "1"), charges=charges)))
    assert error.field_codes == {
        "charges.0.reason": "required",
        "charges.1.amount": "amount_not_positive",
        "charges.2.tax_category": "tax_category_invalid",
        "charges.3.reason_code": "identifier_characters",
    }


def test_a_charge_takes_the_rate_of_its_categorys_lines(cast, po):
    freight = [ChargeInput(is_charge=True, reason="Freight", amount=Decimal("10"))]
    invoice = create(cast, invoice_input(po, (1, "1"), charges=freight))
    assert invoice.charges.get().tax_percent == Decimal(21)
    assert invoice.tax_total == Decimal("2.63")  # 21 % of 12.50 (2.50 + 10.00)


def test_outside_the_scope_of_vat_cannot_be_mixed(cast, po):
    data = dataclasses.replace(invoice_input(po), lines=[line(po, 1, tax_category="O"), line(po, 2, tax_category="S")])
    error = refused_code(lambda: create(cast, data))
    assert (error.code, list(error.fields)) == ("tax_categories_mixed", ["lines"])
    only_o = create(cast, invoice_input(po, (1, "1"), (2, "1"), tax_category="O"))
    assert (only_o.tax_total, only_o.lines.first().tax_exemption_reason_code) == (Decimal(0), "VATEX-EU-O")


def test_an_exempt_line_has_a_reason_the_vendors_or_the_categorys(cast, po):
    data = dataclasses.replace(
        invoice_input(po),
        lines=[line(po, 1, tax_category="E"), line(po, 2, tax_category="E", tax_exemption_reason="Article 135")],
    )
    first, second = create(cast, data).lines.order_by("line_number")
    assert (first.tax_percent, first.tax_exemption_reason_code) == (Decimal(0), "VATEX-EU-132")
    assert (second.tax_exemption_reason, second.tax_exemption_reason_code) == ("Article 135", "")


def test_the_number_is_unique_per_vendor_account_even_in_a_race(cast, po):
    create(cast, invoice_input(po, (1, "1"), number="INV-9"))
    error = refused_code(lambda: create(cast, invoice_input(po, (1, "1"), number="INV-9")))
    assert (error.code, error.fields["number"]) == (
        "number_taken",
        "Invoice number INV-9 is already used by this vendor account.",
    )
    # The same number in another vendor account is another invoice.
    other = received_po(cast, vendor=cast.vendor_b)
    services.invoice_create(actor=cast.vendor_b_user, data=invoice_input(other, (1, "1"), number="INV-9"))
    # The check before saving can lose a race; the unique constraint then answers the same.
    copy = Invoice.objects.filter(vendor=cast.vendor_a).first()
    copy.pk = None
    assert refused_code(lambda: _save_numbered(copy)).code == "number_taken"


def test_over_invoicing_found_at_submit_is_a_conflict_naming_the_line(cast, po):
    draft = create(cast, invoice_input(po, (2, "5"), (1, "8"), number="SLOW"))
    services.invoice_create_and_submit(actor=cast.vendor_a_admin, data=invoice_input(po, (1, "4"), number="FAST"))
    before = database_fingerprint()
    error = refused_code(lambda: services.invoice_submit(actor=cast.vendor_a_user, invoice=draft), Conflict)
    assert error.status == 409
    assert (error.code, error.fields) == (
        "over_invoiced",
        {"lines.1.quantity": f"Only 6 of line 1 of purchase order {po.number} is received and not yet invoiced."},
    )
    assert database_fingerprint() == before


def test_updating_a_draft_replaces_it_and_deleting_removes_it(cast, po):
    draft = create(cast, invoice_input(po, (1, "1")))
    draft = services.invoice_update(
        actor=cast.vendor_a_user, invoice=draft, data=invoice_input(po, (2, "3"), number="INV-1B")
    )
    assert (draft.number, [(row.line_number, row.quantity) for row in draft.lines.all()]) == ("INV-1B", [(1, 3)])
    assert draft.line_total == Decimal("7.50")
    assert list(draft.events.values_list("kind", flat=True)) == ["created", "updated"]
    moved = dataclasses.replace(invoice_input(po, (1, "1")), vendor_id=cast.vendor_b.pk)
    assert refused_code(lambda: services.invoice_update(actor=cast.vendor_a_user, invoice=draft, data=moved)).code == (
        "unknown_vendor"
    )
    services.invoice_delete(actor=cast.vendor_a_user, invoice=draft)
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_a_submitted_invoice_is_no_longer_edited(cast, submitted):
    invoice = submitted()
    po = invoice.lines.first().purchase_order
    error = refused_code(
        lambda: services.invoice_update(actor=cast.vendor_a_user, invoice=invoice, data=invoice_input(po, (1, "1"))),
        Conflict,
    )
    assert error.code == "invalid_transition"


# --- credit notes ---------------------------------------------------------------------------------------------------


def test_a_credit_note_names_a_creditable_invoice_of_the_vendor_account(cast, ap, po, submitted):
    no_invoice = dataclasses.replace(invoice_input(po, (1, "1")), kind=InvoiceKind.CREDIT_NOTE)
    assert refused_code(lambda: create(cast, no_invoice)).code == "credited_invoice_required"
    draft = create(cast, invoice_input(po, (1, "1"), number="D"))
    assert refused_code(lambda: create(cast, credit_of(draft, (1, "1")))).code == "not_creditable"
    rejected = services.invoice_reject(actor=ap, invoice=submitted("R"), reason="No")
    assert refused_code(lambda: create(cast, credit_of(rejected, (1, "1")))).code == "not_creditable"
    other = received_po(cast, vendor=cast.vendor_b)
    theirs = services.invoice_create_and_submit(actor=cast.vendor_b_user, data=invoice_input(other, (1, "1")))
    data = dataclasses.replace(credit_of(theirs, (1, "1")), vendor_id=cast.vendor_a.pk)
    assert refused_code(lambda: create(cast, data)).field_codes["credited_invoice"] == "not_creditable"
    invoice = submitted("I")
    credit = services.invoice_create_and_submit(actor=cast.vendor_a_user, data=credit_of(invoice, (1, "1")))
    assert refused_code(lambda: create(cast, credit_of(credit, (1, "1"), number="CN-2"))).code == "not_creditable"


def test_credit_notes_never_give_back_more_than_was_invoiced(cast, submitted):
    invoice = submitted()  # 10 of line 1, 20 of line 2
    error = refused_code(lambda: create(cast, credit_of(invoice, (1, "11"))))
    assert (error.code, list(error.fields)) == ("credit_exceeds_invoice", ["lines.0.quantity"])
    first = create(cast, credit_of(invoice, (1, "6")))
    second = create(cast, credit_of(invoice, (1, "6"), number="CN-2"))  # drafts reserve nothing
    services.invoice_submit(actor=cast.vendor_a_user, invoice=first)
    error = refused_code(lambda: services.invoice_submit(actor=cast.vendor_a_user, invoice=second), Conflict)
    assert error.code == "credit_exceeds_invoice"
    po_number = invoice.lines.first().purchase_order.number
    assert error.fields == {
        "lines.0.quantity": f"Only 4 of line 1 of purchase order {po_number} is left to credit on invoice INV-1."
    }
    prefill = selectors.credit_prefill(actor=cast.vendor_a_user, invoice=invoice)
    assert [(entry.line_number, entry.quantity) for entry in prefill.lines] == [(1, 4), (2, 20)]


def test_rejecting_a_credit_note_counts_its_quantities_again_while_the_receipts_cover_them(cast, ap, submitted):
    invoice = submitted()
    po_line = PurchaseOrderLine.objects.get(purchase_order=invoice.lines.first().purchase_order, line_number=1)
    credit = services.invoice_create_and_submit(actor=cast.vendor_a_user, data=credit_of(invoice, (1, "4")))
    po_line.refresh_from_db()
    assert po_line.invoiced_quantity == 6
    spare = services.invoice_create_and_submit(
        actor=cast.vendor_a_user, data=credit_of(invoice, (1, "1"), number="CN-2")
    )
    services.invoice_reject(actor=ap, invoice=spare, reason="Keep it.")
    po_line.refresh_from_db()
    assert po_line.invoiced_quantity == 6
    refill = invoice_input(po_line.purchase_order, (1, "4"), number="INV-2")
    services.invoice_create_and_submit(actor=cast.vendor_a_user, data=refill)
    error = refused_code(lambda: services.invoice_reject(actor=ap, invoice=credit, reason="No"), Conflict)
    assert error.code == "over_invoiced"


# --- decisions, events, notes, files --------------------------------------------------------------------------------


def test_a_payment_needs_a_date(cast, ap, submitted):
    invoice = services.invoice_approve(actor=ap, invoice=submitted())
    error = refused_code(lambda: services.invoice_record_payment(actor=ap, invoice=invoice, payment_date=None))
    assert (error.code, list(error.fields)) == ("payment_date_required", ["payment_date"])


def test_events_are_published_after_commit_with_their_payload(
    cast, ap, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    for module in ("submission", "decisions"):
        monkeypatch.setattr(
            f"vendorcollab.invoicing.services.{module}.publish",
            lambda event, **payload: published.append((str(event), payload)),
        )
    po = received_po(cast)
    invoice = services.invoice_create_and_submit(
        actor=cast.vendor_a_user, data=invoice_input(po, (1, "1"), unit_price=Decimal("9"))
    )
    services.invoice_approve(actor=ap, invoice=invoice)
    services.invoice_record_payment(actor=ap, invoice=invoice, payment_date=timezone.localdate())
    assert [event for event, _payload in published] == [
        "invoice.submitted",
        "invoice.on_hold",
        "invoice.approved",
        "invoice.paid",
    ]
    assert published[1][1] == {
        "invoice_id": invoice.pk,
        "vendor_id": cast.vendor_a.pk,
        "company_id": cast.company.pk,
        "kind": "invoice",
        "number": "INV-1",
        "status": "on_hold",
        "actor_id": cast.vendor_a_user.pk,
    }


def test_notes_internal_stay_with_the_buyer_and_the_vendors_are_shared(cast, ap, submitted):
    invoice = submitted()
    services.invoice_note_add(actor=ap, invoice=invoice, text="Check the freight.", visibility="internal")
    services.invoice_note_add(actor=ap, invoice=invoice, text="Approved next week.", visibility="external")
    mine = services.invoice_note_add(actor=cast.vendor_a_user, invoice=invoice, text="Thanks", visibility="internal")
    assert mine.visibility == "external"
    assert refused_code(lambda: services.invoice_note_add(actor=ap, invoice=invoice, text=" ")).code == "required"
    vendor_view = selectors.invoice_get(actor=cast.vendor_a_user, pk=invoice.pk)
    assert [note.text for note in vendor_view.notes.all()] == ["Approved next week.", "Thanks"]
    buyer_view = selectors.invoice_get(actor=cast.agent, pk=invoice.pk)
    assert len(buyer_view.notes.all()) == 3
    assert invoice.events.filter(kind="note_added").count() == 2


def test_files_go_with_a_draft_and_are_checked(cast, po, submitted):
    draft = create(cast, invoice_input(po, (1, "1")))
    pdf = SimpleUploadedFile("delivery note.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = services.invoice_attachment_add(actor=cast.vendor_a_user, invoice=draft, upload=pdf)
    assert (attachment.name, attachment.content_type) == ("delivery note.pdf", "application/pdf")
    program = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00", content_type="application/pdf")
    error = refused_code(
        lambda: services.invoice_attachment_add(actor=cast.vendor_a_user, invoice=draft, upload=program)
    )
    assert error.code == "file_content_mismatch"
    sent = submitted("S")
    again = SimpleUploadedFile("late.pdf", b"%PDF-1.4", content_type="application/pdf")
    error = refused_code(
        lambda: services.invoice_attachment_add(actor=cast.vendor_a_user, invoice=sent, upload=again), Conflict
    )
    assert error.code == "invalid_transition"
    assert selectors.invoice_attachment_get(actor=cast.vendor_a_user, pk=attachment.pk) == attachment
    with pytest.raises(NotFound):
        selectors.invoice_attachment_get(actor=cast.vendor_b_user, pk=attachment.pk)


def test_a_rejected_invoice_releases_its_quantities_and_the_po_is_ready_again(cast, ap):
    po = received_po(cast, quantities=("10",))
    invoice = services.invoice_create_and_submit(actor=cast.vendor_a_user, data=invoice_input(po, (1, "10")))
    po.refresh_from_db()
    assert po.has_uninvoiced_receipts is False
    services.invoice_reject(actor=ap, invoice=invoice, reason="Wrong bank account.")
    po.refresh_from_db()
    assert po.has_uninvoiced_receipts is True
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.REJECTED
