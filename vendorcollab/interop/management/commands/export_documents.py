"""``manage.py export_documents --to FOLDER [--since DATE]``: write new outbound PEPPOL documents to a folder.

An access point's gateway (AS4) picks them up from there. Each document is written once: the log remembers what
was exported, so running the command every minute writes only what is new.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vendorcollab.interop.documents import documents_export


class Command(BaseCommand):
    help = "Write the outbound PEPPOL documents not yet exported to a folder, for an access point's gateway."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", dest="folder", type=Path, required=True, help="The folder to write to.")
        parser.add_argument(
            "--since",
            help="Only documents created at or after this date or moment (ISO 8601), e.g. 2026-01-31.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(_("%(folder)s is not a folder.") % {"folder": folder})
        since = self._since(options["since"])
        try:
            written = documents_export(folder=folder, since=since)
        except OSError as error:
            raise CommandError(
                _("Could not write to %(folder)s: %(error)s") % {"folder": folder, "error": error}
            ) from error
        for path in written:
            self.stdout.write(path.name)
        summary = ngettext(
            "%(count)s document written to %(folder)s.", "%(count)s documents written to %(folder)s.", len(written)
        )
        self.stdout.write(summary % {"count": len(written), "folder": folder})

    def _since(self, value: str | None) -> datetime | None:
        if not value:
            return None
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value) if len(value) == 10 else None
            if day is None:
                raise CommandError(_("--since takes a date or a moment in ISO 8601, not %(value)s.") % {"value": value})
            moment = datetime.combine(day, time.min)
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
