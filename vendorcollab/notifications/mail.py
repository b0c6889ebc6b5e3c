"""Notification mail: who hears of an event, what the mail says in their language, and the daily digest.

- ``po.sent``, ``po.confirmed``, ``po.cancelled``: the vendor account's active users (active link, active user,
  collaborating vendor), with a link to the PO in the vendor portal. A PO never sent tells the vendor nothing.
- ``response.submitted``: the PO's buyer contact (else whoever created it), with a link to the buyer's PO page.
- Consignment POs take no part in confirmation: no mail at all.
- The invoice events (``invoice.*``): as ``invoice_mail`` says.
- The ship-notice events (``ship_notice.*``): as ``ship_notice_mail`` says.

Each recipient's setting decides: immediately (one mail per event), digest (an entry for ``send_digests``), off.
Every mail is rendered under ``translation.override(recipient.language)`` and says so in ``Content-Language``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vendorcollab.accounts.models import VENDOR_ROLES, User
from vendorcollab.accounts.selectors import mail_language
from vendorcollab.common.events import Event, Payload
from vendorcollab.purchasing.models import (
    LineAction,
    Origin,
    PurchaseOrder,
    PurchaseOrderVersion,
    ResponseKind,
    VendorResponse,
)

from . import invoice_mail, outbox, ship_notice_mail
from .invoice_mail import InvoiceNotice
from .models import MAIL_EVENTS, DigestEntry, NotificationMode, NotificationSetting
from .ship_notice_mail import ShipNoticeMail

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", DEFAULT_SITE_URL)).rstrip("/")


def absolute(path: str) -> str:
    return site_url() + path


def language_of(user: User) -> str:
    """The user's own language, else (following the browser) the vendor account's, else the organisation's."""
    return mail_language(user)


# --- who -------------------------------------------------------------------------------------------------------


def vendor_recipients(po: PurchaseOrder) -> list[User]:
    """The people of the PO's vendor account who can open it in the portal, with an e-mail address."""
    if po.latest_version_id is None or not po.vendor.collaborates:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            vendor_memberships__vendor=po.vendor,
            vendor_memberships__is_active=True,
            role_assignments__role__in=VENDOR_ROLES,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def buyer_recipients(po: PurchaseOrder) -> list[User]:
    """The PO's buyer contact, or whoever created it when there is no (active) contact."""
    for user in (po.buyer_contact, po.created_by):
        if user is not None and user.is_active and user.email:
            return [user]
    return []


def recipients(event: str, po: PurchaseOrder) -> list[User]:
    if po.origin == Origin.CONSIGNMENT or event not in MAIL_EVENTS:
        return []
    if event == Event.RESPONSE_SUBMITTED:
        return buyer_recipients(po)
    return vendor_recipients(po)


def modes_for(users: Sequence[User]) -> dict[int, str]:
    stored = dict(
        NotificationSetting.objects.filter(user__in=[user.pk for user in users]).values_list("user_id", "mode")
    )
    return {user.pk: stored.get(user.pk, NotificationMode.IMMEDIATE) for user in users}


# --- what ------------------------------------------------------------------------------------------------------


