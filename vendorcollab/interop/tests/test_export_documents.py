"""``manage.py export_documents --to FOLDER [--since]``: new outbound documents to a gateway's folder, once each."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vendorcollab.interop import documents, tasks
from vendorcollab.interop.models import Document, InboundStatus
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import response_submit


def run(*args):
    out = StringIO()
    call_command("export_documents", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def outbound(endpoints, sent):
    tasks.write_outbound_documents.call(kind="sent", purchase_order=sent.pk, version=1)
    response = response_submit(
        actor=endpoints.vendor_a_user, purchase_order=sent, version=1, kind=ResponseKind.ACCEPTED
    )
    tasks.write_outbound_documents.call(kind="answered", purchase_order=sent.pk, response=response.pk)
    documents.document_log_inbound(
        actor=endpoints.agent, transaction_code="T01", document_id="ERP-1", xml=b"<Order/>", status=InboundStatus.TAKEN
    )
    return list(Document.objects.filter(direction="outbound").order_by("pk"))


def test_new_outbound_documents_are_written_once_each(outbound, tmp_path):
    order, answer = outbound

    out = run("--to", tmp_path)

    # Named <created, UTC seconds>-<id>-<type>-<document ID>.xml: in id order (two documents written around a
    # second's turn on a busy machine can name their seconds the other way round).
    files = sorted((path.name for path in tmp_path.iterdir()), key=lambda name: int(name.split("-")[1]))
    assert len(files) == 2 and "2 documents written to" in out
    assert files[0].endswith(f"-{order.pk}-T01-{order.document_id}.xml")
    assert files[1].endswith(f"-{answer.pk}-T76-{answer.document_id.replace('/', '_')}.xml")
    assert (tmp_path / files[0]).read_bytes() == bytes(order.xml)
    assert all(document.exported_at for document in Document.objects.filter(direction="outbound"))
    assert Document.objects.get(direction="inbound").exported_at is None  # inbound documents are never exported

    for path in tmp_path.iterdir():
        path.unlink()
    assert "0 documents written" in run("--to", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_since_leaves_older_documents_for_later(outbound, tmp_path):
    order, answer = outbound
    Document.objects.filter(pk=order.pk).update(created_at=order.created_at - timedelta(days=3))

    run("--to", tmp_path, "--since", (order.created_at - timedelta(days=1)).date().isoformat())

    assert [path.name.split("-")[1] for path in tmp_path.iterdir()] == [str(answer.pk)]
    assert Document.objects.get(pk=order.pk).exported_at is None


def test_a_folder_that_cannot_be_written_keeps_the_documents_for_the_next_run(outbound, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="is not a folder"):
        run("--to", tmp_path / "missing")
    with pytest.raises(CommandError, match="ISO 8601"):
        run("--to", tmp_path, "--since", "yesterday")

    def disk_full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    with pytest.raises(CommandError, match="Could not write"):
        run("--to", tmp_path)
    assert not Document.objects.filter(exported_at__isnull=False).exists()
    assert list(tmp_path.iterdir()) == []
