"""Invoice notifications through a real SMTP server on loopback and a real webhook receiver: accounts payable and
the POs' buyer contacts hear of invoices to decide, the vendor's users of the decisions, each in their language and
as their setting says; the ERP gets every invoice event, signed, with the invoice's data; nothing for a change that
was rolled back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from vendorcollab.invoicing import services
from vendorcollab.invoicing.tests.buyer_helpers import accounts_payable, received_po, stored_invoice
from vendorcollab.notifications.models import DigestEntry, NotificationMode, OutgoingMail, WebhookDelivery
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


def settle(smtp_server, make=None):
    """Make the data, wait for every mail queued since the last settling (sent POs, confirmations, submissions),
    then listen afresh."""
    result = make() if make else None
    total = OutgoingMail.objects.count()
    smtp_server.wait_for(total - getattr(smtp_server, "settled", 0))
    smtp_server.clear()
    smtp_server.settled = total
    return result


def translated(msgid: str, language: str, **params: str) -> str:
    with translation.override(language):
        return gettext(msgid) % params


def test_an_invoice_on_hold_goes_to_accounts_payable_and_the_buyer_contact(people, ap, smtp_server):
    cast = people
    po = settle(smtp_server, lambda: received_po(cast))
    # when the vendor submits an invoice with a price the PO does not have
    invoice = stored_invoice(cast, po, number="INV-7", price_on_line_1="2.75")
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
    po = settle(smtp_server, lambda: received_po(cast))
    stored_invoice(cast, po, number="INV-M")
    messages = smtp_server.wait_for(2)
    assert sorted(message.to[0] for message in messages) == ["paula@contoso.example", "piet@contoso.example"]
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"invoice.submitted"}
    po = settle(smtp_server, lambda: received_po(cast))
    # the submission that puts it on hold publishes "submitted" and "on hold": one mail each, about the hold
    stored_invoice(cast, po, number="INV-H", price_on_line_1="3.00")
    messages = smtp_server.wait_for(3)
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"invoice.on_hold"}


def test_a_rejection_tells_the_vendor_users_the_reason_in_their_language(people, ap, smtp_server):
    cast = people
    invoice = settle(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-R"))
    services.invoice_reject(actor=ap[0], invoice=invoice, reason="Price was not agreed")
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
    invoice = settle(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-P"))
    invoice = services.invoice_approve(actor=ap[0], invoice=invoice)
    approved = smtp_server.wait_for(2)
    assert {message.subject for message in approved} >= {"Contoso Nederland approved your invoice INV-P"}
    smtp_server.clear()
    services.invoice_record_payment(
        actor=ap[0], invoice=invoice, payment_date=timezone.localdate(), reference="BANK-2026-77"
    )
    paid = {message.to[0]: message for message in smtp_server.wait_for(2)}
    english = paid["erin@alpha.example"]
    assert english.subject == "Contoso Nederland paid your invoice INV-P"
    assert "BANK-2026-77" in english.text and "Payment date" in english.text


def test_a_rolled_back_decision_mails_nothing(people, ap, smtp_server):
    cast = people
    invoice = settle(smtp_server, lambda: stored_invoice(cast, received_po(cast), number="INV-X"))
    with transaction.atomic():
        services.invoice_approve(actor=ap[0], invoice=invoice)
        transaction.set_rollback(True)
    services.invoice_reject(actor=ap[0], invoice=invoice, reason="Sentinel")  # the sentinel
    messages = smtp_server.wait_for(2)
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"invoice.rejected"}


def test_the_digest_carries_invoice_events(people, ap, smtp_server):
    cast = people
    notification_setting_update(actor=ap[0], mode=NotificationMode.DIGEST)
    notification_setting_update(actor=ap[1], mode=NotificationMode.OFF)
    po = settle(smtp_server, lambda: received_po(cast))
    invoice = stored_invoice(cast, po, number="INV-D", price_on_line_1="2.75")
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
    # an invoice on hold, rejected; another, matched, approved and paid
    invoice = stored_invoice(cast, received_po(cast), number="INV-W", price_on_line_1="2.75")
    services.invoice_reject(actor=cast.admin, invoice=invoice, reason="No")
    second = stored_invoice(cast, received_po(cast), number="INV-W2")
    second = services.invoice_approve(actor=cast.admin, invoice=second)
    services.invoice_record_payment(
        actor=cast.admin, invoice=second, payment_date=timezone.localdate(), reference="BANK-1"
    )
    assert [request.headers["x-vendorcollab-event"] for request in receiver.requests] == [
        "invoice.submitted", "invoice.on_hold", "invoice.rejected", "invoice.submitted", "invoice.approved",
        "invoice.paid",
    ]  # fmt: skip
    assert all(request.signature_valid for request in receiver.requests)
    bodies = {request.headers["x-vendorcollab-event"]: request.json["data"] for request in receiver.requests}
    assert bodies["invoice.submitted"]["number"] == "INV-W2"  # the later one of the two
    po = invoice.lines.first().purchase_order
    on_hold = bodies["invoice.on_hold"]
    assert (on_hold["invoice"], on_hold["number"], on_hold["kind"], on_hold["status"]) == (
        invoice.pk, "INV-W", "invoice", "on_hold",
    )  # fmt: skip
    assert on_hold["actor"] == cast.vendor_a_user.pk
    assert (on_hold["vendor"], on_hold["vendor_number"], on_hold["company_code"]) == (cast.vendor_a.pk, "V-A", "NL01")
    assert on_hold["purchase_orders"] == [{"purchase_order": po.pk, "number": po.number}]
    [exception] = [found for found in on_hold["exceptions"] if found["line_number"] is not None]
    assert (exception["line_number"], exception["kind"]) == (1, "price")
    assert (Decimal(exception["expected"]), Decimal(exception["actual"])) == (Decimal("2.50"), Decimal("2.75"))
    assert (on_hold["payable_amount"], on_hold["currency"]) == ("31.76", invoice.currency)
    assert bodies["invoice.rejected"]["reject_reason"] == "No"
    assert (bodies["invoice.paid"]["payment_date"], bodies["invoice.paid"]["payment_reference"]) == (
        timezone.localdate().isoformat(), "BANK-1",
    )  # fmt: skip
    assert bodies["invoice.paid"]["actor"] == cast.admin.pk
    assert WebhookDelivery.objects.filter(event__startswith="invoice.").count() == 6
