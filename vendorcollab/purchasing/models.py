"""Purchase orders, their frozen versions, vendor responses, receipts and history.

The PO and its lines are the buyer's working copy. Everything sent to or received from the vendor is an
append-only record: a version is what the vendor saw, a response is what the vendor answered, an event is what
happened. Nothing in history is ever rewritten.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.formatting import line_amount
from vendorcollab.common.models import AppendOnlyModel
from vendorcollab.partners.models import Company, Item, Site, Vendor, Warehouse, address_lines

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from vendorcollab.accounts.models import User

ZERO = Decimal("0")


def quantity_field(verbose_name: StrOrPromise, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=4, **options)


def price_field(verbose_name: StrOrPromise, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=4, **options)


def amount_field(verbose_name: StrOrPromise, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=2, **options)


class POStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_EXTERNAL_REVIEW = "in_external_review", _("In external review")
    CONFIRMED = "confirmed", _("Confirmed")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class Origin(models.TextChoices):
    MANUAL = "manual", _("Entered in the portal")
    API = "api", _("Received through the API")
    UBL = "ubl", _("Imported from a UBL order")
    CONSIGNMENT = "consignment", _("Consignment")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class VersionKind(models.TextChoices):
    SENT = "sent", _("Sent for confirmation")
    CONFIRMATION = "confirmation", _("Confirmed with the vendor's changes")


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("Accepted with changes")


class LineAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    CHANGE = "change", _("Change")
    SPLIT = "split", _("Split")
    SUBSTITUTE = "substitute", _("Substitute")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SENT = "sent", _("Sent for confirmation")
    RESPONDED = "responded", _("Vendor responded")
    CONFIRMED = "confirmed", _("Confirmed")
    CHANGE_REQUESTED = "change_requested", _("Change requested")
    CANCELLED = "cancelled", _("Cancelled")
    RECEIVED = "received", _("Receipt posted")


class PurchaseOrderQuerySet(models.QuerySet["PurchaseOrder"]):
    def visible_to(self, actor: User) -> PurchaseOrderQuerySet:
        """Every read of purchase orders starts here.

        Buyer users see every PO of the installation. A vendor user sees the POs of the vendor accounts it is
        linked to (active links, collaborating vendors), and only once a version has been sent: drafts never
        leave the buyer.
        """
        return self.filter(visible_condition(actor))

    def collaborative(self) -> PurchaseOrderQuerySet:
        """POs that take part in the confirmation workflow: every origin but consignment."""
        return self.exclude(origin=Origin.CONSIGNMENT)


def visible_condition(actor: User, *, through: str = "") -> Q:
    """``visible_to``'s rule as a condition on a PO, or on the PO ``through`` names from another row (a version's
    ``"purchase_order__"``): a read of versions filters on the PO it joins anyway rather than on a second PO
    subquery, which PostgreSQL took 3 ms to plan on the vendor's history."""
    if actor.is_buyer:
        return Q()
    if actor.is_vendor_user:
        return Q(**{f"{through}vendor_id__in": actor.vendor_ids, f"{through}latest_version__isnull": False})
    return Q(pk__in=[])


def collaborative_condition(*, through: str = "") -> Q:
    """``collaborative``'s rule as a condition, as ``visible_condition``."""
    return ~Q(**{f"{through}origin": Origin.CONSIGNMENT})


