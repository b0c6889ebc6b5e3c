"""The document log (DESIGN.md section 11): every PEPPOL document the portal wrote or was given, with its XML.

Outbound documents are written after the commit of the change they tell of (``interop.documents``); inbound ones
are logged whether they were taken or refused, with the reasons of a refusal. The feed reads them in
``(created_at, id)`` order, per company for buyers and per vendor account for vendors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.invoicing.models import Invoice
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderVersion, VendorResponse

from .outbound import Transaction

if TYPE_CHECKING:
    from vendorcollab.accounts.models import User

TRANSACTION_CHOICES = [
    (Transaction.T01.value, _("Order (T01)")),
    (Transaction.T114.value, _("Order Change (T114)")),
    (Transaction.T115.value, _("Order Cancellation (T115)")),
    (Transaction.T76.value, _("Order Response (T76)")),
    (Transaction.T116.value, _("Order Response Advanced (T116)")),
    (Transaction.T10.value, _("Invoice (T10)")),
    (Transaction.T14.value, _("Credit Note (T14)")),
    (Transaction.T16.value, _("Despatch Advice (T16)")),
]
# The transactions a vendor (or its ERP) sends; the others are the buyer's.
VENDOR_TRANSACTIONS = frozenset(
    {
        Transaction.T76.value,
        Transaction.T116.value,
        Transaction.T10.value,
        Transaction.T14.value,
        Transaction.T16.value,
    }
)


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InboundStatus(models.TextChoices):
    TAKEN = "taken", _("Taken")
    REFUSED = "refused", _("Refused")


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, actor: User) -> DocumentQuerySet:
        """Every read of the log starts here. Buyer users see every document. A vendor user sees the documents
        of its vendor accounts that are its own business: what the portal wrote to or for it, and what its ERP
        sent; never what the buyer's ERP sent the portal (that stays the buyer's, refusals included)."""
        if actor.is_buyer:
            return self
        if actor.is_vendor_user:
            return self.filter(vendor_id__in=actor.vendor_ids).filter(
                Q(direction=Direction.OUTBOUND) | Q(transaction__in=VENDOR_TRANSACTIONS)
            )
        return self.none()


class Document(models.Model):
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    transaction = models.CharField(_("transaction"), max_length=10, choices=TRANSACTION_CHOICES)
    # The document's own ID (cbc:ID); blank for an inbound document too broken to name one.
    document_id = models.CharField(_("document ID"), max_length=200, blank=True)
    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("company")
    )
    vendor = models.ForeignKey(
        Vendor, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("vendor account")
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("purchase order"),
    )
    version = models.ForeignKey(
        PurchaseOrderVersion, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("version")
    )
    response = models.ForeignKey(
        VendorResponse, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("response")
    )
    invoice = models.ForeignKey(
        Invoice, models.SET_NULL, null=True, blank=True, related_name="documents", verbose_name=_("invoice")
    )
    ship_notice = models.ForeignKey(
        "shipping.ShipNotice",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("ship notice"),
    )
    xml = models.BinaryField(_("XML"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Inbound: whether the portal took the document, and if not, why ([{"code", "message"}, ...]). Outbound: blank,
    # or refused when its writer failed (no XML; the reasons say what failed), so that a person sees it.
    status = models.CharField(_("status"), max_length=10, choices=InboundStatus.choices, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # Who gave the portal an inbound document (the API user or the import command's user).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    # What an outbound document was written for ("version:12", "response:7", "cancellation:3"): a task that runs
    # twice stores it once.
    source = models.CharField(_("source"), max_length=40, blank=True)
    # Outbound only: when ``manage.py export_documents`` wrote it to the gateway's folder.
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="document_feed"),
            models.Index(fields=["company", "created_at", "id"], name="document_feed_company"),
            models.Index(fields=["vendor", "created_at", "id"], name="document_feed_vendor"),
            models.Index(fields=["transaction", "document_id"], name="document_by_id"),
            models.Index(
                fields=["created_at", "id"],
                name="document_not_exported",
                condition=Q(direction="outbound", exported_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "transaction", "document_id"],
                condition=~Q(source=""),
                name="document_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(direction="outbound", status__in=["", "refused"])
                | Q(direction="inbound", status__in=["taken", "refused"]),
                name="document_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction} {self.document_id}"

    @property
    def is_inbound(self) -> bool:
        return self.direction == Direction.INBOUND

    @property
    def is_refused(self) -> bool:
        return self.status == InboundStatus.REFUSED

    @property
    def xml_text(self) -> str:
        return bytes(self.xml).decode("utf-8", "replace")

    @property
    def status_label(self) -> str:
        """What the log says of a document: taken or refused (inbound), written or exported (outbound)."""
        if self.status:
            return str(self.get_status_display())
        return str(_("Exported") if self.exported_at else _("Written"))

    @property
    def badge_class(self) -> str:
        """The portal's badge colours (without the ``badge-`` prefix): refused as bad, taken and outbound as done."""
        return "rejected" if self.status == InboundStatus.REFUSED else "accepted"
