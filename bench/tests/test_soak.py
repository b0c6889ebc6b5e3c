"""The concurrency soak of issue 8, briefly: a tiny bench data set, a few clients for a few seconds, every check
passing. gunicorn runs in a process of its own, so the data must be committed (``transaction=True``) and the
server pointed at the test database."""

import contextlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

import vendorcollab.settings as configured
from bench import soak_checks
from vendorcollab.common.testing.servers import free_port, server_database_url
from vendorcollab.purchasing.models import PurchaseOrderLine

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
    assert {check["name"] for check in report["checks"]} >= {
        "ship notices created once",
        "invoices created once",
        "nothing announced beyond what is open",
        "nothing invoiced beyond what was received",
    }
    done = {row["action"]: row["done"] for row in report["actions"]}
    assert done.get("accepted", 0) + done.get("accepted_with_changes", 0) + done.get("rejected", 0) > 0
    assert sum(done.get(action, 0) for action in ("confirm", "send", "request_change", "receive")) > 0
    # The vendors shipped and invoiced, and the clerk received from a notice: the new checks had something to check.
    assert done.get("ship_notice", 0) > 0
    assert done.get("invoice", 0) > 0
    assert done.get("receive_notice", 0) > 0

    # The quantity checks can fail: a line with one more in transit, or one less invoiced, than its documents hold.
    shipped = PurchaseOrderLine.objects.filter(in_transit_quantity__gt=0).first()
    invoiced = PurchaseOrderLine.objects.filter(invoiced_quantity__gt=0).first()
    assert shipped is not None and invoiced is not None
    assert not soak_checks.shipping_problems([shipped.purchase_order_id])
    assert not soak_checks.invoicing_problems([invoiced.purchase_order_id])
    PurchaseOrderLine.objects.filter(pk=shipped.pk).update(in_transit_quantity=F("in_transit_quantity") + 1)
    PurchaseOrderLine.objects.filter(pk=invoiced.pk).update(invoiced_quantity=F("invoiced_quantity") - 1)
    assert soak_checks.shipping_problems([shipped.purchase_order_id])
    assert soak_checks.invoicing_problems([invoiced.purchase_order_id])
