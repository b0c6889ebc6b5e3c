"""The background work of notifications, as django-tasks tasks: enqueued after the commit by the subscribers.

With the default ImmediateBackend a task runs in-process right when it is enqueued; with a worker backend (the
database backend and ``manage.py db_worker``) it runs in the worker. Arguments are ids and plain JSON values so
that every backend can store them. A task that fails is logged here: the in-process backend keeps the error only
in its result object, which nobody reads.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from . import mail, outbox, webhooks
from .models import DeliveryStatus, MailStatus

logger = logging.getLogger(__name__)


@task()
def send_event_mail(event: str, payload: dict[str, Any]) -> int:
    """Queue the mail (or the digest entry) of what ``event`` means to each person concerned; returns the mails
    queued. Each mail is sent by ``send_outgoing_mail``."""
    try:
        return mail.notify(event=event, payload=payload)
    except Exception:
        logger.exception("notification mail for %s failed: %s", event, payload)
        raise


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one webhook delivery, if it is due; on a backend that can defer, the retry is scheduled
    right away (elsewhere ``manage.py deliver_webhooks`` picks it up when it is due)."""
    try:
        delivery = webhooks.delivery_attempt(delivery_id=delivery_id)
    except Exception:
        logger.exception("webhook delivery %s could not be attempted", delivery_id)
        raise
    if delivery is None:
        return "not_due"
    retry_at = delivery.next_attempt_at if delivery.status == DeliveryStatus.PENDING else None
    if retry_at is not None and deliver_webhook.get_backend().supports_defer:
        deliver_webhook.using(run_after=retry_at).enqueue(delivery_id=delivery.pk)
    return str(delivery.status)


@task()
def send_outgoing_mail(mail_id: int) -> str:
    """One attempt of one outgoing mail, if it is due; on a backend that can defer, the retry is scheduled right
    away (elsewhere ``manage.py send_mail_queue`` sends it when it is due). A refused mail is not an error of the
    task: the attempt logged it and recorded it on the mail."""
    try:
        sent = outbox.mail_attempt(mail_id=mail_id)
    except Exception:
        logger.exception("outgoing mail %s could not be attempted", mail_id)
        raise
    if sent is None:
        return "not_due"
    retry_at = sent.next_attempt_at if sent.status == MailStatus.RETRYING else None
    if retry_at is not None and send_outgoing_mail.get_backend().supports_defer:
        send_outgoing_mail.using(run_after=retry_at).enqueue(mail_id=sent.pk)
    return str(sent.status)
