"""A PO version as a business document: one template for the browser's print view and for the PDF.

The PDF is rendered by WeasyPrint without any network access: the stylesheet is read from the app's static files
and the URL fetcher refuses everything but files under that static directory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.formatting import plain_number
from vendorcollab.common.text import xml_safe
from vendorcollab.partners.models import Company, Site

from .diff import schedule_rows
from .errors import not_found
from .models import ZERO, POStatus, PurchaseOrder, PurchaseOrderVersion, VersionKind, VersionLine
from .selectors import version_get

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEMPLATE = "purchasing/document.html"
DIMENSIONS = (
    ("site", _("Site")),
    ("warehouse", _("Warehouse")),
    ("color", _("Color")),
    ("size", _("Size")),
    ("style", _("Style")),
    ("configuration", _("Configuration")),
)
STATIC_DIR = Path(__file__).resolve().parent / "static"
STYLESHEET = STATIC_DIR / "purchasing" / "document.css"


def money_text(value: Decimal, places: int = 2) -> str:
    """An amount with the reader's separators and thousands grouping: "1,234.50" or "1.234,50"."""
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros, grouped like amounts: "12,500" or "12.500", "2.5" or "2,5"."""
    return formats.number_format(Decimal(plain_number(value)), use_l10n=True, force_grouping=True)


def price_text(value: Decimal) -> str:
    """A unit price with two decimals, or up to four where the price has them: "2.50", "0.1235"."""
    exponent = value.normalize().as_tuple().exponent
    places = min(4, max(2, -exponent)) if isinstance(exponent, int) else 2
    return money_text(value, places)


@dataclass(frozen=True)
class DocumentScheduleRow:
    quantity: Decimal
    delivery_date: date

    # Text properties are read while the template renders, so they follow the language active then.
    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity)


@dataclass(frozen=True)
class DocumentLine:
    number: int
    item_number: str
    description: str
    external_item_number: str
    external_description: str
    quantity: Decimal
    unit: str
    delivery_date: date
    is_cancelled: bool
    unit_price: Decimal
    discount_percent: Decimal
    amount: Decimal
    schedule: tuple[DocumentScheduleRow, ...] = ()
    # Code or value per dimension; all empty when dimensions are hidden.
    site: str = ""
    warehouse: str = ""
    color: str = ""
    size: str = ""
    style: str = ""
    configuration: str = ""
    notes: tuple[str, ...] = ()

    @property
    def dimensions(self) -> list[tuple[StrOrPromise, str]]:
        """(label, value) of every dimension with a value, in the order of the screens' dimension columns."""
        return [(label, getattr(self, name)) for name, label in DIMENSIONS if getattr(self, name)]

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity)

    @property
    def unit_price_text(self) -> str:
        return price_text(self.unit_price)

    @property
    def discount_text(self) -> str:
        return quantity_text(self.discount_percent) if self.discount_percent else ""

    @property
    def amount_text(self) -> str:
        return money_text(self.amount)


@dataclass(frozen=True)
class DocumentCharge:
    label: str
    line_number: int | None
    amount: Decimal

    @property
    def amount_text(self) -> str:
        return money_text(self.amount)


@dataclass(frozen=True)
class DocumentTotals:
    currency: str
    lines: Decimal
    total: Decimal
    charges: tuple[DocumentCharge, ...] = ()

    @property
    def lines_text(self) -> str:
        return money_text(self.lines)

    @property
    def total_text(self) -> str:
        return money_text(self.total)


@dataclass(frozen=True)
class DeliveryAddress:
    """Where goods are delivered: a site of the buying company (or the company itself when no line names one)."""

    name: str
    address_lines: tuple[str, ...]
    # The lines delivered here, when the PO's lines go to more than one place; empty otherwise.
    line_numbers: tuple[int, ...] = ()

    @property
    def lines_text(self) -> str:
        return ", ".join(str(number) for number in self.line_numbers)


@dataclass(frozen=True)
class DocumentAttachment:
    name: str
    line_number: int | None


