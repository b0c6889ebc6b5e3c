"""Invoice notifications through a real SMTP server on loopback and a real webhook receiver: accounts payable and
the POs' buyer contacts hear of invoices to decide, the vendor's users of the decisions, each in their language and
as their setting says; the ERP gets every invoice event, signed, with the invoice's data; nothing for a change that
was rolled back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from vendorcollab.common.events import Event, publish
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.invoicing.tests.buyer_helpers import accounts_payable, received_po, stored_invoice
from vendorcollab.notifications.models import DigestEntry, NotificationMode, WebhookDelivery
from vendorcollab.notifications.services import notification_setting_update, webhook_endpoint_create

from .conftest import set_person

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://portal.example.com"
INVOICE_EVENTS = ["invoice.submitted", "invoice.on_hold", "invoice.approved", "invoice.rejected", "invoice.paid"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def ap(people):
    """Accounts payable: Paula reads English, Piet Dutch; a third without an address hears nothing."""
    accounts_payable("nomail")
    return [
        set_person(accounts_payable("paula"), "paula@contoso.example", "en"),
        set_person(accounts_payable("piet"), "piet@contoso.example", "nl"),
    ]


def quietly(smtp_server, make):
    """Make the data (a sent and confirmed PO mails the vendor twice each), then start listening afresh."""
    result = make()
    smtp_server.wait_for(4)
    smtp_server.clear()
    return result


def announce(event: Event, invoice: Invoice, actor, **changes) -> None:
    """What the invoicing services publish when an invoice moves, inside their transaction."""
    with transaction.atomic():
        if changes:
            Invoice.objects.filter(pk=invoice.pk).update(**changes)
            invoice.refresh_from_db()
        publish(
            event,
            invoice_id=invoice.pk,
            vendor_id=invoice.vendor_id,
            company_id=invoice.company_id,
            kind=invoice.kind,
            number=invoice.number,
            status=invoice.status,
            actor_id=actor.pk,
        )


def translated(msgid: str, language: str, **params: str) -> str:
    with translation.override(language):
        return gettext(msgid) % params


def test_an_invoice_on_hold_goes_to_accounts_payable_and_the_buyer_contact(people, ap, smtp_server):
    cast = people
    invoice = quietly(
        smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-7", price_on_line_1="2.75")
    )
    announce(Event.INVOICE_ON_HOLD, invoice, cast.vendor_a_user)
    messages = {message.to[0]: message for message in smtp_server.wait_for(3)}
    # the agent is the PO's buyer contact; vendor users hear nothing of the buyer's side
    assert sorted(messages) == ["bob@contoso.example", "paula@contoso.example", "piet@contoso.example"]
    english, dutch = messages["paula@contoso.example"], messages["piet@contoso.example"]
    msgid = "Invoice %(number)s from %(vendor)s is on hold"
    assert english.subject == "Invoice INV-7 from Alpha Supplies is on hold"
    assert dutch.subject == translated(msgid, "nl", number="INV-7", vendor="Alpha Supplies")
    assert (english.content_language, dutch.content_language) == ("en", "nl")
    link = f"{SITE}/buyer/invoices/{invoice.pk}/"
    for mail in messages.values():
        assert link in mail.text and f'href="{link}"' in mail.html
        assert mail.header("X-Vendorcollab-Event") == "invoice.on_hold"
    assert invoice.lines.first().purchase_order.number in english.text
    assert "31.76 EUR" in english.text or "31.76" in english.text


def test_a_matched_invoice_goes_to_accounts_payable_only_and_a_held_one_is_told_once(people, ap, smtp_server):
    cast = people
    matched = quietly(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-M"))
    announce(Event.INVOICE_SUBMITTED, matched, cast.vendor_a_user)
    messages = smtp_server.wait_for(2)
    assert sorted(message.to[0] for message in messages) == ["paula@contoso.example", "piet@contoso.example"]
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"invoice.submitted"}
    smtp_server.clear()
    held = quietly(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-H", price_on_line_1="3.00"))
    # the submission that put it on hold, then the hold itself: one mail each, about the hold
    announce(Event.INVOICE_SUBMITTED, held, cast.vendor_a_user)
    announce(Event.INVOICE_ON_HOLD, held, cast.vendor_a_user)
    messages = smtp_server.wait_for(3)
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"invoice.on_hold"}


def test_a_rejection_tells_the_vendor_users_the_reason_in_their_language(people, ap, smtp_server):
    cast = people
    invoice = quietly(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-R"))
    announce(
        Event.INVOICE_REJECTED, invoice, ap[0], status=InvoiceStatus.REJECTED, reject_reason="Price was not agreed"
    )
    messages = {message.to[0]: message for message in smtp_server.wait_for(2)}
    # vendor B's user and the buyer's people hear nothing of it
    assert sorted(messages) == ["dave@alpha.example", "erin@alpha.example"]
    english, dutch = messages["erin@alpha.example"], messages["dave@alpha.example"]
    assert english.subject == "Contoso Nederland rejected your invoice INV-R"
    assert dutch.subject == translated(
        "%(company)s rejected your invoice %(number)s", "nl", company="Contoso Nederland", number="INV-R"
    )
    assert dutch.content_language == "nl" and '<html lang="nl">' in dutch.html
    for mail in (english, dutch):
        assert "Price was not agreed" in mail.text and "Price was not agreed" in mail.html
        assert "/buyer/" not in mail.text


def test_approval_and_payment_reach_the_vendor(people, ap, smtp_server):
    cast = people
    invoice = quietly(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-P"))
    announce(Event.INVOICE_APPROVED, invoice, ap[0], status=InvoiceStatus.APPROVED)
    approved = smtp_server.wait_for(2)
    assert {message.subject for message in approved} >= {"Contoso Nederland approved your invoice INV-P"}
    smtp_server.clear()
    announce(
        Event.INVOICE_PAID,
        invoice,
        ap[0],
        status=InvoiceStatus.PAID,
        payment_date="2026-12-04",
        payment_reference="BANK-2026-77",
    )
    paid = {message.to[0]: message for message in smtp_server.wait_for(2)}
    english = paid["erin@alpha.example"]
    assert english.subject == "Contoso Nederland paid your invoice INV-P"
    assert "BANK-2026-77" in english.text and "Payment date" in english.text


def test_a_rolled_back_decision_mails_nothing(people, ap, smtp_server):
    cast = people
    invoice = quietly(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-X"))
    with transaction.atomic():
        announce(Event.INVOICE_APPROVED, invoice, ap[0])
        transaction.set_rollback(True)
    announce(Event.INVOICE_SUBMITTED, invoice, cast.vendor_a_user)  # the sentinel
    messages = smtp_server.wait_for(2)
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"invoice.submitted"}


def test_the_digest_carries_invoice_events(people, ap, smtp_server):
    cast = people
    notification_setting_update(actor=ap[0], mode=NotificationMode.DIGEST)
    notification_setting_update(actor=ap[1], mode=NotificationMode.OFF)
    invoice = quietly(
        smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-D", price_on_line_1="2.75")
    )
    announce(Event.INVOICE_ON_HOLD, invoice, cast.vendor_a_user)
    [now] = smtp_server.wait_for(1)  # the buyer contact wants mail immediately
    assert now.to == ["bob@contoso.example"]
    assert [(entry.user_id, entry.invoice_id, entry.purchase_order_id) for entry in DigestEntry.objects.all()] == [
        (ap[0].pk, invoice.pk, None)
    ]
    smtp_server.clear()
    call_command("send_digests", verbosity=0)
    [digest] = smtp_server.wait_for(1)
    assert digest.to == ["paula@contoso.example"]
    assert "Invoice INV-D from Alpha Supplies is on hold" in digest.text
    assert f"{SITE}/buyer/invoices/{invoice.pk}/" in digest.text


def test_every_invoice_event_reaches_the_erp_signed_with_the_invoice(people, receiver_factory, smtp_server):
    cast = people
    receiver = receiver_factory()
    webhook_endpoint_create(
        actor=cast.admin, name="ERP", url=receiver.url, events=INVOICE_EVENTS, secret=receiver.secret
    )
    invoice = quietly(
        smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-W", price_on_line_1="2.75")
    )
    announce(Event.INVOICE_SUBMITTED, invoice, cast.vendor_a_user)
    announce(Event.INVOICE_ON_HOLD, invoice, cast.vendor_a_user)
    announce(Event.INVOICE_REJECTED, invoice, cast.admin, status=InvoiceStatus.REJECTED, reject_reason="No")
    announce(Event.INVOICE_APPROVED, invoice, cast.admin, status=InvoiceStatus.APPROVED, reject_reason="")
    announce(Event.INVOICE_PAID, invoice, cast.admin, status=InvoiceStatus.PAID, payment_date="2026-12-04",
             payment_reference="BANK-1")  # fmt: skip
    assert [request.headers["x-vendorcollab-event"] for request in receiver.requests] == [
        "invoice.submitted", "invoice.on_hold", "invoice.rejected", "invoice.approved", "invoice.paid",
    ]  # fmt: skip
    assert all(request.signature_valid for request in receiver.requests)
    bodies = {request.headers["x-vendorcollab-event"]: request.json["data"] for request in receiver.requests}
    po = invoice.lines.first().purchase_order
    on_hold = bodies["invoice.on_hold"]
    assert (on_hold["invoice"], on_hold["number"], on_hold["kind"], on_hold["status"]) == (
        invoice.pk, "INV-W", "invoice", "on_hold",
    )  # fmt: skip
    assert (on_hold["vendor"], on_hold["vendor_number"], on_hold["company_code"]) == (cast.vendor_a.pk, "V-A", "NL01")
    assert on_hold["purchase_orders"] == [{"purchase_order": po.pk, "number": po.number}]
    assert on_hold["exceptions"] == [{"line_number": 1, "kind": "price", "expected": "2.50", "actual": "2.75"}]
    assert (on_hold["payable_amount"], on_hold["currency"]) == ("31.76", invoice.currency)
    assert bodies["invoice.rejected"]["reject_reason"] == "No"
    assert (bodies["invoice.paid"]["payment_date"], bodies["invoice.paid"]["payment_reference"]) == (
        "2026-12-04", "BANK-1",
    )  # fmt: skip
    assert bodies["invoice.paid"]["actor"] == cast.admin.pk
    assert WebhookDelivery.objects.filter(event__startswith="invoice.").count() == 5
