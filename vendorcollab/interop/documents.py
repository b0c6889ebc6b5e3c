"""The document log: its services (log an inbound document, store the outbound ones after commit, mark exports)
and its selectors (the feed and the pages, scoped to the actor).

Outbound documents are written by a task queued after the commit of a send, a cancellation, a vendor's answer, a
submitted invoice or a created ship notice (``interop.subscribers``), never inside the row lock of the change: the
writer reads the committed version, response, invoice or notice, and a writer that fails leaves the change itself
alone; it leaves a refused entry in the log instead, with the error, so that a person sees that the document is
missing. A task that runs twice stores its documents once (``Document.source``). Each new document, either way, is
announced as ``document.created`` for the webhooks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from vendorcollab.common.errors import AppError
from vendorcollab.common.events import Event, publish
from vendorcollab.invoicing.models import Invoice
from vendorcollab.purchasing import selectors as purchasing_selectors
from vendorcollab.purchasing.errors import not_found
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VendorResponse
from vendorcollab.shipping.models import ShipNotice

from . import outbound
from .models import Direction, Document, DocumentQuerySet, InboundStatus
from .selectors import ship_notice_for_document

if TYPE_CHECKING:
    from vendorcollab.accounts.models import User
    from vendorcollab.partners.models import Company, Vendor

REASON_MESSAGE_MAX = 1000
WRITER_FAILED = "writer_failed"

logger = logging.getLogger(__name__)


# --- services ---------------------------------------------------------------------------------------------------


def reasons_from_error(error: AppError) -> list[dict[str, str]]:
    """The reasons a refused document is logged with: the error's own, then one per element at fault. Rendered in
    English, so that the log reads the same for every reader and every ERP."""
    with translation.override("en"):
        reasons = [{"code": str(error.code), "message": error.rendered_message()[:REASON_MESSAGE_MAX]}]
        for field, message in error.fields.items():
            code = error.field_codes.get(field, str(error.code))
            reasons.append({"code": str(code), "message": str(message)[:REASON_MESSAGE_MAX], "field": field})
    return reasons


def document_log_inbound(
    *,
    actor: User | None,
    transaction_code: str,
    document_id: str,
    xml: bytes,
    status: InboundStatus,
    reasons: Sequence[Mapping[str, str]] = (),
    company: Company | None = None,
    vendor: Vendor | None = None,
    purchase_order: PurchaseOrder | None = None,
    version: PurchaseOrderVersion | None = None,
    response: VendorResponse | None = None,
    invoice: Invoice | None = None,
    ship_notice: ShipNotice | None = None,
) -> Document:
    """Log a document given to the portal (API, ``import_ubl``), taken or refused with its ``reasons``
    (``[{"code", "message"}]``, see ``reasons_from_error``). Call it outside the import's transaction, so that a
    refusal, which rolls the import back, is logged all the same. Company and vendor account default to the PO's,
    else the invoice's, else the ship notice's.
    """
    for owner in (purchase_order, invoice, ship_notice):
        if owner is not None:
            company = company or owner.company
            vendor = vendor or owner.vendor
    with transaction.atomic():
        document = Document.objects.create(
            direction=Direction.INBOUND,
            transaction=str(transaction_code),
            document_id=document_id[:200],
            xml=bytes(xml),
            status=status,
            reasons=[dict(reason) for reason in reasons] if status == InboundStatus.REFUSED else [],
            company=company,
            vendor=vendor,
            purchase_order=purchase_order,
            version=version,
            response=response,
            invoice=invoice,
            ship_notice=ship_notice,
            actor=actor,
        )
        publish(Event.DOCUMENT_CREATED, document=document.pk)
    return document


def documents_store_outbound(
    *,
    source: str,
    documents: Iterable[outbound.OutboundDocument],
    purchase_order: PurchaseOrder | None = None,
    version: PurchaseOrderVersion | None = None,
    response: VendorResponse | None = None,
    invoice: Invoice | None = None,
    ship_notice: ShipNotice | None = None,
) -> list[Document]:
    """Store the documents written for ``source`` (``"version:12"``), once: a second call for the same source
    stores nothing new and returns what is there. Company and vendor account are the PO's, else the invoice's, else
    the ship notice's."""
    owner = purchase_order or invoice or ship_notice
    assert owner is not None, "an outbound document belongs to a purchase order, an invoice or a ship notice"
    stored: list[Document] = []
    with transaction.atomic():
        for written in documents:
            try:
                with transaction.atomic():
                    document = Document.objects.create(
                        direction=Direction.OUTBOUND,
                        transaction=str(written.transaction),
                        document_id=written.document_id[:200],
                        xml=bytes(written.xml),
                        company_id=owner.company_id,
                        vendor_id=owner.vendor_id,
                        purchase_order=purchase_order,
                        version=version,
                        response=response,
                        invoice=invoice,
                        ship_notice=ship_notice,
                        source=source,
                    )
            except IntegrityError:
                continue  # stored by an earlier run of the same task
            publish(Event.DOCUMENT_CREATED, document=document.pk)
            stored.append(document)
    return stored


