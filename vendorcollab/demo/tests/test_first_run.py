"""What ``make run`` prints on a first run: the demo logins, where to sign in on the real host and port, where mail
goes, and nothing alarming; with the development mail backend, and with no mail server at all."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from vendorcollab.demo import data
from vendorcollab.notifications.models import MailStatus, OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)  # the mail tasks run after each commit, as in `make run`

URL = "http://127.0.0.1:8765"


def run_demo(settings: Any) -> str:
    # A fast hasher: the test is about what is printed, not about hashing passwords slowly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo", "--url", URL, stdout=out)
    return out.getvalue()


def assert_true_closing_text(output: str) -> None:
    for spec in data.USERS:
        assert spec.username in output and spec.password in output
    assert f"Open {URL}/ and sign in" in output
    assert f"{URL}/admin/" in output
    assert "127.0.0.1:8000" not in output
    assert "come later" not in output


def test_the_demo_with_the_development_mail_backend(settings: Any, tmp_path: Path, capfd: Any, caplog: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"  # DEBUG's default
    settings.EMAIL_FILE_PATH = tmp_path
    output = run_demo(settings)
    assert_true_closing_text(output)
    assert f"Mail the portal sends is written to files in {tmp_path}/" in output
    # every mail the demo caused went, and a developer can read it
    assert OutgoingMail.objects.exists()
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert written.count("Subject: ") == OutgoingMail.objects.count()
    # and nothing alarming was printed
    assert [record for record in caplog.records if record.levelname in ("WARNING", "ERROR", "CRITICAL")] == []
    printed = capfd.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert printed.err == ""


def test_the_demo_with_no_mail_server(settings: Any, caplog: Any, capfd: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    output = run_demo(settings)
    assert_true_closing_text(output)
    assert "sent to the SMTP server at 127.0.0.1:9" in output
    # each mail waits for its retry, and said so in one line, without a traceback
    count = OutgoingMail.objects.count()
    assert count and OutgoingMail.objects.filter(status=MailStatus.RETRYING).count() == count
    warnings = [record for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == count
    assert all(record.exc_info is None for record in caplog.records)
    assert "Traceback" not in "".join(capfd.readouterr())


def test_the_database_checks_that_migrate_runs_print_no_warning() -> None:
    """`make run` migrates first; on SQLite the PostgreSQL covering indexes must not print a warning every time."""
    out, err = StringIO(), StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=err)
    assert "WARNING" not in out.getvalue() + err.getvalue()
    assert "no issues" in out.getvalue()