@dataclass
class Notice:
    """One event about one PO, with the facts a mail or a digest line needs (plain values: they are read once and
    rendered in each recipient's language)."""

    event: str
    po: PurchaseOrder
    data: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, event: str, po: PurchaseOrder, data: dict[str, Any]) -> Notice:
        notice = cls(event, po, data)
        version_number: int | None = data.get("version") or (po.latest_version.number if po.latest_version else None)
        notice.facts["label"] = f"{po.number}-{version_number}" if version_number else po.number
        notice.facts["version_number"] = version_number
        if event == Event.PO_SENT:
            version = (
                PurchaseOrderVersion.objects.filter(purchase_order=po, number=version_number).first()
                if version_number is not None
                else None
            )
            lines = list(po.lines.filter(is_cancelled=False).values_list("delivery_date", flat=True))
            notice.facts.update(
                version=version,
                line_count=len(lines),
                first_delivery=min(lines) if lines else None,
            )
        elif event == Event.RESPONSE_SUBMITTED:
            response = VendorResponse.objects.filter(pk=data["response"]).first() if "response" in data else None
            notice.facts.update(
                response=response,
                changed_lines=(response.lines.exclude(action=LineAction.ACCEPT).count() if response is not None else 0),
                line_count=response.lines.count() if response is not None else 0,
            )
        return notice

    @property
    def for_buyer(self) -> bool:
        return self.event == Event.RESPONSE_SUBMITTED

    @property
    def template(self) -> str:
        return "notifications/mail/" + self.event.replace(".", "_")

    def link(self) -> str:
        name = "buyer:po_detail" if self.for_buyer else "vendor:po_detail"
        return absolute(reverse(name, args=[self.po.pk]))

    def summary(self) -> str:
        """One line saying what happened, in the active language: the subject, and a digest's line."""
        params = {"label": self.facts["label"], "number": self.po.number, "company": self.po.company.name}
        if self.event == Event.PO_SENT:
            if (self.facts["version_number"] or 1) > 1:
                return _("New version %(label)s of a purchase order from %(company)s for your review") % params
            return _("Purchase order %(label)s from %(company)s for your review") % params
        if self.event == Event.RESPONSE_SUBMITTED:
            response = self.facts.get("response")
            kind = ResponseKind(response.kind).label if response is not None else ""
            return _("%(vendor)s answered purchase order %(label)s: %(response)s") % {
                **params,
                "vendor": self.po.vendor.name,
                "response": kind,
            }
        if self.event == Event.PO_CONFIRMED:
            return _("Purchase order %(label)s from %(company)s is confirmed") % params
        return _("Purchase order %(number)s from %(company)s is cancelled") % params

    def rows(self) -> list[tuple[str, str]]:
        """The facts a mail lists, labelled in the active language; empty ones left out."""
        po = self.po
        rows: list[tuple[str, Any]] = [(_("Purchase order"), self.facts["label"]), (_("Company"), po.company.name)]
        if self.for_buyer:
            response = self.facts.get("response")
            rows += [(_("Vendor"), f"{po.vendor.number} {po.vendor.name}")]
            if response is not None:
                rows += [
                    (_("Response"), response.get_kind_display()),
                    (
                        _("Changed lines"),
                        _("%(changed)s of %(total)s")
                        % {"changed": self.facts["changed_lines"], "total": self.facts["line_count"]},
                    ),
                    (_("Vendor reference"), response.vendor_reference),
                    (_("Note"), response.note),
                ]
        else:
            rows += [(_("Vendor account"), f"{po.vendor.number} {po.vendor.name}")]
        if self.event == Event.PO_SENT:
            version = self.facts.get("version")
            first = self.facts.get("first_delivery")
            rows += [
                (_("Order date"), formats.date_format(po.order_date)),
                (_("Lines"), self.facts["line_count"]),
                (_("First delivery date"), formats.date_format(first) if first else ""),
            ]
            if version is not None:
                contact = " ".join(filter(None, [version.buyer_contact_name, version.buyer_contact_email]))
                rows += [(_("Buyer's contact"), contact)]
        if self.event == Event.PO_CANCELLED:
            rows += [(_("Reason"), self.data.get("reason", ""))]
        return [(str(label), str(value)) for label, value in rows if value not in ("", None)]

    def context(self, user: User) -> dict[str, Any]:
        return {
            "recipient": user,
            "po": self.po,
            "facts": self.facts,
            "data": self.data,
            "rows": self.rows(),
            "summary": self.summary(),
            "link": self.link(),
            "preferences_link": absolute(reverse("notifications:preferences")),
            "language": translation.get_language(),
        }


