"""Send every outgoing mail that is due: new ones a task queue lost, and retries whose back-off has passed.

Production runs it every minute (cron, a systemd timer) when the task backend cannot defer a retry by itself; it is
safe to run while a worker sends, or twice at once: each attempt first claims its mail.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vendorcollab.notifications.models import MailStatus
from vendorcollab.notifications.outbox import due_mail_ids, mail_attempt


class Command(BaseCommand):
    help = "Send the outgoing mail that is due (first attempts and retries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many mails in one run.")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        counts: Counter[str] = Counter()
        for mail_id in due_mail_ids(limit=limit):
            sent = mail_attempt(mail_id=mail_id)
            if sent is not None:
                counts[sent.status] += 1
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"mail: {counts[MailStatus.SENT]} sent, {counts[MailStatus.RETRYING]} to retry, "
                f"{counts[MailStatus.FAILED]} failed"
            )