def document_context(*, version: PurchaseOrderVersion, show_prices: bool, show_dimensions: bool) -> dict[str, Any]:
    """What the document template shows of ``version``; prices and dimensions only where asked for.

    Call it with the reader's language active: the page counter's words are translated here.
    """
    po = version.purchase_order
    line_notes: dict[int, list[str]] = {}
    header_notes: list[str] = []
    for note in version.notes.all():
        if note.line_number is None:
            header_notes.append(note.text)
        else:
            line_notes.setdefault(note.line_number, []).append(note.text)
    version_lines = list(version.lines.select_related("item", "site", "warehouse__site").order_by("line_number"))
    lines = [
        _document_line(line, show_dimensions=show_dimensions, notes=line_notes.get(line.line_number, ()))
        for line in version_lines
    ]
    totals = None
    if show_prices:
        totals = DocumentTotals(
            currency=version.currency,
            lines=sum((line.amount for line in lines), ZERO),
            total=version.total_amount,
            charges=tuple(
                DocumentCharge(
                    label=charge.description or charge.code, line_number=charge.line_number, amount=charge.amount
                )
                for charge in version.charges.all()
            ),
        )
    has_discount = show_prices and any(line.discount_percent for line in lines)
    price_columns = (3 if has_discount else 2) if show_prices else 0
    return {
        "version": version,
        "purchase_order": po,
        "company": po.company,
        "vendor": po.vendor,
        "label": version.label,
        "kind_label": version.get_kind_display() if version.kind == VersionKind.CONFIRMATION else "",
        "is_cancelled": po.status == POStatus.CANCELLED,
        "vendor_reference": _vendor_reference(version),
        "delivery_addresses": _delivery_addresses(po.company, version_lines, version),
        "lines": lines,
        "show_prices": show_prices,
        "show_dimensions": show_dimensions,
        "has_discount": has_discount,
        "price_columns": price_columns,
        "columns": 6 + price_columns,
        "totals": totals,
        "notes": header_notes,
        "attachments": [
            DocumentAttachment(name=attachment.name, line_number=attachment.line_number)
            for attachment in version.attachments.all()
        ],
        "page_counter_css": page_counter_css(),
        "for_pdf": False,
    }


def _document_line(line: VersionLine, *, show_dimensions: bool, notes: Iterable[str]) -> DocumentLine:
    dimensions: dict[str, str] = {}
    if show_dimensions:
        dimensions = {
            "site": line.site.code if line.site else "",
            "warehouse": line.warehouse.code if line.warehouse else "",
            "color": line.color,
            "size": line.size,
            "style": line.style,
            "configuration": line.configuration,
        }
    return DocumentLine(
        number=line.line_number,
        item_number=line.item.number if line.item else line.buyers_item_id,
        description=line.description,
        external_item_number=line.external_item_number,
        external_description=line.external_description,
        quantity=line.quantity,
        unit=line.unit,
        delivery_date=line.delivery_date,
        is_cancelled=line.is_cancelled,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        amount=line.amount,
        schedule=tuple(DocumentScheduleRow(row.quantity, row.delivery_date) for row in schedule_rows(line.schedule)),
        notes=tuple(notes),
        **dimensions,
    )


def _delivery_addresses(
    company: Company, lines: list[VersionLine], version: PurchaseOrderVersion
) -> list[DeliveryAddress]:
    """The places the ordered lines go to: the delivery place the buyer's Order named, if it named one; else each
    line's site (its warehouse's, when only that is set), with the site's address or else the company's; the
    company itself when no line names a site. Cancelled lines go nowhere (unless every line is cancelled, so that
    the document still says where the order was for)."""
    if version.delivery_address_lines or version.delivery_party_name:
        return [
            DeliveryAddress(
                name=version.delivery_party_name or company.name, address_lines=tuple(version.delivery_address_lines)
            )
        ]
    ordered = [line for line in lines if not line.is_cancelled] or lines
    sites: dict[int | None, tuple[Site | None, list[int]]] = {}
    for line in ordered:
        site = line.site or (line.warehouse.site if line.warehouse else None)
        sites.setdefault(site.pk if site else None, (site, []))[1].append(line.line_number)
    if not sites:
        return [DeliveryAddress(name=company.name, address_lines=tuple(company.address_lines))]
    several = len(sites) > 1
    return [
        DeliveryAddress(
            name=f"{company.name}, {site.name}" if site else company.name,
            address_lines=tuple(site.address_lines if site and site.has_address else company.address_lines),
            line_numbers=tuple(numbers) if several else (),
        )
        for site, numbers in sites.values()
    ]


