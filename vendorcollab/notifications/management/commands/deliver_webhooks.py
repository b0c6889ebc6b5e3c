"""Post every webhook delivery that is due: new ones a queue lost, and retries whose back-off has passed.

Production runs it every minute (cron, a systemd timer); it is safe to run while a worker delivers, or twice at once:
each attempt first claims its delivery.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vendorcollab.notifications.models import DeliveryStatus
from vendorcollab.notifications.webhooks import delivery_attempt, due_delivery_ids


class Command(BaseCommand):
    help = "Post the webhook deliveries that are due (first attempts and retries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many deliveries in one run.")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        counts: Counter[str] = Counter()
        for delivery_id in due_delivery_ids(limit=limit):
            delivery = delivery_attempt(delivery_id=delivery_id)
            if delivery is not None:
                counts[delivery.status] += 1
        if options["verbosity"] >= 1:
            delivered, retry, failed = (
                counts[DeliveryStatus.DELIVERED],
                counts[DeliveryStatus.PENDING],
                counts[DeliveryStatus.FAILED],
            )
            self.stdout.write(f"webhooks: {delivered} delivered, {retry} to retry, {failed} failed")
