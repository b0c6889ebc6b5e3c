"""Send each user who chose the daily digest one mail with everything that queued up since the last one.

Production runs it once a day (cron, a systemd timer), e.g. at 07:00. Entries are claimed in the transaction that
queues their mail, so an overlapping run sends nothing twice; the outgoing mail queue retries a mail the server
refuses (``send_mail_queue``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vendorcollab.notifications.mail import digests_send


class Command(BaseCommand):
    help = "Send the daily digest mail to every user with notifications waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        run = digests_send()
        if options["verbosity"] >= 1:
            self.stdout.write(f"digests: {run.sent} queued, {run.dropped} entries dropped")
