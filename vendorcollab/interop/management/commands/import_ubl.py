"""``manage.py import_ubl FOLDER [--as USERNAME]``: take every inbound UBL document (``*.xml``) of a folder.

Each file goes through ``interop.inbound.import_document`` on its own (one refused file leaves the others alone),
which logs it in the document log, taken or refused; the command reports the outcome per file, and exits non-zero
when any file was refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vendorcollab.accounts.models import Role, User
from vendorcollab.common.errors import AppError
from vendorcollab.interop.errors import shown
from vendorcollab.interop.inbound import import_document
from vendorcollab.interop.models import Document
from vendorcollab.interop.ubl_reader import max_bytes


class Command(BaseCommand):
    help = "Take every inbound UBL 2.1 document (*.xml) in a folder: Orders become draft purchase orders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="The folder with the Order documents (*.xml).")
        parser.add_argument(
            "--as",
            dest="username",
            help="The user the documents are taken as: a buyer user (purchasing agent or procurement admin) for "
            "Orders, Order Changes and Cancellations, a vendor user for Order Responses. "
            "Without it: the installation's only active procurement admin.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(_("%(folder)s is not a folder.") % {"folder": folder})
        user = self._actor(options["username"])
        files = sorted(path for path in folder.iterdir() if path.is_file() and path.suffix.lower() == ".xml")
        failed = 0
        for path in files:
            try:
                document = import_document(actor=user, xml=self._read(path))
            except AppError as error:
                failed += 1
                message = _("%(file)s: refused (%(code)s): %(message)s") % {
                    "file": path.name,
                    "code": error.code,
                    "message": error.rendered_message(),
                }
                self.stderr.write(message)
                continue
            if document.is_refused:
                failed += 1
                self.stderr.write(self._refusal(path, document))
                continue
            self.stdout.write(self.style.SUCCESS(self._taken(path, document)))
        summary = _("%(created)s of %(total)s files imported.") % {"created": len(files) - failed, "total": len(files)}
        if failed:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _taken(self, path: Path, document: Document) -> str:
        po = document.purchase_order
        if po is None:
            return _("%(file)s: taken (%(transaction)s %(id)s).") % {
                "file": path.name,
                "transaction": document.transaction,
                "id": shown(document.document_id),
            }
        if document.transaction == "T01":
            return _("%(file)s: created purchase order %(number)s (id %(id)s) for vendor %(vendor)s.") % {
                "file": path.name,
                "number": po.number,
                "id": po.pk,
                "vendor": po.vendor.number,
            }
        return _("%(file)s: %(transaction)s taken for purchase order %(number)s (id %(id)s).") % {
            "file": path.name,
            "transaction": document.transaction,
            "number": po.number,
            "id": po.pk,
        }

    def _refusal(self, path: Path, document: Document) -> str:
        first = document.reasons[0] if document.reasons else {"code": "", "message": ""}
        return _("%(file)s: refused (%(code)s): %(message)s") % {
            "file": path.name,
            "code": first.get("code", ""),
            "message": first.get("message", ""),
        }

    def _read(self, path: Path) -> bytes:
        """The file's bytes; one larger than the limit is read only that far, so the import refuses it cheaply."""
        with path.open("rb") as file:
            return file.read(max_bytes() + 1)

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("There is no active user %(username)s.") % {"username": shown(username)})
            return user
        admins = list(User.objects.filter(is_active=True, role_assignments__role=Role.PROCUREMENT_ADMIN)[:2])
        if len(admins) != 1:
            raise CommandError(_("Name the user to import as, with --as USERNAME."))
        return admins[0]
