"""The one task of a domain event (``common.events.publish``) on a queue that runs tasks later: the worker runs the
event's subscribers, which queue their own work (documents, mail, webhooks, performance facts)."""

from __future__ import annotations

from django_tasks import task

from .events import Payload, deliver


@task()
def deliver_event(payload: Payload) -> None:
    deliver(payload)
