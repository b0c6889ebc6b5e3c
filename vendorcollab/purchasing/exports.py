"""The columns of the purchase order lists when downloaded as CSV or Excel: what the page shows, one row each."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from vendorcollab.common.exports import Column

from .models import POStatus, PurchaseOrder, PurchaseOrderVersion, ResponseKind


def _cents(total: Decimal | None) -> Decimal | None:
    """A list's total with its two decimals (SQLite hands a subquery's decimal back without its scale); a draft
    never sent has none."""
    return None if total is None else total.quantize(Decimal("0.01"))


def _label(choices: type[POStatus] | type[ResponseKind], value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else ""


def vendor_po_columns(*, confirmed_list: bool) -> list[Column]:
    """A vendor list; totals only for vendor accounts that show prices."""
    return [
        Column(_("Purchase order"), lambda po: f"{po.number}-{po.list_version}"),
        Column(_("Customer"), lambda po: po.company.name),
        Column(_("Vendor account"), lambda po: po.vendor.number),
        Column(_("Confirmed on") if confirmed_list else _("Received on"), lambda po: po.list_version_sent_at),
        Column(_("First delivery"), lambda po: po.list_delivery_date),
        Column(_("Total"), lambda po: _cents(po.list_total) if po.vendor.show_prices else None),
        Column(_("Currency"), lambda po: po.currency if po.vendor.show_prices else ""),
        Column(_("Status"), lambda po: _label(POStatus, po.status)),
        Column(_("Response"), lambda po: _label(ResponseKind, po.list_response_kind)),
    ]


def vendor_history_columns() -> list[Column]:
    def response(version: PurchaseOrderVersion) -> object:
        return getattr(version, "response", None)

    return [
        Column(_("Version"), lambda v: f"{v.purchase_order.number}-{v.number}"),
        Column(_("Customer"), lambda v: v.purchase_order.company.name),
        Column(_("Vendor account"), lambda v: v.purchase_order.vendor.number),
        Column(_("Sent on"), lambda v: v.created_at),
        Column(_("Kind"), lambda v: v.get_kind_display()),
        Column(_("Response"), lambda v: response(v).get_kind_display() if response(v) else ""),  # type: ignore[attr-defined]
        Column(_("Responded on"), lambda v: response(v).submitted_at if response(v) else None),  # type: ignore[attr-defined]
    ]


def buyer_po_columns() -> list[Column]:
    def label(po: PurchaseOrder) -> str:
        return f"{po.number}-{po.latest_version.number}" if po.latest_version else po.number

    return [
        Column(_("Purchase order"), label),
        Column(_("Company"), lambda po: po.company.code),
        Column(_("Vendor"), lambda po: f"{po.vendor.number} {po.vendor.name}"),
        Column(_("Status since"), lambda po: po.list_date),
        Column(_("Total"), lambda po: _cents(po.list_total)),
        Column(_("Currency"), lambda po: po.currency),
        Column(_("Status"), lambda po: _label(POStatus, po.status)),
        Column(_("Response"), lambda po: _label(ResponseKind, po.list_response_kind)),
    ]
