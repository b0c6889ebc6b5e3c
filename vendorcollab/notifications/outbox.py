"""The one way out for mail: every mail the portal sends is queued here as an ``OutgoingMail`` row, then a task hands
it to the mail server, retrying with back-off until it is taken or has failed for good.

``mail_queue`` writes the row in the caller's transaction (a mail about a change that rolls back is never sent) and
enqueues ``tasks.send_outgoing_mail`` after the commit. A failed attempt is logged in one line and the next one
scheduled after ``MAIL_BACKOFF``; on a task backend that can defer, the retry is enqueued with ``run_after``,
elsewhere ``manage.py send_mail_queue`` sends what is due. The user's action never waits for, or fails with, the
mail server beyond the attempt that follows the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from email.utils import make_msgid
from functools import partial

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from .models import MAIL_BACKOFF, MAIL_MAX_ATTEMPTS, MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

DEFAULT_MAIL_TIMEOUT = 10
# How long an attempt in progress keeps the mail to itself: far longer than the mail server's timeout, short enough
# that the mail of a worker that crashed is picked up again soon.
LEASE = timedelta(minutes=2)
ERROR_MAX_LENGTH = 500
PENDING = (MailStatus.QUEUED, MailStatus.RETRYING)


def _enqueue(mail_id: int) -> None:
    from .tasks import send_outgoing_mail  # the tasks module imports this one

    send_outgoing_mail.enqueue(mail_id=mail_id)


def mail_queue(message: EmailMessage, *, kind: str, sensitive: bool = False) -> OutgoingMail:
    """Record ``message`` as an outgoing mail, to be sent after the commit of the current transaction.

    ``kind`` names what the mail is (``po.sent``, ``digest``, ``password_reset``, ...); ``sensitive`` marks a mail
    that carries a personal link: the log does not show its content, and erases it once sent.
    """
    if message.attachments:
        raise ValueError("the outgoing mail queue does not store attachments")
    html = ""
    body = str(message.body)
    if message.content_subtype == "html":
        html, body = body, ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = str(content)
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    # One Message-ID for every attempt: a server that took a mail but answered badly gets the same mail again, and
    # the receiving side can see it is a repeat.
    headers.setdefault("Message-ID", make_msgid(domain=str(DNS_NAME)))
    now = timezone.now()
    mail = OutgoingMail.objects.create(
        kind=kind[:100],
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        recipient=", ".join(message.to)[:500],
        subject=" ".join(str(message.subject).split())[:500],  # a line break would break the header on sending
        body=body,
        html=html,
        headers=headers,
        language=headers.get("Content-Language") or translation.get_language() or settings.LANGUAGE_CODE,
        sensitive=sensitive,
        created_at=now,
        next_attempt_at=now,
    )
    pk = mail.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return mail


def message_of(mail: OutgoingMail) -> EmailMessage:
    """The stored mail as Django's message again, ready for any mail backend."""
    message: EmailMessage
    common = {
        "subject": mail.subject,
        "from_email": mail.from_email,
        "to": mail.to,
        "cc": mail.cc,
        "bcc": mail.bcc,
        "reply_to": mail.reply_to,
        "headers": mail.headers,
    }
    if mail.body or not mail.html:
        message = EmailMultiAlternatives(body=mail.body, **common)
        if mail.html:
            message.attach_alternative(mail.html, "text/html")
    else:
        message = EmailMessage(body=mail.html, **common)
        message.content_subtype = "html"
    return message


def _send(mail: OutgoingMail) -> str:
    """Hand the mail to the mail backend; the error in one line, or "" when it was taken."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_MAIL_TIMEOUT
    try:
        connection = get_connection(fail_silently=False, timeout=timeout)
        sent = connection.send_messages([message_of(mail)])
    except Exception as error:  # whatever the server or the network says, it is this attempt's outcome
        return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    return "" if sent else "the mail backend accepted no recipient"


def _permanent(error: str) -> bool:
    """Errors in the mail itself: no later attempt can succeed."""
    return error.startswith((BadHeaderError.__name__ + ":", ValueError.__name__ + ":"))


def mail_attempt(*, mail_id: int) -> OutgoingMail | None:
    """Send a pending mail that is due; record what happened and when the next attempt is due.

    Returns None when the mail is not due (sent, failed, not yet time, or another worker has it).
    """
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=mail_id, status__in=PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return None
    mail = OutgoingMail.objects.get(pk=mail_id)
    error = _send(mail)
    finished = timezone.now()
    mail.last_error = error
    fields = ["status", "last_error", "next_attempt_at", "sent_at"]
    if not error:
        mail.status = MailStatus.SENT
        mail.sent_at = finished
        mail.next_attempt_at = None
        if mail.sensitive:
            # The link in it now sits in the recipient's mailbox; the log need not keep a working copy.
            mail.body = mail.html = ""
            fields += ["body", "html"]
        logger.debug("mail %s (%s) sent to %s", mail.pk, mail.kind, mail.recipient)
    elif mail.attempts >= MAIL_MAX_ATTEMPTS or _permanent(error):
        mail.status = MailStatus.FAILED
        mail.next_attempt_at = None
        logger.warning(
            "mail %s (%s) to %s failed for good after %s attempt(s): %s",
            mail.pk,
            mail.kind,
            mail.recipient,
            mail.attempts,
            error,
        )
    else:
        mail.status = MailStatus.RETRYING
        # Counted from the attempt's start, so the schedule is the same however long the server took to refuse.
        mail.next_attempt_at = now + MAIL_BACKOFF[mail.attempts - 1]
        logger.warning(
            "mail %s (%s) to %s not sent, attempt %s of %s, next at %s: %s",
            mail.pk,
            mail.kind,
            mail.recipient,
            mail.attempts,
            MAIL_MAX_ATTEMPTS,
            mail.next_attempt_at.isoformat(timespec="seconds"),
            error,
        )
    mail.save(update_fields=fields)
    return mail


def due_mail_ids(*, limit: int) -> list[int]:
    return list(
        OutgoingMail.objects.filter(status__in=PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def mails_retry(*, mail_ids: Iterable[int]) -> int:
    """Give failed or waiting mails one more attempt now (after the commit, through the task queue); returns how
    many. A failed mail keeps its count of attempts: if this one fails too, it stays failed."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutgoingMail.objects.select_for_update()
            .filter(pk__in=list(mail_ids), status__in=(*PENDING, MailStatus.FAILED))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=ids, status=MailStatus.FAILED).update(status=MailStatus.RETRYING)
        OutgoingMail.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for pk in ids:
            transaction.on_commit(partial(_enqueue, pk))
    return len(ids)