def _written(
    write: Callable[[], list[outbound.OutboundDocument]],
    *,
    source: str,
    owner: PurchaseOrder | Invoice | ShipNotice,
    transaction_code: str = "",
    purchase_order: PurchaseOrder | None = None,
    document_id: str = "",
) -> list[outbound.OutboundDocument]:
    """What ``write`` writes; when it raises, nothing, and a refused entry in the log with the error instead (the
    change it tells of stands). Without it the failure would live only in a task result that nobody reads."""
    try:
        return write()
    except Exception as error:
        logger.exception("writing the outbound documents of %s failed", source)
        reason = {"code": WRITER_FAILED, "message": f"{type(error).__name__}: {error}"[:REASON_MESSAGE_MAX]}
        try:
            with transaction.atomic():
                Document.objects.create(
                    direction=Direction.OUTBOUND,
                    transaction=transaction_code,
                    document_id=document_id[:200],
                    xml=b"",
                    status=InboundStatus.REFUSED,
                    reasons=[reason],
                    company_id=owner.company_id,
                    vendor_id=owner.vendor_id,
                    purchase_order=owner if isinstance(owner, PurchaseOrder) else purchase_order,
                    invoice=owner if isinstance(owner, Invoice) else None,
                    ship_notice=owner if isinstance(owner, ShipNotice) else None,
                    # Its own source, so that the document written by a later run is stored beside it.
                    source=f"{source}:refused",
                )
        except IntegrityError:
            pass  # a retry that failed the same way: logged once
        return []


def outbound_for_version_sent(*, purchase_order_id: int, version_number: int) -> list[Document]:
    """The Order or Order Change of a version just sent (run by the task queued after the send's commit)."""
    po = PurchaseOrder.objects.select_related("company", "vendor").get(pk=purchase_order_id)
    version = purchasing_selectors.version_get(purchase_order=po, number=version_number)
    source = f"version:{version.pk}"
    return documents_store_outbound(
        source=source,
        documents=_written(lambda: outbound.documents_for_version_sent(version), source=source, owner=po),
        purchase_order=po,
        version=version,
    )


def outbound_for_cancellation(*, purchase_order_id: int) -> list[Document]:
    """The Order Cancellation of a PO just cancelled (none for a PO the vendor never received)."""
    po = PurchaseOrder.objects.select_related("company", "vendor", "latest_version").get(pk=purchase_order_id)
    source = f"cancellation:{po.pk}"
    return documents_store_outbound(
        source=source,
        documents=_written(lambda: outbound.documents_for_cancellation(po), source=source, owner=po),
        purchase_order=po,
        version=po.latest_version,
    )


def outbound_for_response(*, response_id: int) -> list[Document]:
    """The Order Response (Advanced) of a vendor's answer just submitted."""
    row = VendorResponse.objects.select_related("purchase_order__company", "purchase_order__vendor", "version").get(
        pk=response_id
    )
    po = row.purchase_order
    version = purchasing_selectors.version_get(purchase_order=po, number=row.version.number)
    response = version.response  # prefetched with its lines by ``version_get``
    response.version = version
    source = f"response:{response.pk}"
    return documents_store_outbound(
        source=source,
        documents=_written(lambda: outbound.documents_for_response(response), source=source, owner=po),
        purchase_order=po,
        version=version,
        response=response,
    )


def outbound_for_invoice(*, invoice_id: int) -> list[Document]:
    """The Invoice or Credit Note of an invoice just submitted, filed under its PO when it invoices one."""
    invoice = invoice_for_document(invoice_id=invoice_id)
    pos = {line.purchase_order_id: line.purchase_order for line in invoice.lines.all()}
    source = f"invoice:{invoice.pk}"
    written = _written(
        lambda: outbound.documents_for_invoice(invoice),
        source=source,
        owner=invoice,
        transaction_code=outbound.transaction_of_invoice(invoice).value,
        document_id=invoice.number,
    )
    only_po = next(iter(pos.values())) if len(pos) == 1 else None
    return documents_store_outbound(source=source, documents=written, purchase_order=only_po, invoice=invoice)


def outbound_for_ship_notice(*, ship_notice_id: int) -> list[Document]:
    """The Despatch Advice of a ship notice just created, filed under the notice and its first PO (a notice may
    ship several; the notice names them all)."""
    notice = ship_notice_for_document(ship_notice_id=ship_notice_id)
    first_line = next(iter(notice.lines.all()), None)
    first_po = first_line.purchase_order if first_line is not None else None
    source = f"ship_notice:{notice.pk}"
    written = _written(
        lambda: outbound.documents_for_ship_notice(notice),
        source=source,
        owner=notice,
        transaction_code=outbound.Transaction.T16.value,
        document_id=outbound.despatch_document_id(notice),
        purchase_order=first_po,
    )
    return documents_store_outbound(source=source, documents=written, purchase_order=first_po, ship_notice=notice)


