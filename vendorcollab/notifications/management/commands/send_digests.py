"""Send each user who chose the daily digest one mail with everything that queued up since the last one.

Production runs it once a day (cron, a systemd timer), e.g. at 07:00. Entries are claimed before their mail goes,
so an overlapping run sends nothing twice; entries whose mail the server refused wait for the next run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vendorcollab.notifications.mail import digests_send


class Command(BaseCommand):
    help = "Send the daily digest mail to every user with notifications waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        run = digests_send()
        if options["verbosity"] >= 1:
            self.stdout.write(f"digests: {run.sent} sent, {run.dropped} entries dropped, {run.failed} failed")
        if run.failed:
            raise CommandError(f"{run.failed} digest mail(s) could not be sent; they are tried again next run")
