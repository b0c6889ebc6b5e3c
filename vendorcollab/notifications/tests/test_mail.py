"""Notification mail through a real SMTP server on loopback: who gets which mail, in which language, with which
link; each person's setting (immediately, daily digest, off); nothing for consignment or rolled-back changes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from vendorcollab.accounts.models import VendorMembership
from vendorcollab.common.events import Event, publish
from vendorcollab.common.testing.factories import make_po
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.notifications.models import DigestEntry, NotificationMode, NotificationSetting
from vendorcollab.notifications.services import notification_setting_update
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_cancel, po_confirm, po_request_change, po_send, response_submit

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://portal.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash must not double up in links


def subject(msgid: str, language: str, **params: str) -> str:
    """The subject as the catalogue of ``language`` has it: passes before and after the Dutch text is written."""
    with translation.override(language):
        return gettext(msgid) % params


def by_recipient(messages):
    return {tuple(message.to): message for message in messages}


def vendor_link(po) -> str:
    return f"{SITE}/vendor/purchase-orders/{po.pk}/"


def buyer_link(po) -> str:
    return f"{SITE}/buyer/purchase-orders/{po.pk}/"


def test_a_sent_po_mails_each_vendor_user_in_their_language(people, smtp_server):
    cast = people
    # given a vendor A user whose link is switched off, and vendor B's user: neither may hear of vendor A's PO
    switched_off = VendorMembership.objects.create(user=cast.vendor_b_user, vendor=cast.vendor_a, is_active=False).user
    # when
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    # then
    messages = smtp_server.wait_for(2)
    assert sorted(message.to[0] for message in messages) == ["dave@alpha.example", "erin@alpha.example"]
    assert switched_off.email not in {address for message in messages for address in message.envelope_to}
    mails = by_recipient(messages)
    label = f"{po.number}-1"
    english = mails[("erin@alpha.example",)]
    dutch = mails[("dave@alpha.example",)]
    msgid = "Purchase order %(label)s from %(company)s for your review"
    assert english.subject == subject(msgid, "en", label=label, company="Contoso Nederland")
    assert english.subject == f"Purchase order {label} from Contoso Nederland for your review"
    assert dutch.subject == subject(msgid, "nl", label=label, company="Contoso Nederland")
    assert (english.content_language, dutch.content_language) == ("en", "nl")
    assert '<html lang="nl">' in dutch.html and '<html lang="en">' in english.html
    for mail in (english, dutch):
        assert vendor_link(po) in mail.text and f'href="{vendor_link(po)}"' in mail.html
        assert f"{SITE}/settings/notifications/" in mail.text
        assert mail.header("Auto-Submitted") == "auto-generated"
        assert mail.header("X-Vendorcollab-Event") == "po.sent"
    assert "Contoso Nederland sent you purchase order" in english.text
    assert "2" in english.text and "V-A Alpha Supplies" in english.text


def test_a_new_version_says_so(people, smtp_server):
    cast = people
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    smtp_server.wait_for(2)
    smtp_server.clear()
    po_request_change(actor=cast.agent, purchase_order=po)
    po_send(actor=cast.agent, purchase_order=po)
    mails = by_recipient(smtp_server.wait_for(2))
    assert mails[("erin@alpha.example",)].subject == subject(
        "New version %(label)s of a purchase order from %(company)s for your review",
        "en",
        label=f"{po.number}-2",
        company="Contoso Nederland",
    )


def test_a_response_mails_the_buyer_contact_with_the_buyer_link(people, smtp_server):
    cast = people
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, buyer_contact=cast.admin)
    smtp_server.wait_for(2)
    smtp_server.clear()
    response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED, vendor_reference="SO-77"
    )
    [mail] = smtp_server.wait_for(1)
    assert mail.to == ["alice@contoso.example"]  # the contact, not the agent who created it
    assert mail.content_language == "nl"
    with translation.override("nl"):
        rejected = str(ResponseKind.REJECTED.label)
    assert mail.subject == subject(
        "%(vendor)s answered purchase order %(label)s: %(response)s",
        "nl",
        vendor="Alpha Supplies",
        label=f"{po.number}-1",
        response=rejected,
    )
    assert buyer_link(po) in mail.text and f'href="{buyer_link(po)}"' in mail.html
    assert "SO-77" in mail.text


def test_a_response_goes_to_the_creator_when_the_contact_has_left(people, smtp_server):
    cast = people
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, buyer_contact=cast.admin)
    smtp_server.wait_for(2)
    smtp_server.clear()
    cast.admin.is_active = False
    cast.admin.save(update_fields=["is_active"])
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    [mail] = smtp_server.wait_for(1)
    assert mail.to == ["bob@contoso.example"] and mail.content_language == "en"


def test_confirmation_and_cancellation_mail_the_vendor(people, smtp_server):
    cast = people
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    smtp_server.wait_for(3)  # two vendor users for the send, the agent for the answer
    smtp_server.clear()

    po_confirm(actor=cast.agent, purchase_order=po)
    mails = by_recipient(smtp_server.wait_for(2))
    confirmed = "Purchase order %(label)s from %(company)s is confirmed"
    params = {"label": f"{po.number}-1", "company": "Contoso Nederland"}
    assert mails[("erin@alpha.example",)].subject == subject(confirmed, "en", **params)
    assert mails[("dave@alpha.example",)].subject == subject(confirmed, "nl", **params)
    assert vendor_link(po) in mails[("dave@alpha.example",)].text
    smtp_server.clear()

    po_cancel(actor=cast.agent, purchase_order=po, reason="Project stopped")
    mails = by_recipient(smtp_server.wait_for(2))
    cancelled = "Purchase order %(number)s from %(company)s is cancelled"
    assert mails[("erin@alpha.example",)].subject == subject(
        cancelled, "en", number=po.number, company=params["company"]
    )
    assert mails[("dave@alpha.example",)].subject == subject(
        cancelled, "nl", number=po.number, company=params["company"]
    )
    assert "Project stopped" in mails[("erin@alpha.example",)].text
    assert mails[("erin@alpha.example",)].header("X-Vendorcollab-Event") == "po.cancelled"


def test_auto_confirmation_tells_the_vendor_it_is_confirmed(people, smtp_server):
    cast = people
    cast.vendor_a.collaboration = Collaboration.AUTO_CONFIRM
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    smtp_server.wait_for(2)
    smtp_server.clear()
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    messages = smtp_server.wait_for(3)
    events = sorted((message.to[0], message.header("X-Vendorcollab-Event")) for message in messages)
    assert events == [
        ("bob@contoso.example", "response.submitted"),
        ("dave@alpha.example", "po.confirmed"),
        ("erin@alpha.example", "po.confirmed"),
    ]
    erin = next(message for message in messages if message.to == ["erin@alpha.example"])
    assert "Your acceptance confirmed purchase order" in erin.text


def test_cancelling_a_draft_never_sent_tells_the_vendor_nothing(people, smtp_server):
    cast = people
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    po_cancel(actor=cast.agent, purchase_order=draft, reason="typo")
    sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)  # the sentinel
    messages = smtp_server.wait_for(2)
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"po.sent"}
    assert all(sent.number in message.subject for message in messages)


def test_setting_off_sends_nothing_and_digest_waits_for_send_digests(people, smtp_server):
    cast = people
    notification_setting_update(actor=cast.vendor_a_user, mode=NotificationMode.OFF)
    notification_setting_update(actor=cast.vendor_a_admin, mode=NotificationMode.DIGEST)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=po)
    # only the agent's mail about the answer goes now
    [mail] = smtp_server.wait_for(1)
    assert mail.to == ["bob@contoso.example"]
    assert [(entry.user_id, entry.event) for entry in DigestEntry.objects.order_by("pk")] == [
        (cast.vendor_a_admin.pk, "po.sent"),
        (cast.vendor_a_admin.pk, "po.confirmed"),
    ]
    smtp_server.clear()

    call_command("send_digests", verbosity=0)
    [digest] = smtp_server.wait_for(1)
    assert digest.to == ["erin@alpha.example"] and digest.content_language == "en"
    assert digest.subject == "Your daily summary: 2 updates on purchase orders"
    assert f"Purchase order {po.number}-1 from Contoso Nederland for your review" in digest.text
    assert f"Purchase order {po.number}-1 from Contoso Nederland is confirmed" in digest.text
    assert digest.text.count(vendor_link(po)) == 2 and f'href="{vendor_link(po)}"' in digest.html
    assert not DigestEntry.objects.filter(sent_at__isnull=True).exists()

    smtp_server.clear()
    call_command("send_digests", verbosity=0)  # nothing new: nothing sent
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)  # the sentinel
    [sentinel] = smtp_server.wait_for(1)
    assert sentinel.to == ["frank@beta.example"]


def test_a_dutch_digest(people, smtp_server):
    cast = people
    notification_setting_update(actor=cast.vendor_a_user, mode=NotificationMode.DIGEST)
    NotificationSetting.objects.create(user=cast.vendor_a_admin, mode=NotificationMode.OFF)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    call_command("send_digests", verbosity=0)
    [digest] = smtp_server.wait_for(1)
    assert digest.to == ["dave@alpha.example"] and digest.content_language == "nl"
    with translation.override("nl"):
        expected = translation.ngettext(
            "Your daily summary: %(count)s update on purchase orders",
            "Your daily summary: %(count)s updates on purchase orders",
            1,
        ) % {"count": 1}
    assert digest.subject == expected
    assert vendor_link(po) in digest.text


def test_switching_off_drops_what_waits_for_the_digest(people, smtp_server):
    cast = people
    notification_setting_update(actor=cast.vendor_a_admin, mode=NotificationMode.DIGEST)
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    assert DigestEntry.objects.filter(user=cast.vendor_a_admin).count() == 1
    notification_setting_update(actor=cast.vendor_a_admin, mode=NotificationMode.OFF)
    assert not DigestEntry.objects.exists()


def test_consignment_purchase_orders_send_no_mail(people, smtp_server):
    cast = people
    priced(cast)
    stocked(cast, quantity="10")
    from vendorcollab.consignment.services import ownership_change_post

    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="3")])
    # even if a PO event were published for it, a consignment PO takes no part in confirmation
    with transaction.atomic():
        publish(Event.PO_CONFIRMED, purchase_order=journal.purchase_order_id, version=1, automatic=True, actor=None)
        publish(Event.PO_CANCELLED, purchase_order=journal.purchase_order_id, reason="", actor=None)
    sentinel = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    messages = smtp_server.wait_for(2)
    assert all(sentinel.number in message.subject for message in messages)
    assert {message.header("X-Vendorcollab-Event") for message in messages} == {"po.sent"}


def test_a_rolled_back_change_sends_no_mail(people, smtp_server):
    cast = people
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    with pytest.raises(RuntimeError), transaction.atomic():
        po_send(actor=cast.agent, purchase_order=po)
        raise RuntimeError("something after the send failed")
    assert not DigestEntry.objects.exists()
    po_send(actor=cast.agent, purchase_order=po)  # the same send, committed this time
    messages = smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2
    assert all(f"{po.number}-1" in message.subject for message in messages)


def test_a_mail_server_that_is_down_does_not_break_the_action(people, settings, caplog):
    cast = people
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po.refresh_from_db()
    assert po.status == "in_external_review"
    # one line per mail that could not go, saying why, and no traceback (test_outbox follows them to the end)
    failures = [record for record in caplog.records if record.levelname == "WARNING"]
    assert len(failures) == 2 and all("not sent, attempt 1 of 7" in record.getMessage() for record in failures)
    assert all(record.exc_info is None for record in caplog.records)
