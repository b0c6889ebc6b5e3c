"""The PO as a business document: the PDF and the browser's print page, prices and dimensions as asked, languages."""

import io
import logging
from decimal import Decimal

import pypdf
import pytest

from vendorcollab.common.testing.factories import line
from vendorcollab.purchasing import documents
from vendorcollab.purchasing.documents import (
    document_context,
    page_counter_css,
    render_document_html,
    render_version_pdf,
)
from vendorcollab.purchasing.models import Attachment, LineAction, Note, ResponseKind, Visibility
from vendorcollab.purchasing.services import ChargeInput, po_confirm, po_create, po_send, response_submit

from .helpers import answer, split


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def confirmed(cast):
    """Version 1 sent with dimensions, a charge, notes and an attachment; version 2 confirms the vendor's split,
    substitute and rejection."""
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
    first, second, third = cast.items
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[
            line(first, price="1234.50", warehouse=cast.warehouse, color="Crimson", size="XXL"),
            line(second, quantity="20", style="Slimline", configuration="CFG-9"),
            line(third, quantity="30"),
        ],
        charges=[ChargeInput("FREIGHT", Decimal("45.00"), description="Freight")],
    )
    Note.objects.create(purchase_order=po, visibility=Visibility.EXTERNAL, text="Deliver at dock 3", author=cast.agent)
    Note.objects.create(purchase_order=po, visibility=Visibility.INTERNAL, text="Vendor is slow", author=cast.agent)
    Attachment.objects.create(
        purchase_order=po,
        visibility=Visibility.EXTERNAL,
        file="attachments/spec.pdf",
        name="drawing-4711.pdf",
        uploaded_by=cast.agent,
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        vendor_reference="SO-981",
        lines=[
            split(1, ("4", 20), ("6", 30)),
            answer(2, LineAction.REJECT),
            answer(3, LineAction.SUBSTITUTE, external_item_number="ALT-3", external_description="Stainless variant"),
        ],
    )
    po = po_confirm(actor=cast.agent, purchase_order=po, apply_vendor_changes=True)
    return po.confirmed_version


def test_the_pdf_shows_the_confirmed_version_with_split_and_substitute(cast, confirmed):
    text, _ = pdf_text(render_version_pdf(version=confirmed, language="en", show_prices=True, show_dimensions=True))
    assert "PO-000001-2" in text
    assert "Contoso Nederland" in text and "Alpha Supplies" in text and "Industrieweg 4" in text
    assert cast.items[0].number in text
    assert "ALT-3" in text and "Stainless variant" in text  # the vendor's item beside ours
    assert cast.items[2].number in text
    assert "Schedule line 1 of 2" in text and "Schedule line 2 of 2" in text
    assert "CANCELLED" in text  # the rejected line stays, marked (the label is set in capitals)
    assert "SO-981" in text
    assert "Deliver at dock 3" in text and "Vendor is slow" not in text
    assert "drawing-4711.pdf" in text


def test_prices_and_totals_only_when_shown(confirmed):
    with_prices, _ = pdf_text(
        render_version_pdf(version=confirmed, language="en", show_prices=True, show_dimensions=False)
    )
    # 10 x 1,234.50 + 30 x 2.50 (line 2 cancelled) + 45.00 freight
    assert "1,234.50" in with_prices and "12,345.00" in with_prices
    assert "Freight" in with_prices and "Total EUR" in with_prices and "12,465.00" in with_prices
    without_prices, _ = pdf_text(
        render_version_pdf(version=confirmed, language="en", show_prices=False, show_dimensions=False)
    )
    for price in ("1,234.50", "12,345.00", "2.50", "Freight", "Total", "12,465.00", "Unit price", "Amount"):
        assert price not in without_prices


def test_dimensions_only_when_shown(confirmed):
    dimensions = ("AMS-1", "Crimson", "XXL", "Slimline", "CFG-9")
    shown, _ = pdf_text(render_version_pdf(version=confirmed, language="en", show_prices=False, show_dimensions=True))
    assert all(value in shown for value in dimensions)
    hidden, _ = pdf_text(render_version_pdf(version=confirmed, language="en", show_prices=False, show_dimensions=False))
    assert not any(value in hidden for value in dimensions)
    assert "Warehouse" not in hidden