def _message(user: User, *, subject: str, template: str, context: dict[str, Any], event: str) -> EmailMultiAlternatives:
    """Render ``template``.txt and .html for ``user``; call inside ``translation.override``."""
    text = render_to_string(template + ".txt", context)
    html = render_to_string(template + ".html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a line break in a name must not break the header
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Content-Language": str(context["language"]),
            "Auto-Submitted": "auto-generated",
            "X-Vendorcollab-Event": event,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notice_message(notice: Notice | InvoiceNotice | ShipNoticeMail, user: User) -> EmailMultiAlternatives:
    with translation.override(language_of(user)):
        context = notice.context(user)
        return _message(user, subject=context["summary"], template=notice.template, context=context, event=notice.event)


def send(messages: Iterable[EmailMultiAlternatives]) -> int:
    """Queue each message in the outgoing mail queue (``outbox``), which sends it after the commit and retries;
    returns the number queued."""
    count = 0
    for message in messages:
        outbox.mail_queue(message, kind=message.extra_headers.get("X-Vendorcollab-Event", "notification"))
        count += 1
    return count


def notify(*, event: str, payload: Payload) -> int:
    """Tell the people concerned that ``event`` happened: mail now, a digest entry, or nothing, as each wants.

    Returns the number of mails queued now.
    """
    if event in invoice_mail.INVOICE_EVENTS:
        return _notify_invoice(event=event, payload=payload)
    if event in ship_notice_mail.SHIP_NOTICE_EVENTS:
        return _notify_ship_notice(event=event, payload=payload)
    po = (
        PurchaseOrder.objects.select_related("company", "vendor", "buyer_contact", "created_by", "latest_version")
        .filter(pk=payload["purchase_order"])
        .first()
    )
    if po is None:
        return 0
    users = recipients(event, po)
    if not users:
        return 0
    modes = modes_for(users)
    data = {key: value for key, value in payload.items() if key not in ("event", "purchase_order")}
    DigestEntry.objects.bulk_create(
        DigestEntry(user=user, event=event, purchase_order=po, data=data)
        for user in users
        if modes[user.pk] == NotificationMode.DIGEST
    )
    now_users = [user for user in users if modes[user.pk] == NotificationMode.IMMEDIATE]
    if not now_users:
        return 0
    notice = Notice.load(event, po, data)
    return send(notice_message(notice, user) for user in now_users)


def _notify_invoice(*, event: str, payload: Payload) -> int:
    invoice = invoice_mail.invoice_load(payload["invoice_id"])
    if invoice is None:
        return 0
    users = invoice_mail.recipients(event, invoice, payload)
    if not users:
        return 0
    modes = modes_for(users)
    data = {key: value for key, value in payload.items() if key not in ("event", "invoice_id")}
    DigestEntry.objects.bulk_create(
        DigestEntry(user=user, event=event, invoice=invoice, data=data)
        for user in users
        if modes[user.pk] == NotificationMode.DIGEST
    )
    now_users = [user for user in users if modes[user.pk] == NotificationMode.IMMEDIATE]
    if not now_users:
        return 0
    notice = InvoiceNotice.load(event, invoice, data)
    return send(notice_message(notice, user) for user in now_users)


def _notify_ship_notice(*, event: str, payload: Payload) -> int:
    notice = ship_notice_mail.ship_notice_load(payload["ship_notice_id"])
    if notice is None:
        return 0
    users = ship_notice_mail.recipients(event, notice, payload)
    if not users:
        return 0
    modes = modes_for(users)
    data = {key: value for key, value in payload.items() if key not in ("event", "ship_notice_id")}
    DigestEntry.objects.bulk_create(
        DigestEntry(user=user, event=event, ship_notice=notice, data=data)
        for user in users
        if modes[user.pk] == NotificationMode.DIGEST
    )
    now_users = [user for user in users if modes[user.pk] == NotificationMode.IMMEDIATE]
    if not now_users:
        return 0
    mail = ShipNoticeMail.load(event, notice, data)
    return send(notice_message(mail, user) for user in now_users)


# --- the daily digest ------------------------------------------------------------------------------------------


def _digest_notice(entry: DigestEntry) -> Notice | InvoiceNotice | ShipNoticeMail:
    if entry.invoice is not None:
        return InvoiceNotice.load(entry.event, entry.invoice, entry.data)
    if entry.ship_notice is not None:
        return ShipNoticeMail.load(entry.event, entry.ship_notice, entry.data)
    assert entry.purchase_order is not None  # an entry is about a PO, an invoice or a notice (a check constraint)
    return Notice.load(entry.event, entry.purchase_order, entry.data)


def digest_message(user: User, entries: Sequence[DigestEntry]) -> EmailMultiAlternatives:
    with translation.override(language_of(user)):
        notices = [_digest_notice(entry) for entry in entries]
        items = [
            {"summary": notice.summary(), "link": notice.link(), "at": entry.created_at}
            for notice, entry in zip(notices, entries, strict=True)
        ]
        count = len(items)
        subject = ngettext(
            "Your daily summary: %(count)s update on purchase orders",
            "Your daily summary: %(count)s updates on purchase orders",
            count,
        ) % {"count": count}
        context = {
            "recipient": user,
            "items": items,
            "summary": subject,
            "preferences_link": absolute(reverse("notifications:preferences")),
            "language": translation.get_language(),
        }
        return _message(user, subject=subject, template="notifications/mail/digest", context=context, event="digest")


@dataclass
class DigestRun:
    sent: int = 0
    dropped: int = 0


def digests_send() -> DigestRun:
    """One mail per user of everything that queued up for the digest, into the outgoing mail queue.

    A user's entries are claimed (stamped ``sent_at``) in the transaction that queues their mail, so two runs at
    once never send them twice, and the queue retries a mail the server refuses. Entries of a user who switched
    mail off, left, or has no address are dropped.
    """
    run = DigestRun()
    user_ids = DigestEntry.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True).distinct()
    users = list(User.objects.filter(pk__in=list(user_ids)).order_by("pk"))
    modes = modes_for(users)
    for user in users:
        with transaction.atomic():
            claimed_at = timezone.now()
            DigestEntry.objects.filter(user=user, sent_at__isnull=True).update(sent_at=claimed_at)
            entries = list(
                DigestEntry.objects.filter(user=user, sent_at=claimed_at)
                .select_related(
                    "purchase_order__company",
                    "purchase_order__vendor",
                    "purchase_order__latest_version",
                    "invoice__company",
                    "invoice__vendor",
                    "ship_notice__company",
                    "ship_notice__vendor",
                    "ship_notice__site",
                )
                .order_by("created_at", "pk")
            )
            if not entries:
                continue
            if not user.is_active or not user.email or modes[user.pk] == NotificationMode.OFF:
                run.dropped += len(entries)
                continue
            run.sent += send([digest_message(user, entries)])
    return run
