"""The outgoing mail queue against a real SMTP server that is down, then up again: the user's action succeeds, the
mail waits in the log with its error, and arrives after the retry; the back-off schedule and the final failure."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vendorcollab.common.testing.factories import make_po
from vendorcollab.notifications.models import MAIL_BACKOFF, MAIL_MAX_ATTEMPTS, MailStatus, OutgoingMail

from .conftest import set_person

pytestmark = pytest.mark.django_db(transaction=True)


def at(moment):
    """Move the clock of everything that asks ``timezone.now()``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def send_due(moment) -> str:
    """What a cron run of ``send_mail_queue`` at ``moment`` does."""
    out = StringIO()
    with at(moment):
        call_command("send_mail_queue", stdout=out)
    return out.getvalue()


def down(smtp_server) -> int:
    """Take the mail server down; connections to its port are refused until ``smtp_server.start(port)``."""
    port = smtp_server.port
    smtp_server.stop()
    return port


def no_tracebacks(caplog) -> None:
    assert all(record.exc_info is None for record in caplog.records)
    assert "Traceback" not in caplog.text


def test_password_reset_while_the_mail_server_is_down(client, cast, smtp_server, caplog):
    dave = set_person(cast.vendor_a_user, "dave@alpha.example")
    port = down(smtp_server)

    # when dave asks for a new password, and someone tries an address nobody has
    response = client.post(reverse("account_reset_password"), {"email": "dave@alpha.example"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@alpha.example"})

    # then both get the usual "we sent you a mail" answer: no error, and nothing tells whether the address exists
    assert response.status_code == unknown.status_code == 302
    assert response["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    mail = OutgoingMail.objects.get(to=["dave@alpha.example"])
    assert (mail.status, mail.attempts, mail.kind, mail.sensitive) == (
        MailStatus.RETRYING,
        1,
        "password_reset_key",
        True,
    )
    assert "Connection refused" in mail.last_error
    assert mail.next_attempt_at - mail.last_attempt_at == MAIL_BACKOFF[0]
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 2 and "dave@alpha.example not sent, attempt 1 of 7" in " ".join(warnings)
    no_tracebacks(caplog)

    # when the mail server is back and the retry is due
    smtp_server.start(port)
    assert send_due(mail.next_attempt_at - timedelta(seconds=1)) == "mail: 0 sent, 0 to retry, 0 failed\n"
    assert "mail: 2 sent" in send_due(mail.next_attempt_at + timedelta(seconds=1))

    # then the mail arrives, and its link sets a new password
    message = next(message for message in smtp_server.wait_for(2) if message.to == ["dave@alpha.example"])
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.text).group(0)
    form = client.get("/" + link.split("/", 3)[3], follow=True)
    done = client.post(form.request["PATH_INFO"], {"password1": "New-secret-4821", "password2": "New-secret-4821"})
    assert done.status_code == 302
    dave.refresh_from_db()
    assert dave.check_password("New-secret-4821")
    # and the log keeps that it went, not a working copy of the link
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.body, mail.html) == (MailStatus.SENT, 2, "", "")
    assert mail.sent_at is not None and mail.next_attempt_at is None


def test_a_notification_waits_for_the_mail_server_and_arrives(people, smtp_server, caplog):
    cast = people
    port = down(smtp_server)

    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)

    po.refresh_from_db()
    assert po.status == "in_external_review"  # the send went through
    mails = list(OutgoingMail.objects.order_by("recipient"))
    assert [(mail.recipient, mail.kind, mail.status, mail.language) for mail in mails] == [
        ("dave@alpha.example", "po.sent", MailStatus.RETRYING, "nl"),
        ("erin@alpha.example", "po.sent", MailStatus.RETRYING, "en"),
    ]
    assert all("Connection refused" in mail.last_error for mail in mails)
    no_tracebacks(caplog)

    smtp_server.start(port)
    send_due(timezone.now() + MAIL_BACKOFF[0])
    messages = smtp_server.wait_for(2)
    assert sorted(message.to[0] for message in messages) == ["dave@alpha.example", "erin@alpha.example"]
    dutch = next(message for message in messages if message.to == ["dave@alpha.example"])
    assert dutch.content_language == "nl" and dutch.header("X-Vendorcollab-Event") == "po.sent"
    assert f"{po.number}-1" in dutch.subject and f"/vendor/purchase-orders/{po.pk}/" in dutch.text
    assert dutch.html is not None and f"/vendor/purchase-orders/{po.pk}/" in dutch.html
    assert {mail.status for mail in OutgoingMail.objects.all()} == {MailStatus.SENT}


def test_back_off_then_failed_then_an_admin_retries_now(people, smtp_server, client, caplog):
    cast = people
    port = down(smtp_server)
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)  # one mail, to frank
    [mail] = OutgoingMail.objects.all()

    # each failed attempt waits longer: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h; the seventh is the last
    waits = []
    for attempt in range(1, MAIL_MAX_ATTEMPTS):
        mail.refresh_from_db()
        assert (mail.attempts, mail.status) == (attempt, MailStatus.RETRYING)
        waits.append(mail.next_attempt_at - mail.last_attempt_at)
        assert send_due(mail.next_attempt_at - timedelta(seconds=1)).startswith("mail: 0 sent, 0 to retry")
        send_due(mail.next_attempt_at)
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=12),
    ]
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (MailStatus.FAILED, MAIL_MAX_ATTEMPTS, None)
    assert "Connection refused" in mail.last_error
    assert send_due(timezone.now() + timedelta(days=30)) == "mail: 0 sent, 0 to retry, 0 failed\n"
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == MAIL_MAX_ATTEMPTS  # one line per failure
    assert "failed for good after 7 attempt(s)" in warnings[-1]
    no_tracebacks(caplog)

    # the admin finds it in the mail log, with its error, and retries it now
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    log = client.get(reverse("admin:notifications_outgoingmail_changelist"), {"status__exact": "failed"})
    assert log.status_code == 200
    assert "frank@beta.example" in log.content.decode()
    detail = client.get(reverse("admin:notifications_outgoingmail_change", args=[mail.pk])).content.decode()
    assert "Connection refused" in detail and "Contoso Nederland sent you purchase order" in detail
    smtp_server.start(port)
    response = client.post(
        reverse("admin:notifications_outgoingmail_changelist"),
        {"action": "retry_now", "_selected_action": [mail.pk]},
    )
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message.to == ["frank@beta.example"]
    mail.refresh_from_db()
    assert (mail.status, mail.last_error) == (MailStatus.SENT, "")


def test_the_log_never_shows_a_personal_link(client, cast, smtp_server):
    set_person(cast.vendor_a_user, "dave@alpha.example")
    down(smtp_server)
    client.post(reverse("account_reset_password"), {"email": "dave@alpha.example"})
    mail = OutgoingMail.objects.get(to=["dave@alpha.example"])
    assert "/accounts/password/reset/key/" in mail.body  # kept, for the retry
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    detail = client.get(reverse("admin:notifications_outgoingmail_change", args=[mail.pk])).content.decode()
    assert "/accounts/password/reset/key/" not in detail and "dave@alpha.example" in detail


def test_a_mail_with_a_bad_header_fails_at_once(cast, smtp_server):
    from django.core.mail import EmailMessage
    from django.db import transaction

    from vendorcollab.notifications.outbox import mail_queue

    with transaction.atomic():
        mail = mail_queue(EmailMessage("Hello", "Body", to=["not an address\n<x@example.com>"]), kind="test")
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and mail.attempts == 1
    assert smtp_server.messages == []
