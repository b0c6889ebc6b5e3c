"""Every list as CSV and Excel: the page's rows and columns, its filters honoured, nobody else's data."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import ResponseKind
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
