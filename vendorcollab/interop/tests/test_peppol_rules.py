"""The documents we write, held against the official PEPPOL rules (``../shared/peppol-rules``, run with Saxon-HE as
an access point runs them), not against our own reading of them.

Every document written conforms (``test_export_conformance`` walks every transaction and kind of answer); this file
guards the part that the input rules changed: text stored before those rules (control characters in names, notes,
descriptions) is made XML-safe at the output, and the documents written from it still conform.
"""

from __future__ import annotations

from django.db.models import QuerySet

from vendorcollab.interop.selectors import response_for_export, version_for_export
from vendorcollab.interop.writers import ubl_order, ubl_order_response
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import Note, ResponseKind, VendorResponse, VersionLine
from vendorcollab.purchasing.services import response_submit

from .conftest import assert_valid, example, peppol_fatal
from .test_export_conformance import complete_master_data


def test_the_runner_finds_the_official_examples_conformant_and_a_broken_one_not():
    """The runner itself against the real thing: the official examples pass, and a removed mandatory element fails."""
    order = example("Order_Example.xml")
    assert peppol_fatal(order, "T01") == set()
    assert peppol_fatal(example("OrderResponse_Example.xml"), "T76") == set()
    without_customization = order.replace(b"<cbc:CustomizationID>", b"<cbc:Note>").replace(
        b"</cbc:CustomizationID>", b"</cbc:Note>", 1
    )
    assert peppol_fatal(without_customization, "T01") != set()


def _documents(cast, po, response) -> tuple[bytes, bytes]:
    """The PO's Order and its answer's Order Response, each checked against the UBL 2.1 schema."""
    order = ubl_order(version_for_export(actor=cast.agent, purchase_order_id=po.pk, number=1))
    answer = ubl_order_response(response_for_export(actor=cast.agent, purchase_order_id=po.pk, response_id=response.pk))
    assert_valid(order, "Order")
    assert_valid(answer, "OrderResponse")
    return order, answer


def test_text_stored_before_the_input_rules_adds_no_failure_of_the_official_rules(endpoints, sent):
    complete_master_data(endpoints)
    # Given a sent PO and its answer, written once from clean text
    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.REJECTED, note="Not now"
    )
    clean_order, clean_answer = _documents(endpoints, sent, response)

    # When the same rows hold what the input rules now refuse (written past the services, as old data was)
    QuerySet(VendorResponse).filter(pk=response.pk).update(note="Not\x01now\ufffe", vendor_reference="SO\x0b1")
    QuerySet(VersionLine).filter(version__purchase_order=sent).update(color="re\x1bd")
    Vendor.objects.filter(pk=endpoints.vendor_a.pk).update(name="Vendor\x02A")
    Note.objects.create(purchase_order=sent, text="note\x08", visibility="external", author=endpoints.agent)
    dirty_order, dirty_answer = _documents(endpoints, sent, response)

    # Then both documents still pass the UBL 2.1 schema (checked in _documents) and the official rules, as the clean
    # ones do: the replacement characters break no rule of their own
    assert dirty_order != clean_order and dirty_answer != clean_answer
    assert peppol_fatal(clean_order, "T01") == set()
    assert peppol_fatal(dirty_order, "T01") == set()
    assert peppol_fatal(clean_answer, "T76") == set()
    assert peppol_fatal(dirty_answer, "T76") == set()
