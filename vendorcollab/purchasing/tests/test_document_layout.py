"""The PO PDF as laid out by WeasyPrint: the lines table's column headers never print on top of each other (in
English and Dutch, with and without dimensions and prices), and the document shows both addresses and grouped
numbers."""

import io
from decimal import Decimal

import pypdf
import pytest
from playwright.sync_api import expect

from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import line
from vendorcollab.common.testing.layout import EPSILON, assert_headers_apart, header_cells, page_right, tables
from vendorcollab.purchasing import documents
from vendorcollab.purchasing.services import ChargeInput, po_create, po_send


@pytest.fixture
def order(cast):
    """A sent PO whose lines carry every column: a discount, dimensions, a large quantity and amount."""
    cast.company.street_name, cast.company.postal_zone, cast.company.city_name = (
        "Stationsplein 12",
        "1012 AB",
        "Amsterdam",
    )
    cast.company.save()
    cast.vendor_a.street_name, cast.vendor_a.postal_zone, cast.vendor_a.city_name = (
        "Industrieweg 4",
        "3044 AS",
        "Rotterdam",
    )
    cast.vendor_a.save()
    cast.site.name = "Amsterdam Port"
    cast.site.street_name, cast.site.postal_zone, cast.site.city_name = "Havenstraat 7", "1013 AA", "Amsterdam"
    cast.site.save()
    first, second, third = cast.items
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(first, quantity="12500", price="1234.50", warehouse=cast.warehouse, color="Crimson", size="XXL"),
            line(second, quantity="20", discount_percent=Decimal("12.5"), style="Slimline", configuration="CFG-9"),
            line(third, quantity="30", site=cast.site),
        ],
        charges=[ChargeInput("FREIGHT", Decimal("45.00"), description="Freight")],
    )
    return po_send(actor=cast.agent, purchase_order=po).latest_version


def laid_out(version, *, language: str, show_prices: bool, show_dimensions: bool):
    html = documents.render_pdf_html(
        version=version, language=language, show_prices=show_prices, show_dimensions=show_dimensions
    )
    return documents.layout_document(html, documents.STYLESHEET.read_text(encoding="utf-8"))


LAYOUTS = [
    pytest.param(
        language,
        prices,
        dimensions,
        id=f"{language}-{'prices' if prices else 'no prices'}-{'dimensions' if dimensions else 'no dimensions'}",
    )
    for language in ("nl", "en")
    for prices in (True, False)
    for dimensions in (True, False)
]


@pytest.mark.parametrize(("language", "show_prices", "show_dimensions"), LAYOUTS)
def test_no_two_column_headers_overlap(order, language, show_prices, show_dimensions):
    document = laid_out(order, language=language, show_prices=show_prices, show_dimensions=show_dimensions)
    page = document.pages[0]
    cells = header_cells(page._page_box)
    assert len(cells) == (9 if show_prices else 6)  # line, item, description, quantity, unit, date (+ prices)
    assert_headers_apart(cells)
    # The table stays on the page.
    (table,) = tables(page, "lines")
    assert table.border_box_x() + table.border_width() <= page_right(page) + EPSILON


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("language", "amounts", "lines"),
    [
        ("en", ("12,500", "1,234.50", "15,431,250.00"), ("LINES 1, 3", "LINE 2")),
        ("nl", ("12.500", "1.234,50", "15.431.250,00"), ("REGELS 1, 3", "REGEL 2")),
    ],
)
def test_the_pdf_shows_both_addresses_and_groups_thousands(cast, order, language, amounts, lines):
    text = pdf_text(
        documents.render_version_pdf(version=order, language=language, show_prices=True, show_dimensions=False)
    )
    assert "Industrieweg 4" in text and "3044 AS Rotterdam" in text  # the vendor's address
    # Lines 1 (through its warehouse) and 3 go to the site's address, line 2 to the company's.
    assert "Contoso Nederland, Amsterdam Port" in text and "Havenstraat 7" in text and "1013 AA Amsterdam" in text
    assert all(words in text for words in lines), text  # the labels are set in capitals
    assert all(amount in text for amount in amounts), text


def test_one_place_of_delivery_needs_no_line_numbers(cast, order):
    """One site for every ordered line: its address alone; no site at all: the company's; cancelled lines aside."""
    first, second, _ = cast.items

    def places(*lines):
        po = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=list(lines))
        version = po_send(actor=cast.agent, purchase_order=po).latest_version
        context = documents.document_context(version=version, show_prices=False, show_dimensions=False)
        return [
            (place.name, "\n".join(place.address_lines), place.line_numbers) for place in context["delivery_addresses"]
        ]

    amsterdam = ("Contoso Nederland, Amsterdam Port", "Havenstraat 7\n1013 AA Amsterdam", ())
    company = ("Contoso Nederland", "Stationsplein 12\n1012 AB Amsterdam", ())
    assert places(line(first, site=cast.site), line(second, warehouse=cast.warehouse)) == [amsterdam]
    assert places(line(first, site=cast.site), line(second, is_cancelled=True)) == [amsterdam]
    assert places(line(first), line(second)) == [company]
    cast.site.street_name = cast.site.postal_zone = cast.site.city_name = ""
    cast.site.save()
    # A site without an address of its own is at the company's.
    assert places(line(first, site=cast.site)) == [("Contoso Nederland, Amsterdam Port", company[1], ())]


@pytest.mark.parametrize(("language", "heading"), [("en", "Delivery address"), ("nl", "Leveringsadres")])
def test_the_print_view_shows_the_addresses_and_passes_axe(page, live_server, cast, order, language, heading):
    cast.vendor_a_user.language = language
    cast.vendor_a_user.save()
    login(page, live_server.url, "dave", "pw-dave")
    page.goto(f"{live_server.url}/vendor/purchase-orders/{order.purchase_order.pk}/print/")
    expect(page.locator(".delivery h2")).to_have_text(heading)
    expect(page.locator(".delivery address").first).to_contain_text("Havenstraat 7")
    expect(page.locator(".addressee > address")).to_contain_text("Industrieweg 4")
    screenshot(page, f"po-print-{language}")
    assert_accessible(page, f"PO print view ({language})")
