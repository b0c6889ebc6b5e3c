"""The vendor portal's pages through Django's test client: scoping, query counts, answering, form errors."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse, reverse_lazy

from vendorcollab.common.testing.factories import in_days, line, make_po
from vendorcollab.purchasing.models import (
    Attachment,
    POStatus,
    PurchaseOrder,
    ResponseDraft,
    ResponseKind,
    VendorResponse,
    Visibility,
)
from vendorcollab.purchasing.services import po_confirm, po_request_change, po_send, po_update, response_submit


@pytest.fixture
def sent(cast):
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)


def signed_in(client, user):
    client.force_login(user)
    return client


def vendor_urls(po, attachment=None):
    """Every vendor page and download about ``po`` (GET unless marked)."""
    urls = [
        ("get", reverse("vendor:po_detail", args=[po.pk])),
        ("get", reverse("vendor:po_version", args=[po.pk, 1])),
        ("get", reverse("vendor:po_history", args=[po.pk])),
        ("get", reverse("vendor:po_pdf", args=[po.pk])),
        ("get", reverse("vendor:po_version_pdf", args=[po.pk, 1])),
        ("get", reverse("vendor:po_print", args=[po.pk])),
        ("get", reverse("vendor:po_reject", args=[po.pk])),
        ("get", reverse("vendor:po_respond", args=[po.pk])),
        ("post", reverse("vendor:po_accept", args=[po.pk])),
        ("post", reverse("vendor:po_reject", args=[po.pk])),
        ("post", reverse("vendor:po_respond", args=[po.pk])),
    ]
    if attachment is not None:
        urls.append(("get", reverse("vendor:attachment", args=[attachment.pk])))
    return urls


def external_attachment(cast, po):
    attachment = Attachment(purchase_order=po, visibility=Visibility.EXTERNAL, name="spec.txt", uploaded_by=cast.agent)
    attachment.file.save("spec.txt", SimpleUploadedFile("spec.txt", b"drawing"), save=False)
    attachment.save()
    return attachment


def test_vendor_b_gets_404_on_everything_of_vendor_a(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    attachment = external_attachment(cast, po)
    po = po_send(actor=cast.agent, purchase_order=po)
    signed_in(client, cast.vendor_b_user)
    for method, url in vendor_urls(po, attachment):
        response = getattr(client, method)(url, {"version": 1, "reason": "x"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert VendorResponse.objects.count() == 0
    # ... while vendor A's user reaches every one of them.
    signed_in(client, cast.vendor_a_user)
    for method, url in vendor_urls(po, attachment):
        if method == "get":
            assert client.get(url).status_code == 200, url


LIST_URLS = [
    ("get", reverse_lazy("vendor:workspace")),
    ("post", reverse_lazy("vendor:po_bulk_accept")),
    ("get", reverse_lazy("vendor:po_list", args=["for_review"])),
    ("get", reverse_lazy("vendor:history")),
    ("post", reverse_lazy("vendor:toggle_dimensions")),
]


def test_every_vendor_url_is_covered_by_the_scoping_tests():
    """A new vendor page must be added to ``vendor_urls`` or ``LIST_URLS``, or this fails."""
    _, vendor_resolver = get_resolver().namespace_dict["vendor"]
    # Invoicing's vendor pages share the namespace; invoicing's own test_vendor_pages covers them.
    names = {
        pattern.name
        for pattern in vendor_resolver.url_patterns
        if not pattern.lookup_str.startswith("vendorcollab.invoicing.")
        # Shipping's too: shipping's test_vendor_pages covers them.
        and not pattern.lookup_str.startswith("vendorcollab.shipping.")
    }
    po = PurchaseOrder(pk=1)
    tested = vendor_urls(po, Attachment(pk=1)) + LIST_URLS
    assert names == {resolve(str(url)).url_name for _, url in tested}


def test_buyers_get_404_and_anonymous_users_are_sent_to_sign_in(client, cast, sent):
    signed_in(client, cast.agent)
    for method, url in vendor_urls(sent) + LIST_URLS:
        assert getattr(client, method)(url).status_code == 404, url
    client.logout()
    response = client.get(reverse("vendor:po_detail", args=[sent.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_internal_attachments_do_not_exist_for_the_vendor(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    internal = Attachment(purchase_order=po, visibility=Visibility.INTERNAL, name="cost.txt", uploaded_by=cast.agent)
    internal.file.save("cost.txt", SimpleUploadedFile("cost.txt", b"margin"), save=False)
    internal.save()
    po_send(actor=cast.agent, purchase_order=po)
    signed_in(client, cast.vendor_a_user)
    assert client.get(reverse("vendor:attachment", args=[internal.pk])).status_code == 404


def test_workspace_counts_and_dutch(client, cast, sent):
    waiting = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=waiting, version=1, kind=ResponseKind.ACCEPTED)
    signed_in(client, cast.vendor_a_user)
    page = client.get(reverse("vendor:workspace")).content.decode()
    assert 'data-list="for_review">\n        <span class="tile-count">1</span>' in page
    assert 'data-list="awaiting_customer">\n        <span class="tile-count">1</span>' in page
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save()
    page = client.get(reverse("vendor:workspace")).content.decode()
    assert 'lang="nl"' in page
    assert "Inkooporders ter beoordeling" in page


def test_list_search_filter_and_sort(client, cast):
    first = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, number="A-100")
    second = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[1:2], send=True, number="B-200")
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_list", args=["for_review"])
    page = client.get(url, {"sort": "number"}).content.decode()
    assert page.index("A-100-1") < page.index("B-200-1")
    page = client.get(url, {"sort": "-number"}).content.decode()
    assert page.index("B-200-1") < page.index("A-100-1")
    page = client.get(url, {"q": cast.items[1].number}).content.decode()
    assert "B-200-1" in page and "A-100-1" not in page
    page = client.get(url, {"q": "A-10"}).content.decode()
    assert "A-100-1" in page and "B-200-1" not in page
    assert client.get(url, {"company": cast.company.pk + 999}).context["page"].paginator.count == 0
    assert {po.pk for po in client.get(url, {"company": cast.company.pk}).context["page"]} == {first.pk, second.pk}
    assert client.get(reverse("vendor:po_list", args=["nonsense"])).status_code == 404
    # The column headers sort too: clicking "Purchase order" sorts by number, again reverses it.
    page = client.get(url).content.decode()
    assert 'href="?sort=number"' in page and 'aria-sort="descending"' in page
    assert 'href="?sort=-number"' in client.get(url, {"sort": "number"}).content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_pages_use_a_constant_number_of_queries(client, cast):
    def populate(count):
        for _ in range(count):
            make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
            confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
            po_confirm(actor=cast.agent, purchase_order=confirmed, without_response=True)
            waiting = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
            response_submit(actor=cast.vendor_a_user, purchase_order=waiting, version=1, kind=ResponseKind.ACCEPTED)
            # Version 2 with a changed quantity: the lists flag it "Changed since version 1" (issue 14).
            changed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
            response_submit(actor=cast.vendor_a_user, purchase_order=changed, version=1, kind=ResponseKind.REJECTED)
            changed = po_request_change(actor=cast.agent, purchase_order=changed)
            edit = [line(cast.items[0], line_number=1, quantity="3")]
            po_update(actor=cast.agent, purchase_order=changed, lines=edit)
            po_send(actor=cast.agent, purchase_order=changed)

    urls = [
        reverse("vendor:workspace"),
        *(
            reverse("vendor:po_list", args=[which])
            for which in ("for_review", "awaiting_customer", "open_confirmed", "all_confirmed")
        ),
        reverse("vendor:history"),
    ]
    signed_in(client, cast.vendor_a_user)
    populate(3)
    small = [count_queries(client, url) for url in urls]
    populate(27)  # 30 per list: more than a page of 25
    large = [count_queries(client, url) for url in urls]
    assert large == small
    assert "Changed since version 1" in client.get(reverse("vendor:po_list", args=["for_review"])).content.decode()


def test_po_pages_use_a_constant_number_of_queries_whatever_the_lines(client, cast):
    from vendorcollab.common.testing.factories import ItemFactory

    def po_with(lines):
        items = [ItemFactory(company=cast.company) for _ in range(lines)]
        po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items, send=True)
        response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED)
        po = po_request_change(actor=cast.agent, purchase_order=po)
        return po_send(actor=cast.agent, purchase_order=po)

    small, large = po_with(3), po_with(40)
    signed_in(client, cast.vendor_a_user)
    for name in ("vendor:po_detail", "vendor:po_history", "vendor:po_respond", "vendor:po_reject"):
        assert count_queries(client, reverse(name, args=[small.pk])) == count_queries(
            client, reverse(name, args=[large.pk])
        ), name
    assert count_queries(client, reverse("vendor:po_version", args=[small.pk, 1])) == count_queries(
        client, reverse("vendor:po_version", args=[large.pk, 1])
    )


def test_accept_asks_once_then_accepts(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_accept", args=[sent.pk])
    asked = client.post(url, {"version": 1})
    assert asked.status_code == 200 and not VendorResponse.objects.exists()
    page = asked.content.decode()
    assert f"Accept {sent.number}-1?" in page and 'name="confirmed" value="1"' in page
    response = client.post(url, {"version": 1, "confirmed": "1"}, follow=True)
    assert VendorResponse.objects.get(purchase_order=sent).kind == ResponseKind.ACCEPTED
    expected = "Response sent to Contoso Nederland: accepted. The customer will confirm the purchase order."
    assert expected in response.content.decode()


def test_reject_needs_a_reason_and_keeps_what_was_typed(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_reject", args=[sent.pk])
    response = client.post(url, {"version": 1, "reason": "", "vendor_reference": "REF-9"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert 'value="REF-9"' in page
    assert 'aria-invalid="true"' in page
    assert not VendorResponse.objects.exists()
    client.post(url, {"version": 1, "reason": "Discontinued", "vendor_reference": "REF-9"})
    answer = VendorResponse.objects.get()
    assert (answer.kind, answer.note, answer.vendor_reference) == (ResponseKind.REJECTED, "Discontinued", "REF-9")


def editor_post(version=1, **fields):
    data = {"version": version, "command": "submit", "response-vendor_reference": "SO-1"}
    for number, quantity in ((1, "10"), (2, "20"), (3, "30")):
        data.update(
            {
                f"line-{number}-action": "accept",
                f"line-{number}-quantity": quantity,
                f"line-{number}-delivery_date": in_days(14).isoformat(),
                f"line-{number}-schedule-count": "2",
            }
        )
    data.update(fields)
    return data


def test_editor_errors_are_next_to_the_field_and_nothing_typed_is_lost(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_respond", args=[sent.pk])
    data = editor_post(
        **{
            "line-1-action": "change",
            "line-1-quantity": "-4",
            "line-1-note": "Keep me",
            "line-2-action": "split",
            "line-2-schedule-0-quantity": "5",
            "line-2-schedule-0-delivery_date": in_days(-3).isoformat(),
            "line-2-schedule-1-quantity": "15",
            "line-2-schedule-1-delivery_date": in_days(20).isoformat(),
        }
    )
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_line-1-quantity-error">The quantity must be greater than zero.' in page
    assert 'id="id_line-2-schedule-0-delivery_date-error">The date cannot be in the past.' in page
    assert "Keep me" in page and 'value="SO-1"' in page and 'value="-4"' in page
    assert not VendorResponse.objects.exists()
    # A value that is not a number at all is caught by the form, translated too.
    cast.vendor_a_user.language = "nl"
    cast.vendor_a_user.save()
    page = client.post(url, editor_post(**{"line-1-action": "change", "line-1-quantity": "many"})).content.decode()
    assert "Voer een getal in." in page


def test_editor_submits_every_line_action(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    data = editor_post(
        **{
            "line-1-action": "change",
            "line-1-quantity": "8",
            "line-2-action": "split",
            "line-2-schedule-count": "2",
            "line-2-schedule-0-quantity": "5",
            "line-2-schedule-0-delivery_date": in_days(10).isoformat(),
            "line-2-schedule-1-quantity": "15",
            "line-2-schedule-1-delivery_date": in_days(20).isoformat(),
            "line-3-action": "substitute",
            "line-3-external_item_number": "ALT-3",
            "line-3-external_description": "Blue",
            "line-3-attachment": SimpleUploadedFile("datasheet.pdf", b"%PDF-1.4 sheet"),
            "quantities_confirmed": "1",  # 8 of the 10 ordered: asked and confirmed
        }
    )
    response = client.post(reverse("vendor:po_respond", args=[sent.pk]), data, follow=True)
    answer = VendorResponse.objects.get()
    rows = {row.line_number: row for row in answer.lines.all()}
    assert (rows[1].action, rows[1].quantity) == ("change", Decimal(8))
    assert (rows[2].action, rows[2].quantity) == ("split", Decimal(20))
    assert (rows[3].action, rows[3].external_item_number) == ("substitute", "ALT-3")
    assert answer.attachments.get().line_number == 3
    assert "accepted with changes on 3 of 3 lines" in response.content.decode()


def test_a_change_to_the_ordered_values_is_refused(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    response = client.post(reverse("vendor:po_respond", args=[sent.pk]), editor_post(**{"line-1-action": "change"}))
    assert response.status_code == 422
    assert "Give a new quantity or delivery date for a changed line." in response.content.decode()


def test_update_delivery_date_without_javascript(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    date = in_days(45).isoformat()
    response = client.post(
        reverse("vendor:po_respond", args=[sent.pk]),
        editor_post(**{"command": "update_dates", "response-delivery_date": date, "line-2-action": "reject"}),
    )
    editor = response.context["editor"]
    assert [(e.action, e.form["delivery_date"].value()) for e in editor.lines] == [
        ("change", date),
        ("reject", in_days(14).isoformat()),
        ("change", date),
    ]


def test_schedule_rows_are_added_and_removed(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_respond", args=[sent.pk])
    data = editor_post(**{"line-2-action": "split", "line-2-schedule-0-quantity": "7", "command": "add_row:2"})
    editor = client.post(url, data).context["editor"]
    assert len(editor.lines[1].schedule) == 3
    data.update({"line-2-schedule-count": "3", "line-2-schedule-1-quantity": "9", "command": "remove_row:2:0"})
    editor = client.post(url, data).context["editor"]
    assert [row["quantity"].value() for row in editor.lines[1].schedule] == ["9", ""]


def test_a_quantity_other_than_ordered_asks_once_before_sending(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_respond", args=[sent.pk])
    split = {
        "line-2-action": "split",
        "line-2-schedule-0-quantity": "5",
        "line-2-schedule-0-delivery_date": in_days(10).isoformat(),
        "line-2-schedule-1-quantity": "10",
        "line-2-schedule-1-delivery_date": in_days(20).isoformat(),
    }
    data = editor_post(**{"line-1-action": "change", "line-1-quantity": "7", **split})
    asked = client.post(url, data)
    page = asked.content.decode()
    assert asked.status_code == 200 and not VendorResponse.objects.exists()
    assert "Line 1: you confirm 7 of 10 ordered." in page and "Line 2: you confirm 15 of 20 ordered." in page
    assert 'name="quantities_confirmed" value="1"' in page and 'value="7"' in page  # the answer is kept
    response = client.post(url, {**data, "quantities_confirmed": "1"}, follow=True)
    assert VendorResponse.objects.get().lines.get(line_number=1).quantity == Decimal(7)
    assert "accepted with changes on 2 of 3 lines" in response.content.decode()
    # As ordered in total (a split of 20 into 5 + 15, a date change): nothing to ask, sent at once.
    other = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    as_ordered = editor_post(**{**split, "line-2-schedule-1-quantity": "15", "line-3-action": "change"})
    as_ordered["line-3-delivery_date"] = in_days(30).isoformat()
    assert client.post(reverse("vendor:po_respond", args=[other.pk]), as_ordered).status_code == 302
    assert VendorResponse.objects.filter(purchase_order=other).exists()


def test_draft_then_submit_creates_one_response(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_respond", args=[sent.pk])
    client.post(url, editor_post(**{"command": "save_draft", "line-1-action": "change", "line-1-quantity": "3"}))
    draft = ResponseDraft.objects.get()
    assert draft.payload["line-1-quantity"] == "3"
    # A colleague opens the editor and finds the draft.
    signed_in(client, cast.vendor_a_admin)
    editor = client.get(url).context["editor"]
    assert editor.lines[0].form["quantity"].value() == "3"
    data = editor_post(**{"line-1-action": "change", "line-1-quantity": "3", "quantities_confirmed": "1"})
    client.post(url, data)
    second = client.post(url, data)
    assert VendorResponse.objects.count() == 1
    assert second.status_code == 409
    assert "already has a response" in second.content.decode()
    assert not ResponseDraft.objects.exists()


def test_a_newer_version_while_editing_keeps_the_notes_visible(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_respond", args=[sent.pk])
    po = po_request_change(actor=cast.agent, purchase_order=sent)
    po_send(actor=cast.agent, purchase_order=po)
    response = client.post(url, editor_post(**{"response-note": "Call me first", "line-2-note": "Pallets only"}))
    page = response.content.decode()
    assert response.status_code == 409
    assert "version 2 of this purchase order has arrived" in page
    assert "Call me first" in page and "Pallets only" in page
    assert reverse("vendor:po_detail", args=[sent.pk]) in page
    assert not VendorResponse.objects.exists()


def test_dimension_columns_are_remembered(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_detail", args=[sent.pk])
    assert ">Warehouse</th>" not in client.get(url).content.decode()
    client.post(reverse("vendor:toggle_dimensions"), {"next": url})
    assert ">Warehouse</th>" in client.get(url).content.decode()
    cast.vendor_a_user.refresh_from_db()
    assert cast.vendor_a_user.show_dimensions


def test_prices_only_where_the_vendor_may_see_them(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    url = reverse("vendor:po_detail", args=[sent.pk])
    assert ">Unit price</th>" in client.get(url).content.decode()
    cast.vendor_a.show_prices = False
    cast.vendor_a.save()
    page = client.get(url).content.decode()
    assert ">Unit price</th>" not in page and "150.00" not in page


def test_pdf_of_the_po(client, cast, sent):
    import io

    from pypdf import PdfReader

    signed_in(client, cast.vendor_a_user)
    response = client.get(reverse("vendor:po_pdf", args=[sent.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"{sent.number}-1" in text
    assert cast.items[0].number in text


def test_confirmed_po_shows_its_status(client, cast, sent):
    po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)
    signed_in(client, cast.vendor_a_user)
    page = client.get(reverse("vendor:po_detail", args=[sent.pk])).content.decode()
    assert str(POStatus.CONFIRMED.label) in page
    assert 'data-action="accept"' not in page


def test_editor_starts_from_the_ordered_values(client, cast, sent):
    signed_in(client, cast.vendor_a_user)
    editor = client.get(reverse("vendor:po_respond", args=[sent.pk])).context["editor"]
    assert [(e.action, e.form["quantity"].value()) for e in editor.lines] == [
        ("accept", "10"),
        ("accept", "20"),
        ("accept", "30"),  # never "3E+1"
    ]
    assert editor.lines[0].schedule[0]["quantity"].value() == "10"