class OrderTerms(models.Model):
    """What a buyer's Order carries beyond its lines (PEPPOL BIS Ordering 3), kept on the PO and frozen on each
    version like the currency: the buyer's own Order ID, references, terms, the delivery place and the parties as
    the Order named them."""

    # The ID of the buyer's Order document (blank: the PO number); answers refer to it.
    order_document_id = models.CharField(_("order document ID"), max_length=100, blank=True)
    # False for a PEPPOL ``order_only`` Order: no Order Response is expected.
    response_expected = models.BooleanField(_("response expected"), default=True)
    payment_terms = models.TextField(_("payment terms"), blank=True)
    delivery_terms_code = models.CharField(_("delivery terms code"), max_length=3, blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    contract_reference = models.CharField(_("contract reference"), max_length=100, blank=True)
    quotation_reference = models.CharField(_("quotation reference"), max_length=100, blank=True)
    originator_reference = models.CharField(_("originator reference"), max_length=100, blank=True)
    delivery_party_name = models.CharField(_("delivery party"), max_length=200, blank=True)
    delivery_location_id = models.CharField(_("delivery location ID"), max_length=100, blank=True)
    delivery_location_scheme = models.CharField(_("delivery location scheme"), max_length=10, blank=True)
    delivery_street_name = models.CharField(_("delivery street"), max_length=200, blank=True)
    delivery_additional_street_name = models.CharField(_("delivery additional street"), max_length=200, blank=True)
    delivery_city_name = models.CharField(_("delivery city"), max_length=100, blank=True)
    delivery_postal_zone = models.CharField(_("delivery postal code"), max_length=20, blank=True)
    delivery_country_subentity = models.CharField(_("delivery region"), max_length=100, blank=True)
    delivery_country_code = models.CharField(_("delivery country"), max_length=2, blank=True)
    # The buyer's and the seller's party as the Order named them: {"buyer": {...}, "seller": {...}}, each with
    # name, street_name … country_code, vat_id, contact_name, contact_phone, contact_email (all optional).
    parties = models.JSONField(_("parties"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def delivery_address_lines(self) -> list[str]:
        return address_lines(
            street_name=self.delivery_street_name,
            additional_street_name=self.delivery_additional_street_name,
            city_name=self.delivery_city_name,
            postal_zone=self.delivery_postal_zone,
            country_subentity=self.delivery_country_subentity,
            country_code=self.delivery_country_code,
        )


class PurchaseOrder(OrderTerms):
    company = models.ForeignKey(Company, models.PROTECT, related_name="purchase_orders", verbose_name=_("company"))
    vendor = models.ForeignKey(Vendor, models.PROTECT, related_name="purchase_orders", verbose_name=_("vendor"))
    number = models.CharField(_("number"), max_length=30)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    status = models.CharField(_("status"), max_length=30, choices=POStatus.choices, default=POStatus.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    order_date = models.DateField(_("order date"))
    buyer_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buyer's contact"),
    )
    # The latest version sent to (or confirmed with) the vendor, and the last confirmed one. Denormalised so that
    # the vendor's lists are plain indexed filters instead of "latest row per group" subqueries.
    latest_version = models.ForeignKey(
        "PurchaseOrderVersion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest version"),
    )
    confirmed_version = models.ForeignKey(
        "PurchaseOrderVersion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last confirmed version"),
    )
    # The vendor's answer to ``latest_version``, if it has one: with it, "answered or not" is a column, so the
    # vendor's and the buyer's lists and their counts never join the responses (section 4's rules on 200,000 POs).
    latest_response = models.ForeignKey(
        "VendorResponse",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer to the latest version"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Some line is received and not yet fully invoiced: the vendor's "ready to invoice" list is then one indexed
    # filter. Kept by the receipt and invoicing services, beside the lines' ``invoiced_quantity``.
    has_uninvoiced_receipts = models.BooleanField(_("ready to invoice"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PurchaseOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-order_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="po_number_unique_per_company"),
        ]
        # The vendor's lists are ordered by the id of the version a row stands for (ids grow with time, so that is
        # the order in which versions were sent): each list is then a walk along one of the first two indexes.
        indexes = [
            models.Index(
                fields=["vendor", "status", "-latest_version"],
                # Covering the workspace's four counts, which PostgreSQL then reads from the index alone.
                include=["latest_response", "confirmed_version", "origin"],
                name="po_vendor_status_latest",
            ),
            models.Index(fields=["vendor", "-confirmed_version"], name="po_vendor_confirmed"),
            models.Index(
                fields=["vendor", "-id"], condition=Q(has_uninvoiced_receipts=True), name="po_vendor_to_invoice"
            ),
            # The buyer's workspace counts: read from the index alone, without visiting 200,000 rows.
            models.Index(fields=["status", "latest_response", "origin"], name="po_status_response"),
            # The buyer's lists, ordered by the date of the last status change (``po_page_for_buyer``).
            models.Index(F("status"), Coalesce("status_changed_at", "created_at"), F("id"), name="po_status_changed"),
            models.Index(fields=["company", "status"], name="po_company_status"),
            models.Index(fields=["status", "-order_date"], name="po_status_date"),
            models.Index(fields=["updated_at"], name="po_updated_at"),
            # The stamp of a vendor's workspace (``fragments.vendor_stamp``): its last change, from the index.
            models.Index(fields=["vendor", "updated_at"], name="po_vendor_updated"),
        ]

    def __str__(self) -> str:
        return self.number

    def collaborative_for(self, actor: User) -> bool:
        """What ``objects.visible_to(actor).collaborative()`` decides, for a row already read (a PO a service has
        locked): the same rules, without a statement of their own."""
        if self.origin == Origin.CONSIGNMENT:
            return False
        if actor.is_buyer:
            return True
        return actor.is_vendor_user and self.vendor_id in actor.vendor_ids and self.latest_version_id is not None

    @property
    def is_open(self) -> bool:
        return self.status not in (POStatus.RECEIVED, POStatus.CANCELLED)

    @property
    def is_in_review(self) -> bool:
        """Sent and in front of the vendor (answered or not): what the review panel of a page is about."""
        return self.status == POStatus.IN_EXTERNAL_REVIEW

    @property
    def order_id(self) -> str:
        """The ID of the buyer's Order document: what answers refer to."""
        return self.order_document_id or self.number

    @property
    def next_version_number(self) -> int:
        return (self.latest_version.number if self.latest_version else 0) + 1


def schedule_total(schedule: list[dict[str, str]]) -> Decimal:
    return sum((Decimal(row["quantity"]) for row in schedule), ZERO)


class LineFields(models.Model):
    """What a PO line and its frozen copy in a version have in common."""

    line_number = models.PositiveIntegerField(_("line"))
    # Empty for a free-text line: it has a description and the identifiers below instead of an item record.
    item = models.ForeignKey(Item, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("item"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The line's ID in the buyer's Order document (blank: the line number); answers refer to it.
    buyer_line_id = models.CharField(_("buyer's line ID"), max_length=100, blank=True)
    buyers_item_id = models.CharField(_("buyer's item ID"), max_length=100, blank=True)
    sellers_item_id = models.CharField(_("seller's item ID"), max_length=100, blank=True)
    standard_item_id = models.CharField(_("standard item ID"), max_length=100, blank=True)
    standard_item_scheme = models.CharField(_("standard item ID scheme"), max_length=10, default="0160", blank=True)
    quantity = quantity_field(_("quantity"))
    # ``unit`` is the name screens show; ``unit_code`` the UN/ECE Rec 20 code documents carry.
    unit = models.CharField(_("unit"), max_length=10)
    unit_code = models.CharField(_("unit code"), max_length=3, blank=True)
    tax_category = models.CharField(_("tax category"), max_length=2, default="S", blank=True)
    tax_percent = models.DecimalField(_("tax %"), max_digits=5, decimal_places=2, null=True, blank=True)
    unit_price = price_field(_("unit price"))
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2, default=ZERO)
    delivery_date = models.DateField(_("delivery date"))
    # The requested delivery period of the buyer's Order, kept as it came; ``delivery_date`` is the portal's date.
    requested_start = models.DateField(_("requested delivery from"), null=True, blank=True)
    requested_end = models.DateField(_("requested delivery until"), null=True, blank=True)
    site = models.ForeignKey(Site, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site"))
    warehouse = models.ForeignKey(
        Warehouse, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("warehouse")
    )
    color = models.CharField(_("color"), max_length=40, blank=True)
    size = models.CharField(_("size"), max_length=40, blank=True)
    style = models.CharField(_("style"), max_length=40, blank=True)
    configuration = models.CharField(_("configuration"), max_length=40, blank=True)
    # Set when a vendor's substitute was applied: the vendor's own item number and description.
    external_item_number = models.CharField(_("external item number"), max_length=60, blank=True)
    external_description = models.CharField(_("external description"), max_length=300, blank=True)
    # Schedule lines of a split line: [{"quantity": "10", "delivery_date": "2026-12-01"}, ...]; empty if not split.
    schedule = models.JSONField(_("schedule lines"), default=list, blank=True)
    # A line the vendor rejected and the buyer accepted that rejection for: kept for history, never delivered.
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        abstract = True

    @property
    def is_free_text(self) -> bool:
        return self.item_id is None

    @property
    def order_line_id(self) -> str:
        """The line's ID in the buyer's Order: what answers refer to."""
        return self.buyer_line_id or str(self.line_number)

    @property
    def amount(self) -> Decimal:
        if self.is_cancelled:
            return ZERO
        # Rounded half-up per line (``line_amount``): two decimals, as the amount columns keep them.
        return line_amount(quantity=self.quantity, unit_price=self.unit_price, discount_percent=self.discount_percent)


class PurchaseOrderLineQuerySet(models.QuerySet["PurchaseOrderLine"]):
    def with_item_numbers(self) -> PurchaseOrderLineQuerySet:
        """Each line with its item's number as ``item_number`` (empty for a free-text line), in the same statement:
        what the API writes of a line."""
        return self.annotate(item_number=F("item__number"))


class PurchaseOrderLine(LineFields):
    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="lines")
    received_quantity = quantity_field(_("received quantity"), default=ZERO)
    # Invoiced by the vendor: every submitted, not rejected invoice minus its credit notes (``invoicing``). Never more
    # than received; changed only under this row's lock.
    invoiced_quantity = quantity_field(_("invoiced quantity"), default=ZERO)
    # Announced on ship notices not yet received nor cancelled (``shipping``): what is still to announce is
    # ``quantity - received_quantity - in_transit_quantity``. Changed only under this row's lock.
    in_transit_quantity = quantity_field(_("in transit"), default=ZERO)

    objects = PurchaseOrderLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "line_number"], name="po_line_number_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(received_quantity__lte=F("quantity")), name="po_line_no_over_receipt"),
            models.CheckConstraint(
                condition=Q(invoiced_quantity__gte=0, invoiced_quantity__lte=F("received_quantity")),
                name="po_line_no_over_invoice",
            ),
            models.CheckConstraint(condition=Q(in_transit_quantity__gte=0), name="po_line_in_transit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.line_number}"

    @property
    def remaining_quantity(self) -> Decimal:
        return ZERO if self.is_cancelled else self.quantity - self.received_quantity

    @property
    def is_fully_received(self) -> bool:
        return self.is_cancelled or self.received_quantity >= self.quantity

    @property
    def to_announce_quantity(self) -> Decimal:
        """Still open and not already announced on a ship notice in transit."""
        if self.is_cancelled:
            return ZERO
        return max(ZERO, self.quantity - self.received_quantity - self.in_transit_quantity)

    @property
    def invoiceable_quantity(self) -> Decimal:
        """Received and not yet invoiced."""
        return self.received_quantity - self.invoiced_quantity


class ChargeFields(models.Model):
    line_number = models.PositiveIntegerField(_("line"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=20)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = amount_field(_("amount"))

    class Meta:
        abstract = True


class PurchaseOrderCharge(ChargeFields):
    """A charge on the PO header (``line_number`` empty) or on one line: freight, packaging, handling."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="charges")

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["purchase_order_id", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class Note(models.Model):
    """A buyer's note on the PO header or a line; external notes go to the vendor with the next version."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="notes")
    line_number = models.PositiveIntegerField(_("line"), null=True, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["purchase_order_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.purchase_order_id}/{filename}"


class Attachment(models.Model):
    """A file on the PO header or a line. The buyer marks it internal or external; a vendor's file on a response
    (``response`` set) is always shared with the buyer. Files are never deleted, only withdrawn (``removed_at``),
    because a version the vendor already received may point at them."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="attachments")
    line_number = models.PositiveIntegerField(_("line"), null=True, blank=True)
    response = models.ForeignKey("VendorResponse", models.CASCADE, null=True, blank=True, related_name="attachments")
    # A vendor's file uploaded while drafting a response; it moves to the response when that is submitted.
    draft = models.ForeignKey("ResponseDraft", models.SET_NULL, null=True, blank=True, related_name="attachments")
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["purchase_order_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class PurchaseOrderVersion(OrderTerms, AppendOnlyModel):
    """An immutable snapshot of a PO as the vendor received it (or as it was confirmed with the vendor's
    changes). Shown with a suffix: ``PO-000123-2``."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=VersionKind.choices, default=VersionKind.SENT)
    # For a confirmation version: the response whose changes it applies.
    applies_response = models.ForeignKey("VendorResponse", models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(_("currency"), max_length=3)
    order_date = models.DateField(_("order date"))
    total_amount = amount_field(_("total amount"))
    buyer_contact_name = models.CharField(_("buyer's contact"), max_length=200, blank=True)
    buyer_contact_email = models.EmailField(_("buyer's contact e-mail"), blank=True)
    notes = models.ManyToManyField(Note, blank=True, related_name="versions")
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="versions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase order version")
        verbose_name_plural = _("purchase order versions")
        ordering = ["purchase_order_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "number"], name="po_version_number_unique"),
        ]
        indexes = [models.Index(fields=["-created_at"], name="po_version_created")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.purchase_order.number}-{self.number}"

    @property
    def order_id(self) -> str:
        """The ID of the buyer's Order document this version stands for: what answers refer to."""
        return self.order_document_id or self.purchase_order.number


class VersionLine(LineFields, AppendOnlyModel):
    version = models.ForeignKey(PurchaseOrderVersion, models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("version line")
        verbose_name_plural = _("version lines")
        ordering = ["version_id", "line_number"]
        constraints = [models.UniqueConstraint(fields=["version", "line_number"], name="version_line_unique")]

    def __str__(self) -> str:
        return f"{self.version_id}/{self.line_number}"


class VersionCharge(ChargeFields, AppendOnlyModel):
    version = models.ForeignKey(PurchaseOrderVersion, models.CASCADE, related_name="charges")

    class Meta:
        verbose_name = _("version charge")
        verbose_name_plural = _("version charges")
        ordering = ["version_id", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class VendorResponse(AppendOnlyModel):
    """The vendor's one answer to one version. The one-to-one on ``version`` is the last line of defence for
    "once": even two racing requests cannot store two answers to the same version."""

    version = models.OneToOneField(PurchaseOrderVersion, models.PROTECT, related_name="response")
    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="responses")
    kind = models.CharField(_("response"), max_length=30, choices=ResponseKind.choices)
    vendor_reference = models.CharField(_("vendor reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vendor response")
        verbose_name_plural = _("vendor responses")
        ordering = ["purchase_order_id", "submitted_at", "id"]
        indexes = [models.Index(fields=["-submitted_at"], name="response_submitted")]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.kind}"


class ResponseDraft(models.Model):
    """A response the vendor is still working on: the editor's fields exactly as typed, kept until submitted.

    One per version, shared by the vendor's users, so a colleague can pick up where someone left off.
    """

    version = models.OneToOneField(PurchaseOrderVersion, models.CASCADE, related_name="draft")
    payload = models.JSONField(_("fields"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("response draft")
        verbose_name_plural = _("response drafts")

    def __str__(self) -> str:
        return f"{self.version_id} draft"


class ResponseLine(AppendOnlyModel):
    """The vendor's answer for one line of the version. Every line of the version gets one."""

    response = models.ForeignKey(VendorResponse, models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("line"))
    action = models.CharField(_("action"), max_length=20, choices=LineAction.choices)
    # The confirmed quantity and date: for accept the ordered ones, for change and substitute the vendor's,
    # for split the total and the earliest date of the schedule lines, for reject empty.
    quantity = quantity_field(_("quantity"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    schedule = models.JSONField(_("schedule lines"), default=list, blank=True)
    external_item_number = models.CharField(_("external item number"), max_length=60, blank=True)
    external_description = models.CharField(_("external description"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("response line")
        verbose_name_plural = _("response lines")
        ordering = ["response_id", "line_number"]
        constraints = [models.UniqueConstraint(fields=["response", "line_number"], name="response_line_unique")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.line_number}: {self.action}"


class Receipt(AppendOnlyModel):
    """A product receipt: goods of one or more confirmed lines arrived."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="receipts")
    # The ship notice the goods were received from, if any (``shipping``).
    ship_notice = models.ForeignKey(
        "shipping.ShipNotice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("ship notice"),
    )
    received_date = models.DateField(_("received on"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product receipt")
        verbose_name_plural = _("product receipts")
        ordering = ["purchase_order_id", "posted_at", "id"]

    def __str__(self) -> str:
        return f"{self.purchase_order_id} {self.received_date}"


class ReceiptLine(AppendOnlyModel):
    receipt = models.ForeignKey(Receipt, models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, models.PROTECT, related_name="receipt_lines")
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.quantity}"


class PurchaseOrderEvent(AppendOnlyModel):
    """The append-only history of a PO: who did what, when."""

    purchase_order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    from_status = models.CharField(_("from status"), max_length=30, choices=POStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=POStatus.choices, blank=True)
    version_number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("date and time"), auto_now_add=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        ordering = ["purchase_order_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.purchase_order_id} {self.kind}"
