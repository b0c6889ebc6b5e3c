"""'Edit and resend': the form opens on the PO as it is; the PO goes back to draft only when a change is saved."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendorcollab.common.testing.factories import SiteFactory, WarehouseFactory, line, make_po
from vendorcollab.purchasing.models import POStatus, PurchaseOrder, PurchaseOrderEvent
from vendorcollab.purchasing.services import po_confirm, po_create, po_update
from vendorcollab.purchasing.services.inputs import LineInput

from .helpers import database_fingerprint


def posted(editor, **changes):
    """The edit form as the browser posts it untouched, with ``changes`` (form names) applied."""
    data = {}
    for form in (editor.header, *editor.lines.forms, *editor.charges.forms):
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else str(value)
    for formset in (editor.lines, editor.charges):
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
    data.update(changes)
    return data


@pytest.fixture
def in_review(cast):
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)


def test_opening_the_form_changes_nothing(client, cast, in_review):
    client.force_login(cast.agent)
    detail = client.get(reverse("buyer:po_detail", args=[in_review.pk])).content.decode()
    assert f'href="{reverse("buyer:po_edit", args=[in_review.pk])}" data-action="request-change"' in detail
    before = database_fingerprint()
    response = client.get(reverse("buyer:po_edit", args=[in_review.pk]))
    assert response.status_code == 200
    assert "stays as the vendor has it until you save a change" in response.content.decode()
    assert [form["quantity"].value() for form in response.context["editor"].lines.forms] == [Decimal(10), Decimal(20)]
    assert database_fingerprint() == before
    assert PurchaseOrder.objects.get(pk=in_review.pk).status == POStatus.IN_EXTERNAL_REVIEW


def test_saving_unchanged_keeps_the_po_in_review(client, cast, in_review):
    client.force_login(cast.agent)
    editor = client.get(reverse("buyer:po_edit", args=[in_review.pk])).context["editor"]
    before = database_fingerprint()
    response = client.post(reverse("buyer:po_edit", args=[in_review.pk]), posted(editor), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert database_fingerprint() == before


def test_saving_a_change_takes_it_to_draft_and_send_makes_the_next_version(client, cast, in_review):
    client.force_login(cast.agent)
    editor = client.get(reverse("buyer:po_edit", args=[in_review.pk])).context["editor"]
    client.post(
        reverse("buyer:po_edit", args=[in_review.pk]),
        posted(editor, **{"lines-0-quantity": "12", "command": "save_and_send"}),
    )
    po = PurchaseOrder.objects.get(pk=in_review.pk)
    assert po.status == POStatus.IN_EXTERNAL_REVIEW and po.latest_version.number == 2
    assert [line.quantity for line in po.latest_version.lines.all()] == [Decimal(12), Decimal(20)]
    kinds = list(PurchaseOrderEvent.objects.filter(purchase_order=po).values_list("kind", flat=True))
    assert kinds[-3:] == ["change_requested", "edited", "sent"]


def test_the_service_reopens_a_confirmed_po_only_with_a_change(cast, in_review):
    po = po_confirm(actor=cast.agent, purchase_order=in_review, without_response=True)
    before = database_fingerprint()
    assert po_update(actor=cast.agent, purchase_order=po, currency="EUR", reopen=True).status == POStatus.CONFIRMED
    assert database_fingerprint() == before
    changed = po_update(actor=cast.agent, purchase_order=po, currency="USD", reopen=True)
    assert changed.status == POStatus.DRAFT and changed.currency == "USD"


def test_without_reopen_only_drafts_are_edited(cast, in_review):
    from vendorcollab.common.errors import AppError

    with pytest.raises(AppError) as refused:
        po_update(actor=cast.agent, purchase_order=in_review, currency="USD")
    assert refused.value.code == "invalid_transition"


def test_a_change_writes_only_the_lines_it_changes_without_reading_what_they_name(cast):
    """An Order Change names every line and changes one or two: only those are written, and the lines' items,
    sites and warehouses are checked from the rows the change holds, not read again one line at a time."""
    site = SiteFactory(company=cast.company)
    warehouse = WarehouseFactory(site=site)
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[line(item, site=site, warehouse=warehouse) for item in cast.items[:3]],
    )
    held = list(po.lines.select_related("item", "site", "warehouse").order_by("line_number"))
    lines = [LineInput.from_line(each) for each in held]
    lines[1] = LineInput.from_line(held[1], quantity=Decimal(7))
    with CaptureQueriesContext(connection) as statements:
        po_update(actor=cast.agent, purchase_order=po, lines=lines)
    written = [each["sql"] for each in statements if each["sql"].startswith('UPDATE "purchasing_purchaseorderline"')]
    assert len(written) == 1 and '"quantity"' in written[0] and '"description"' not in written[0]
    named = ('FROM "partners_item"', 'FROM "partners_site"', 'FROM "partners_warehouse"')
    read_again = [each["sql"] for each in statements if any(table in each["sql"] for table in named)]
    assert read_again == []
    assert [each.quantity for each in po.lines.order_by("line_number")] == [10, 7, 10]
