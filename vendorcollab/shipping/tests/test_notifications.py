"""Ship-notice notifications through a real SMTP server on loopback and a real webhook receiver: the POs' buyer
contacts hear of a notice created or cancelled, the vendor's users of a receipt that found a difference (naming the
lines short or over), each in their language and as their setting says; the ERP gets the three events, signed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from vendorcollab.accounts.models import Role
from vendorcollab.common.errors import Conflict
from vendorcollab.common.testing.factories import make_user
from vendorcollab.notifications.models import DigestEntry, NotificationMode, OutgoingMail
from vendorcollab.notifications.services import notification_setting_update, webhook_endpoint_create
from vendorcollab.notifications.tests.conftest import set_person
from vendorcollab.shipping import services
from vendorcollab.shipping.inputs import NoticeReceiptLineInput

from .conftest import confirmed_po, ship

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://portal.example.com"
SHIP_EVENTS = ["ship_notice.created", "ship_notice.cancelled", "ship_notice.received"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def settle(smtp_server, make=None):
    """Make the data, wait for every mail queued since the last settling (sent and confirmed POs), then listen
    afresh."""
    result = make() if make else None
    total = OutgoingMail.objects.count()
    smtp_server.wait_for(total - getattr(smtp_server, "settled", 0))
    smtp_server.clear()
    smtp_server.settled = total
    return result


def translated(msgid: str, language: str, **params: str) -> str:
    with translation.override(language):
        return gettext(msgid) % params


def receive(cast, notice, *quantities):
    return services.ship_notice_receive(
        actor=cast.clerk,
        notice=notice,
        lines=[NoticeReceiptLineInput(number, Decimal(quantity)) for number, quantity in quantities],
    )


def test_a_created_notice_goes_to_the_buyer_contact_of_each_po_in_their_language(people, smtp_server):
    cast = people
    dutch_buyer = set_person(make_user("bram", Role.PURCHASING_AGENT), "bram@contoso.example", "nl")
    first, second = settle(
        smtp_server,
        lambda: (confirmed_po(cast), confirmed_po(cast, buyer_contact=dutch_buyer)),
    )
    notice = ship(cast, (first, 1, "4"), (second, 2, "5"), number="SN-77", carrier="DHL", tracking_number="JD01")
    messages = {message.to[0]: message for message in smtp_server.wait_for(2)}
    assert sorted(messages) == ["bob@contoso.example", "bram@contoso.example"]
    english, dutch = messages["bob@contoso.example"], messages["bram@contoso.example"]
    msgid = "%(vendor)s shipped goods with ship notice %(number)s"
    assert english.subject == "Alpha Supplies shipped goods with ship notice SN-77"
    assert dutch.subject == translated(msgid, "nl", vendor="Alpha Supplies", number="SN-77")
    assert dutch.subject != english.subject
    assert (english.content_language, dutch.content_language) == ("en", "nl")
    for mail in messages.values():
        assert mail.header("X-Vendorcollab-Event") == "ship_notice.created"
        assert first.number in mail.text and second.number in mail.text
        assert "JD01" in mail.text and "DHL" in mail.html
        assert SITE in mail.text
    # Vendor users hear nothing of their own notice.
    assert not any(message.to[0].endswith("alpha.example") for message in messages.values())
    assert notice.pk


def test_a_receipt_with_a_difference_tells_the_vendor_users_which_lines(people, smtp_server):
    cast = people
    po = settle(smtp_server, lambda: confirmed_po(cast))
    notice = settle(smtp_server, lambda: ship(cast, (po, 1, "10"), (po, 2, "20"), number="SN-9"))
    receive(cast, notice, (1, "10"), (2, "17"))
    messages = {message.to[0]: message for message in smtp_server.wait_for(2)}
    # Dave reads Dutch, Erin English; vendor B's Frank hears nothing.
    assert sorted(messages) == ["dave@alpha.example", "erin@alpha.example"]
    english = messages["erin@alpha.example"]
    assert english.subject == "Contoso Nederland received other quantities than shipped on ship notice SN-9"
    assert english.header("X-Vendorcollab-Event") == "ship_notice.received"
    assert f"Line 2 (purchase order {po.number}, line 2): shipped 20, received 17, 3 short" in english.text
    assert "Line 1 (" not in english.text  # received as shipped: not named
    dutch = messages["dave@alpha.example"]
    assert dutch.content_language == "nl"
    assert dutch.subject == translated(
        "%(company)s received other quantities than shipped on ship notice %(number)s",
        "nl",
        company="Contoso Nederland",
        number="SN-9",
    )


def test_a_receipt_as_shipped_tells_nobody_and_one_over_names_the_line(people, smtp_server):
    cast = people
    po = settle(smtp_server, lambda: confirmed_po(cast))
    notice = settle(smtp_server, lambda: ship(cast, (po, 1, "4"), (po, 2, "5")))
    receive(cast, notice, (1, "4"))
    assert OutgoingMail.objects.count() == smtp_server.settled  # nothing queued
    receive(cast, notice, (2, "6"))
    messages = smtp_server.wait_for(2)
    english = next(message for message in messages if message.to == ["erin@alpha.example"])
    assert f"Line 2 (purchase order {po.number}, line 2): shipped 5, received 6, 1 over" in english.text


def test_a_cancelled_notice_tells_the_buyer_contact_the_reason(people, smtp_server):
    cast = people
    po = settle(smtp_server, lambda: confirmed_po(cast))
    notice = settle(smtp_server, lambda: ship(cast, (po, 1, "4"), number="SN-C"))
    services.ship_notice_cancel(actor=cast.vendor_a_user, notice=notice, reason="Truck broke down")
    [mail] = smtp_server.wait_for(1)
    assert mail.to == ["bob@contoso.example"]
    assert mail.subject == "Alpha Supplies cancelled ship notice SN-C"
    assert "Truck broke down" in mail.text


def test_a_refused_notice_mails_nothing(people, smtp_server):
    cast = people
    po = settle(smtp_server, lambda: confirmed_po(cast))
    with pytest.raises(Conflict):
        ship(cast, (po, 1, "11"))
    assert OutgoingMail.objects.count() == smtp_server.settled


def test_the_digest_carries_ship_notice_events(people, smtp_server):
    cast = people
    notification_setting_update(actor=cast.agent, mode=NotificationMode.DIGEST)
    po = settle(smtp_server, lambda: confirmed_po(cast))
    notice = ship(cast, (po, 1, "4"), number="SN-D")
    assert [(entry.user_id, entry.ship_notice_id, entry.event) for entry in DigestEntry.objects.all()] == [
        (cast.agent.pk, notice.pk, "ship_notice.created")
    ]
    assert OutgoingMail.objects.count() == smtp_server.settled
    call_command("send_digests", verbosity=0)
    [digest] = smtp_server.wait_for(1)
    assert digest.to == ["bob@contoso.example"]
    assert "Alpha Supplies shipped goods with ship notice SN-D" in digest.text


def test_every_ship_notice_event_reaches_the_erp_signed(people, receiver_factory, smtp_server):
    cast = people
    receiver = receiver_factory()
    webhook_endpoint_create(actor=cast.admin, name="ERP", url=receiver.url, events=SHIP_EVENTS, secret=receiver.secret)
    po = confirmed_po(cast)
    cancelled = ship(cast, (po, 1, "1"), number="SN-W1")
    services.ship_notice_cancel(actor=cast.vendor_a_user, notice=cancelled, reason="Wrong truck")
    notice = ship(cast, (po, 1, "4"), (po, 2, "5"), number="SN-W2", packages=3)
    [receipt] = receive(cast, notice, (1, "4"), (2, "3"))
    events = [request.headers["x-vendorcollab-event"] for request in receiver.requests]
    assert events == ["ship_notice.created", "ship_notice.cancelled", "ship_notice.created", "ship_notice.received"]
    assert all(request.signature_valid for request in receiver.requests)
    bodies = [request.json["data"] for request in receiver.requests]
    assert (bodies[1]["number"], bodies[1]["status"], bodies[1]["cancel_reason"]) == (
        "SN-W1",
        "cancelled",
        "Wrong truck",
    )
    received = bodies[3]
    assert (received["ship_notice"], received["status"], received["has_difference"]) == (notice.pk, "received", True)
    assert (received["vendor_number"], received["company_code"], received["packages"]) == ("V-A", "NL01", 3)
    assert received["receipts"] == [receipt.pk]
    assert [(line["po_line_number"], line["quantity"], line["received_quantity"]) for line in received["lines"]] == [
        (1, "4.0000", "4.0000"),
        (2, "5.0000", "3.0000"),
    ]
    assert received["lines"][1]["purchase_order_number"] == po.number
    assert received["actor"] == cast.clerk.pk
