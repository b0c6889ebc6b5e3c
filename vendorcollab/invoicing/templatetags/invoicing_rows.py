"""``{% buyer_invoice_rows rows %}``: the rows of the buyer's invoice tables (``invoicing.list_rows``)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from ..list_rows import buyer_invoice_rows as write_rows
from ..models import Invoice

register = template.Library()


@register.simple_tag
def buyer_invoice_rows(invoices: Iterable[Invoice]) -> SafeString:
    return write_rows(invoices)
