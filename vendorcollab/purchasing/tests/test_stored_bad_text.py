"""Rows stored before the input rules existed (written here with the ORM, past the services) must not break any
output: the pages, the PDF and its download header, and every UBL export answer 200."""

from __future__ import annotations

from django.db.models import QuerySet
from django.test import Client
from lxml import etree

from vendorcollab.api.services import token_issue
from vendorcollab.common.testing import hostile
from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import Note, PurchaseOrder, ResponseKind, VendorResponse, VersionLine
from vendorcollab.purchasing.services import response_submit


def test_control_characters_stored_in_old_rows_break_no_page_pdf_or_ubl_export(cast):
    # Given a PO and an answer whose texts hold what XML and HTTP headers cannot: U+0001 in the response note (which
    # made its Order Response unreachable), CR/LF and a quote in the PO number, controls in names and descriptions
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response = response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED_WITH_CHANGES
    )
    # A plain queryset: the model's own refuses updates (answers are append-only), as old data never was.
    QuerySet(VendorResponse).filter(pk=response.pk).update(note="ok\x01then\ufffe", vendor_reference="SO\x0b1")
    PurchaseOrder.objects.filter(pk=po.pk).update(number='PO"1\r\nSet-Cookie: x=1')
    QuerySet(VersionLine).filter(version__purchase_order=po).update(description="Chair\x01\x85", color="re\x1bd")
    Vendor.objects.filter(pk=cast.vendor_a.pk).update(name="Vendor\x02A", street_name="Street\x07 1")
    Note.objects.create(purchase_order=po, text="note\x08", visibility="external", author=cast.agent)
    po.refresh_from_db()
    buyer, vendor = Client(), Client()
    buyer.force_login(cast.admin)
    vendor.force_login(cast.vendor_a_user)
    headers = {"Authorization": "Bearer " + token_issue(actor=cast.admin)[1]}

    # When every page and document of it is fetched, then each answers 200
    assert hostile.render_everything(po, buyer=buyer, vendor=vendor, api_headers=headers) == []

    # And the PDF's header keeps the number as one percent-encoded value, never a second header line
    pdf = buyer.get(f"/buyer/purchase-orders/{po.pk}/versions/1/pdf/")
    assert pdf["Content-Disposition"] == "inline; filename*=utf-8''PO%221%0D%0ASet-Cookie%3A%20x%3D1-1.pdf"
    assert "Set-Cookie" not in {key.lower() for key in pdf.headers if key != "Content-Disposition"}
    # And the Order Response is well-formed XML with the character replaced, not dropped in silence
    answer = buyer.get(f"/api/v1/purchase-orders/{po.pk}/responses/{response.pk}/ubl", headers=headers)
    document = etree.fromstring(answer.content)
    notes = document.findall(".//{*}Note")
    assert any("ok\ufffdthen\ufffd" in (note.text or "") for note in notes), [note.text for note in notes]
