"""What the benchmark acts on, made fresh for every run through the real services: 50-line POs sent to the big
vendor (to view, to answer with changes, to print, whose answers are then written as Order Responses), a 10-line
PEPPOL Order to import, 10-line POs in review, each to be changed once by an Order Change from the buyer's ERP,
sets of ten received 10-line POs, each set invoiced once by the vendor, and confirmed 10-line POs, each shipped once
on a ship notice.

Answers, invoices and ship notices consume their POs (a version is answered once, a receipt invoiced once, an open
quantity announced once), so a run never reuses another run's targets.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from vendorcollab.accounts.models import User
from vendorcollab.api.services import token_issue
from vendorcollab.interop.writers.order import ubl_order, ubl_order_change
from vendorcollab.partners.models import Collaboration, Item, Site, Vendor, Warehouse
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import (
    LineInput,
    ReceiptLineInput,
    po_confirm,
    po_create,
    po_send,
    receipt_post,
)
from vendorcollab.shipping.models import ShipNotice, ShipNoticeLine, ShipNoticeStatus

from .world import AGENT_USER, BIG_VENDOR_NUMBER, BIG_VENDOR_USER, CLERK_USER, PAYABLES_USER


@dataclass
class Targets:
    vendor_user: User
    agent: User
    clerk: User
    payables: User  # accounts payable: the buyer's invoice pages
    big_vendor: Vendor
    vendor_token: str
    agent_token: str
    view_po: int  # a 50-line PO in review, viewed and printed again and again
    answer_pos: list[int]  # 50-line POs in review, each answered once
    first_render_pos: list[int]  # 50-line POs in review whose PDF no one has asked for yet
    ubl_template: bytes  # a 10-line PEPPOL Order; each import gets its own order number
    order_changes: list[bytes]  # one Order Change (T114) per 10-line PO in review: its first line 10 -> 15
    invoices: list[dict[str, Any]]  # API bodies, each invoicing ten received 10-line POs of the big vendor in full
    ship_notices: list[dict[str, Any]]  # API bodies, each shipping one confirmed 10-line PO of the big vendor in full
    notice: int | None  # the big vendor's notice with the most lines in the data set: the notice pages measured
    flow: FlowTargets | None  # the PO loop over the API (issue 18)

    def ubl_document(self, serial: int) -> bytes:
        """The template with a number no PO has: an import of a number already used is refused, as it should."""
        number = f"BENCH-{uuid.uuid4().hex[:10]}-{serial}"
        return re.sub(rb"<cbc:ID>[^<]*</cbc:ID>", f"<cbc:ID>{number}</cbc:ID>".encode(), self.ubl_template, count=1)


@dataclass
class FlowTargets:
    """The PO loop as a buyer's ERP and a vendor's ERP run it over the API: what to create, and who answers."""

    agent_token: str
    manual_vendor: int  # the big vendor: its answer waits for the buyer's confirmation
    manual_vendor_token: str
    auto_vendor: int  # a vendor account of the same company trusted to confirm automatically
    auto_vendor_token: str
    lines: list[dict[str, Any]]  # ten lines of the company's items, as an ERP posts them

    def create_body(self, vendor: int) -> dict[str, Any]:
        return {"vendor": vendor, "lines": self.lines}


def flow_targets(*, agent: User, agent_token: str, big: Vendor, vendor_token: str) -> FlowTargets:
    auto = (
        Vendor.objects.filter(company_id=big.company_id, collaboration=Collaboration.AUTO_CONFIRM)
        .order_by("pk")
        .first()
    )
    if auto is None:
        raise LookupError("The bench data set has no vendor account that confirms automatically.")
    auto_user = User.objects.filter(vendor_memberships__vendor=auto).order_by("pk").first()
    if auto_user is None:
        raise LookupError(f"Vendor account {auto.number} has no user.")
    today = timezone.localdate()
    site = Site.objects.filter(company_id=big.company_id).order_by("pk").first()
    warehouse = Warehouse.objects.filter(site=site).order_by("pk").first()
    assert site is not None and warehouse is not None
    items = Item.objects.filter(company_id=big.company_id).order_by("pk")[:10]
    lines = [
        {
            "item": item.pk,
            "quantity": str(10 + number),
            "unit_price": "12.40",
            "delivery_date": (today + dt.timedelta(days=14 + number % 7)).isoformat(),
            "site": site.pk,
            "warehouse": warehouse.pk,
        }
        for number, item in enumerate(items)
    ]
    return FlowTargets(
        agent_token=agent_token,
        manual_vendor=big.pk,
        manual_vendor_token=vendor_token,
        auto_vendor=auto.pk,
        auto_vendor_token=token_issue(actor=auto_user, name="bench")[1],
        lines=lines,
    )


def purchase_order_with_lines(
    *, agent: User, vendor: Vendor, count: int, tax_percent: Decimal | None = None
) -> PurchaseOrder:
    items = list(Item.objects.filter(company_id=vendor.company_id).order_by("pk")[:count])
    site = Site.objects.filter(company_id=vendor.company_id).order_by("pk").first()
    warehouse = Warehouse.objects.filter(site=site).order_by("pk").first()
    today = timezone.localdate()
    lines = [
        LineInput(
            item=item,
            quantity=Decimal(10 + number),
            unit_price=Decimal("12.40"),
            delivery_date=today + dt.timedelta(days=14 + number % 7),
            site=site,
            warehouse=warehouse,
            color="blue" if number % 3 == 0 else "",
            tax_percent=tax_percent,
        )
        for number, item in enumerate(items)
    ]
    po = po_create(actor=agent, company=vendor.company, vendor=vendor, lines=lines)
    return po_send(actor=agent, purchase_order=po)


def received_purchase_order(*, agent: User, clerk: User, vendor: Vendor, count: int) -> PurchaseOrder:
    """A PO of ``count`` lines at the standard rate, sent, confirmed and received in full: ready to invoice."""
    po = purchase_order_with_lines(agent=agent, vendor=vendor, count=count, tax_percent=Decimal("21"))
    po = po_confirm(actor=agent, purchase_order=po, without_response=True)
    lines = [ReceiptLineInput(line.line_number, line.quantity) for line in po.lines.order_by("line_number")]
    receipt_post(actor=clerk, purchase_order=po, lines=lines)
    return po


def invoice_body(vendor: Vendor, pos: list[PurchaseOrder]) -> dict[str, Any]:
    """What a vendor's ERP posts to invoice everything received of ``pos`` and submit it at once."""
    return {
        "vendor": vendor.pk,
        "number": f"BENCH-{uuid.uuid4().hex[:12]}",
        "issue_date": timezone.localdate().isoformat(),
        "lines": [
            {"purchase_order": po.pk, "line_number": line.line_number, "quantity": str(line.received_quantity)}
            for po in pos
            for line in po.lines.order_by("line_number")
        ],
        "submit": True,
    }


