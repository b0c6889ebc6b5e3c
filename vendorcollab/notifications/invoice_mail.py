"""Notification mail about vendor invoices: who hears of each invoice event, and what the mail says.

- ``invoice.submitted`` (matched) and ``invoice.on_hold``: the buyer's accounts payable users, and for an invoice on
  hold also the buyer contacts of the invoice's POs (they know whether the price was agreed); a link to the buyer's
  invoice page. An invoice put on hold by its submission is told once, as on hold.
- ``invoice.approved``, ``invoice.rejected`` (with the reason) and ``invoice.paid`` (date and reference): the vendor
  account's active users, with a link to the invoice in the vendor portal.

The same settings as every notification (``mail.notify``): immediately, in the daily digest, or off; every mail in
its recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from vendorcollab.accounts.models import VENDOR_ROLES, Role, User
from vendorcollab.common.events import Event
from vendorcollab.common.formatting import money_text
from vendorcollab.invoicing.models import Invoice, InvoiceStatus
from vendorcollab.purchasing.models import PurchaseOrder

BUYER_EVENTS = frozenset({Event.INVOICE_SUBMITTED, Event.INVOICE_ON_HOLD})
VENDOR_EVENTS = frozenset({Event.INVOICE_APPROVED, Event.INVOICE_REJECTED, Event.INVOICE_PAID})
INVOICE_EVENTS = BUYER_EVENTS | VENDOR_EVENTS


def invoice_load(pk: int) -> Invoice | None:
    return Invoice.objects.select_related("company", "vendor").filter(pk=pk).first()


def _with_address(users: Any) -> list[User]:
    return list(users.filter(is_active=True).exclude(email="").distinct().order_by("pk"))


def accounts_payable(invoice: Invoice) -> list[User]:
    """Who decides the buyer's invoices. Buyer users belong to the whole organisation, not to one company, so every
    accounts payable user hears of every company's invoices."""
    return _with_address(User.objects.filter(role_assignments__role=Role.ACCOUNTS_PAYABLE))


def buyer_contacts(invoice: Invoice) -> list[User]:
    """The buyer contact of each PO the invoice bills (else whoever created the PO), active and with an address."""
    contacts = []
    for po in PurchaseOrder.objects.filter(pk__in=invoice.lines.values("purchase_order_id")).select_related(
        "buyer_contact", "created_by"
    ):
        for user in (po.buyer_contact, po.created_by):
            if user is not None and user.is_active and user.email:
                contacts.append(user)
                break
    return contacts


def vendor_users(invoice: Invoice) -> list[User]:
    if not invoice.vendor.collaborates:
        return []
    return _with_address(
        User.objects.filter(
            vendor_memberships__vendor=invoice.vendor,
            vendor_memberships__is_active=True,
            role_assignments__role__in=VENDOR_ROLES,
        )
    )


def recipients(event: str, invoice: Invoice, payload: dict[str, Any]) -> list[User]:
    if event == Event.INVOICE_SUBMITTED:
        # The submission that put the invoice on hold is told by ``invoice.on_hold``, once.
        if payload.get("status") == InvoiceStatus.ON_HOLD:
            return []
        return accounts_payable(invoice)
    if event == Event.INVOICE_ON_HOLD:
        people = {user.pk: user for user in [*accounts_payable(invoice), *buyer_contacts(invoice)]}
        return [people[pk] for pk in sorted(people)]
    if event in VENDOR_EVENTS:
        return vendor_users(invoice)
    return []


def _link(name: str, invoice: Invoice, fallback: str) -> str:
    """The invoice's page; the side's workspace while that page does not exist (the vendor's invoice pages are
    another part of the same work)."""
    from .mail import absolute

    try:
        return absolute(reverse(name, args=[invoice.pk]))
    except NoReverseMatch:
        return absolute(reverse(fallback))


@dataclass
class InvoiceNotice:
    """One event about one invoice, with what a mail or a digest line needs; rendered in each recipient's
    language."""

    event: str
    invoice: Invoice
    data: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, event: str, invoice: Invoice, data: dict[str, Any]) -> InvoiceNotice:
        notice = cls(event, invoice, data)
        notice.facts["purchase_orders"] = ", ".join(
            PurchaseOrder.objects.filter(pk__in=invoice.lines.values("purchase_order_id"))
            .order_by("number")
            .values_list("number", flat=True)
        )
        return notice

    @property
    def for_buyer(self) -> bool:
        return self.event in BUYER_EVENTS

    @property
    def template(self) -> str:
        return "notifications/mail/" + self.event.replace(".", "_")

    def link(self) -> str:
        if self.for_buyer:
            return _link("buyer:invoice_detail", self.invoice, "buyer:workspace")
        return _link("vendor:invoice_detail", self.invoice, "vendor:workspace")

    def summary(self) -> str:
        invoice = self.invoice
        params = {"number": invoice.number, "vendor": invoice.vendor.name, "company": invoice.company.name}
        credit = invoice.is_credit_note
        if self.event == Event.INVOICE_ON_HOLD:
            if credit:
                return _("Credit note %(number)s from %(vendor)s is on hold") % params
            return _("Invoice %(number)s from %(vendor)s is on hold") % params
        if self.event == Event.INVOICE_SUBMITTED:
            if credit:
                return _("Credit note %(number)s from %(vendor)s matches the purchase orders") % params
            return _("Invoice %(number)s from %(vendor)s matches the purchase orders") % params
        if self.event == Event.INVOICE_APPROVED:
            if credit:
                return _("%(company)s approved your credit note %(number)s") % params
            return _("%(company)s approved your invoice %(number)s") % params
        if self.event == Event.INVOICE_REJECTED:
            if credit:
                return _("%(company)s rejected your credit note %(number)s") % params
            return _("%(company)s rejected your invoice %(number)s") % params
        return _("%(company)s paid your invoice %(number)s") % params

    def rows(self) -> list[tuple[str, str]]:
        invoice = self.invoice
        party = (
            (_("Vendor"), f"{invoice.vendor.number} {invoice.vendor.name}")
            if self.for_buyer
            else (_("Customer"), invoice.company.name)
        )
        rows: list[tuple[str, Any]] = [
            (_("Credit note") if invoice.is_credit_note else _("Invoice"), invoice.number),
            party,
            (_("Purchase orders"), self.facts.get("purchase_orders", "")),
            (_("Issue date"), formats.date_format(invoice.issue_date)),
            (_("Due date"), formats.date_format(invoice.due_date) if invoice.due_date else ""),
            (_("Amount due"), money_text(invoice.payable_amount, invoice.currency)),
        ]
        if self.event == Event.INVOICE_ON_HOLD:
            rows.append((_("Exceptions"), len(invoice.exceptions or [])))
        if self.event == Event.INVOICE_REJECTED:
            rows.append((_("Reason"), invoice.reject_reason))
        if self.event == Event.INVOICE_PAID:
            rows += [
                (_("Payment date"), formats.date_format(invoice.payment_date) if invoice.payment_date else ""),
                (_("Payment reference"), invoice.payment_reference),
            ]
        return [(str(label), str(value)) for label, value in rows if value not in ("", None)]

    def context(self, user: User) -> dict[str, Any]:
        from .mail import absolute

        return {
            "recipient": user,
            "invoice": self.invoice,
            "facts": self.facts,
            "data": self.data,
            "rows": self.rows(),
            "summary": self.summary(),
            "link": self.link(),
            "preferences_link": absolute(reverse("notifications:preferences")),
            "language": translation.get_language(),
        }
