"""``manage.py create_admin``: the first procurement admin of a deployment, asked for or from the environment.

``createsuperuser`` makes a user with no role, who sees nothing of the portal; this makes a procurement admin with
the back office. Run it again with the same username and nothing changes (exit 0), so a container may run it at
every start. The password never goes on the command line, where ``ps`` would show it.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vendorcollab.accounts.models import User
from vendorcollab.accounts.services import AdminOutcome, procurement_admin_ensure
from vendorcollab.common.errors import AppError, ValidationFailed

PASSWORD_VARIABLE = "VENDORCOLLAB_ADMIN_PASSWORD"


def _secret(prompt: str) -> str:
    # Hidden on a terminal; from a pipe (a script answering the questions) read as a plain line.
    return getpass.getpass(prompt) if sys.stdin.isatty() else input(prompt)


class Command(BaseCommand):
    help = (
        "Create the first procurement admin (with the back office), or give an existing user without a vendor role "
        "that role. Asks for what it needs; with --noinput give --username and --email, and the password in "
        f"{PASSWORD_VARIABLE}. "
        "An existing procurement admin is left unchanged, password included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="the admin's username")
        parser.add_argument("--email", help="the admin's e-mail address")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"ask nothing: needs --username, --email and, for a new admin, {PASSWORD_VARIABLE}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = (options["username"] or "").strip()
        email = (options["email"] or "").strip()
        if options["interactive"]:
            user, outcome = self._ask(username, email)
        else:
            user, outcome = self._from_environment(username, email)
        messages = {
            AdminOutcome.CREATED: "Procurement admin {name} created. Sign in and set up two-factor authentication.",
            AdminOutcome.PROMOTED: "{name} is now a procurement admin with the back office; the password is unchanged.",
            AdminOutcome.EXISTS: "Procurement admin {name} already exists; nothing changed (the password neither).",
        }
        self.stdout.write(self.style.SUCCESS(messages[outcome].format(name=user.username)))

    def _from_environment(self, username: str, email: str) -> tuple[User, AdminOutcome]:
        if not username:
            raise CommandError("--noinput needs --username.")
        password = os.environ.get(PASSWORD_VARIABLE) or None
        exists = User.objects.filter(username__iexact=username).exists()
        if not exists and not email:
            raise CommandError("--noinput needs --email for a new admin.")
        if not exists and not password:
            raise CommandError(f"Set the admin's password in the environment variable {PASSWORD_VARIABLE}.")
        try:
            return procurement_admin_ensure(username=username, email=email, password=password)
        except ValidationFailed as error:
            raise CommandError(self._describe(error)) from error
        except AppError as error:
            raise CommandError(error.rendered_message()) from error

    def _ask(self, username: str, email: str) -> tuple[User, AdminOutcome]:
        try:
            while not username:
                username = input("Username: ").strip()
            if User.objects.filter(username__iexact=username).exists():
                return self._ensure(username=username, email="", password=None)
            password = None
            while True:
                while not email:
                    email = input("E-mail address: ").strip()
                while not password:
                    password = _secret("Password: ")
                    if password != _secret("Password (again): "):
                        self.stderr.write("The two passwords differ. Try again.")
                        password = None
                try:
                    return procurement_admin_ensure(username=username, email=email, password=password)
                except ValidationFailed as error:
                    self.stderr.write(self._describe(error))
                    # Ask again only for what was wrong.
                    if "username" in error.fields:
                        raise CommandError(self._describe(error)) from error
                    if "email" in error.fields:
                        email = ""
                    if "password" in error.fields:
                        password = None
        except (KeyboardInterrupt, EOFError) as error:
            raise CommandError("Stopped: no admin created.") from error

    def _ensure(self, **kwargs: Any) -> tuple[User, AdminOutcome]:
        try:
            return procurement_admin_ensure(**kwargs)
        except AppError as error:
            raise CommandError(error.rendered_message()) from error

    @staticmethod
    def _describe(error: ValidationFailed) -> str:
        return "\n".join(f"{field}: {message}" for field, message in error.fields.items()) or error.rendered_message()
