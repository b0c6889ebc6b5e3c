"""``manage.py import_ubl FOLDER [--as USERNAME]``: every *.xml of a folder, one report line per file, a non-zero
exit when any file was refused."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vendorcollab.interop.models import Document
from vendorcollab.purchasing.models import Origin, PurchaseOrder

from .documents import OrderLine, order_xml


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_ubl", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_a_folder_imports_file_by_file_and_fails_if_any_file_was_refused(endpoints, tmp_path):
    items = endpoints.items
    (tmp_path / "a-good.xml").write_bytes(order_xml([OrderLine(items[0].number)], number="ERP-1"))
    (tmp_path / "b-bad-quantity.xml").write_bytes(
        order_xml([OrderLine(items[0].number, quantity="ten")], number="ERP-2")
    )
    (tmp_path / "c-not-xml.XML").write_bytes(b"%PDF-1.4")
    (tmp_path / "d-good.xml").write_bytes(order_xml([OrderLine(items[1].number)], number="ERP-3"))
    (tmp_path / "notes.txt").write_text("not an order")

    out, err, failure = run(tmp_path, "--as", endpoints.agent.username)

    created = {po.number: po for po in PurchaseOrder.objects.all()}
    assert set(created) == {"ERP-1", "ERP-3"}
    assert all(po.origin == Origin.UBL and po.created_by == endpoints.agent for po in created.values())
    assert f"a-good.xml: created purchase order ERP-1 (id {created['ERP-1'].pk}) for vendor V-A." in out
    assert "d-good.xml: created purchase order ERP-3" in out
    assert "b-bad-quantity.xml: refused (ubl_invalid_number): Order/OrderLine[1]/LineItem/Quantity" in err
    assert "c-not-xml.XML: refused (ubl_malformed)" in err
    assert "notes.txt" not in out + err
    assert failure == "2 of 4 files imported."


def test_a_folder_that_imports_whole_succeeds_as_the_only_procurement_admin(endpoints, tmp_path):
    (tmp_path / "order.xml").write_bytes(order_xml([OrderLine(endpoints.items[0].number)]))
    out, _err, failure = run(tmp_path)
    assert failure is None
    assert "1 of 1 files imported." in out
    assert PurchaseOrder.objects.get().created_by == endpoints.admin


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody"], "There is no active user nobody."),
        (["--as", "dave"], None),  # a vendor user: every file refused for its role
    ],
)
def test_the_user_must_be_a_buyer_who_may_purchase(endpoints, tmp_path, args, message):
    (tmp_path / "order.xml").write_bytes(order_xml([OrderLine(endpoints.items[0].number)]))
    _out, err, failure = run(tmp_path, *args)
    assert failure == (message or "0 of 1 files imported.")
    if message is None:
        assert "refused (role_not_allowed)" in err
    assert not PurchaseOrder.objects.exists()


def test_a_missing_folder_is_an_error(endpoints, tmp_path):
    assert run(tmp_path / "missing", "--as", "bob")[2] == f"{tmp_path / 'missing'} is not a folder."


ORDER_RESPONSE = b"""<?xml version="1.0" encoding="UTF-8"?>
<OrderResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order_response:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>SO-404</cbc:ID>
</OrderResponse>"""


def test_every_file_is_logged_in_the_document_log_taken_or_refused(endpoints, tmp_path):
    items = endpoints.items
    (tmp_path / "a-good.xml").write_bytes(order_xml([OrderLine(items[0].number)], number="ERP-1"))
    # (An unknown item is a free-text line, never refused: a quantity that is no number is.)
    (tmp_path / "b-bad-quantity.xml").write_bytes(
        order_xml([OrderLine(items[1].number, quantity="ten")], number="ERP-2")
    )
    (tmp_path / "c-response.xml").write_bytes(ORDER_RESPONSE)
    (tmp_path / "d-not-xml.xml").write_bytes(b"%PDF-1.4")

    _out, err, failure = run(tmp_path, "--as", endpoints.agent.username)

    logged = {document.document_id: document for document in Document.objects.filter(direction="inbound")}
    assert set(logged) == {"ERP-1", "ERP-2", "SO-404"}  # the PDF is no document: refused, not filed
    po = PurchaseOrder.objects.get(number="ERP-1")
    assert (logged["ERP-1"].status, logged["ERP-1"].transaction, logged["ERP-1"].purchase_order) == ("taken", "T01", po)
    assert (
        logged["ERP-1"].actor == endpoints.agent
        and bytes(logged["ERP-1"].xml) == (tmp_path / "a-good.xml").read_bytes()
    )
    assert (logged["ERP-2"].status, logged["ERP-2"].reasons[0]["code"]) == ("refused", "ubl_invalid_number")
    assert (logged["SO-404"].status, logged["SO-404"].transaction) == ("refused", "T76")
    assert logged["SO-404"].reasons
    assert "c-response.xml: refused (" in err and "d-not-xml.xml: refused (ubl_malformed)" in err
    assert failure == "1 of 4 files imported."
