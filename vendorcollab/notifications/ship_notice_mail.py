"""Notification mail about ship notices: who hears of each ship-notice event, and what the mail says.

- ``ship_notice.created`` and ``ship_notice.cancelled``: the buyer contact of each PO the notice ships (else whoever
  created the PO): the goods they wait for are on their way, or no longer; a link to the buyer's notice page.
- ``ship_notice.received``: only when what arrived differs from what was shipped, the vendor account's active users,
  naming each line short or over; a link to the notice in the vendor portal. A receipt as announced tells nobody.

The same settings as every notification (``mail.notify``): immediately, in the daily digest, or off; every mail in
its recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from vendorcollab.accounts.models import VENDOR_ROLES, User
from vendorcollab.common.events import Event
from vendorcollab.common.formatting import quantity_text
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.shipping.models import ShipNotice, ShipNoticeLine

BUYER_EVENTS = frozenset({Event.SHIP_NOTICE_CREATED, Event.SHIP_NOTICE_CANCELLED})
VENDOR_EVENTS = frozenset({Event.SHIP_NOTICE_RECEIVED})
SHIP_NOTICE_EVENTS = BUYER_EVENTS | VENDOR_EVENTS


def ship_notice_load(pk: int) -> ShipNotice | None:
    return ShipNotice.objects.select_related("company", "vendor", "site").filter(pk=pk).first()


def buyer_contacts(notice: ShipNotice) -> list[User]:
    """The buyer contact of each PO the notice ships (else whoever created the PO), active and with an address,
    each person once."""
    contacts: dict[int, User] = {}
    for po in (
        PurchaseOrder.objects.filter(pk__in=notice.lines.values("purchase_order_id"))
        .select_related("buyer_contact", "created_by")
        .order_by("pk")
    ):
        for user in (po.buyer_contact, po.created_by):
            if user is not None and user.is_active and user.email:
                contacts.setdefault(user.pk, user)
                break
    return [contacts[pk] for pk in sorted(contacts)]


def vendor_users(notice: ShipNotice) -> list[User]:
    if not notice.vendor.collaborates:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            vendor_memberships__vendor=notice.vendor,
            vendor_memberships__is_active=True,
            role_assignments__role__in=VENDOR_ROLES,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def recipients(event: str, notice: ShipNotice, payload: dict[str, Any]) -> list[User]:
    if event in BUYER_EVENTS:
        return buyer_contacts(notice)
    if event == Event.SHIP_NOTICE_RECEIVED:
        # Only the receipt that found a difference: a notice received as shipped needs nobody's attention.
        return vendor_users(notice) if payload.get("difference_lines") else []
    return []


def _link(name: str, notice: ShipNotice, fallback: str) -> str:
    """The notice's page; the side's workspace while that page does not exist (the pages are another part of the
    same work)."""
    from .mail import absolute

    try:
        return absolute(reverse(name, args=[notice.pk]))
    except NoReverseMatch:
        return absolute(reverse(fallback))


@dataclass
class ShipNoticeMail:
    """One event about one ship notice, with what a mail or a digest line needs; rendered in each recipient's
    language."""

    event: str
    notice: ShipNotice
    data: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, event: str, notice: ShipNotice, data: dict[str, Any]) -> ShipNoticeMail:
        mail = cls(event, notice, data)
        lines = list(notice.lines.select_related("purchase_order", "po_line__item").order_by("line_number"))
        mail.facts["purchase_orders"] = ", ".join(sorted({line.purchase_order.number for line in lines}))
        mail.facts["lines"] = lines
        # The lines this event's receipt found different (a later receipt of other lines names only its own).
        chosen = set(data.get("difference_lines") or [])
        mail.facts["differences"] = [line for line in lines if line.line_number in chosen]
        return mail

    @property
    def for_buyer(self) -> bool:
        return self.event in BUYER_EVENTS

    @property
    def template(self) -> str:
        return "notifications/mail/" + self.event.replace(".", "_")

    def link(self) -> str:
        if self.for_buyer:
            return _link("buyer:ship_notice", self.notice, "buyer:workspace")
        return _link("vendor:ship_notice", self.notice, "vendor:workspace")

    def summary(self) -> str:
        notice = self.notice
        params = {"number": notice.number, "vendor": notice.vendor.name, "company": notice.company.name}
        if self.event == Event.SHIP_NOTICE_CREATED:
            return _("%(vendor)s shipped goods with ship notice %(number)s") % params
        if self.event == Event.SHIP_NOTICE_CANCELLED:
            return _("%(vendor)s cancelled ship notice %(number)s") % params
        return _("%(company)s received other quantities than shipped on ship notice %(number)s") % params

    def difference_text(self, line: ShipNoticeLine) -> str:
        """One line short or over, in words: "line 2 (PO 4500001 line 3, item X): shipped 20, received 17, 3
        short"."""
        difference = line.difference
        assert difference is not None  # only received lines differ
        params = {
            "line": line.line_number,
            "purchase_order": line.purchase_order.number,
            "po_line": line.po_line.line_number,
            "shipped": quantity_text(line.quantity),
            "received": quantity_text(line.received_quantity),
            "difference": quantity_text(abs(difference)),
        }
        if difference < 0:
            return (
                _(
                    "Line %(line)s (purchase order %(purchase_order)s, line %(po_line)s): shipped %(shipped)s, "
                    "received %(received)s, %(difference)s short"
                )
                % params
            )
        return (
            _(
                "Line %(line)s (purchase order %(purchase_order)s, line %(po_line)s): shipped %(shipped)s, "
                "received %(received)s, %(difference)s over"
            )
            % params
        )

    def rows(self) -> list[tuple[str, str]]:
        notice = self.notice
        party = (
            (_("Vendor"), f"{notice.vendor.number} {notice.vendor.name}")
            if self.for_buyer
            else (_("Customer"), notice.company.name)
        )
        rows: list[tuple[str, Any]] = [
            (_("Ship notice"), notice.number),
            party,
            (_("Purchase orders"), self.facts.get("purchase_orders", "")),
            (_("Despatch date"), formats.date_format(notice.despatch_date)),
            (_("Expected delivery date"), formats.date_format(notice.expected_delivery_date)),
            (_("Ship-to site"), notice.site.name if notice.site else ""),
            (_("Carrier"), notice.carrier),
            (_("Tracking number"), notice.tracking_number),
            (_("Packages"), notice.packages),
        ]
        if self.event == Event.SHIP_NOTICE_CANCELLED:
            rows.append((_("Reason"), notice.cancel_reason))
        if self.event == Event.SHIP_NOTICE_RECEIVED:
            rows.append((_("Received on"), formats.date_format(notice.received_date) if notice.received_date else ""))
        return [(str(label), str(value)) for label, value in rows if value not in ("", None)]

    def context(self, user: User) -> dict[str, Any]:
        from .mail import absolute

        return {
            "recipient": user,
            "notice": self.notice,
            "facts": self.facts,
            "data": self.data,
            "rows": self.rows(),
            "differences": [self.difference_text(line) for line in self.facts.get("differences", [])],
            "summary": self.summary(),
            "link": self.link(),
            "preferences_link": absolute(reverse("notifications:preferences")),
            "language": translation.get_language(),
        }