def test_the_pdf_renders_in_dutch(confirmed):
    text, pages = pdf_text(render_version_pdf(version=confirmed, language="nl", show_prices=True, show_dimensions=True))
    assert pages >= 1
    assert "PO-000001-2" in text
    assert "12.345,00" in text  # Dutch separators, whether or not the words are translated yet


def test_a_long_order_runs_over_pages_with_numbers(cast):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[line(cast.items[number % 3], quantity=str(number + 1)) for number in range(50)],
    )
    version = po_send(actor=cast.agent, purchase_order=po).latest_version
    text, pages = pdf_text(render_version_pdf(version=version, language="en", show_prices=True, show_dimensions=False))
    assert pages >= 2
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "LINE" in text.split(f"Page 1 of {pages}")[1]  # the table header again on the next page


def test_the_html_print_page(confirmed, client, rf):
    html = render_document_html(request=rf.get("/"), version=confirmed, show_prices=True, show_dimensions=True)
    assert '<html lang="en">' in html
    assert "PO-000001-2" in html
    assert 'href="/static/purchasing/document.css"' in html
    assert "Crimson" in html and "12,345.00" in html


def test_the_context_hides_what_is_not_shown(confirmed):
    context = document_context(version=confirmed, show_prices=False, show_dimensions=False)
    assert context["totals"] is None
    assert context["columns"] == 6
    first = context["lines"][0]
    assert (first.site, first.warehouse, first.color, first.size) == ("", "", "", "")
    assert [row.quantity for row in first.schedule] == [Decimal(4), Decimal(6)]
    assert [line.is_cancelled for line in context["lines"]] == [False, True, False]


def test_the_page_counter_is_one_translatable_sentence_turned_into_css(monkeypatch):
    assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'
    # A translation may reorder the words; whatever it contains cannot end the CSS string or the <style> element.
    monkeypatch.setattr(documents, "gettext", lambda text: '%(pages)s pages, "this" is %(page)s</style>')
    css = page_counter_css()
    assert css.startswith("counter(pages) ") and " counter(page)" in css
    assert css.count('"') == 4 and "<" not in css


def test_rendering_fetches_nothing_and_warns_of_nothing(confirmed, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_version_pdf(version=confirmed, language="en", show_prices=True, show_dimensions=True)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
    fetcher = documents._local_url_fetcher()
    for url in ("https://example.com/logo.png", "http://127.0.0.1/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(documents.STYLESHEET.as_uri()).read().startswith(b"/*")


def test_a_pdf_is_laid_out_once_and_again_when_what_it_shows_changes(client, cast, monkeypatch):
    """The PDF of a version is found again by what identifies it; an answer or a renamed vendor makes a new one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from vendorcollab.common.testing.factories import make_po

    layouts = []
    real_layout = documents._layout_pdf

    def counting_layout(html: str, css: str) -> bytes:
        layouts.append(html)
        return real_layout(html, css)

    monkeypatch.setattr(documents, "_layout_pdf", counting_layout)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    client.force_login(cast.vendor_a_user)
    url = reverse("vendor:po_pdf", args=[po.pk])
    first = client.get(url).content
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).content
    assert (len(layouts), again) == (1, first)
    assert not any("purchasing_versionline" in query["sql"] for query in queries.captured_queries)

    response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED, vendor_reference="SO-77"
    )
    assert "SO-77" in pdf_text(client.get(url).content)[0]
    cast.vendor_a.name = "Alpha Renamed"
    cast.vendor_a.save()
    assert "Alpha Renamed" in pdf_text(client.get(url).content)[0]
    assert len(layouts) == 3
    # The buyer's copy of the same version, with the same options, is the same document: not laid out again.
    client.force_login(cast.agent)
    client.get(reverse("buyer:po_version_pdf", args=[po.pk, 1]))
    assert len(layouts) in (3, 4)  # the buyer's page shows dimensions, which the vendor user chose not to