def _vendor_reference(version: PurchaseOrderVersion) -> str:
    """The vendor's own reference from the answer this version applies, or else the answer it received."""
    response = version.applies_response
    if response is None:
        try:
            response = version.response
        except ObjectDoesNotExist:
            return ""
    return response.vendor_reference


def page_counter_css() -> SafeString:
    """The CSS ``content`` value of the page counter in the active language: ``"Page " counter(page) ...``.

    One translatable sentence with placeholders (translators may reorder it), turned into CSS strings and counters.
    """
    sentence = gettext("Page %(page)s of %(pages)s")
    parts = re.split(r"%\((page|pages)\)s", sentence)
    tokens = [f"counter({part})" if index % 2 else _css_string(part) for index, part in enumerate(parts) if part]
    return mark_safe(" ".join(tokens))  # every literal part is escaped by _css_string


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end the string or the <style> element it stands in."""
    return '"' + "".join(char if char.isalnum() or char in " .,:;-/()" else f"\\{ord(char):x} " for char in text) + '"'


def render_document_html(
    *,
    request: HttpRequest | None = None,
    version: PurchaseOrderVersion,
    show_prices: bool,
    show_dimensions: bool,
) -> str:
    """The standalone print page of ``version`` for the browser, linking the document stylesheet."""
    context = document_context(version=version, show_prices=show_prices, show_dimensions=show_dimensions)
    return render_to_string(TEMPLATE, context, request=request)


def _local_url_fetcher() -> Any:
    """WeasyPrint's URL fetcher, restricted to files under the static directory: a document never reaches the
    network or any other file. Imported here because loading WeasyPrint loads Pango, which only PDFs need."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_relative_to(STATIC_DIR):
                raise ValueError(f"Refused to fetch {url!r} while rendering a document")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file"})


# How long the PDF first made of a version is served for it without looking at the document again (below).
PDF_IDENTITY_SECONDS = 3600


@lru_cache(maxsize=1)
def _layout_digest() -> str:
    """What the PDF's look depends on besides its data: the template and the stylesheet (a deploy changes it)."""
    template = Path(__file__).resolve().parent / "templates" / TEMPLATE
    return hashlib.sha256(template.read_bytes() + STYLESHEET.read_bytes()).hexdigest()[:16]


def version_pdf_response(
    *, purchase_order: PurchaseOrder, number: int | None, language: str, show_prices: bool, show_dimensions: bool
) -> HttpResponse:
    """The PDF of version ``number`` (the latest when None) of a PO already fetched through a scoped selector,
    with the company and vendor selected.

    A version never changes, so the PDF made of it is found again by what identifies it (the version, its answer,
    the language and options, the company's and vendor's names and addresses, the layout) without fetching its
    fifty lines: one small query instead of a dozen and the rendering. Anything else the document shows (an item
    renamed after the version was sent) appears within ``PDF_IDENTITY_SECONDS``, when the document is rendered again
    and, if its HTML changed, laid out again.
    """
    versions = PurchaseOrderVersion.objects.filter(purchase_order=purchase_order)
    if number:
        versions = versions.filter(number=number)
    elif purchase_order.latest_version_id:
        versions = versions.filter(pk=purchase_order.latest_version_id)
    else:
        raise not_found()  # a draft that was never sent has no document
    facts = versions.values_list("pk", "created_at", "number", "response__pk").first()
    if facts is None:
        raise not_found()
    version_pk, created_at, version_number, response_pk = facts
    company, vendor = purchase_order.company, purchase_order.vendor
    identity = "\0".join(
        str(part)
        for part in (
            # With the PO's number and the moment it was sent, an id a restored database hands out again never
            # finds another PO's document.
            version_pk,
            created_at.isoformat(),
            purchase_order.number,
            version_number,
            response_pk,
            language,
            show_prices,
            show_dimensions,
            company.name,
            "\n".join(company.address_lines),
            vendor.number,
            vendor.name,
            "\n".join(vendor.address_lines),
            _layout_digest(),
        )
    )
    identity_key = "pdf-of:" + hashlib.sha256(identity.encode()).hexdigest()
    cache = caches["documents"]
    content_key = cache.get(identity_key)
    pdf = cache.get(content_key) if content_key else None
    if pdf is None:
        version = version_get(purchase_order=purchase_order, number=version_number)
        pdf, content_key = _version_pdf(
            version=version, language=language, show_prices=show_prices, show_dimensions=show_dimensions
        )
        cache.set(identity_key, content_key, PDF_IDENTITY_SECONDS)
    return pdf_response(bytes(pdf), filename=f"{purchase_order.number}-{version_number}.pdf")


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """A PDF shown in the browser, saved as ``filename``."""
    response = HttpResponse(pdf, content_type="application/pdf")
    # Django's helper quotes or percent-encodes the name: a number stored with a quote or a line break before the
    # input rules cannot break the header.
    disposition = content_disposition_header(False, filename)
    assert disposition is not None  # always a header when a file name is given
    response["Content-Disposition"] = disposition
    return response


