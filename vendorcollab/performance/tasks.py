"""The background work of vendor performance, as django-tasks tasks: enqueued after the commit by the subscribers.

Arguments are ids, so that every backend can store them. A failing refresh is logged and leaves the facts as they
were; the next change of the same PO, or ``manage.py rebuild_performance``, writes them again.
"""

from __future__ import annotations

import logging

from django_tasks import task

from . import services

logger = logging.getLogger(__name__)


@task()
def refresh_purchase_order(purchase_order: int) -> None:
    try:
        services.refresh_purchase_order(purchase_order)
    except Exception:
        logger.exception("performance facts of purchase order %s could not be refreshed", purchase_order)
        raise


@task()
def refresh_ship_notice(ship_notice: int) -> None:
    try:
        services.refresh_ship_notice(ship_notice)
    except Exception:
        logger.exception("performance facts of ship notice %s could not be refreshed", ship_notice)
        raise
