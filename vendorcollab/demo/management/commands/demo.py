"""``manage.py demo``: load the demo data (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vendorcollab.demo import data


class Command(BaseCommand):
    help = "Create demo companies, vendors, items, users and purchase orders in every state; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write(f"Sign in at {data.ADMIN_URL} (the portal pages come later).")