def render_version_pdf(
    *, version: PurchaseOrderVersion, language: str, show_prices: bool, show_dimensions: bool
) -> bytes:
    """The PDF of ``version`` in ``language``: the same template as the print page, with the stylesheet inline.

    Laying out a PDF takes WeasyPrint most of a second for fifty lines, so each one is kept in the ``documents``
    cache (shared by every app server). It is keyed on the HTML and the stylesheet it is made from, not on the
    version: whatever the document shows (a vendor reference that arrived, a renamed vendor, another language)
    changes the HTML and so makes a new PDF, and an unchanged document is never laid out twice.
    """
    return _version_pdf(version=version, language=language, show_prices=show_prices, show_dimensions=show_dimensions)[0]


def _version_pdf(
    *, version: PurchaseOrderVersion, language: str, show_prices: bool, show_dimensions: bool
) -> tuple[bytes, str]:
    """The PDF and the cache key it is kept under."""
    html = render_pdf_html(version=version, language=language, show_prices=show_prices, show_dimensions=show_dimensions)
    return cached_pdf(html, STYLESHEET.read_text(encoding="utf-8"))


def cached_pdf(html: str, css: str) -> tuple[bytes, str]:
    """The PDF laid out from ``html`` and ``css`` and the cache key it is kept under: found again by its content, so
    that any document (a PO version, an invoice) is laid out once for as long as what it shows stays the same."""
    key = "pdf:" + hashlib.sha256(f"{css}\0{html}".encode()).hexdigest()
    cache = caches["documents"]
    pdf = cache.get(key)
    if pdf is None:
        pdf = _layout_pdf(html, css)
        cache.set(key, pdf)
    return bytes(pdf), key


def render_pdf_html(*, version: PurchaseOrderVersion, language: str, show_prices: bool, show_dimensions: bool) -> str:
    """The HTML a PDF of ``version`` is laid out from, in ``language``."""
    with translation.override(language):
        context = document_context(version=version, show_prices=show_prices, show_dimensions=show_dimensions)
        context["for_pdf"] = True
        # Characters that HTML and XML cannot hold, in rows stored before the input rules, are replaced.
        return xml_safe(render_to_string(TEMPLATE, context))


def layout_document(html: str, css: str) -> Any:
    """WeasyPrint's laid-out document (its pages and boxes): what the PDF is written from, and what tests measure."""
    from weasyprint import CSS, HTML

    fetcher = _local_url_fetcher()
    base_url = STATIC_DIR.as_uri() + "/"
    stylesheet = CSS(string=css, base_url=base_url, url_fetcher=fetcher)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=[stylesheet])


def _layout_pdf(html: str, css: str) -> bytes:
    pdf = layout_document(html, css).write_pdf()
    assert pdf is not None  # write_pdf returns the bytes when no target is given
    return bytes(pdf)
