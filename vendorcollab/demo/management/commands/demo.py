"""``manage.py demo``: load the demo data (idempotent), print the demo logins and where to use them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vendorcollab.demo import data


class Command(BaseCommand):
    help = "Create demo companies, vendors, items, users and purchase orders in every state; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default="",
            help="Where the portal is served, e.g. http://127.0.0.1:8000 (`make run` passes its HOST and PORT); "
            "SITE_URL by default.",
        )

    def handle(self, *args: Any, url: str = "", **options: Any) -> None:
        try:
            result = data.run()
        except data.DemoDataError as error:
            raise CommandError(str(error)) from error
        if result.purchase_orders_created:
            orders = f"{result.purchase_orders_created} purchase orders created"
        else:
            orders = f"{result.purchase_orders_total} purchase orders already present, none created"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {result.companies} companies, {result.vendors} vendor accounts, "
                f"{result.items} items; {orders}."
            )
        )
        self.stdout.write("")
        self.stdout.write("Demo logins")
        rows = [("username", "password", "role", "sees")]
        rows += [
            (login.username, "-" if login.problem else login.password, login.role, login.problem or login.sees)
            for login in result.logins
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for index, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        for line in closing_text((url or settings.SITE_URL).rstrip("/")):
            self.stdout.write(line)


def closing_text(base: str) -> list[str]:
    """What to do next, true for the portal as it is: where to sign in, what each login finds, where mail goes."""
    return [
        f"Open {base}/ and sign in with one of the logins above:",
        "  vendor, vendor2, vendor3  the vendor portal: orders to answer, confirmed orders, ship notices, history",
        "  agent, clerk              the buyer's side: send orders, process answers, receive shipments, vendor "
        "performance",
        "  ap                        accounts payable: approve, reject and record payment of vendor invoices",
        "  admin, vendoradmin        first set up an authenticator app (two-factor sign-in is required for admins)",
        f"The back office is at {base}/admin/ (admin). {mail_text()}",
    ]


def mail_text() -> str:
    backend = settings.EMAIL_BACKEND
    if backend.endswith("filebased.EmailBackend"):
        where = f"written to files in {settings.EMAIL_FILE_PATH}/"
    elif backend.endswith("console.EmailBackend"):
        where = "printed in the server's output"
    elif backend.endswith("smtp.EmailBackend"):
        where = f"sent to the SMTP server at {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    else:
        where = f"handed to {backend}"
    return f"Mail the portal sends is {where}; the back office's outgoing mail log lists every mail."
