"""The concurrency soak of issue 8, briefly: a tiny bench data set, a few clients for a few seconds, every check
passing. gunicorn runs in a process of its own, so the data must be committed (``transaction=True``) and the
server pointed at the test database."""

import contextlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

import vendorcollab.settings as configured
from vendorcollab.common.testing.servers import free_port, server_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_soak_loses_nothing_and_keeps_history_consistent(monkeypatch, settings, tmp_path):
    # The server hashes with the configured hashers, so the bench users' password must be hashed with one of
    # them, not with the tests' fast one.
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    monkeypatch.setenv("DATABASE_URL", server_database_url())
    call_command("bench_data", vendors=12, pos=600, big_vendor_pos=150, stdout=io.StringIO())
    output = tmp_path / "soak.json"

    with contextlib.suppress(CommandError):  # the report says which check failed, and why
        call_command(
            "bench_soak",
            seconds=8,
            vendor_clients=6,
            buyer_clients=2,
            workers=2,
            port=free_port(),
            output=output,
            stdout=io.StringIO(),
        )

    report = json.loads(output.read_text())
    failed = {check["name"]: check["problems"][:5] for check in report["checks"] if not check["passed"]}
    assert not failed
    done = {row["action"]: row["done"] for row in report["actions"]}
    assert done.get("accepted", 0) + done.get("accepted_with_changes", 0) + done.get("rejected", 0) > 0
    assert sum(done.get(action, 0) for action in ("confirm", "send", "request_change", "receive")) > 0
