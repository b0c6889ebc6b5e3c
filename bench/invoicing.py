"""Vendor invoices in the bench data: what the vendors billed for what was received, in every status of the life cycle.

A received PO is invoiced in one invoice of all its received lines, the way most vendors bill. Whether and how far
it got depends on how long ago it was received: most receipts older than a month are invoiced and paid, recent ones
are often not invoiced yet or wait for the buyer. Each invoice is written as the services leave it: totals per
EN 16931 (standard rate, one tax subtotal), the match's exceptions for one on hold, the events of each step, and the
PO lines' ``invoiced_quantity`` (what counting invoices add, minus credit notes) with the PO's
``has_uninvoiced_receipts`` beside it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from vendorcollab.common.formatting import plain_number
from vendorcollab.invoicing.models import (
    ExceptionKind,
    Invoice,
    InvoiceEvent,
    InvoiceEventKind,
    InvoiceKind,
    InvoiceLine,
)
from vendorcollab.invoicing.models import InvoiceStatus as Status

from .tables import INVOICE, INVOICE_EVENT, INVOICE_LINE
from .world import Ids, VendorInfo, World
from .writers import Table

Batch = dict[Table, list[tuple[Any, ...]]]

TAX_PERCENT = 21  # ``tables.INVOICE_LINE``'s rate, the PO lines' too
# What an invoice on hold asks: 5 % over the PO's price, beyond the bench companies' 2 % tolerance.
PRICE_RAISE_PERCENT = 5
# Receipts older than this are mostly settled; younger ones mostly still on their way.
SETTLED_AFTER_DAYS = 30


class Fate(models.TextChoices):
    """How far the billing of one received PO got."""

    NOT_YET = "not_yet"  # received, not invoiced: in the vendor's "ready to invoice" list
    DRAFT = "draft"
    MATCHED = "matched"
    ON_HOLD = "on_hold"
    REJECTED = "rejected"  # on hold, rejected; its quantities released and not invoiced again (yet)
    REINVOICED = "reinvoiced"  # rejected, then invoiced again at the PO's price and paid
    APPROVED = "approved"
    PAID = "paid"
    CREDITED = "credited"  # paid, credited in full by a credit note, invoiced again and paid


FATE_WEIGHTS_SETTLED = {
    Fate.NOT_YET: 8,
    Fate.DRAFT: 1,
    Fate.MATCHED: 2,
    Fate.ON_HOLD: 2,
    Fate.REJECTED: 1,
    Fate.REINVOICED: 1,
    Fate.APPROVED: 6,
    Fate.PAID: 77,
    Fate.CREDITED: 2,
}
FATE_WEIGHTS_RECENT = {
    Fate.NOT_YET: 45,
    Fate.DRAFT: 10,
    Fate.MATCHED: 25,
    Fate.ON_HOLD: 10,
    Fate.REJECTED: 3,
    Fate.APPROVED: 7,
}


@dataclass(frozen=True)
class ReceivedLine:
    """A PO line with something received, as the invoice needs it."""

    purchase_order_id: int
    line_id: int
    description: str
    unit: str
    unit_code: str
    quantity: int  # received
    price_cents: int  # the PO line's net unit price (after its discount), in cents


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _price(cents: int) -> str:
    return plain_number(Decimal(cents) / 100)


def tax_cents(taxable_cents: int) -> int:
    """VAT of one category, rounded half-up to the cent (EN 16931 BR-CO-17)."""
    return (taxable_cents * TAX_PERCENT + 50) // 100


class InvoiceFactory:
    def __init__(self, world: World, ids: Ids, rng: random.Random, now: dt.datetime) -> None:
        self.world = world
        self.ids = ids
        self.rng = rng
        self.now = now
        self.today = now.date()
        self.numbers: dict[int, int] = {}  # per vendor account, the last invoice number used
        self.big_vendor_rejected = False

    def bill(self, batch: Batch, vendor: VendorInfo, lines: list[ReceivedLine], received_on: dt.date) -> dict[int, int]:
        """Invoice the received ``lines`` of one PO as far as its fate goes. Returns what is invoiced per line id."""
        if not lines:
            return {}
        age = (self.today - received_on).days
        weights = FATE_WEIGHTS_SETTLED if age > SETTLED_AFTER_DAYS else FATE_WEIGHTS_RECENT
        fate = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        if vendor.id == self.world.big_vendor.id and fate != Fate.NOT_YET and not self.big_vendor_rejected:
            # The measured vendor's list of rejected invoices is never empty, whatever the day's draw gives: the
            # draw moves with the date (a receipt's age picks the weights), and a small set has few rejections.
            fate = Fate.REJECTED
            self.big_vendor_rejected = True
        if fate == Fate.NOT_YET:
            return {}
        issued = min(received_on + dt.timedelta(days=self.rng.randint(0, 5)), self.today)
        bill = Bill(self, batch, vendor, lines)
        counted = {line.line_id: line.quantity for line in lines}
        if fate == Fate.DRAFT:
            bill.invoice(issued, Status.DRAFT)
            return {}
        if fate in (Fate.MATCHED, Fate.APPROVED):
            bill.invoice(issued, Status(fate))
        elif fate == Fate.ON_HOLD:
            bill.invoice(issued, Status.ON_HOLD, raised=True)
        elif fate == Fate.REJECTED:
            bill.invoice(issued, Status.REJECTED, raised=True)
            return {}
        elif fate == Fate.REINVOICED:
            bill.invoice(issued, Status.REJECTED, raised=True)
            bill.invoice(issued + dt.timedelta(days=3), Status.PAID)
        elif fate == Fate.PAID:
            bill.invoice(issued, Status.PAID)
        elif fate == Fate.CREDITED:
            first = bill.invoice(issued, Status.PAID)
            bill.invoice(issued + dt.timedelta(days=20), Status.APPROVED, credits=first)
            bill.invoice(issued + dt.timedelta(days=21), Status.PAID)
        return counted

    def next_number(self, vendor_id: int) -> int:
        self.numbers[vendor_id] = self.numbers.get(vendor_id, 0) + 1
        return self.numbers[vendor_id]


class Bill:
    """The invoices (and credit notes) of one PO's received lines, appended to the batch."""

    def __init__(self, factory: InvoiceFactory, batch: Batch, vendor: VendorInfo, lines: list[ReceivedLine]) -> None:
        self.factory = factory
        self.batch = batch
        self.vendor = vendor
        self.lines = lines

    def _at(self, day: dt.date, hours: float) -> dt.datetime:
        """A moment on ``day`` (office hours), never in the future."""
        moment = dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(hours=hours)
        return min(moment, self.factory.now - dt.timedelta(minutes=5))

    def invoice(self, issued: dt.date, status: Status, *, raised: bool = False, credits: int | None = None) -> int:
        """One invoice of every line (a credit note of them when ``credits`` names the invoice it credits), left in
        ``status``; ``raised``: one line's price 5 % over the PO's, which the match puts on hold."""
        factory, rng = self.factory, self.factory.rng
        issued = min(issued, factory.today)
        due = issued + dt.timedelta(days=self.vendor.payment_terms_days)
        if status == Status.PAID and due > factory.today:
            status = Status.APPROVED  # not due yet: approved and waiting for the payment run
        invoice_id = factory.ids.take(Invoice)
        raised_index = rng.randrange(len(self.lines)) if raised else -1
        line_total = 0
        exceptions: list[dict[str, Any]] = []
        for index, line in enumerate(self.lines):
            price = line.price_cents
            if index == raised_index:
                price = line.price_cents * (100 + PRICE_RAISE_PERCENT) // 100
                exceptions.append(
                    {
                        "line_number": index + 1,
                        "kind": ExceptionKind.PRICE.value,
                        # Prices as the match writes them (``plain_number``), totals with their two decimals.
                        "expected": _price(line.price_cents),
                        "actual": _price(price),
                    }
                )
            net = line.quantity * price
            line_total += net
            self.batch[INVOICE_LINE].append(
                (
                    factory.ids.take(InvoiceLine),
                    invoice_id,
                    index + 1,
                    line.purchase_order_id,
                    line.line_id,
                    line.description,
                    line.unit,
                    line.unit_code,
                    line.quantity,
                    _money(price),
                    _money(line.price_cents),
                    _money(net),
                )
            )
        ordered_total = sum(line.quantity * line.price_cents for line in self.lines)
        if raised and line_total - ordered_total > 500:  # beyond the companies' 5.00 on the total
            exceptions.append(
                {
                    "line_number": None,
                    "kind": ExceptionKind.TOTAL.value,
                    "expected": _money(ordered_total),
                    "actual": _money(line_total),
                }
            )
        tax = tax_cents(line_total)
        vendor_user = rng.choice(self.vendor.user_ids)
        payer = rng.choice(factory.world.payables_ids)
        created = self._at(issued, rng.uniform(0, 8))
        events = Events(self, invoice_id, vendor_user, created)
        events.add(InvoiceEventKind.CREATED, "", Status.DRAFT, created)
        submitted = decided = paid_on = None
        if status != Status.DRAFT:
            submitted = self._at(issued, 9)
            matched = Status.ON_HOLD if exceptions else Status.MATCHED
            events.add(InvoiceEventKind.SUBMITTED, Status.DRAFT, matched, submitted)
            if status in (Status.APPROVED, Status.PAID):
                decided = self._at(issued + dt.timedelta(days=rng.randint(1, 7)), rng.uniform(0, 8))
                events.add(InvoiceEventKind.APPROVED, matched, Status.APPROVED, decided, actor=payer)
            elif status == Status.REJECTED:
                decided = self._at(issued + dt.timedelta(days=rng.randint(1, 3)), rng.uniform(0, 8))
                events.add(
                    InvoiceEventKind.REJECTED, matched, Status.REJECTED, decided, actor=payer, data={"reason": REASON}
                )
            if status == Status.PAID:
                paid_on = due
                events.add(
                    InvoiceEventKind.PAID,
                    Status.APPROVED,
                    Status.PAID,
                    self._at(due, 2),
                    actor=payer,
                    data={"payment_date": due.isoformat(), "reference": f"PAY-{invoice_id}"},
                )
        credit_note = credits is not None
        number = factory.next_number(self.vendor.id)
        self.batch[INVOICE].append(
            (
                invoice_id,
                self.vendor.id,
                self.vendor.company_id,
                InvoiceKind.CREDIT_NOTE if credit_note else InvoiceKind.INVOICE,
                f"{'CN' if credit_note else 'INV'}-{number:06d}",
                status,
                issued,
                due,
                credits,
                _money(line_total),
                _money(line_total),
                _money(tax),
                _money(line_total + tax),
                _money(line_total + tax),
                exceptions if status != Status.DRAFT else [],
                REASON if status == Status.REJECTED else "",
                paid_on,
                f"PAY-{invoice_id}" if paid_on else "",
                vendor_user,
                created,
                events.last_at,
                submitted,
                events.last_at if submitted else None,
                events.last_actor if submitted else None,
            )
        )
        return invoice_id


REASON = "Price not as agreed on the purchase order"


class Events:
    """One invoice's events, in order; remembers the last, which the invoice's stamps repeat."""

    def __init__(self, bill: Bill, invoice_id: int, vendor_user: int, created: dt.datetime) -> None:
        self.bill = bill
        self.invoice_id = invoice_id
        self.vendor_user = vendor_user
        self.last_at = created
        self.last_actor = vendor_user

    def add(
        self,
        kind: str,
        from_status: str,
        to_status: str,
        at: dt.datetime,
        *,
        actor: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.last_at = max(at, self.last_at)
        self.last_actor = actor or self.vendor_user
        self.bill.batch[INVOICE_EVENT].append(
            (
                self.bill.factory.ids.take(InvoiceEvent),
                self.invoice_id,
                kind,
                from_status,
                to_status,
                self.last_actor,
                self.last_at,
                data or {},
            )
        )
