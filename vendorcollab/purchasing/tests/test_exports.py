"""Every list as CSV and Excel: the page's rows and columns, its filters honoured, nobody else's data."""

import csv
import io
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from openpyxl import load_workbook

from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, ResponseKind
from vendorcollab.purchasing.services import po_confirm, response_submit


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_vendor_lists_as_csv_and_excel_honour_the_filters(client, cast):
    first = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, number="A-1")
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[1:2], send=True, number="B-2")
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True, number="C-3")  # vendor B's
    client.force_login(cast.vendor_a_user)
    url = reverse("vendor:po_list", args=["for_review"])
    rows = csv_rows(client.get(url, {"format": "csv", "sort": "number"}))
    assert rows[0][:3] == ["Purchase order", "Customer", "Vendor account"]
    assert [row[0] for row in rows[1:]] == ["A-1-1", "B-2-1"]
    assert rows[1][5] == "25"  # 10 x 2.50, no trailing zeros
    rows = xlsx_rows(client.get(url, {"format": "xlsx", "q": "B-2"}))
    assert [row[0] for row in rows[1:]] == ["B-2-1"]
    assert rows[1][5] == 25  # a number in Excel, not text
    response_submit(actor=cast.vendor_a_user, purchase_order=first, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=first)
    rows = csv_rows(client.get(reverse("vendor:po_list", args=["all_confirmed"]), {"format": "csv"}))
    assert [row[0] for row in rows[1:]] == ["A-1-1"] and rows[0][3] == "Confirmed on"
    rows = csv_rows(client.get(reverse("vendor:history"), {"format": "csv", "sort": "number"}))
    assert [row[0] for row in rows[1:]] == ["A-1-1", "B-2-1"]
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert rows[1][5] == "" and rows[1][6] == ""


def test_buyer_lists_as_csv_and_excel(client, cast):
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], number="D-1")
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], number="D-2")
    client.force_login(cast.clerk)
    url = reverse("buyer:po_list", args=["drafts"])
    rows = csv_rows(client.get(url, {"format": "csv", "q": cast.vendor_b.name}))
    assert [row[0] for row in rows[1:]] == ["D-2"]
    rows = xlsx_rows(client.get(url, {"format": "xlsx", "sort": "number"}))
    assert [row[0] for row in rows[1:]] == ["D-1", "D-2"]


# Stored text a spreadsheet would evaluate (OWASP's CSV injection examples), as old rows or an import could hold it.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _hostile_orders(cast):
    """One PO per hostile number, of a vendor account and a customer whose stored names are hostile too."""
    for index, text in enumerate(HOSTILE):
        po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, number=f"X-{index}")
        PurchaseOrder.objects.filter(pk=po.pk).update(number=text)  # bypassing the services, as old data would
    Company.objects.filter(pk=cast.company.pk).update(name="@SUM(A1)")
    Vendor.objects.filter(pk=cast.vendor_a.pk).update(number="-2+3", name='=HYPERLINK("http://x","y")')


def test_csv_never_carries_a_formula(client, cast):
    _hostile_orders(cast)
    client.force_login(cast.vendor_a_user)
    rows = csv_rows(client.get(reverse("vendor:po_list", args=["for_review"]), {"format": "csv", "sort": "number"}))
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + text + "-1" for text in HOSTILE)
    assert {(row[1], row[2]) for row in rows[1:]} == {("'@SUM(A1)", "'-2+3")}
    assert {row[5] for row in rows[1:]} == {"25"}  # an amount stays a plain number
    client.force_login(cast.agent)
    rows = csv_rows(client.get(reverse("buyer:po_list", args=["awaiting_vendor"]), {"format": "csv"}))
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + text + "-1" for text in HOSTILE)
    assert {row[2] for row in rows[1:]} == {'\'-2+3 =HYPERLINK("http://x","y")'}


def test_excel_cells_holding_text_are_typed_text(client, cast):
    _hostile_orders(cast)
    # A negative amount (a credit) is a number, not text to defuse.
    versions = QuerySet(PurchaseOrderVersion)  # past the append-only guard, as a credit note's total could be stored
    versions.filter(purchase_order__vendor=cast.vendor_a).update(total_amount=Decimal("-25"))
    Company.objects.filter(pk=cast.company.pk).update(name="@SUM(A1)\x01")  # a control character Excel cannot hold
    client.force_login(cast.vendor_a_user)
    response = client.get(reverse("vendor:po_list", args=["for_review"]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    assert cells and not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == sorted(text + "-1" for text in HOSTILE)
    assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {"@SUM(A1)"}
    assert {row[2].value for row in sheet.iter_rows(min_row=2)} == {"-2+3"}
    assert {(row[5].value, row[5].data_type) for row in sheet.iter_rows(min_row=2)} == {(-25, "n")}