def order_change_for(po: PurchaseOrder) -> bytes:
    """The buyer's ERP changing ``po`` (in review, version 1): the Order Change the portal would write for a version
    2 whose first line asks 15 instead of 10. Made from version 1's own document, so parties and lines match."""
    assert po.latest_version is not None
    document = ubl_order_change(po.latest_version)
    document = re.sub(
        rb"<cbc:SequenceNumberID>\d+</cbc:SequenceNumberID>",
        b"<cbc:SequenceNumberID>1</cbc:SequenceNumberID>",
        document,
    )
    return re.sub(rb'(<cbc:Quantity unitCode="[^"]+">)10(</cbc:Quantity>)', rb"\g<1>15\g<2>", document, count=1)


def ship_notice_body(po: PurchaseOrder, serial: int) -> dict[str, Any]:
    """What a vendor's ERP posts to announce that every line of ``po`` left today, expected in three days."""
    today = timezone.localdate()
    return {
        "purchase_order": po.pk,
        "number": f"BENCH-SN-{uuid.uuid4().hex[:10]}-{serial}",
        "despatch_date": today.isoformat(),
        "expected_delivery_date": (today + dt.timedelta(days=3)).isoformat(),
        "carrier": "DHL Freight",
        "tracking_number": f"JVGL{serial:010d}",
        "packages": 2,
        "lines": [
            {"line_number": line.line_number, "quantity": str(line.quantity)}
            for line in po.lines.order_by("line_number")
        ],
    }


def largest_notice(vendor: Vendor) -> int | None:
    """The vendor's notice with the most lines (received or on its way), the heaviest notice page it has."""
    top = (
        ShipNoticeLine.objects.filter(notice__vendor=vendor)
        .exclude(notice__status=ShipNoticeStatus.CANCELLED)
        .values("notice_id")
        .annotate(lines=Count("pk"))
        .order_by("-lines", "notice_id")
        .values_list("notice_id", flat=True)
        .first()
    )
    return top if top is not None else ShipNotice.objects.filter(vendor=vendor).values_list("pk", flat=True).first()


def make_targets(
    *,
    answers: int,
    first_renders: int,
    order_changes: int = 0,
    invoices: int = 0,
    ship_notices: int = 0,
    flow: bool = False,
) -> Targets:
    vendor_user = User.objects.get(username=BIG_VENDOR_USER)
    agent = User.objects.get(username=AGENT_USER)
    clerk = User.objects.get(username=CLERK_USER)
    payables = User.objects.get(username=PAYABLES_USER)
    big = Vendor.objects.select_related("company").get(number=BIG_VENDOR_NUMBER)
    fifty = [
        purchase_order_with_lines(agent=agent, vendor=big, count=50).pk for _ in range(1 + answers + first_renders)
    ]
    ten = purchase_order_with_lines(agent=agent, vendor=big, count=10)
    assert ten.latest_version is not None
    vendor_token = token_issue(actor=vendor_user, name="bench")[1]
    agent_token = token_issue(actor=agent, name="bench")[1]
    return Targets(
        vendor_user=vendor_user,
        agent=agent,
        clerk=clerk,
        payables=payables,
        big_vendor=big,
        vendor_token=vendor_token,
        agent_token=agent_token,
        view_po=fifty[0],
        answer_pos=fifty[1 : 1 + answers],
        first_render_pos=fifty[1 + answers :],
        ubl_template=ubl_order(ten.latest_version),
        order_changes=[
            order_change_for(purchase_order_with_lines(agent=agent, vendor=big, count=10)) for _ in range(order_changes)
        ],
        invoices=[
            invoice_body(
                big, [received_purchase_order(agent=agent, clerk=clerk, vendor=big, count=10) for _ in range(10)]
            )
            for _ in range(invoices)
        ],
        ship_notices=[
            ship_notice_body(
                po_confirm(
                    actor=agent,
                    purchase_order=purchase_order_with_lines(agent=agent, vendor=big, count=10),
                    without_response=True,
                ),
                serial,
            )
            for serial in range(ship_notices)
        ],
        notice=largest_notice(big),
        flow=flow_targets(agent=agent, agent_token=agent_token, big=big, vendor_token=vendor_token) if flow else None,
    )
