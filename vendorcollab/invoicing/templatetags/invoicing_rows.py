"""``{% buyer_invoice_rows rows %}`` and ``{% vendor_invoice_rows rows %}``: the rows of the invoice tables
(``invoicing.list_rows``)."""

from collections.abc import Iterable, Sequence

from django import template
from django.utils.safestring import SafeString

from .. import list_rows
from ..models import Invoice

register = template.Library()


@register.simple_tag
def buyer_invoice_rows(invoices: Iterable[Invoice]) -> SafeString:
    return list_rows.buyer_invoice_rows(invoices)


@register.simple_tag
def vendor_invoice_rows(rows: Sequence[tuple[Invoice, list[str]]]) -> SafeString:
    return list_rows.vendor_invoice_rows(rows)
