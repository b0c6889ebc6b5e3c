"""``manage.py purge_idempotency_keys``: forget the API's idempotency keys older than 24 hours (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vendorcollab.api.idempotency import purge


class Command(BaseCommand):
    help = "Delete the API's idempotency keys older than 24 hours; their requests can no longer be replayed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge()
        self.stdout.write(f"{count} idempotency key(s) deleted.")