def export_file_name(document: Document) -> str:
    """``<created>-<id>-<transaction>-<document id>.xml``: unique, sorted in the order written, safe on any disk."""
    safe_id = re.sub(r"[^A-Za-z0-9._-]", "_", document.document_id)[:100]
    stamp = document.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{document.pk}-{document.transaction}-{safe_id}.xml"


def documents_export(*, folder: Path, since: datetime | None = None, limit: int = 1000) -> list[Path]:
    """Write the outbound documents not yet exported to ``folder`` for an access point's gateway, each once.

    A document is claimed (``exported_at`` set) before its file is written, so two exports running at the same time
    never both write it; a file that cannot be written gives the claim back and the error is raised. Each file is
    written under a temporary name and renamed, so a gateway watching the folder never reads half a document.
    """
    written: list[Path] = []
    for document in documents_to_export(since=since, limit=limit):
        claimed = Document.objects.filter(pk=document.pk, exported_at__isnull=True).update(exported_at=timezone.now())
        if not claimed:
            continue  # another export took it
        target = folder / export_file_name(document)
        partial = folder / f".{target.name}.part"
        try:
            partial.write_bytes(bytes(document.xml))
            partial.replace(target)
        except OSError:
            Document.objects.filter(pk=document.pk).update(exported_at=None)
            partial.unlink(missing_ok=True)
            raise
        written.append(target)
    return written


# --- selectors --------------------------------------------------------------------------------------------------

# What a list row shows: everything but the XML, which may be megabytes.
_LIST_FIELDS = (
    "company__code",
    "company__name",
    "vendor__number",
    "vendor__name",
    "purchase_order__number",
)


def document_list(
    *,
    actor: User,
    since: datetime | None = None,
    transaction_code: str | None = None,
    direction: str | None = None,
    purchase_order: int | None = None,
    status: str | None = None,
    newest_first: bool = False,
) -> DocumentQuerySet:
    """The documents the actor may see, without their XML. The feed reads them oldest first from ``since``
    (inclusive: a client that passes the last ``created_at`` it saw gets that document again, and drops it by
    ``id``); the page newest first."""
    rows = (
        Document.objects.visible_to(actor).defer("xml").select_related("company", "vendor", "purchase_order", "version")
    )
    if since is not None:
        # A moment without an offset is read in the portal's time zone.
        rows = rows.filter(created_at__gte=timezone.make_aware(since) if timezone.is_naive(since) else since)
    if transaction_code:
        rows = rows.filter(transaction=transaction_code)
    if direction:
        rows = rows.filter(direction=direction)
    if purchase_order is not None:
        rows = rows.filter(purchase_order_id=purchase_order)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk") if newest_first else rows.order_by("created_at", "pk")


def document_get(*, actor: User, pk: int) -> Document:
    """One document the actor may see, with its XML; else ``NotFound``."""
    document = (
        Document.objects.visible_to(actor)
        .select_related("company", "vendor", "purchase_order", "version", "ship_notice")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise not_found()
    return document


def documents_to_export(*, since: datetime | None = None, limit: int = 1000) -> list[Document]:
    """Outbound documents not yet exported, oldest first (for ``manage.py export_documents``)."""
    # A refused one has no XML: its writer failed, and the log shows why.
    rows = Document.objects.filter(direction=Direction.OUTBOUND, exported_at__isnull=True, status="")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return list(rows.order_by("created_at", "pk")[:limit])


def invoice_for_document(*, invoice_id: int) -> Invoice:
    """An invoice with everything its document is written from, in a fixed number of queries (for the task after
    its submit's commit, which acts for nobody: scoping is the faces' business)."""
    return (
        Invoice.objects.select_related("vendor", "company", "credited_invoice")
        .prefetch_related("lines__po_line__item", "lines__purchase_order", "lines__charges", "charges", "attachments")
        .get(pk=invoice_id)
    )


def document_facts(document: Document) -> dict[str, Any]:
    """The facts of a document a webhook and the feed tell: ids and plain values."""
    return {
        "id": document.pk,
        "direction": document.direction,
        "transaction": document.transaction,
        "document_id": document.document_id,
        "created_at": document.created_at.isoformat(),
        "company": document.company_id,
        "vendor": document.vendor_id,
        "purchase_order": document.purchase_order_id,
        "version": document.version_id,
        "response": document.response_id,
        "invoice": document.invoice_id,
        "ship_notice": document.ship_notice_id,
        "status": document.status or None,
        "reasons": document.reasons,
    }
