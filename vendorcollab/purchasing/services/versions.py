"""Freezing a PO into an immutable version: what the vendor receives, or what was confirmed with it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import CharField, Value

from vendorcollab.accounts.models import User

from ..models import (
    ZERO,
    Attachment,
    ChargeFields,
    LineFields,
    Note,
    OrderTerms,
    PurchaseOrder,
    PurchaseOrderVersion,
    VendorResponse,
    VersionCharge,
    VersionKind,
    VersionLine,
    Visibility,
)

LINE_FIELDS = [field.attname for field in LineFields._meta.fields]
CHARGE_FIELDS = [field.attname for field in ChargeFields._meta.fields]
TERMS_FIELDS = [field.attname for field in OrderTerms._meta.fields]


def po_total(po: PurchaseOrder) -> Decimal:
    lines = sum((line.amount for line in po.lines.all()), ZERO)
    return lines + sum((charge.amount for charge in po.charges.all()), ZERO)


def version_freeze(
    po: PurchaseOrder,
    *,
    actor: User,
    kind: VersionKind = VersionKind.SENT,
    applies_response: VendorResponse | None = None,
) -> PurchaseOrderVersion:
    """Copy the PO's lines, charges, external notes and external attachments into version N+1.

    Call with the PO locked; sets ``po.latest_version`` (the caller saves the PO through a transition).
    """
    contact = po.buyer_contact
    version = PurchaseOrderVersion.objects.create(
        purchase_order=po,
        number=po.next_version_number,
        kind=kind,
        applies_response=applies_response,
        currency=po.currency,
        order_date=po.order_date,
        total_amount=po_total(po),
        buyer_contact_name=contact.get_full_name() or contact.username if contact else "",
        buyer_contact_email=contact.email if contact else "",
        created_by=actor,
        **{name: getattr(po, name) for name in TERMS_FIELDS},
    )
    VersionLine.objects.bulk_create(
        VersionLine(version=version, **{name: getattr(line, name) for name in LINE_FIELDS}) for line in po.lines.all()
    )
    VersionCharge.objects.bulk_create(
        VersionCharge(version=version, **{name: getattr(charge, name) for name in CHARGE_FIELDS})
        for charge in po.charges.all()
    )
    # A new version holds nothing yet: its external notes and files are added, read in one statement, and only
    # when there are any (``set`` would read what it holds first).
    notes = Note.objects.filter(purchase_order=po, visibility=Visibility.EXTERNAL).values_list(
        Value("note", output_field=CharField()), "pk"
    )
    files = Attachment.objects.filter(
        purchase_order=po, visibility=Visibility.EXTERNAL, response__isnull=True, removed_at__isnull=True
    ).values_list(Value("attachment", output_field=CharField()), "pk")
    shared: dict[str, list[int]] = {"note": [], "attachment": []}
    for kind, pk in notes.order_by().union(files.order_by(), all=True):
        shared[kind].append(pk)
    if shared["note"]:
        version.notes.add(*shared["note"])
    if shared["attachment"]:
        version.attachments.add(*shared["attachment"])
    po.latest_version = version
    po.latest_response = None  # a new version is unanswered
    return version
